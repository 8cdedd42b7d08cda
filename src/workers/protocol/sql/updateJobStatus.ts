// Moves a leased job through its family's non-terminal states (VALIDATING, RUNNING, UPLOADING, ...):
// forward only, as states.ts allows; a CANCELING job accepts no such move, and no worker moves a job
// to CANCELING (only cancelJob does). A move to the state the job is already in changes nothing and
// is no error (claiming already moves most families to RUNNING). Run inside a transaction.
import type { Sql } from "../../../db/database.ts";
import { jobsError } from "../../../errors.ts";
import type { JobState } from "../../../jobs/model.ts";
import { transitionJob } from "../../../jobs/sql/transitionJob.ts";
import { canMove, isTerminal } from "../../../jobs/states.ts";
import type { PresentedLease } from "../lease.ts";
import { agentIdOf, lockLease } from "./lockLease.ts";

export async function updateJobStatus(
  tx: Sql,
  lease: PresentedLease,
  tenantId: string | null,
  to: JobState,
  message: string | null,
  by: string | null,
): Promise<{ jobId: string }> {
  const job = await lockLease(tx, lease, tenantId);
  if (job.state === to && to !== "CANCELING") return { jobId: job.id };
  // CANCELING is a cancel request's, made by cancelJob; a worker that wants to stop fails the job.
  if (isTerminal(to) || to === "CANCELING" || !canMove(job.reasonerType, job.state, to)) {
    const why =
      job.state === "CANCELING"
        ? "the job is being canceled; finish with completeJob or failJob"
        : to === "CANCELING"
          ? "only cancelJob requests a cancel; to stop, use failJob"
          : isTerminal(to)
            ? "finish with completeJob or failJob"
            : "only forward moves into the family's own states are allowed";
    throw jobsError("INVALID_TRANSITION", `a ${job.reasonerType} job cannot move from ${job.state} to ${to}: ${why}`, {
      from: job.state,
      to,
    });
  }
  const moved = await transitionJob(tx, {
    jobId: job.id,
    reasonerType: job.reasonerType,
    from: [job.state],
    to,
    leaseToken: job.leaseToken,
    message,
    agentId: agentIdOf(job),
    by,
  });
  if (!moved) throw new Error(`job ${job.id} changed under its row lock`);
  return { jobId: job.id };
}
