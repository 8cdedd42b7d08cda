// Records a batch step's progress, only while the caller still holds the batch's lease (one
// statement: the lease check, the step row, a new revision of the batch and its notification).
import type { Sql } from "../../db/database.ts";
import type { JobState } from "../../jobs/model.ts";
import { recordingChanges } from "../../jobs/sql/notify.ts";
import { TERMINAL_SQL } from "../../workers/protocol/states-sql.ts";

export interface StepUpdate {
  state: JobState;
  childJobId?: string | null;
  started?: boolean;
  finished?: boolean;
}

/** False when the lease is no longer held. */
export async function updateBatchStep(
  sql: Sql,
  batchId: string,
  leaseHash: string,
  position: number,
  u: StepUpdate,
): Promise<boolean> {
  const rows = await sql.query<{ id: string }>(
    recordingChanges(
      (record) => `with j as (
       update "jobs" set "revision" = "revision" + 1, "updatedOn" = now()
       where "id" = $1::uuid and "leaseToken" = $2::text and "state" not in ${TERMINAL_SQL}
       returning "id", "tenantId", "reasonerType", "state", "revision"
     ), s as (
       update "batch_steps" b set
         "state" = $4::text::"JobState",
         "childJobId" = coalesce($5::uuid, b."childJobId"),
         "startedOn" = case when $6::boolean then coalesce(b."startedOn", now()) else b."startedOn" end,
         "finishedOn" = case when $7::boolean then now() else b."finishedOn" end
       from j where b."jobId" = j."id" and b."position" = $3::int
     ), ${record.job("j")}
     select j."id" from j`,
    ),
    [batchId, leaseHash, position, u.state, u.childJobId ?? null, u.started ?? false, u.finished ?? false],
  );
  return rows.length > 0;
}
