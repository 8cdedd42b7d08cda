// Keeps a lease alive: extends it by its original length, marks the worker seen and stores the
// progress the worker reports (LOGIC: transaction_details.progress; other families: an event on the
// "heartbeat" stream, numbered under the row lock). One statement; a stale token changes nothing.
import { DEFAULT_LEASE_SECONDS, type LeaseStatus } from "@jobs-api/client";
import type { Sql } from "../../../db/database.ts";
import { recordingChanges } from "../../../jobs/sql/notify.ts";
import type { PresentedLease } from "../lease.ts";
import { TERMINAL_SQL } from "../states-sql.ts";

const HEARTBEAT_STREAM = "heartbeat";

/**
 * Null when the lease is not held (any more); `cancelRequested`: the job is CANCELING. `progress`
 * undefined or null: nothing to store.
 */
export async function heartbeat(
  sql: Sql,
  lease: PresentedLease,
  tenantId: string | null,
  progress?: unknown,
): Promise<LeaseStatus<Date> | null> {
  const json = progress === undefined || progress === null ? null : JSON.stringify(progress);
  const rows = await sql.query<{ leaseExpiresOn: Date; cancelRequested: boolean }>(
    recordingChanges(
      (record) => `with hb as (
       update "jobs" set
         "leaseExpiresOn" = now() + make_interval(secs => coalesce("leaseSeconds", ${DEFAULT_LEASE_SECONDS})),
         "eventSeq" = "eventSeq" + (case when $4::jsonb is not null and "reasonerType" <> 'LOGIC' then 1 else 0 end),
         "revision" = "revision" + (case when $4::jsonb is not null then 1 else 0 end),
         "updatedOn" = case when $4::jsonb is not null then now() else "updatedOn" end
       where "id" = $1::uuid and "leaseToken" = $2::text and ($3::uuid is null or "tenantId" = $3::uuid)
         and "state" not in ${TERMINAL_SQL}
       returning "id", "tenantId", "reasonerType", "state", "cancelRequested", "leaseExpiresOn", "workerId", "revision", "eventSeq"
     ), seen as (
       update "workers" w set "lastSeenOn" = now() from hb where w."id" = hb."workerId"
     ), progress as (
       update "transaction_details" t set "progress" = $4::jsonb
       from hb where t."jobId" = hb."id" and hb."reasonerType" = 'LOGIC' and $4::jsonb is not null
     ), event as (
       insert into "job_events" ("jobId", "seq", "stream", "data")
       select "id", "eventSeq", '${HEARTBEAT_STREAM}', $4::jsonb from hb where $4::jsonb is not null and "reasonerType" <> 'LOGIC'
     ), ${record.job("hb", "$4::jsonb is not null")}
     select h."leaseExpiresOn", (h."state" = 'CANCELING' or h."cancelRequested") as "cancelRequested"
     from hb h`,
    ),
    [lease.jobId, lease.hash, tenantId, json],
  );
  const row = rows[0];
  return row ? { expiresOn: new Date(row.leaseExpiresOn), cancelRequested: row.cancelRequested } : null;
}
