-- The sweeper's timeout pass (src/workers/protocol/sql/sweep.ts) walked every unfinished job that
-- has a timeout, in "createdOn" order, computing each one's deadline from its row: with 50,000 such
-- jobs waiting or running and none due, 7 ms a pass, once a second in every process. The index now
-- holds the deadline itself, so a pass reads only the jobs already past it.
-- The deadline is indexed as UTC wall time: timestamptz + interval is only stable (an interval of
-- days or months depends on the time zone), which an index expression may not be, while
-- "at time zone 'UTC'" and timestamp + interval are immutable. Not expressible in the Prisma schema.
DROP INDEX "jobs_timeout_idx";
CREATE INDEX "jobs_timeout_idx" ON "jobs"((("createdOn" AT TIME ZONE 'UTC') + make_interval(mins => "timeoutMins")))
    WHERE "timeoutMins" IS NOT NULL AND "state" NOT IN ('SUCCEEDED', 'FAILED', 'CANCELED');
