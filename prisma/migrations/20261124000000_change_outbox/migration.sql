-- Change notifications leave through an outbox: a change records its notification in the same
-- transaction, and each server process sends what is recorded as batched NOTIFYs after the commit.
-- (A NOTIFY inside the change's own transaction takes a database-wide lock until its commit is
-- flushed, so notifying commits went one at a time.) Rows live for milliseconds; a crashed process's
-- rows are sent by any other process's next send.

-- CreateTable
CREATE TABLE "job_change_outbox" (
    "id" BIGSERIAL NOT NULL,
    "payload" TEXT NOT NULL,
    "createdOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "job_change_outbox_pkey" PRIMARY KEY ("id")
);

-- Every row is deleted soon after it is inserted: vacuum by row count, not by table size.
ALTER TABLE "job_change_outbox" SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000);
