// Sends recorded changes: takes the oldest rows of the outbox, deletes them and NOTIFYs their lines,
// packed into payloads under PostgreSQL's 8000-byte limit, all in one statement. The delete and the
// NOTIFYs commit together, so a change is sent once its row is gone, and a row still there after a
// crash is sent by the next send of any process. SKIP LOCKED lets processes send side by side.
//
// The commit is asynchronous (synchronous_commit off, for this statement only): if the database
// crashed before flushing it, the rows would come back and be sent again, which readers tolerate
// (they resume from cursors). That keeps the one notifying commit per batch off the WAL flush, so it
// holds PostgreSQL's commit-time NOTIFY lock for microseconds.
import type { Sql } from "../../db/database.ts";
import { CHANGE_OUTBOX, JOBS_CHANNEL, LINES_PER_ROW, MAX_LINE_BYTES } from "./notify.ts";

/** Most outbox rows taken by one send; a full batch means more may be waiting. */
export const SEND_BATCH = 1000;
/**
 * Payloads are cut where the running total of row bytes crosses a multiple of this, so one can hold
 * this much plus one row less a byte: below PostgreSQL's 8000-byte limit by more than a full row.
 */
const PAYLOAD_BYTES = 6000;

if (PAYLOAD_BYTES + LINES_PER_ROW * (MAX_LINE_BYTES + 1) >= 8000)
  throw new Error("outbox rows could make a payload over 8000 bytes");

/**
 * Returns how many outbox rows it sent. The payload size travels as a parameter: a statement with
 * parameters is prepared once per connection (database.ts), and this one, sent after every batch of
 * commits, was otherwise planned on every send.
 */
export async function sendChanges(sql: Sql): Promise<number> {
  const rows = await sql.query<{ sent: number }>(
    `with async as (select set_config('synchronous_commit', 'off', true)),
     taken as (
       delete from "${CHANGE_OUTBOX}" where "id" in (
         select "id" from "${CHANGE_OUTBOX}" order by "id" limit ${SEND_BATCH} for update skip locked)
       returning "id", "payload"
     ), packed as (
       select "id", "payload", sum(octet_length("payload") + 1) over (order by "id") / $1::int as "part" from taken
     ), payloads as (
       select string_agg("payload", E'\\n' order by "id") as "payload", count(*) as "rows" from packed group by "part"
     )
     select coalesce(sum(p."rows"), 0)::int as "sent", count(pg_notify('${JOBS_CHANNEL}', p."payload")) as "notifications"
     from payloads p, async`,
    [PAYLOAD_BYTES],
  );
  return rows[0]?.sent ?? 0;
}
