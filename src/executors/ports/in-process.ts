// The port the server's own executors use: the worker protocol and the artifact service called
// directly (caller IN_PROCESS), woken by the process's change notifications instead of polling.
import type { Readable } from "node:stream";
import { type ClaimFilter, type IdleState, type LogLineInput, sleep } from "@jobs-api/client";
import type { ArtifactService } from "../../artifacts/service.ts";
import { CommitSignal } from "../../db/commit-signals.ts";
import type { Database } from "../../db/database.ts";
import { isJobsError } from "../../errors.ts";
import type { JobChangeHub } from "../../jobs/changes.ts";
import type { JobState } from "../../jobs/model.ts";
import { waitingState } from "../../jobs/states.ts";
import type { JobService } from "../../jobs/service.ts";
import {
  type ClaimedJobRow,
  IN_PROCESS,
  type ProblemReport,
  type WorkerProtocol,
} from "../../workers/protocol/service.ts";
import { creatorViewer } from "../creator.ts";
import type { EvidenceService } from "../evidence.ts";
import {
  type ArtifactBody,
  type ArtifactBytes,
  type ExecutorJob,
  type ExecutorJobLease,
  InputFault,
  type JobArtifacts,
  LeaseLostError,
  type UploadedArtifact,
  type WorkerPort,
} from "../port.ts";

/** An idle claimer re-checks at least this often, in case a notification was lost (listener reconnect). */
export const MAX_IDLE_MS = 30_000;

export interface InProcessDeps {
  db: Database;
  protocol: WorkerProtocol;
  artifacts: ArtifactService;
  changes: JobChangeHub;
  jobs: JobService;
  /** Builds a succeeded job's evidence when it is not there yet (it is built just after the success commits). */
  evidence: Pick<EvidenceService, "ensure">;
}

/** The claim statement's row as executors read it. */
export function claimedJobOf(job: ClaimedJobRow): ExecutorJob {
  const g = job.generation;
  return {
    id: job.id,
    tenantId: job.tenantId,
    reasonerType: job.reasonerType,
    revision: job.revision,
    name: job.name,
    createdBy: job.createdBy,
    payload: job.payload,
    traceParent: job.traceParent,
    generation: g
      ? {
          kind: g.kind,
          rows: g.rows,
          description: g.description,
          seed: g.seed,
          spec: (g.spec as Record<string, unknown> | null) ?? null,
          planTier: g.planTier,
        }
      : null,
  };
}

