// Ends a leased attempt with an error (run inside a transaction):
//  - a CANCELING job becomes CANCELED;
//  - a retryable error with attempts left goes back to the family's waiting state, to be claimed
//    again after an exponential backoff (2^attempts seconds, at most an hour), lease cleared;
//  - otherwise FAILED with the worker's error.
// A hand-back (the worker or executor stopping, not the job failing) requeues at once without
// counting the attempt, up to MAX_FREE_HAND_BACKS times per job; after that it counts as a retryable
// failure does, so a job that keeps bringing its workers down still runs out of attempts.
import type { Sql } from "../../../db/database.ts";
import type { JobState, ReasonerType } from "../../../jobs/model.ts";
import { type TransitionSet, transitionJob } from "../../../jobs/sql/transitionJob.ts";
import { waitingState } from "../../../jobs/states.ts";
import type { PresentedLease } from "../lease.ts";
import { setAbortReason } from "./setAbortReason.ts";
import { agentIdOf, lockLease } from "./lockLease.ts";
import { type ProblemReport, recordProblems } from "./recordProblems.ts";
import { canceledWhileRunning } from "./canceledWhileRunning.ts";

const MAX_BACKOFF_SECONDS = 3600;

/** Hand-backs per job that leave its attempts as they were; later ones count. */
export const MAX_FREE_HAND_BACKS = 10;

/** What a hand-back's history row says (the count itself is the job's "handBacks"). */
const HANDED_BACK = "handed back";

/** Seconds before attempt n+1 after n attempts: 2, 4, 8, ... capped at an hour. */
export const backoffSeconds = (attempts: number) => Math.min(2 ** Math.max(attempts, 0), MAX_BACKOFF_SECONDS);

export interface FailArgs {
  lease: PresentedLease;
  tenantId: string | null;
  error: { code: string; message: string };
  retryable: boolean;
  by: string | null;
  problems?: readonly ProblemReport[];
  /**
   * The executor or worker gives the job back unfinished (it is stopping): waiting again at once,
   * and the attempt does not count, since the job did nothing wrong (see MAX_FREE_HAND_BACKS).
   */
  handBack?: boolean;
}

export interface FailedJob {
  jobId: string;
  tenantId: string;
  reasonerType: ReasonerType;
  state: JobState;
  /** When requeued: when it may be claimed again. */
  retryAt: Date | null;
  /** When the job started running (null if it never did), for the run-time metric. */
  startedOn: Date | null;
}

export async function failJob(tx: Sql, a: FailArgs): Promise<FailedJob> {
  const job = await lockLease(tx, a.lease, a.tenantId);
  const base = { jobId: job.id, tenantId: job.tenantId, reasonerType: job.reasonerType, startedOn: job.startedOn };
  const common = {
    jobId: job.id,
    reasonerType: job.reasonerType,
    from: [job.state],
    leaseToken: job.leaseToken,
    agentId: agentIdOf(job),
    by: a.by,
  };
  const said = `${a.error.code}: ${a.error.message}`;
  await recordProblems(tx, job.id, a.problems ?? []);

  if (job.state === "CANCELING") {
    await transitionJob(tx, {
      ...common,
      to: "CANCELED",
      message: `canceled; the worker stopped with ${said}`,
      set: { errorCode: "CANCELED", errorMessage: await canceledWhileRunning(tx, job.id) },
    });
    await setAbortReason(tx, job, "canceled");
    return { ...base, state: "CANCELED", retryAt: null };
  }

  // Counted on the job's row, locked above and written by the transition anyway: the first
  // MAX_FREE_HAND_BACKS are free.
  const handBackCount: TransitionSet = a.handBack === true ? { handBacks: job.handBacks + 1 } : {};
  const freeHandBack = a.handBack === true && job.handBacks < MAX_FREE_HAND_BACKS;
  if (freeHandBack) {
    const to = waitingState(job.reasonerType);
    await requeue(
      tx,
      job.id,
      job.reasonerType,
      common,
      to,
      `${HANDED_BACK} unfinished (${said}); waiting again`,
      new Date(job.dbNow),
      handBackCount,
    );
    await tx.query(`update "jobs" set "attempts" = greatest("attempts" - 1, 0) where "id" = $1::uuid`, [job.id]);
    return { ...base, state: to, retryAt: null };
  }

  if ((a.retryable || a.handBack) && job.attempts < job.maxAttempts) {
    const to = waitingState(job.reasonerType);
    const retryAt = new Date(new Date(job.dbNow).getTime() + backoffSeconds(job.attempts) * 1000);
    const why = a.handBack ? `, ${HANDED_BACK} more than ${MAX_FREE_HAND_BACKS} times` : "";
    await requeue(
      tx,
      job.id,
      job.reasonerType,
      common,
      to,
      `attempt ${job.attempts} of ${job.maxAttempts} failed (${said}${why}); retrying`,
      retryAt,
      handBackCount,
    );
    return { ...base, state: to, retryAt };
  }

  await transitionJob(tx, {
    ...common,
    to: "FAILED",
    message: said,
    set: { errorCode: a.error.code, errorMessage: a.error.message, ...handBackCount },
  });
  await setAbortReason(tx, job, a.error.code);
  return { ...base, state: "FAILED", retryAt: null };
}

/** Back to waiting: lease, worker and (agent jobs) agent cleared, claimable again from retryAt. */
export async function requeue(
  tx: Sql,
  jobId: string,
  reasonerType: ReasonerType,
  guard: { from: readonly JobState[]; leaseToken: string; agentId?: string | null; by?: string | null },
  to: JobState,
  message: string,
  retryAt: Date | undefined,
  set: TransitionSet = {},
): Promise<boolean> {
  const moved = await transitionJob(tx, {
    jobId,
    reasonerType,
    from: guard.from,
    to,
    leaseToken: guard.leaseToken,
    agentId: guard.agentId ?? null,
    by: guard.by ?? null,
    message,
    set: { leaseToken: null, leaseExpiresOn: null, workerId: null, cancelRequested: false, runAfter: retryAt, ...set },
  });
  if (moved && reasonerType === "AGENT")
    await tx.query(`update "agent_details" set "agentId" = null where "jobId" = $1::uuid`, [jobId]);
  return moved !== null;
}
