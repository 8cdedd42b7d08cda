// Which queue a generation job waits in, and how soon it is served, from its kind and plan tier.
import type { GenerationKind, PlanTier } from "../../jobs/model.ts";

/** Kinds the built-in executors run; the rest wait for an external worker on their queue. */
export const BUILT_IN_KINDS: readonly GenerationKind[] = ["MOCK", "ANALYZE", "FIT", "VERIFY", "LIFT", "TRAIN", "SYNTHESIZE", "SIMULATE", "FABRICATE", "SCENARIO_FABRICATE"];

export const INTERACTIVE_MAX_ROWS = 100_000;

/** Every queue generationQueue answers (the metrics report each, empty ones as 0). */
export const GENERATION_QUEUES: readonly string[] = ["free", "gpu", "interactive", "standard"];

export function generationQueue(kind: GenerationKind, tier: PlanTier, rows: number | null): string {
  if (tier === "FREE") return "free";
  if (kind === "TRAIN" || kind === "SYNTHESIZE") return "gpu";
  if (kind === "MOCK" && (rows ?? 0) <= INTERACTIVE_MAX_ROWS) return "interactive";
  return "standard";
}

/** Higher tiers are claimed first. */
export function tierPriority(tier: PlanTier): number {
  return tier === "ENTERPRISE" ? 20 : tier === "STANDARD" ? 10 : 0;
}
