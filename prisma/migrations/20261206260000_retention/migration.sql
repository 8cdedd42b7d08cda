-- Retention (src/retention): finished jobs are found by when they finished, and a removed job's blobs
-- are deleted only when no other artifact or file revision names the same content hash.

-- CreateIndex
CREATE INDEX "jobs_finishedOn_idx" ON "jobs"("finishedOn");

-- CreateIndex
CREATE INDEX "artifacts_contentHash_idx" ON "artifacts"("contentHash");

-- CreateIndex
CREATE INDEX "file_revisions_contentHash_idx" ON "file_revisions"("contentHash");

-- CreateIndex
CREATE INDEX "idempotency_keys_jobId_idx" ON "idempotency_keys"("jobId");
