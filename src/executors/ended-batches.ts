// What a batch's executor does when its batch ends under it (cancel the running child, close the open
// steps), done for batches that ended with no executor there: handed back by a crashed or stopped
// process, then canceled while waiting, timed out or failed by the sweeper. Every process runs it;
// both of its steps are idempotent, so two processes closing one batch do no harm. It is also where a
// batch's child in an upstream that could not be reached when the batch ended is canceled, later,
// for up to JOBS_UPSTREAM_CANCEL_RETRY_S after the batch ended (counted from the batch's stored end,
// so a restart neither resets nor loses it); past that its step is closed without the cancel.
import type { Database } from "../db/database.ts";
import { isJobsError } from "../errors.ts";
import type { JobService } from "../jobs/service.ts";
import type { Logger } from "../logger.ts";
import { whyBatchEnded } from "./batch.ts";
import { creatorViewer } from "./creator.ts";
import { closeStepsOfEndedBatch, type StepNote } from "./sql/closeStepsOfEndedBatch.ts";
import { type EndedBatch, findEndedBatches } from "./sql/findEndedBatches.ts";

/** Batches closed per pass; the rest wait for the next. */
const BATCHES_PER_PASS = 50;

export interface EndedBatchDeps {
  db: Database;
  jobs: JobService;
  logger: Logger;
  /** How long after its batch ended an upstream child's cancel is tried again (JOBS_UPSTREAM_CANCEL_RETRY_S). */
  upstreamCancelRetryMs: number;
  /** Told of each upstream child whose cancel was given up on, by its gateway's name (a metric counts them). */
  onCancelAbandoned: (gateway: string) => void;
}

/**
 * Each pass closes ended batches' open steps, canceling the children they ran; returns how many
 * batches. A child whose upstream cannot be reached keeps its batch open (no step closed), so a
 * later pass cancels it once the upstream answers (or says it is gone); passes go round the
 * batches in id order, so such batches never hold the others back. Past upstreamCancelRetryMs
 * after the batch ended, its steps are closed anyway, the batch's log saying which upstream job
 * was never told.
 */
export function endedBatchCloser(deps: EndedBatchDeps): (signal?: AbortSignal) => Promise<number> {
  let after: string | null = null;
  return async (signal) => {
    const ended = await findEndedBatches(deps.db, BATCHES_PER_PASS, after);
    after = ended.length === BATCHES_PER_PASS ? ended.at(-1)!.id : null;
    let closed = 0;
    for (const batch of ended) {
      if (signal?.aborted) break;
      const creator = await creatorViewer(deps.db, batch.tenantId, batch.createdBy);
      const why = whyBatchEnded(batch.id, batch);
      const unreached: EndedBatch["children"] = [];
      for (const child of batch.children) {
        // A child already ended answers as it is; one nobody can read any more is left alone.
        await deps.jobs.cancel(child, false, creator, why).catch((err: unknown) => {
          if (isJobsError(err, "UPSTREAM_UNAVAILABLE")) unreached.push(child);
          deps.logger.warn({ err, batchId: batch.id, jobId: child.jobId }, "could not cancel an ended batch's child");
        });
      }
      if (unreached.length > 0 && batch.endedMsAgo < deps.upstreamCancelRetryMs) continue;
      const abandoned = unreached.map((child) => ({
        ...child,
        gateway: deps.jobs.gatewayFor(child.reasonerType).name,
      }));
      const notes = abandoned.map(
        (child): StepNote => ({
          step: child.step,
          level: "warn",
          message: `step ${child.step} CANCELED: its upstream job ${child.jobId} (gateway ${child.gateway}) could not be told to cancel within ${deps.upstreamCancelRetryMs / 1000} s of the batch's end and may still run there`,
        }),
      );
      if (!(await closeStepsOfEndedBatch(deps.db, batch.id, notes))) continue;
      closed++;
      for (const child of abandoned) {
        deps.onCancelAbandoned(child.gateway);
        deps.logger.warn(
          { batchId: batch.id, step: child.step, jobId: child.jobId, gateway: child.gateway },
          "gave up canceling an ended batch's upstream child: its upstream could not be reached; it may still run there",
        );
      }
    }
    if (closed) deps.logger.info({ batches: closed }, "closed the open steps of ended batches");
    return closed;
  };
}
