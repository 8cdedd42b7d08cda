import { z } from "zod";
import { jobsError } from "../../errors.ts";
import { type GenerationKind, GenerationKinds, PlanTiers } from "../../jobs/model.ts";
import type { CreationLimits, NewJob } from "../../jobs/new-job.ts";
import { idempotencyKey, optionalName, parseInput, timeoutMins } from "../../jobs/validation.ts";
import { estimateCredits } from "./credits.ts";
import { DEFAULT_SIMULATE_ROWS } from "./engine/simulate.ts";
import { checkBuiltInSpec } from "./spec-check.ts";
import { generationQueue, tierPriority } from "./queues.ts";

export const MAX_ROWS = 1_000_000_000;

export const CreateGenerationJobInput = z.object({
  kind: z
    .enum(GenerationKinds)
    .nullish()
    .transform((v) => v ?? null),
  rows: z
    .number()
    .int()
    .min(0)
    .max(MAX_ROWS)
    .nullish()
    .transform((v) => v ?? null),
  description: z
    .string()
    .max(10_000)
    .nullish()
    .transform((v) => v ?? null),
  seed: z.number().int().min(0).max(2_147_483_647).nullish(),
  spec: z
    .record(z.string(), z.unknown())
    .nullish()
    .transform((v) => v ?? null),
  planTier: z
    .enum(PlanTiers)
    .nullish()
    .transform((v) => v ?? "STANDARD"),
  name: optionalName,
  timeoutMins,
  idempotencyKey,
});
export type CreateGenerationJobInput = z.output<typeof CreateGenerationJobInput>;

/** How an absent kind was chosen, as the job's payload records it (`kindChosen`). */
export interface KindChoice {
  kind: GenerationKind;
  reason: string;
}

/**
 * RadMah's `jobs.create(rows=, description=)` names no kind: the input picks the pipeline. A model
 * to sample from makes SYNTHESIZE; a dataset alone makes ANALYZE; a description (or columns, or
 * rows) makes MOCK.
 */
export function chooseKind(
  input: Pick<CreateGenerationJobInput, "rows" | "description" | "spec">,
  path: string,
): KindChoice {
  const spec = input.spec ?? {};
  if (spec.model != null) return { kind: "SYNTHESIZE", reason: "spec.model names a model to sample from" };
  if (spec.input != null || spec.inputs != null)
    return { kind: "ANALYZE", reason: "spec.input names a dataset and nothing else" };
  if (input.description != null) return { kind: "MOCK", reason: "a description alone" };
  if (spec.columns != null || input.rows != null)
    return { kind: "MOCK", reason: "rows or columns without a model or dataset" };
  throw jobsError(
    "BAD_USER_INPUT",
    `${path}.kind: give a kind, or a description, spec.model or spec.input to choose one`,
    { field: `${path}.kind` },
  );
}

/**
 * With no seed given, one is drawn and stored, so a rerun reproduces the output exactly. The job it
 * reruns (`rerunOfId`) is rerunJob's to say, never a client's input: lineage cannot be claimed.
 */
export function generationJob(
  input: unknown,
  limits: CreationLimits,
  path = "input",
  rerunOfId: string | null = null,
): NewJob {
  const g = parseInput(CreateGenerationJobInput, input, path);
  const choice = g.kind === null ? chooseKind(g, path) : null;
  const kind = choice?.kind ?? g.kind!;
  if (kind === "MOCK" && g.rows === null) {
    parseInput(z.never({ message: "MOCK jobs need rows" }), undefined, `${path}.rows`);
  }
  const seed = g.seed ?? Math.floor(Math.random() * 2_147_483_647);
  checkBuiltInSpec(
    { kind, rows: g.rows, description: g.description, seed, spec: g.spec, planTier: g.planTier },
    path,
    limits,
  );
  const queue = generationQueue(kind, g.planTier, g.rows);
  return {
    reasonerType: "GENERATION",
    reasonerName: queue,
    name: g.name,
    timeoutMins: g.timeoutMins,
    idempotencyKey: g.idempotencyKey,
    payload: { ...g, kind, seed, ...(choice && { kindChosen: choice }), ...(rerunOfId && { rerunOfId }) },
    queue,
    priority: tierPriority(g.planTier),
    generation: {
      kind,
      rows: g.rows,
      description: g.description,
      seed,
      planTier: g.planTier,
      spec: g.spec,
      estimatedCredits: estimateCredits(kind, rowsKnownAtCreation(kind, g.rows, g.spec)),
      rerunOfId,
    },
  };
}

/**
 * The rows a job will make, as far as its creation can know them: `rows`, else SIMULATE's default
 * time steps, or for SYNTHESIZE the rows of a model given inline (checked by then). Rows only a run
 * can find (SYNTHESIZE from a model by id makes as many as its training data) count as 0: the
 * estimate, which is what the job is charged, never follows what a run reports.
 */
function rowsKnownAtCreation(kind: GenerationKind, rows: number | null, spec: Record<string, unknown> | null): number {
  if (rows !== null) return rows;
  if (kind === "SIMULATE") return DEFAULT_SIMULATE_ROWS;
  const model = spec?.model;
  if (kind === "SYNTHESIZE" && typeof model === "object" && model !== null) {
    const modelRows = (model as { rows?: unknown }).rows;
    if (typeof modelRows === "number") return modelRows;
  }
  return 0;
}
