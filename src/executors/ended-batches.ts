// What a batch's executor does when its batch ends under it (cancel the running child, close the open
// steps), done for batches that ended with no executor there: handed back by a crashed or stopped
// process, then canceled while waiting, timed out or failed by the sweeper. Every process runs it;
// both of its steps are idempotent, so two processes closing one batch do no harm.
import type { Database } from "../db/database.ts";
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

/** Closes ended batches' open steps, canceling the children they ran; returns how many batches. */
export async function closeEndedBatches(deps: EndedBatchDeps, signal?: AbortSignal): Promise<number> {
  const ended = await findEndedBatches(deps.db, BATCHES_PER_PASS);
  let closed = 0;
  for (const batch of ended) {
    if (signal?.aborted) break;
    const creator = await creatorViewer(deps.db, batch.tenantId, batch.createdBy);
    const why = whyBatchEnded(batch.id, batch);
    for (const child of batch.children) {
      // A child already ended answers as it is; one nobody can read any more is left alone.
      await deps.jobs
        .cancel(child, false, creator, why)
        .catch((err: unknown) =>
          deps.logger.warn({ err, batchId: batch.id, jobId: child.jobId }, "could not cancel an ended batch's child"),
        );
    }
    if (await closeStepsOfEndedBatch(deps.db, batch.id)) closed++;
  }
  if (closed) deps.logger.info({ batches: closed }, "closed the open steps of ended batches");
  return closed;
}