/** LEASE_LOST from the protocol becomes LeaseLostError; everything else passes through. */
async function leased<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (isJobsError(err, "LEASE_LOST")) throw new LeaseLostError(err.message);
    throw err;
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export class InProcessPort implements WorkerPort {
  constructor(
    private readonly deps: InProcessDeps,
    readonly name = "the built-in executor",
  ) {}

  async claim(filter: ClaimFilter, leaseSeconds: number, max: number): Promise<ExecutorJobLease[]> {
    const leases = await this.deps.protocol.claimUpTo(
      {
        reasonerTypes: filter.reasonerTypes,
        generationKinds: filter.generationKinds ?? null,
        leaseSeconds,
        name: this.name,
      },
      max,
    );
    return leases.map((lease) => ({ token: lease.token, expiresOn: lease.expiresOn, job: claimedJobOf(lease.job) }));
  }

  async heartbeat(token: string) {
    const status = await leased(this.deps.protocol.heartbeat(token, null, IN_PROCESS));
    return { cancelRequested: status.cancelRequested, expiresOn: status.expiresOn };
  }

  async appendLogs(token: string, lines: readonly LogLineInput[]): Promise<void> {
    await leased(this.deps.protocol.appendLogs(token, lines, IN_PROCESS));
  }

  async appendEvents(token: string, events: readonly unknown[], stream = "progress"): Promise<void> {
    await leased(this.deps.protocol.appendEvents(token, stream, events, IN_PROCESS));
  }

  async uploadArtifact(token: string, a: ArtifactBody): Promise<UploadedArtifact> {
    const body = a.body instanceof Uint8Array ? [a.body] : a.body;
    return leased(
      this.deps.artifacts.upload({
        leaseToken: token,
        caller: IN_PROCESS,
        name: a.name,
        artifactType: a.artifactType,
        mimeType: a.mimeType,
        body,
      }),
    );
  }

  async complete(token: string, result: unknown, artifactIds: readonly string[], problems?: readonly ProblemReport[]) {
    const job = await leased(this.deps.protocol.complete(token, result, artifactIds, IN_PROCESS, problems));
    return { state: job.state };
  }

  async fail(
    token: string,
    error: { code: string; message: string },
    retryable: boolean,
    options?: { handBack?: boolean; problems?: readonly ProblemReport[] },
  ) {
    const job = await leased(
      this.deps.protocol.fail(token, error, retryable, IN_PROCESS, options?.problems, options?.handBack ?? false),
    );
    return { state: job.state };
  }

  async readArtifact(job: ExecutorJob, artifactId: string): Promise<ArtifactBytes> {
    const viewer = await this.creatorOf(job);
    try {
      const download = await this.deps.artifacts.artifactDownload(artifactId, viewer);
      return {
        id: artifactId,
        name: download.name,
        contentHash: download.contentHash,
        bytes: await readAll(download.open()),
      };
    } catch (err) {
      if (isJobsError(err, "NOT_FOUND"))
        throw new InputFault("INPUT_NOT_FOUND", `input artifact ${artifactId} not found`);
      throw err;
    }
  }

  async jobArtifacts(job: ExecutorJob, jobId: string): Promise<JobArtifacts> {
    const viewer = await this.creatorOf(job);
    const target = await this.deps.jobs.get({ reasonerType: "GENERATION", jobId }, viewer).catch(() => null);
    if (!target) throw new InputFault("INPUT_NOT_FOUND", `generation job ${jobId} not found`);
    const expansions = this.deps.jobs.gatewayFor("GENERATION").expansions;
    const [outputs = []] = await expansions.artifacts([jobId]);
    // A job that has just succeeded may not have its evidence yet (the success hook builds it after the
    // commit): build it now, as reading the job through the API does, rather than report none.
    const stored = (target.generation?.evidence ??
      (target.state === "SUCCEEDED" ? await this.deps.evidence.ensure(jobId) : null)) as
      | { rootHash?: string; fileIds?: string[] }
      | null
      | undefined;
    const [files, [seal]] = await Promise.all([
      stored?.fileIds?.length ? expansions.artifactsById(stored.fileIds) : Promise.resolve([]),
      expansions.seals([jobId]),
    ]);
    const listing = (a: { id: string; name: string; contentHash: string }) => ({
      id: a.id,
      name: a.name,
      contentHash: a.contentHash,
    });
    return {
      jobId,
      outputs: outputs.map(listing),
      evidence: stored?.rootHash
        ? { rootHash: stored.rootHash, files: files.filter((f) => f !== null).map(listing) }
        : null,
      seal: seal
        ? { sealHash: seal.sealHash, previousSealHash: seal.previousSealHash, createdOn: seal.createdOn.toISOString() }
        : null,
    };
  }

  subscribeWork(filter: ClaimFilter, wake: () => void): () => void {
    // Only a change into a family's waiting state can make a job claimable (created, requeued):
    // the claims and completions of running jobs do not wake idle slots to claim nothing.
    const waiting = new Map<string, JobState>(filter.reasonerTypes.map((t) => [t, waitingState(t)]));
    const unsubscribe = this.deps.changes.subscribe("*", (change) => {
      const state = waiting.get(change.reasonerType);
      if (state !== undefined && (change.state === undefined || change.state === state)) wake();
    });
    // Jobs this process created: look at once, not after their NOTIFY's round trip (the change's
    // notification then finds the job claimed, or claims it if this look came too early).
    const unCreated = this.deps.db.onCommit(CommitSignal.JobsCreated, wake);
    // Notifications may have been lost while the LISTEN connection was down: look again.
    const unResync = this.deps.changes.onResync(() => wake());
    return () => {
      unsubscribe();
      unCreated();
      unResync();
    };
  }

  async waitForWork(filter: ClaimFilter, idle: IdleState): Promise<void> {
    await sleep(await this.idleDelayMs(filter).catch(() => 1000), idle.signal);
  }

  /** How long until the earliest waiting job's backoff ends, at most MAX_IDLE_MS. */
  async idleDelayMs(filter: ClaimFilter): Promise<number> {
    // The earliest moment a waiting job's backoff (runAfter) ends: no notification marks it.
    const rows = await this.deps.db.query<{ ms: number | null }>(
      `select extract(epoch from (min("runAfter") - now())) * 1000 as "ms" from "jobs"
       where "state" in ('QUEUED', 'PENDING') and "runAfter" > now() and "reasonerType" = any($1::text[]::"ReasonerType"[])`,
      [[...filter.reasonerTypes]],
    );
    const ms = rows[0]?.ms;
    return ms === null || ms === undefined ? MAX_IDLE_MS : Math.min(MAX_IDLE_MS, Math.max(0, Math.ceil(Number(ms))));
  }

  watchJob(jobId: string, onChange: (revision: number) => void): () => void {
    return this.deps.changes.subscribe(jobId, (change) => onChange(change.revision));
  }

  private creatorOf(job: ExecutorJob) {
    if (!job.tenantId) throw new Error(`job ${job.id} has no tenant`);
    return creatorViewer(this.deps.db, job.tenantId, job.createdBy);
  }
}
