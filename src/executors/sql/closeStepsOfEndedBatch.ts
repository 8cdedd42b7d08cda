// A batch that ended while a step ran (timed out, or its lease lapsed on the last attempt): its
// executor no longer holds the lease, so its steps cannot be recorded under it. Whatever step is not
// terminal is closed CANCELED here, once the batch itself is terminal, so no step reads RUNNING or
// PENDING forever under a finished batch. The batch's state does not change; its revision moves so
// subscribers read the steps again. Log lines given with it (why a step closed as it did) are
// appended to the batch's log in the same statement, so they are there exactly when the steps closed.
import type { Sql } from "../../db/database.ts";
import { recordingChanges } from "../../jobs/sql/notify.ts";
import { TERMINAL_SQL } from "../../workers/protocol/states-sql.ts";

/** A line for the batch's log, under a step's name. */
export interface StepNote {
  step: string;
  level: "warn" | "error";
  message: string;
}

/** Returns how many steps it closed (0 when the batch is not terminal or none was open). */
export async function closeStepsOfEndedBatch(
  sql: Sql,
  batchId: string,
  notes: readonly StepNote[] = [],
): Promise<number> {
  const rows = await sql.query<{ closed: number }>(
    recordingChanges(
      (record) => `with j as (
       update "jobs" set "revision" = "revision" + 1, "updatedOn" = now(), "logSeq" = "logSeq" + $2::int
       where "id" = $1::uuid and "state" in ${TERMINAL_SQL}
         and exists (select 1 from "batch_steps" b where b."jobId" = $1::uuid and b."state" not in ${TERMINAL_SQL})
       returning "id", "tenantId", "reasonerType", "state", "revision", "logSeq"
     ), s as (
       update "batch_steps" b set "state" = 'CANCELED', "finishedOn" = now()
       from j where b."jobId" = j."id" and b."state" not in ${TERMINAL_SQL}
       returning 1
     ), logged as (
       insert into "job_log_lines" ("jobId", "seq", "timestampMs", "level", "message", "step")
       select j."id", j."logSeq" - $2::int + l.ord::int, extract(epoch from now())::float8 * 1000,
              l.v->>'level', l.v->>'message', l.v->>'step'
       from j, jsonb_array_elements($3::jsonb) with ordinality as l(v, ord)
     ), ${record.job("j")}
     select count(*)::int as "closed" from s`,
    ),
    [batchId, notes.length, JSON.stringify(notes)],
  );
  return rows[0]?.closed ?? 0;
}
