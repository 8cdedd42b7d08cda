-- Which batch step made a job (Job.batchStep) is read by the child's id. Only steps that made their
-- child hold one; batch_steps is written by batches alone, never on the claim or completion path.
CREATE INDEX "batch_steps_childJobId_idx" ON "batch_steps"("childJobId") WHERE "childJobId" IS NOT NULL;
