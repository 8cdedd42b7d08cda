-- How often a job was handed back unfinished (releaseJob, an executor stopping): the first
-- MAX_FREE_HAND_BACKS leave its attempts as they were, later ones count (src/workers/protocol/sql/failJob.ts).
-- Kept on the job's row, which a hand-back locks anyway, instead of counting its status history on
-- every hand-back.
ALTER TABLE "jobs" ADD COLUMN "handBacks" INTEGER NOT NULL DEFAULT 0;

-- Jobs handed back before: their history says how often, in the messages failJob wrote, a free
-- hand-back's "handed back unfinished (...); waiting again" and a counted one's
-- "attempt n of m failed (..., handed back more than 10 times); retrying".
UPDATE "jobs" SET "handBacks" = "counted"."n"
FROM (
  SELECT "jobId", count(*)::int AS "n" FROM "job_status_changes"
  WHERE "message" LIKE 'handed back %' OR "message" LIKE 'attempt % failed (%, handed back more than % times); retrying'
  GROUP BY "jobId"
) AS "counted"
WHERE "jobs"."id" = "counted"."jobId";
