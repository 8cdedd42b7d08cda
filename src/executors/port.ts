// What a built-in executor needs from the jobs API, whichever side of the wire it runs on: the
// in-process port calls the worker protocol directly; the HTTP port talks GraphQL and PUT /artifacts
// like any external worker. Executors and the runner only ever see this interface.
import type { ClaimFilter, IdleState, Lease, LeaseStatus, LogLineInput } from "@jobs-api/client";
import type { ProblemReport } from "../workers/protocol/sql/recordProblems.ts";
import type { GenerationContract } from "../families/generation/spec-check.ts";
import type { JobState, ReasonerType } from "../jobs/model.ts";

/** The generation contract a job was created with (the family defines it; its spec check reads it too). */
export type { GenerationContract };

/** A claimed job, as much of it as executors read (the wire's ClaimedJob, converted by the port). */
export interface ExecutorJob {
  id: string;
  /** Known in-process; over HTTP the key's tenant is implied. */
  tenantId: string | null;
  reasonerType: ReasonerType;
  /** The job's revision after the claim, when the port knows it: changes at or below it are the claim's own. */
  revision?: number;
  name: string | null;
  createdBy: string;
  payload: unknown;
  /** The creating request's W3C traceparent (in-process; absent over HTTP): the run's span links to it. */
  traceParent?: string | null;
  /** GENERATION jobs only. */
  generation: GenerationContract | null;
}

/** The client's Lease over the executor's job, its expiry a Date. */
export type ExecutorJobLease = Lease<ExecutorJob, Date>;

/** What a final call (complete, fail) answers. */
export interface PortState {
  state: JobState;
}

export interface ArtifactBody {
  name: string;
  artifactType: string;
  mimeType: string | null;
  /** Whole bytes, or chunks streamed as they are made. */
  body: Uint8Array | AsyncIterable<Uint8Array>;
}

export interface UploadedArtifact {
  id: string;
  contentHash: string;
  sizeBytes: number;
}

export interface ArtifactBytes {
  id: string;
  name: string;
  contentHash: string;
  bytes: Buffer;
}

export interface ArtifactListing {
  id: string;
  name: string;
  contentHash: string;
}

/** A generation job's outputs, evidence files and provenance seal, for VERIFY. */
export interface JobArtifacts {
  jobId: string;
  outputs: ArtifactListing[];
  evidence: { rootHash: string; files: ArtifactListing[] } | null;
  /** As stored: createdOn is the ISO string the seal hash covers. */
  seal: { sealHash: string; previousSealHash: string | null; createdOn: string } | null;
}

export interface WorkerPort {
  /** For logs and status history. */
  readonly name: string;
  /** Up to `max` jobs (a port may hand fewer, e.g. one per call over HTTP); empty: none waiting. */
  claim(filter: ClaimFilter, leaseSeconds: number, max: number): Promise<ExecutorJobLease[]>;
  heartbeat(token: string): Promise<LeaseStatus<Date>>;
  appendLogs(token: string, lines: readonly LogLineInput[]): Promise<void>;
  appendEvents(token: string, events: readonly unknown[], stream?: string): Promise<void>;
  uploadArtifact(token: string, artifact: ArtifactBody): Promise<UploadedArtifact>;
  complete(
    token: string,
    result: unknown,
    artifactIds: readonly string[],
    problems?: readonly ProblemReport[],
  ): Promise<PortState>;
  /**
   * `handBack`: the job stopped only because this executor is shutting down (a port may requeue it at
   * once, uncounted); `problems`: what the run found, recorded with the failure.
   */
  fail(
    token: string,
    error: { code: string; message: string },
    retryable: boolean,
    options?: { handBack?: boolean; problems?: readonly ProblemReport[] },
  ): Promise<PortState>;
  /**
   * An input artifact the job may read (its creator could see it); InputFault INPUT_NOT_FOUND
   * otherwise. `leaseToken`, the job's lease, is how a port over the wire reads as the job's creator.
   */
  readArtifact(job: ExecutorJob, artifactId: string, leaseToken: string): Promise<ArtifactBytes>;
  /**
   * Another generation job's artifacts, when the job's creator could see it; InputFault otherwise,
   * the same for a job they cannot see as for one that does not exist. `leaseToken` as for readArtifact.
   */
  jobArtifacts(job: ExecutorJob, jobId: string, leaseToken: string): Promise<JobArtifacts>;
  /**
   * Calls wake whenever claimable work may have appeared (a job created or requeued), where the port
   * can tell; the returned function ends it (and whatever the port's waitForWork holds open for it).
   */
  subscribeWork(filter: ClaimFilter, wake: () => void): () => void;
  /**
   * How an idle claimer waits after an empty claim, ending at once when `idle.signal` aborts: until
   * the earliest backoff ends (in-process), or until the jobsChanged subscription announces work
   * (HTTP: the client's jobsChangedWake).
   */
  waitForWork(filter: ClaimFilter, idle: IdleState): Promise<void>;
  /**
   * Calls onChange when the job changes (e.g. a cancel request), with the job's new revision when
   * known, where the port can tell; else never.
   */
  watchJob(jobId: string, onChange: (revision?: number) => void): () => void;
}

/**
 * What the job asked for cannot be done (bad spec, missing input, failed step): the job fails, and
 * retrying would not help. `code` becomes the job's error code.
 */
export type { ProblemReport };

export class InputFault extends Error {
  override name = "InputFault";
  constructor(
    readonly code: string,
    message: string,
    /** What the run found, recorded on the failed job (e.g. one per VERIFY mismatch). */
    readonly problems: readonly ProblemReport[] = [],
  ) {
    super(message);
  }
}

/**
 * This executor cannot run the job (e.g. a worker that could not filter its claim by kind got one it
 * has no code for): give it back to the queue for another worker (a retryable failure).
 */
export class NotRunnableHere extends Error {
  override name = "NotRunnableHere";
}

/** The job's lease is gone (expired and reassigned, or the job ended elsewhere): stop, report nothing. */
export class LeaseLostError extends Error {
  override name = "LeaseLostError";
}

/** Why a running job's signal was aborted. */
export type AbortReason = "cancel" | "lease-lost" | "shutdown";

export function abortReasonOf(signal: AbortSignal): AbortReason | null {
  if (!signal.aborted) return null;
  const r: unknown = signal.reason;
  return r === "cancel" || r === "lease-lost" || r === "shutdown" ? r : "shutdown";
}
