// Retention's statements. Each removes at most one batch in its own short transaction (autocommit),
// locking only the finished rows it takes with SKIP LOCKED: claims lock waiting jobs, never these,
// and two processes sweeping at once take different rows.
import type { Sql } from "../db/database.ts";
import { recordingChanges } from "../jobs/sql/notify.ts";

export interface RemovedBatch {
  removed: number;
  /** Content hashes the removed rows named; their blobs go once nothing else names them. */
  hashes: string[];
}

/**
 * Finished jobs older than `maxAgeS`, oldest first, with everything that hangs off them (events, log
 * lines, artifacts, problems, comments, files: cascaded; status history and access grants, which
 * have no foreign key so that creating a job checks none, deleted here) and their idempotency keys.
 * Each removal is recorded as a change, so the subscriptions open on the job end.
 * With `keepProvenance`, succeeded generation jobs stay (their seal is a link of the provenance
 * chain, their evidence what it signs).
 */
export async function removeFinishedJobs(
  sql: Sql,
  maxAgeS: number,
  batchSize: number,
  keepProvenance: boolean,
): Promise<RemovedBatch> {
  const [row] = await sql.query<{ removed: number; hashes: string[] }>(
    recordingChanges(
      (record) => `with "doomed" as (
       select j."id" from "jobs" j
       where j."finishedOn" < now() - make_interval(secs => $1::float8)
         and j."state" in ('SUCCEEDED', 'FAILED', 'CANCELED')
         and not ($3::boolean and j."reasonerType" = 'GENERATION' and j."state" = 'SUCCEEDED')
       order by j."finishedOn"
       limit $2
       for update of j skip locked
     ),
     "named" as (
       select a."contentHash" as "hash" from "artifacts" a join "doomed" d on a."jobId" = d."id"
       union
       select r."contentHash" from "file_revisions" r join "files" f on f."id" = r."fileId" join "doomed" d on f."jobId" = d."id"
     ),
     "keys" as (delete from "idempotency_keys" k using "doomed" d where k."jobId" = d."id"),
     "history" as (delete from "job_status_changes" h using "doomed" d where h."jobId" = d."id"),
     "grants" as (delete from "access_grants" g using "doomed" d where g."jobId" = d."id"),
     "gone" as (
       delete from "jobs" j using "doomed" d where j."id" = d."id"
       returning j."id", j."tenantId", j."reasonerType", j."state", j."revision"
     ),
     ${record.removedJobs(`"gone"`)}
     select (select count(*)::int from "gone") as "removed", coalesce((select array_agg("hash") from "named"), '{}') as "hashes"`,
    ),
    [maxAgeS, batchSize, keepProvenance],
  );
  return { removed: row?.removed ?? 0, hashes: row?.hashes ?? [] };
}

/**
 * A worker's uploads never attached to their job (its worker completed without them, or died), older
 * than `maxAgeS`. Users' datasets (PUT /uploads: no job, an uploader) are theirs and stay, and so do
 * uploads whose lease is still held: a job kept running by heartbeats may attach them yet (the
 * lease-expiry index holds the few leased jobs, so the check reads no more than those).
 */
export async function removeUnattachedUploads(sql: Sql, maxAgeS: number, batchSize: number): Promise<RemovedBatch> {
  const [row] = await sql.query<{ removed: number; hashes: string[] }>(
    `with "doomed" as (
       select a."id" from "artifacts" a
       where a."jobId" is null and a."uploadedBy" is null and a."createdOn" < now() - make_interval(secs => $1::float8)
         and not exists (
           select 1 from "jobs" j where j."leaseExpiresOn" is not null and j."leaseToken" = a."leaseToken")
       order by a."createdOn"
       limit $2
       for update of a skip locked
     ),
     "gone" as (delete from "artifacts" a using "doomed" d where a."id" = d."id" returning a."contentHash")
     select count(*)::int as "removed", coalesce(array_agg(distinct "contentHash"), '{}') as "hashes" from "gone"`,
    [maxAgeS, batchSize],
  );
  return { removed: row?.removed ?? 0, hashes: row?.hashes ?? [] };
}

/**
 * Every table whose rows name blobs by content hash. A blob is deleted only when none names it, so a
 * table that starts naming blobs must be listed here (with an index on the column).
 */
const BLOB_REFERENCES: readonly { table: string; column: string }[] = [
  { table: "artifacts", column: "contentHash" },
  { table: "file_revisions", column: "contentHash" },
];

/** Of `hashes`, those no row names any more. */
export async function unreferencedHashes(sql: Sql, hashes: readonly string[]): Promise<string[]> {
  if (hashes.length === 0) return [];
  const unnamed = BLOB_REFERENCES.map(
    ({ table, column }) => `not exists (select 1 from "${table}" x where x."${column}" = h)`,
  ).join(" and ");
  const rows = await sql.query<{ h: string }>(`select h from unnest($1::text[]) as h where ${unnamed}`, [
    [...new Set(hashes)],
  ]);
  return rows.map((r) => r.h);
}
