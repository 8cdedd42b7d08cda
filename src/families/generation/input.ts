import { z } from "zod";
import { GenerationKinds, PlanTiers } from "../../jobs/model.ts";
import type { NewJob } from "../../jobs/new-job.ts";
import { idempotencyKey, optionalName, parseInput, timeoutMins } from "../../jobs/validation.ts";
import { estimateCredits } from "./credits.ts";
import { generationQueue, tierPriority } from "./queues.ts";

export const MAX_ROWS = 1_000_000_000;

export const CreateGenerationJobInput = z.object({
  kind: z.enum(GenerationKinds),
  rows: z.number().int().min(0).max(MAX_ROWS).nullish().transform((v) => v ?? null),
  description: z.string().max(10_000).nullish().transform((v) => v ?? null),
  seed: z.number().int().min(0).max(2_147_483_647).nullish(),
  spec: z.record(z.string(), z.unknown()).nullish().transform((v) => v ?? null),
  planTier: z.enum(PlanTiers).nullish().transform((v) => v ?? "STANDARD"),
  name: optionalName,
  timeoutMins,
  idempotencyKey,
  rerunOfId: z.string().uuid().nullish().transform((v) => v ?? null),
});
export type CreateGenerationJobInput = z.output<typeof CreateGenerationJobInput>;

/** With no seed given, one is drawn and stored, so a rerun reproduces the output exactly. */
export function generationJob(input: unknown, path = "input"): NewJob {
  const g = parseInput(CreateGenerationJobInput, input, path);
  if (g.kind === "MOCK" && g.rows === null) {
    parseInput(z.never({ message: "MOCK jobs need rows" }), undefined, `${path}.rows`);
  }
  const seed = g.seed ?? Math.floor(Math.random() * 2_147_483_647);
  const queue = generationQueue(g.kind, g.planTier, g.rows);
  return {
    reasonerType: "GENERATION",
    reasonerName: queue,
    name: g.name,
    timeoutMins: g.timeoutMins,
    idempotencyKey: g.idempotencyKey,
    payload: { ...g, seed },
    queue,
    priority: tierPriority(g.planTier),
    generation: {
      kind: g.kind,
      rows: g.rows,
      description: g.description,
      seed,
      planTier: g.planTier,
      spec: g.spec,
      estimatedCredits: estimateCredits(g.rows ?? 0),
      rerunOfId: g.rerunOfId,
    },
  };
}
