// The sweeper's one pass, safe to run from any number of processes at once: each batch locks its
// rows with FOR UPDATE SKIP LOCKED (so two sweepers never take the same job, and neither waits on a
// worker's in-flight call) and moves each through transitionJob, so status history stays complete.
//  - expired leases: CANCELING -> CANCELED; attempts left -> back to waiting (claimable at once:
//    the lease already waited its length); otherwise FAILED with LEASE_EXPIRED;
//  - CANCELING jobs that were claimed once but hold no lease now (a cancel that raced a requeue;
//    no worker will ever report on them) -> CANCELED;
//  - non-terminal jobs past createdOn + timeoutMins -> FAILED with TIMEOUT (CANCELING ones: CANCELED).
import type { Database, Sql } from "../../../db/database.ts";
import type { JobState, ReasonerType } from "../../../jobs/model.ts";
import { transitionJob } from "../../../jobs/sql/transitionJob.ts";
import { waitingState } from "../../../jobs/states.ts";
import { TERMINAL_SQL } from "../states-sql.ts";
import { setAbortReason } from "./setAbortReason.ts";
import { requeue } from "./failJob.ts";
import { canceledWhileRunning } from "./canceledWhileRunning.ts";

export interface SweepResult {
  requeued: number;
  failed: number;
  canceled: number;
  timedOut: number;
}

export interface SweepOptions {
  /** Rows per transaction. */
  batchSize?: number;
  /** Batches per kind of work in one pass, so one pass ends even under a flood. */
  maxBatches?: number;
}

interface SweptRow {
  id: string;
  reasonerType: ReasonerType;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  leaseToken: string | null;
  workerId: string | null;
  timeoutMins: number | null;
}

const COLUMNS = `"id", "reasonerType", "state", "attempts", "maxAttempts", "leaseToken", "workerId", "timeoutMins"`;

/** Each kind of work's rows, by the partial index that finds them (lease expiry, canceling, timeout). */
const EXPIRED_LEASE = `"leaseExpiresOn" is not null and "leaseExpiresOn" < now() and "leaseToken" is not null and "state" not in ${TERMINAL_SQL}`;
const ORPHANED_CANCEL = `"state" = 'CANCELING' and "leaseToken" is null and "leaseSeconds" is not null`;
/** A job's timeout deadline in UTC wall time, as "jobs_timeout_idx" holds it (an index expression must be immutable). */
const TIMEOUT_DEADLINE = `("createdOn" at time zone 'UTC') + make_interval(mins => "timeoutMins")`;
const TIMED_OUT = `"timeoutMins" is not null and "state" not in ${TERMINAL_SQL} and ${TIMEOUT_DEADLINE} < (now() at time zone 'UTC')`;

/** Each pass's batch, locked: the oldest first, rows another sweeper holds skipped. */
const EXPIRED_LEASE_PASS = `select ${COLUMNS} from "jobs" where ${EXPIRED_LEASE} order by "leaseExpiresOn" limit $1 for update skip locked`;
const ORPHANED_CANCEL_PASS = `select ${COLUMNS} from "jobs" where ${ORPHANED_CANCEL} order by "updatedOn" limit $1 for update skip locked`;
/** It reads "jobs_timeout_idx" from the oldest deadline up to now, nothing past it. */
export const TIMEOUT_PASS = `select ${COLUMNS} from "jobs" where ${TIMED_OUT} order by ${TIMEOUT_DEADLINE} limit $1 for update skip locked`;

/**
 * Which kinds have work, in one read without locks: a pass with nothing to do (most of them, once a
 * second in every process) costs this one statement, not a transaction per kind.
 */
const PENDING_WORK = `select exists(select 1 from "jobs" where ${EXPIRED_LEASE}) as "expired",
  exists(select 1 from "jobs" where ${ORPHANED_CANCEL}) as "orphaned",
  exists(select 1 from "jobs" where ${TIMED_OUT}) as "timedOut"`;

export async function sweep(db: Database, options: SweepOptions = {}): Promise<SweepResult> {
  const batchSize = options.batchSize ?? 100;
  const maxBatches = options.maxBatches ?? 20;
  const result: SweepResult = { requeued: 0, failed: 0, canceled: 0, timedOut: 0 };

  const pending = (await db.query<{ expired: boolean; orphaned: boolean; timedOut: boolean }>(PENDING_WORK))[0] ?? {
    expired: true,
    orphaned: true,
    timedOut: true,
  };
  const drain = async (has: boolean, select: string, handle: (tx: Sql, row: SweptRow) => Promise<void>) => {
    if (!has) return;
    for (let i = 0; i < maxBatches; i++) {
      const seen = await db.transaction(async (tx) => {
        const rows = await tx.query<SweptRow>(select, [batchSize]);
        for (const row of rows) await handle(tx, row);
        return rows.length;
      });
      if (seen < batchSize) return;
    }
  };

  await drain(pending.expired, EXPIRED_LEASE_PASS, async (tx, job) => {
    const guard = { from: [job.state], leaseToken: job.leaseToken!, agentId: job.workerId, by: "sweeper" };
    if (job.state === "CANCELING") {
      if (await cancel(tx, job, "canceled: the worker's lease expired while canceling", guard.leaseToken))
        result.canceled++;
    } else if (job.attempts < job.maxAttempts) {
      const to = waitingState(job.reasonerType);
      const message = `lease expired on attempt ${job.attempts} of ${job.maxAttempts}; requeued`;
      if (await requeue(tx, job.id, job.reasonerType, guard, to, message, undefined)) result.requeued++;
    } else {
      const moved = await transitionJob(tx, {
        ...guard,
        jobId: job.id,
        reasonerType: job.reasonerType,
        to: "FAILED",
        message: `lease expired on the last attempt (${job.attempts} of ${job.maxAttempts})`,
        set: {
          errorCode: "LEASE_EXPIRED",
          errorMessage: `the worker's lease expired ${job.attempts} time(s); no attempts left`,
        },
      });
      if (moved) {
        result.failed++;
        await setAbortReason(tx, job, "LEASE_EXPIRED");
      }
    }
  });

  await drain(pending.orphaned, ORPHANED_CANCEL_PASS, async (tx, job) => {
    if (await cancel(tx, job, "canceled: no worker held it", undefined)) result.canceled++;
  });

  await drain(pending.timedOut, TIMEOUT_PASS, async (tx, job) => {
    if (job.state === "CANCELING") {
      if (await cancel(tx, job, `canceled: past its timeout of ${job.timeoutMins} min`, undefined)) result.canceled++;
      return;
    }
    const moved = await transitionJob(tx, {
      jobId: job.id,
      reasonerType: job.reasonerType,
      from: [job.state],
      to: "FAILED",
      agentId: job.workerId,
      by: "sweeper",
      message: `timed out after ${job.timeoutMins} min`,
      set: { errorCode: "TIMEOUT", errorMessage: `the job did not finish within ${job.timeoutMins} minutes` },
    });
    if (moved) {
      result.timedOut++;
      await setAbortReason(tx, job, "TIMEOUT");
    }
  });
  return result;
}

async function cancel(tx: Sql, job: SweptRow, message: string, leaseToken: string | undefined): Promise<boolean> {
  const moved = await transitionJob(tx, {
    jobId: job.id,
    reasonerType: job.reasonerType,
    from: [job.state],
    to: "CANCELED",
    leaseToken,
    agentId: job.workerId,
    by: "sweeper",
    message,
    set: { errorCode: "CANCELED", errorMessage: await canceledWhileRunning(tx, job.id) },
  });
  if (moved) await setAbortReason(tx, job, "canceled");
  return moved !== null;
}
