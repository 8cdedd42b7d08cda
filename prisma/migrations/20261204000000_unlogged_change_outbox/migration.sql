-- The outbox is written and emptied for every change: as an unlogged table its rows and index entries
-- cost no WAL. What it protects against is the application dying between a commit and its send;
-- unlogged rows survive that. A crash of PostgreSQL itself empties the table on recovery, but it also
-- drops every LISTEN connection, and a listener that reconnects re-reads from its cursors whatever it
-- may have missed (JobChangeHub's resync), so nothing that was committed goes unseen.
ALTER TABLE "job_change_outbox" SET UNLOGGED;

-- A vacuum that finds empty pages at the table's end waits for an exclusive lock to cut them off,
-- and every change's insert waits behind it: the table stays small anyway, so it never truncates.
ALTER TABLE "job_change_outbox" SET (vacuum_truncate = false);
