-- The open steps of batches, for the pass that closes batches which ended with no executor there
-- (src/executors/sql/findEndedBatches.ts): every process reads it each sweep interval, and it holds
-- only the steps of batches still running, so a pass with nothing to do reads a handful of entries.
CREATE INDEX "batch_steps_open_idx" ON "batch_steps"("jobId") WHERE "state" NOT IN ('SUCCEEDED', 'FAILED', 'CANCELED');
