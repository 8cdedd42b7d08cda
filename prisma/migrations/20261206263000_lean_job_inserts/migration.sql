-- What creating a job pays for and nothing reads (issue #26, explain analyze of insertJobs for 1,000
-- jobs): each new row of jobs, of its status history and of its owner grant ran a foreign-key check,
-- a per-row look-up of the parent that also takes a KEY SHARE lock on it (on the one tenant row for
-- every job a tenant creates), about a third of the statement's time.
--
-- History rows are written by the statement that inserts or updates (so locks) their job; grants by
-- the statement that creates the job, or by createJobAccess after it has read the job. Every read
-- joins them through their job, so a row whose job is gone would name nothing anyone sees. Tenants
-- are never deleted, and a job's tenant is its creator's key's. What the constraints did on delete,
-- retention now does in its own statement (src/retention/sql.ts deletes a removed job's history
-- and grants with it).
ALTER TABLE "jobs" DROP CONSTRAINT "jobs_tenantId_fkey";
ALTER TABLE "job_status_changes" DROP CONSTRAINT "job_status_changes_jobId_fkey";
ALTER TABLE "access_grants" DROP CONSTRAINT "access_grants_jobId_fkey";

-- Retention looks up finished jobs only ("finishedOn" < ...): unfinished ones (null) need no entry,
-- and new jobs then skip one index insert each.
DROP INDEX "jobs_finishedOn_idx";
CREATE INDEX "jobs_finishedOn_idx" ON "jobs"("finishedOn") WHERE "finishedOn" IS NOT NULL;
