-- A new job's first status-history rows (CREATED then QUEUED, or the family's own: states.ts
-- initialStates) are a pure function of its row: their states follow from "reasonerType", their
-- author from "createdBy", their time from "createdOn" (the same transaction's now()). Writing them
-- cost every create two rows and their primary-key entries (issue #26, explain analyze of
-- insertJobs for 1,000 jobs). They are implied instead: "impliedHistory" says how many of the job's
-- first rows the readers of history (src/jobs/local/expansions.ts) build from the row;
-- "job_status_changes" holds only the rows after them, and "statusSeq" still counts them all.
-- Existing jobs keep 0: every one of their rows is stored, and they read as before.
ALTER TABLE "jobs" ADD COLUMN "impliedHistory" SMALLINT NOT NULL DEFAULT 0;
