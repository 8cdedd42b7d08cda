// Finishes a leased job, in one transaction with its state transition (run it inside one):
//  - SUCCEEDED, or CANCELED when the job was CANCELING (the job ends CANCELED whatever the worker sends);
//  - attaches the artifacts uploaded under this lease that the worker names (agent jobs: each also
//    becomes a new revision of the job's File);
//  - GENERATION: charges the estimated credits exactly once (credit_charges is keyed by job).
// The transition is guarded by the lease token and clears it, so a repeated call finds no lease.
import type { Sql } from "../../../db/database.ts";
import { jobsError } from "../../../errors.ts";
import { newId } from "../../../ids.ts";
import type { JobRecord, ReasonerType } from "../../../jobs/model.ts";
import { transitionJob } from "../../../jobs/sql/transitionJob.ts";
import { isUuid } from "../../../jobs/validation.ts";
import type { PresentedLease } from "../lease.ts";
import { agentIdOf, lockLease } from "./lockLease.ts";
import { type ProblemReport, recordProblems } from "./recordProblems.ts";
import { setAbortReason } from "./setAbortReason.ts";
import { canceledWhileRunning } from "./canceledWhileRunning.ts";

export interface CompleteArgs {
  lease: PresentedLease;
  tenantId: string | null;
  result: unknown;
  artifactIds: readonly string[];
  by: string | null;
  problems?: readonly ProblemReport[];
}

export interface CompletedJob {
  jobId: string;
  tenantId: string;
  reasonerType: ReasonerType;
  state: "SUCCEEDED" | "CANCELED";
  /** Credits charged by this call (GENERATION successes only). */
  chargedCredits: number | null;
  /** When the job started running (null if it never did), for the run-time metric. */
  startedOn: Date | null;
  /** The job as the finishing statement left it, when that statement read it (the common completion). */
  record?: JobRecord;
}

export async function completeJob(tx: Sql, a: CompleteArgs): Promise<CompletedJob> {
  const job = await lockLease(tx, a.lease, a.tenantId);
  const base = { jobId: job.id, tenantId: job.tenantId, reasonerType: job.reasonerType, startedOn: job.startedOn };
  await recordProblems(tx, job.id, a.problems ?? []);
  if (job.state === "CANCELING") {
    await transitionJob(tx, {
      jobId: job.id,
      reasonerType: job.reasonerType,
      from: [job.state],
      to: "CANCELED",
      leaseToken: job.leaseToken,
      message: "canceled: the worker finished after the cancel request",
      agentId: agentIdOf(job),
      by: a.by,
      set: { errorCode: "CANCELED", errorMessage: await canceledWhileRunning(tx, job.id) },
    });
    await setAbortReason(tx, job, "canceled");
    return { ...base, state: "CANCELED", chargedCredits: null };
  }

  const moved = await transitionJob(tx, {
    jobId: job.id,
    reasonerType: job.reasonerType,
    from: [job.state],
    to: "SUCCEEDED",
    leaseToken: job.leaseToken,
    message: "completed",
    agentId: agentIdOf(job),
    by: a.by,
    set: { result: a.result ?? null },
  });
  if (!moved) throw new Error(`job ${job.id} changed under its row lock`);

  const ids = [...new Set(a.artifactIds)];
  if (ids.length) {
    const attached = await attachArtifacts(tx, job.id, job.tenantId, job.leaseToken, ids);
    if (job.reasonerType === "AGENT") await addFileRevisions(tx, job.id, attached);
  }
  const chargedCredits = job.reasonerType === "GENERATION" ? await chargeCredits(tx, job.id, job.tenantId) : null;
  return { ...base, state: "SUCCEEDED", chargedCredits };
}

/** Attaches exactly the named uploads of this lease, in the order named; NOT_FOUND (and rollback) otherwise. */
async function attachArtifacts(
  tx: Sql,
  jobId: string,
  tenantId: string,
  leaseHash: string,
  ids: string[],
): Promise<string[]> {
  const malformed = ids.filter((id) => !isUuid(id));
  if (malformed.length) throw artifactsNotFound(malformed);
  const rows = await tx.query<{ id: string }>(
    `update "artifacts" a set "jobId" = $1::uuid
     where a."id" = any($2::uuid[]) and a."leaseToken" = $3::text and a."jobId" is null and a."tenantId" = $4::uuid
     returning a."id"`,
    [jobId, ids, leaseHash, tenantId],
  );
  if (rows.length !== ids.length) {
    const found = new Set(rows.map((r) => r.id));
    throw artifactsNotFound(ids.filter((id) => !found.has(id)));
  }
  return ids;
}

const artifactsNotFound = (ids: string[]) =>
  jobsError("NOT_FOUND", `artifact ${ids.join(", ")} not found among the uploads of this lease`, { artifactIds: ids });

/** Each attached artifact becomes a new revision of the agent job's File (made when missing). */
async function addFileRevisions(tx: Sql, jobId: string, artifactIds: string[]): Promise<void> {
  // newId's ids ascend in the order made, so revisions list in that order (they share createdOn).
  const revisionIds = artifactIds.map(() => newId());
  // Two statements: the second's snapshot sees the File whoever made it (even a concurrent updateJobFile).
  await tx.query(`insert into "files" ("id", "jobId") values ($1::uuid, $2::uuid) on conflict ("jobId") do nothing`, [
    newId(),
    jobId,
  ]);
  await tx.query(
    `insert into "file_revisions" ("id", "fileId", "name", "mimeType", "sizeBytes", "contentHash")
     select r.rid, f."id", a."name", a."mimeType", a."sizeBytes", a."contentHash"
     from unnest($2::uuid[], $3::uuid[]) as r(rid, aid)
     join "artifacts" a on a."id" = r.aid
     join "files" f on f."jobId" = $1::uuid`,
    [jobId, revisionIds, artifactIds],
  );
}

/** Charges the job's estimated credits; the primary key on jobId makes a second charge impossible. */
async function chargeCredits(tx: Sql, jobId: string, tenantId: string): Promise<number | null> {
  const rows = await tx.query<{ credits: number }>(
    `with charge as (
       insert into "credit_charges" ("jobId", "tenantId", "credits")
       select g."jobId", $2::uuid, g."estimatedCredits" from "generation_details" g where g."jobId" = $1::uuid
       on conflict ("jobId") do nothing
       returning "credits"
     ), noted as (
       update "generation_details" g set "chargedCredits" = c."credits" from charge c where g."jobId" = $1::uuid
     )
     select "credits" from charge`,
    [jobId, tenantId],
  );
  return rows[0] ? Number(rows[0].credits) : null;
}
