import type { GenerationKind } from "../../jobs/model.ts";

export const ROWS_PER_CREDIT = 1_000_000;

/** 1 credit per 1,000,000 rows, rounded up. */
export function estimateCredits(rows: number): number {
  return Math.ceil(rows / ROWS_PER_CREDIT);
}

/** Model-training jobs are sized by rows; other kinds have no training tier. */
export function trainingTier(kind: GenerationKind, rows: number): string | null {
  if (kind !== "TRAIN") return null;
  if (rows <= 100_000) return "small";
  if (rows <= 10_000_000) return "medium";
  return "large";
}
