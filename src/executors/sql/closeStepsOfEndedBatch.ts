// A batch that ended while a step ran (timed out, or its lease lapsed on the last attempt): its
// executor no longer holds the lease, so its steps cannot be recorded under it. Whatever step is not
// terminal is closed CANCELED here, once the batch itself is terminal, so no step reads RUNNING or
// PENDING forever under a finished batch. The batch's state does not change; its revision moves so
// subscribers read the steps again.
import type { Sql } from "../../db/database.ts";
import { recordingChanges } from "../../jobs/sql/notify.ts";
import { TERMINAL_SQL } from "../../workers/protocol/states-sql.ts";

/** Returns how many steps it closed (0 when the batch is not terminal or none was open). */
export async function closeStepsOfEndedBatch(sql: Sql, batchId: string): Promise<number> {
  const rows = await sql.query<{ closed: number }>(
    recordingChanges(
      (record) => `with j as (
       update "jobs" set "revision" = "revision" + 1, "updatedOn" = now()
       where "id" = $1::uuid and "state" in ${TERMINAL_SQL}
         and exists (select 1 from "batch_steps" b where b."jobId" = $1::uuid and b."state" not in ${TERMINAL_SQL})
       returning "id", "tenantId", "reasonerType", "state", "revision"
     ), s as (
       update "batch_steps" b set "state" = 'CANCELED', "finishedOn" = now()
       from j where b."jobId" = j."id" and b."state" not in ${TERMINAL_SQL}
       returning 1
     ), ${record.job("j")}
     select count(*)::int as "closed" from s`,
    ),
    [batchId],
  );
  return rows[0]?.closed ?? 0;
}
