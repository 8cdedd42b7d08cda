-- Datasets uploaded by users (PUT /uploads): an artifact with no job, owned by its uploader, whom
-- (with the tenant's admins) it is visible to. Null for artifacts produced by jobs.
ALTER TABLE "artifacts" ADD COLUMN "uploadedBy" TEXT;

-- A user's uploads, newest first.
CREATE INDEX "artifacts_tenantId_uploadedBy_createdOn_idx" ON "artifacts" ("tenantId", "uploadedBy", "createdOn");
