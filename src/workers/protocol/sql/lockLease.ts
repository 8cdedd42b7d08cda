// Locks the job a lease token holds, for the multi-statement verbs (run inside a transaction): the
// row stays locked until commit, so nothing (sweeper, cancel, a duplicate call) changes it meanwhile.
import type { Sql } from "../../../db/database.ts";
import type { JobState, ReasonerType } from "../../../jobs/model.ts";
import { leaseLost, type PresentedLease } from "../lease.ts";
import { TERMINAL_SQL } from "../states-sql.ts";

export interface LeasedJob {
  id: string;
  tenantId: string;
  reasonerType: ReasonerType;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  /** How often it was handed back unfinished (failJob's hand-backs). */
  handBacks: number;
  workerId: string | null;
  /** When the job first ran (for the run-time metric). */
  startedOn: Date | null;
  /** The stored hash, to guard the transition with. */
  leaseToken: string;
  /** The database's clock (transaction start), for times the claim statement compares with now(). */
  dbNow: Date;
}

/** The leased job, locked; LEASE_LOST when the token is stale, forged, of another tenant or the job is terminal. */
export async function lockLease(tx: Sql, lease: PresentedLease, tenantId: string | null): Promise<LeasedJob> {
  const rows = await tx.query<LeasedJob>(
    `select "id", "tenantId", "reasonerType", "state", "attempts", "maxAttempts", "handBacks", "workerId", "startedOn", "leaseToken", now() as "dbNow" from "jobs"
     where "id" = $1::uuid and "leaseToken" = $2::text and ($3::uuid is null or "tenantId" = $3::uuid)
       and "state" not in ${TERMINAL_SQL}
     for update`,
    [lease.jobId, lease.hash, tenantId],
  );
  if (!rows[0]) throw leaseLost();
  return rows[0];
}

/** The history's agentId: the worker holding the lease, when a registered one does. */
export const agentIdOf = (job: LeasedJob) => job.workerId;
