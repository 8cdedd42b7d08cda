// Transaction.timings (RelationalAI's transaction timings), read from the moments the server records
// for every job, so every way a transaction ends (completed, failed, canceled, timed out) gives them
// alike and no write path pays for them.
import type { JobRecord } from "../../jobs/model.ts";

export interface TransactionTimings {
  /** From creation to its first start (to its end if it never started). */
  queuedMs: number;
  /** From its first start to its end, retries included; null if it never started. */
  runMs: number | null;
  /** From creation to its end. */
  totalMs: number;
}

const between = (from: Date, to: Date) => Math.max(0, to.getTime() - from.getTime());

/** Null until the transaction has ended. */
export function transactionTimings(
  job: Pick<JobRecord, "createdOn" | "startedOn" | "finishedOn">,
): TransactionTimings | null {
  const { createdOn, startedOn, finishedOn } = job;
  if (!finishedOn) return null;
  return {
    queuedMs: between(createdOn, startedOn ?? finishedOn),
    runMs: startedOn ? between(startedOn, finishedOn) : null,
    totalMs: between(createdOn, finishedOn),
  };
}
