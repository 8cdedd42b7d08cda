// The common completion in ONE statement, no transaction: a leased job that is not CANCELING, with
// no artifacts to attach and no credits to charge (not GENERATION), moves to SUCCEEDED with its
// status-history row and its notification, guarded by the lease token. Anything else (CANCELING,
// GENERATION, artifacts, a stale token) changes nothing here and returns null: the caller then runs
// completeJob, which locks the row and handles every case (and says LEASE_LOST when the lease is).
import type { Sql } from "../../../db/database.ts";
import type { ReasonerType } from "../../../jobs/model.ts";
import { recordChangeSql } from "../../../jobs/sql/notify.ts";
import { nativeStateOf } from "../../../jobs/states.ts";
import type { PresentedLease } from "../lease.ts";
import { perTypeSql, TERMINAL_SQL } from "../states-sql.ts";
import type { CompletedJob } from "./completeJob.ts";

const succeededNativeSql = perTypeSql(`"reasonerType"`, (t) => nativeStateOf(t, "SUCCEEDED") ?? "SUCCEEDED");

export interface SucceedArgs {
  lease: PresentedLease;
  tenantId: string | null;
  result: unknown;
  by: string | null;
}

export async function succeedJob(sql: Sql, a: SucceedArgs): Promise<CompletedJob | null> {
  const rows = await sql.query<{ id: string; tenantId: string; reasonerType: ReasonerType }>(
    `with moved as (
       update "jobs" set "state" = 'SUCCEEDED', "nativeState" = ${succeededNativeSql}, "result" = $4::jsonb,
         "revision" = "revision" + 1, "statusSeq" = "statusSeq" + 1, "updatedOn" = now(), "finishedOn" = now(),
         "leaseToken" = null, "leaseExpiresOn" = null
       where "id" = $1::uuid and "leaseToken" = $2::text and ($3::uuid is null or "tenantId" = $3::uuid)
         and "state" not in ${TERMINAL_SQL} and "state" <> 'CANCELING' and "reasonerType" <> 'GENERATION'
       returning "id", "tenantId", "reasonerType", "state", "nativeState", "revision", "statusSeq", "workerId"
     ), history as (
       insert into "job_status_changes" ("jobId", "seq", "state", "nativeState", "message", "agentId", "createdById")
       select "id", "statusSeq", "state", "nativeState", 'completed', "workerId"::text, $5::text from moved
     ), ${recordChangeSql("moved")}
     select m."id", m."tenantId", m."reasonerType" from moved m`,
    [a.lease.jobId, a.lease.hash, a.tenantId, JSON.stringify(a.result ?? null), a.by],
  );
  const row = rows[0];
  return row ? { jobId: row.id, tenantId: row.tenantId, reasonerType: row.reasonerType, state: "SUCCEEDED", chargedCredits: null } : null;
}
