// What a generation job costs, shown before submission (estimateCredits) and charged on success.
import type { GenerationKind } from "../../jobs/model.ts";

const ROWS_PER_CREDIT = 1_000_000;

/** Kinds that train a model first, and so need a GPU training tier. */
const TRAINING_KINDS: readonly GenerationKind[] = ["SYNTHESIZE", "TRAIN"];

/** GPU training tiers by rows, with the credits training at that tier costs on top of the rows. */
const TRAINING_TIERS = [
  { tier: "GPU-S", maxRows: 100_000, credits: 2 },
  { tier: "GPU-M", maxRows: 10_000_000, credits: 10 },
  { tier: "GPU-L", maxRows: Number.POSITIVE_INFINITY, credits: 50 },
] as const;

/** The training tier a kind that trains needs for this many rows; null for kinds that do not train. */
export function trainingTier(kind: GenerationKind, rows: number): string | null {
  return trainingTierOf(kind, rows)?.tier ?? null;
}

function trainingTierOf(kind: GenerationKind, rows: number) {
  if (!TRAINING_KINDS.includes(kind)) return null;
  return TRAINING_TIERS.find((t) => rows <= t.maxRows)!;
}

/** Kinds that make no rows (a contract, a scenario, a report): whatever `rows` says, none are priced. */
const ROWLESS_KINDS: readonly GenerationKind[] = ["FABRICATE", "SCENARIO_FABRICATE", "VERIFY"];

/** 1 credit per 1,000,000 rows made, rounded up, plus the training tier's price for kinds that train. */
export function estimateCredits(kind: GenerationKind, rows: number): number {
  const made = ROWLESS_KINDS.includes(kind) ? 0 : rows;
  return Math.ceil(made / ROWS_PER_CREDIT) + (trainingTierOf(kind, made)?.credits ?? 0);
}
