// What a batch's executor does when its batch ends under it (cancel the running child, close the open
// steps), done for batches that ended with no executor there: handed back by a crashed or stopped
// process, then canceled while waiting, timed out or failed by the sweeper. Every process runs it;
// both of its steps are idempotent, so two processes closing one batch do no harm. It is also where a
// batch's child in an upstream that could not be reached when the batch ended is canceled, later.
import type { Database } from "../db/database.ts";
import { isJobsError } from "../errors.ts";
import type { JobService } from "../jobs/service.ts";
import type { Logger } from "../logger.ts";
import { whyBatchEnded } from "./batch.ts";
import { creatorViewer } from "./creator.ts";
import { closeStepsOfEndedBatch } from "./sql/closeStepsOfEndedBatch.ts";
import { findEndedBatches } from "./sql/findEndedBatches.ts";

/** Batches closed per pass; the rest wait for the next. */
const BATCHES_PER_PASS = 50;

export interface EndedBatchDeps {
  db: Database;
  jobs: JobService;
  logger: Logger;
}

/**
 * Each pass closes ended batches' open steps, canceling the children they ran; returns how many
 * batches. A child whose upstream cannot be reached keeps its batch open (no step closed), so a
 * later pass cancels it once the upstream answers (or says it is gone); passes go round the
 * batches in id order, so such batches never hold the others back.
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
      let unreached = false;
      for (const child of batch.children) {
        // A child already ended answers as it is; one nobody can read any more is left alone.
        await deps.jobs.cancel(child, false, creator, why).catch((err: unknown) => {
          if (isJobsError(err, "UPSTREAM_UNAVAILABLE")) unreached = true;
          deps.logger.warn({ err, batchId: batch.id, jobId: child.jobId }, "could not cancel an ended batch's child");
        });
      }
      if (unreached) continue;
      if (await closeStepsOfEndedBatch(deps.db, batch.id)) closed++;
    }
    if (closed) deps.logger.info({ batches: closed }, "closed the open steps of ended batches");
    return closed;
  };
}
