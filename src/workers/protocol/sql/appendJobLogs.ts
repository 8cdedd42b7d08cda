// Appends log lines to a leased job in ONE statement, numbered from the job's logSeq counter under
// its row lock (like appendJobEvents), and notifies the change.
import type { Sql } from "../../../db/database.ts";
import { recordingChanges } from "../../../jobs/sql/notify.ts";
import type { PresentedLease } from "../lease.ts";
import { TERMINAL_SQL } from "../states-sql.ts";

export const MAX_LOG_MESSAGE_BYTES = 64 * 1024;
export const MAX_LOG_LEVEL_LENGTH = 32;
export const MAX_LOG_STEP_LENGTH = 255;

export interface LogLine {
  timestampMs: number;
  level: string;
  message: string;
  step: string | null;
}

/** Null when the lease is not held. */
export async function appendJobLogs(
  sql: Sql,
  lease: PresentedLease,
  tenantId: string | null,
  lines: readonly LogLine[],
): Promise<number | null> {
  const rows = await sql.query<{ id: string }>(
    recordingChanges(
      (record) => `with j as (
       update "jobs" set "logSeq" = "logSeq" + $4::int, "revision" = "revision" + 1, "updatedOn" = now()
       where "id" = $1::uuid and "leaseToken" = $2::text and ($3::uuid is null or "tenantId" = $3::uuid)
         and "state" not in ${TERMINAL_SQL}
       returning "id", "tenantId", "reasonerType", "state", "revision", "logSeq"
     ), inserted as (
       insert into "job_log_lines" ("jobId", "seq", "timestampMs", "level", "message", "step")
       select j."id", j."logSeq" - $4::int + l.ord::int, (l.v->>'timestampMs')::double precision, l.v->>'level', l.v->>'message', l.v->>'step'
       from j, jsonb_array_elements($5::jsonb) with ordinality as l(v, ord)
     ), ${record.job("j")}
     select j."id" from j`,
    ),
    [lease.jobId, lease.hash, tenantId, lines.length, JSON.stringify(lines)],
  );
  return rows[0] ? lines.length : null;
}
