// Which queue a generation job waits in, and how soon it is served, from its kind and plan tier.
// The queue names carry RadMah's routing words: default, gpu, free, interactive.
import type { GenerationKind, PlanTier } from "../../jobs/model.ts";

const INTERACTIVE_MAX_ROWS = 100_000;

const QUEUES = { default: "default", gpu: "gpu", free: "free", interactive: "interactive" } as const;

/** Every queue generationQueue answers (the metrics report each, empty ones as 0). */
export const GENERATION_QUEUES: readonly string[] = Object.values(QUEUES);

/**
 * FREE-tier jobs: the free queue; TRAIN: the gpu queue; small MOCK runs (what a chat asks for while
 * someone waits): the interactive queue; everything else (SYNTHESIZE, ANALYZE, VERIFY, ...): default.
 */
export function generationQueue(kind: GenerationKind, tier: PlanTier, rows: number | null): string {
  if (tier === "FREE") return QUEUES.free;
  if (kind === "TRAIN") return QUEUES.gpu;
  if (kind === "MOCK" && (rows ?? 0) <= INTERACTIVE_MAX_ROWS) return QUEUES.interactive;
  return QUEUES.default;
}

/** Higher tiers are claimed first. */
export function tierPriority(tier: PlanTier): number {
  return tier === "ENTERPRISE" ? 20 : tier === "STANDARD" ? 10 : 0;
}
