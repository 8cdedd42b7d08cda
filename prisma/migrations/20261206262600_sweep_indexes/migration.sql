-- The sweeper's CANCELING pass (src/workers/protocol/sql/sweep.ts) had no index it could use (the
-- state index leads with "tenantId"), so every sweep scanned all jobs, finished ones included.
-- The index holds only CANCELING jobs, which are few and short-lived, so the pass sorts them by
-- "updatedOn" itself. Its key is "id", which no update changes: indexing "updatedOn" instead would
-- make every event and log append (which touch no other indexed column) a non-HOT update.
CREATE INDEX "jobs_canceling_idx" ON "jobs"("id") WHERE "state" = 'CANCELING';
