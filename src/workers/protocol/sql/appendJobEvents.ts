// Appends events to a leased job's stream in ONE statement: the job's eventSeq counter is advanced
// by n under the row lock, the rows take the numbers it hands out (in the order given), and the
// change is notified. Numbers follow commit order, so cursors never skip or repeat.
import type { Sql } from "../../../db/database.ts";
import { recordingChanges } from "../../../jobs/sql/notify.ts";
import type { PresentedLease } from "../lease.ts";
import { TERMINAL_SQL } from "../states-sql.ts";

export const MAX_ITEMS_PER_CALL = 1000;
export const MAX_EVENT_BYTES = 64 * 1024;

/** Null when the lease is not held. */
export async function appendJobEvents(
  sql: Sql,
  lease: PresentedLease,
  tenantId: string | null,
  stream: string,
  events: readonly unknown[],
): Promise<number | null> {
  const rows = await sql.query<{ id: string }>(
    recordingChanges(
      (record) => `with j as (
       update "jobs" set "eventSeq" = "eventSeq" + $5::int, "revision" = "revision" + 1, "updatedOn" = now()
       where "id" = $1::uuid and "leaseToken" = $2::text and ($3::uuid is null or "tenantId" = $3::uuid)
         and "state" not in ${TERMINAL_SQL}
       returning "id", "tenantId", "reasonerType", "state", "revision", "eventSeq"
     ), inserted as (
       insert into "job_events" ("jobId", "seq", "stream", "data")
       select j."id", j."eventSeq" - $5::int + e.ord::int, $4::text, e.data
       from j, jsonb_array_elements($6::jsonb) with ordinality as e(data, ord)
     ), ${record.job("j")}
     select j."id" from j`,
    ),
    [lease.jobId, lease.hash, tenantId, stream, events.length, JSON.stringify(events)],
  );
  return rows[0] ? events.length : null;
}
