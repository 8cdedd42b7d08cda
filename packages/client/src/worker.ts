// An external worker (or agent) of the jobs API: registers, claims jobs, keeps their leases alive
// with heartbeats, reports status, events and logs, uploads artifacts, and completes or fails.
// `Worker` offers each protocol call on its own and `run(handler)`, the loop that does all of it.
import { WriteCoalescer } from "./coalesce.ts";
import { OperationBatcher } from "./batch.ts";
import { type ApiErrorDetail, isJobsApiError, JobsApiError } from "./errors.ts";
import { JobsTransport, type Fetch, type UploadBody } from "./http.ts";
import { keepAliveGraphQLPost } from "./keep-alive-post.ts";
import { DEFAULT_LEASE_SECONDS } from "./lease.ts";
import type { GenerationKind } from "./job-types.ts";
import {
  APPEND_JOB_EVENTS,
  APPEND_JOB_LOGS,
  CLAIM_JOB,
  CLAIM_JOBS,
  COMPLETE_JOB,
  COMPLETE_JOBS,
  FAIL_JOB,
  HEARTBEAT,
  REGISTER_WORKER,
  RELEASE_JOB,
  UPDATE_JOB_STATUS,
} from "./operations.ts";
import type {
  ClaimedJob,
  JobError,
  JobSnapshot,
  JobState,
  Json,
  Lease,
  LeaseStatus,
  LogLineInput,
  ReasonerType,
  StoredArtifact,
  WorkerRegistration,
} from "./types.ts";
import { sleep, type WaitForWork } from "./wait.ts";
import { type JobsChangedWake, jobsChangedWake } from "./wake.ts";
import { type Interruption, type RunningJob, WorkerCore } from "./worker-core.ts";

export interface WorkerLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Warnings and errors to stderr; routine news dropped. */
const stderrLogger: WorkerLogger = {
  info: () => undefined,
  warn: (message, fields) => console.warn(`[worker] ${message}`, fields ?? ""),
  error: (message, fields) => console.error(`[worker] ${message}`, fields ?? ""),
};

export interface WorkerOptions {
  /** The server's base URL, e.g. `http://localhost:4000`. */
  url: string;
  /** A WORKER (or ADMIN) key. */
  apiKey: string;
  name: string;
  reasonerTypes: readonly ReasonerType[];
  /** Only these reasoner names / queues; absent or empty: any. */
  reasonerNames?: readonly string[];
  /** The agent pool this worker belongs to (jobs assigned to the pool may go to it). */
  poolId?: string;
  /** GENERATION jobs only of these kinds; absent or empty: any. */
  generationKinds?: readonly GenerationKind[];
  /** Lease length asked for on each claim (default 60); heartbeats go every third of it. */
  leaseSeconds?: number;
  fetch?: Fetch;
  logger?: WorkerLogger;
  /** For the `jobsChanged` subscription run() waits on; default: the global WebSocket, else `ws`. */
  webSocketImpl?: unknown;
  /**
   * Most operations run() sends in one batched HTTP request (default 10, the server's default
   * JOBS_MAX_BATCH; keep it at or below the server's). Its claims and final calls made at the same
   * time go together; 1 sends each alone.
   */
  maxBatch?: number;
}

export interface ArtifactToUpload {
  name: string;
  /** Artifact type (default `file`). */
  type?: string;
  mimeType?: string;
  /** The bytes, or a stream of them (a Node Readable works): streamed, never buffered whole. */
  body: UploadBody;
}

/** Why a job's signal was aborted: the job was canceled, its lease was lost, or the worker is stopping. */
export class JobInterrupted extends Error {
  override readonly name = "JobInterrupted";
  constructor(readonly reason: "canceled" | "lease-lost" | "stopped") {
    super(
      reason === "canceled"
        ? "the job was canceled"
        : reason === "lease-lost"
          ? "the lease on this job was lost"
          : "the worker is stopping",
    );
  }
}

/** Something the run found that the job's users should know (a skipped column, a row that failed). */
export interface Problem {
  severity: string;
  code: string;
  message: string;
  details?: Json;
}

/** Throw from a handler to fail the job with this code (not retried unless `retryable`), with its problems. */
export class JobFailure extends Error {
  override readonly name = "JobFailure";
  readonly retryable: boolean;
  readonly problems: readonly Problem[];
  constructor(
    readonly code: string,
    message: string,
    options: { retryable?: boolean; cause?: unknown; problems?: readonly Problem[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable ?? false;
    this.problems = options.problems ?? [];
  }
}

/** What a handler gets for one job; every call presents the job's lease. */
export interface JobContext {
  readonly job: ClaimedJob;
  readonly lease: { token: string; expiresOn: string };
  /** Aborted when the job is canceled (learned from a heartbeat), the lease is lost or the worker stops; `signal.reason` is a JobInterrupted. */
  readonly signal: AbortSignal;
  /** updateJobStatus: a forward move, or (the state the job is in already) nothing at all. */
  status(state: JobState, message?: string): Promise<void>;
  log(message: string, options?: { level?: string; step?: string }): Promise<void>;
  event(data: Json, stream?: string): Promise<void>;
  /** A heartbeat now, carrying progress (stored as a `heartbeat` event, or a transaction's progress). */
  progress(progress: Json): Promise<void>;
  /** Uploads an artifact under this lease; it is attached on completion unless the handler names others. */
  upload(artifact: ArtifactToUpload): Promise<StoredArtifact>;
}

/** What a handler returns: the job's result, and which uploads to attach (default: all of this job's). */
export interface JobOutcome {
  result?: Json;
  artifactIds?: readonly string[];
  /** Recorded on the job (its `problems`). */
  problems?: readonly Problem[];
}

export type JobHandler = (ctx: JobContext) => Promise<JobOutcome | void>;

export interface JobFinished {
  job: ClaimedJob;
  /** The job as the final completeJob / failJob left it; null when the lease was lost first. */
  final: JobSnapshot | null;
  /** What the handler threw, if it did. */
  error?: unknown;
}

export interface RunOptions {
  /** Jobs run at once (default 1). */
  concurrency?: number;
  /**
   * Stops claiming; running handlers see their signal abort, and a job whose handler then gives up
   * (throws anything but a JobFailure) is handed back with releaseJob: waiting again at once, the
   * attempt not counted. run() resolves when all have finished.
   */
  signal?: AbortSignal;
  /**
   * How to wait when no job is available. Default: woken by the `jobsChanged` subscription for this
   * worker's reasoner types (no polling), falling back to a capped backoff while it is down.
   */
  waitForWork?: WaitForWork;
  /** Called after each job's final call. */
  onJobFinished?: (finished: JobFinished) => void;
  /**
   * Jobs claimed ahead and kept waiting for a slot (default 0: each claim takes only the free
   * slots). One claim then takes the free slots plus this room, and a slot that frees starts the
   * next job at once, without waiting for a round trip; the queue is refilled in one claim when it
   * runs low. Waiting jobs are leased to this worker (their leases renewed while they wait), and on
   * stop are handed back without running (releaseJob, the attempt not counted). For many short jobs; for long ones it
   * keeps work from idle workers elsewhere.
   */
  localQueue?: number;
}

interface ClaimAnswer {
  claimJob: ({ __typename: "Lease" } & Lease) | { __typename: "NoJobResponse"; message: string };
}

/** Most jobs one claimJobs call asks for, and most completions one completeJobs call carries (the server's limits). */
const MAX_ITEMS_PER_CALL = 100;

/** One completion, as completeJobs takes it. */
interface Completion {
  leaseToken: string;
  result: Json | null;
  artifactIds: readonly string[] | null;
  problems: readonly Problem[] | null;
}

/** Sends one operation: alone, or in run()'s next batched request. */
type Send<T> = (query: string, variables: Record<string, unknown>) => Promise<T>;

/** How a throw is reported: with failJob, or (`handBack`, the worker stopping) with releaseJob. */
interface Failure {
  error: JobError;
  retryable: boolean;
  problems: readonly Problem[];
  handBack: boolean;
}

/** Final calls that could not reach the server are tried this many times in all. */
const FINAL_CALL_TRIES = 3;

/** Longest wait between two registrations while the server cannot be reached. */
const REGISTER_RETRY_MAX_MS = 5_000;

export class Worker {
  readonly transport: JobsTransport;
  private readonly options: WorkerOptions;
  private readonly logger: WorkerLogger;
  private registration: WorkerRegistration | null = null;
  /** run()'s claims and final calls, sent together when they coincide. */
  private readonly batcher: OperationBatcher;
  /** run()'s jobs finishing in the same turn: one completeJobs for all of them. */
  private readonly completions: WriteCoalescer<Completion, JobSnapshot | JobsApiError>;

  constructor(options: WorkerOptions) {
    this.options = options;
    this.transport = new JobsTransport({
      url: options.url,
      apiKey: options.apiKey,
      // A given fetch is used for everything; else GraphQL goes over node:http keep-alive, which
      // costs a turn ~15% less CPU than fetch (uploads still stream through fetch).
      ...(options.fetch ? { fetch: options.fetch } : { post: keepAliveGraphQLPost() }),
    });
    this.logger = options.logger ?? stderrLogger;
    this.batcher = new OperationBatcher(this.transport, options.maxBatch ?? 10);
    this.completions = new WriteCoalescer((all) => this.completeEach(all), MAX_ITEMS_PER_CALL);
  }

  /** This worker's registration, once register() (or the first claim) has made it. */
  get id(): string | null {
    return this.registration?.id ?? null;
  }

  get leaseSeconds(): number {
    return this.options.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  }

  async register(): Promise<WorkerRegistration> {
    const { name, reasonerTypes, reasonerNames, poolId, generationKinds } = this.options;
    const data = await this.transport.request<{ registerWorker: WorkerRegistration }>(REGISTER_WORKER, {
      input: {
        name,
        reasonerTypes,
        reasonerNames: reasonerNames ?? [],
        poolId: poolId ?? null,
        ...(generationKinds?.length ? { generationKinds } : {}),
      },
    });
    this.registration = data.registerWorker;
    return data.registerWorker;
  }

  /** One eligible job with its lease, or null when none is waiting. Registers first when needed. */
  async claim(signal?: AbortSignal): Promise<Lease | null> {
    const workerId = this.registration?.id ?? (await this.register()).id;
    const c = (
      await this.transport.request<ClaimAnswer>(CLAIM_JOB, { workerId, leaseSeconds: this.leaseSeconds }, signal)
    ).claimJob;
    return c.__typename === "Lease" ? { token: c.token, expiresOn: c.expiresOn, job: c.job } : null;
  }

  /** Up to `limit` (at most 100) eligible jobs with their leases in one claimJobs call; empty when none is waiting. Registers first when needed. */
  async claimJobs(limit: number, signal?: AbortSignal): Promise<Lease[]> {
    const workerId = this.registration?.id ?? (await this.register()).id;
    const { claimJobs } = await this.transport.request<{ claimJobs: Lease[] }>(
      CLAIM_JOBS,
      { workerId, leaseSeconds: this.leaseSeconds, limit: Math.min(limit, MAX_ITEMS_PER_CALL) },
      signal,
    );
    return claimJobs;
  }

  async heartbeat(token: string, progress?: Json): Promise<LeaseStatus> {
    const data = await this.transport.request<{ heartbeat: LeaseStatus }>(HEARTBEAT, {
      leaseToken: token,
      progress: progress ?? null,
    });
    return data.heartbeat;
  }

  async updateStatus(token: string, state: JobState, message?: string): Promise<JobSnapshot> {
    const data = await this.transport.request<{ updateJobStatus: JobSnapshot }>(UPDATE_JOB_STATUS, {
      leaseToken: token,
      state,
      message: message ?? null,
    });
    return data.updateJobStatus;
  }

  async appendEvents(token: string, events: readonly Json[], stream = "progress"): Promise<number> {
    const data = await this.transport.request<{ appendJobEvents: number }>(APPEND_JOB_EVENTS, {
      leaseToken: token,
      stream,
      events,
    });
    return data.appendJobEvents;
  }

  async appendLogs(token: string, lines: readonly LogLineInput[]): Promise<number> {
    const data = await this.transport.request<{ appendJobLogs: number }>(APPEND_JOB_LOGS, { leaseToken: token, lines });
    return data.appendJobLogs;
  }

  async uploadArtifact(token: string, artifact: ArtifactToUpload, signal?: AbortSignal): Promise<StoredArtifact> {
    return this.transport.uploadArtifact({
      leaseToken: token,
      name: artifact.name,
      body: artifact.body,
      ...(artifact.type ? { type: artifact.type } : {}),
      ...(artifact.mimeType ? { mimeType: artifact.mimeType } : {}),
      ...(signal ? { signal } : {}),
    });
  }

  async complete(
    token: string,
    result?: Json,
    artifactIds?: readonly string[],
    problems?: readonly Problem[],
  ): Promise<JobSnapshot> {
    return this.completeVia(this.direct(), token, result, artifactIds, problems);
  }

  async fail(token: string, error: JobError, retryable = false, problems?: readonly Problem[]): Promise<JobSnapshot> {
    return this.failVia(this.direct(), token, error, retryable, problems);
  }

  /**
   * Hands the job back unfinished (this worker is stopping): it waits again at once, the attempt
   * not counted (after many hand-backs of one job, they count), its history naming `reason`.
   */
  async release(token: string, reason?: string): Promise<JobSnapshot> {
    return this.releaseVia(this.direct(), token, reason);
  }

  private async completeVia(
    send: Send<{ completeJob: JobSnapshot }>,
    token: string,
    result?: Json,
    artifactIds?: readonly string[],
    problems?: readonly Problem[],
  ): Promise<JobSnapshot> {
    return (
      await send(COMPLETE_JOB, {
        leaseToken: token,
        result: result ?? null,
        artifactIds: artifactIds ?? null,
        problems: problems ?? null,
      })
    ).completeJob;
  }

  /** A completion inside run(): sent with the other jobs' completions of the same turn. */
  private async completeInRun(completion: Completion): Promise<JobSnapshot> {
    const answer = await this.completions.submit(completion);
    if (answer instanceof JobsApiError) throw answer;
    return answer;
  }

  /**
   * One completeJobs call, in run()'s next batched request; each completion answers its job or its
   * own error (the server reports a failed item at [completeJobs, index]). Throws when the call as a
   * whole failed.
   */
  private async completeEach(completions: readonly Completion[]): Promise<(JobSnapshot | JobsApiError)[]> {
    try {
      const { completeJobs } = await this.batched<{ completeJobs: JobSnapshot[] }>()(COMPLETE_JOBS, { completions });
      return completeJobs;
    } catch (err) {
      const items =
        err instanceof JobsApiError ? itemErrors<JobSnapshot>(err, "completeJobs", completions.length) : null;
      if (!items) throw err;
      return items;
    }
  }

  private async failVia(
    send: Send<{ failJob: JobSnapshot }>,
    token: string,
    error: JobError,
    retryable: boolean,
    problems?: readonly Problem[],
  ): Promise<JobSnapshot> {
    return (await send(FAIL_JOB, { leaseToken: token, error, retryable, problems: problems ?? null })).failJob;
  }

  private async releaseVia(
    send: Send<{ releaseJob: JobSnapshot }>,
    token: string,
    reason?: string,
  ): Promise<JobSnapshot> {
    return (await send(RELEASE_JOB, { leaseToken: token, reason: reason ?? null })).releaseJob;
  }

  private direct<T>(): Send<T> {
    return (query, variables) => this.transport.request<T>(query, variables);
  }

  private batched<T>(): Send<T> {
    return (query, variables) => this.batcher.request<T>(query, variables);
  }

  /**
   * Claims and runs jobs until `signal` aborts: each job gets heartbeats every third of its lease,
   * a context to report through, and a final completeJob (the handler returned) or failJob (it
   * threw: a JobFailure as given, anything else as retryable WORKER_ERROR), or releaseJob when it
   * gave up because the worker is stopping. The loop is the
   * WorkerCore the server's own executors run too; this is its port over GraphQL.
   */
  async run(handler: JobHandler, options: RunOptions = {}): Promise<void> {
    const concurrency = options.concurrency ?? 1;
    const stop = options.signal ?? new AbortController().signal;
    // The loop is made first: it refuses bad options (a RangeError) before the wake opens its socket.
    let wake: JobsChangedWake | null = null;
    const core = new WorkerCore<Lease, Completion, Failure, JobSnapshot>({
      concurrency,
      localQueue: options.localQueue ?? 0,
      leaseSeconds: this.leaseSeconds,
      // Stopping interrupts running handlers at once; they hand their jobs back as they give up.
      shutdownGraceMs: 0,
      port: {
        claim: (max) => this.claimUpTo(max),
        heartbeat: (token) => this.heartbeat(token),
        complete: (_token, completion) => this.retried(() => this.completeInRun(completion)),
        fail: (token, f) =>
          this.retried(() =>
            f.handBack
              ? this.releaseVia(this.batched(), token, f.error.message)
              : this.failVia(this.batched(), token, f.error, f.retryable, f.problems),
          ),
        isLeaseLost: (err) => isJobsApiError(err, "LEASE_LOST"),
        refusedOutcome: (err) =>
          isJobsApiError(err, "BAD_USER_INPUT")
            ? {
                error: { code: "INVALID_RESULT", message: `the API refused the job's result: ${err.message}` },
                retryable: false,
                problems: [],
                handBack: false,
              }
            : null,
        waitForWork: options.waitForWork ?? ((idle) => wake!.waitForWork(idle)),
      },
      run: (running) => this.runHandler(handler, running),
      failureOf: (lease, err, why) => this.failureOf(lease.job, err, why),
      abortReason: (why) => new JobInterrupted(INTERRUPTED[why]),
      on: {
        claimFailed: (err) => this.logger.warn("claim failed; will try again", { error: describe(err) }),
        heartbeatFailed: (_lease, err) =>
          this.logger.warn("heartbeat failed; will try again", { error: describe(err) }),
        reportFailed: ({ job }, _call, err, leaseLost) => {
          if (leaseLost) this.logger.warn("lease lost before the job finished", { jobId: job.jobId });
          else this.logger.error("could not finish the job", { jobId: job.jobId, error: describe(err) });
        },
        finished: ({ lease, final, error }) => {
          try {
            options.onJobFinished?.(error === undefined ? { job: lease.job, final } : { job: lease.job, final, error });
          } catch (err) {
            this.logger.error("onJobFinished threw", { error: describe(err) });
          }
        },
        crashed: ({ job }, err) =>
          this.logger.error("could not finish the job", { jobId: job.jobId, error: describe(err) }),
      },
    });
    if (!options.waitForWork)
      wake = jobsChangedWake({
        url: this.options.url,
        apiKey: this.options.apiKey,
        reasonerTypes: this.options.reasonerTypes,
        webSocketImpl: this.options.webSocketImpl,
      });
    try {
      if (!this.registration && !(await this.registerWhenReachable(stop))) return;
      this.logger.info("worker running", { workerId: this.id, concurrency });
      core.start();
      await new Promise<void>((resolve) => stop.addEventListener("abort", () => resolve(), { once: true }));
      await core.stop();
    } finally {
      await wake?.close();
    }
  }

  /** Runs the handler with a context whose calls present the job's lease (and learn of its loss). */
  private async runHandler(handler: JobHandler, running: RunningJob<Lease>): Promise<Completion> {
    const { lease, guard, sawStatus } = running;
    const { token, job } = lease;
    const uploaded: string[] = [];
    const ctx: JobContext = {
      job,
      lease: { token, expiresOn: lease.expiresOn },
      // Read through: the signal is made only if the handler looks at it (RunningJob.signal).
      get signal() {
        return running.signal;
      },
      status: async (state, message) => void (await guard(() => this.updateStatus(token, state, message))),
      log: async (message, o = {}) =>
        void (await guard(() =>
          this.appendLogs(token, [
            {
              message,
              timestampMs: Date.now(),
              ...(o.level ? { level: o.level } : {}),
              ...(o.step ? { step: o.step } : {}),
            },
          ]),
        )),
      event: async (data, stream) => void (await guard(() => this.appendEvents(token, [data], stream))),
      progress: async (progress) => sawStatus(await guard(() => this.heartbeat(token, progress))),
      upload: async (artifact) => {
        const stored = await guard(() => this.uploadArtifact(token, artifact));
        uploaded.push(stored.id);
        return stored;
      },
    };
    const outcome = (await handler(ctx)) ?? {};
    return {
      leaseToken: token,
      result: outcome.result ?? null,
      artifactIds: outcome.artifactIds ?? uploaded,
      problems: outcome.problems ?? null,
    };
  }

  /** How a handler's throw is reported: nothing after a lost lease; else failureOf's verdict. */
  private failureOf(job: ClaimedJob, err: unknown, why: Interruption | null): Failure | null {
    if (why === "lease-lost") return null;
    const reason = why === null ? null : INTERRUPTED[why];
    const { code, message, retryable } = failureOf(err, reason === "lease-lost" ? null : reason);
    if (!(err instanceof JobFailure) && reason === null)
      this.logger.warn("job handler threw", { jobId: job.jobId, error: describe(err) });
    return {
      error: { code, message },
      retryable,
      problems: err instanceof JobFailure ? err.problems : [],
      // Stopping is not the job's fault: it goes back with its attempt uncounted.
      handBack: reason === "stopped" && !(err instanceof JobFailure),
    };
  }

  /** Up to `n` jobs in one claimJobs call, in run()'s next batched request. Registers first when needed. */
  private async claimUpTo(n: number): Promise<Lease[]> {
    const workerId = this.registration?.id ?? (await this.register()).id;
    const { claimJobs } = await this.batched<{ claimJobs: Lease[] }>()(CLAIM_JOBS, {
      workerId,
      leaseSeconds: this.leaseSeconds,
      limit: Math.min(n, MAX_ITEMS_PER_CALL),
    });
    return claimJobs;
  }

  /** A final call (completeJob / failJob), tried again when the server could not be reached. */
  /**
   * Registers, trying again (with a capped backoff) while the server cannot be reached: a worker
   * started before its server, or during its restart, waits for it as a running worker does. Any
   * other refusal (a bad key, say) is thrown. False when stopped before it could register.
   */
  private async registerWhenReachable(stop: AbortSignal): Promise<boolean> {
    for (let attempt = 0; !stop.aborted; attempt++) {
      try {
        await this.register();
        return true;
      } catch (err) {
        if (!isJobsApiError(err, "NETWORK_ERROR")) throw err;
        const waitMs = Math.min(REGISTER_RETRY_MAX_MS, 250 * 2 ** attempt);
        this.logger.warn("cannot reach the server; registering again", { error: describe(err), retryInMs: waitMs });
        await sleep(waitMs, stop);
      }
    }
    return false;
  }

  private async retried(call: () => Promise<JobSnapshot>): Promise<JobSnapshot> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        const transient =
          isJobsApiError(err) &&
          (err.code === "NETWORK_ERROR" || err.code === "INTERNAL_SERVER_ERROR" || err.code === "RATE_LIMITED");
        if (!transient || attempt >= FINAL_CALL_TRIES) throw err;
        await sleep(250 * 2 ** attempt);
      }
    }
  }
}

/** The handler's JobInterrupted reason for each of the core's interruptions. */
const INTERRUPTED: Record<Interruption, JobInterrupted["reason"]> = {
  cancel: "canceled",
  "lease-lost": "lease-lost",
  stop: "stopped",
};

/** How a handler's error is reported: JobFailure as given; after a cancel or stop, by that reason; else a retryable WORKER_ERROR. */
function failureOf(err: unknown, reason: "canceled" | "stopped" | null): JobError & { retryable: boolean } {
  if (err instanceof JobFailure) return { code: err.code, message: err.message, retryable: err.retryable };
  if (reason === "canceled") return { code: "CANCELED", message: "stopped after the cancel request", retryable: false };
  if (reason === "stopped")
    return { code: "WORKER_STOPPED", message: "the worker stopped before the job finished", retryable: true };
  if (err instanceof JobsApiError)
    return { code: "WORKER_ERROR", message: `${err.code}: ${err.message}`, retryable: true };
  return {
    code: "WORKER_ERROR",
    message: err instanceof Error ? err.message || err.name : String(err),
    retryable: true,
  };
}

/**
 * A list field's answer split per item: each item its value, or a JobsApiError of the errors at
 * [field, index]. Null when the errors are not all per item (the call as a whole failed).
 */
function itemErrors<T>(err: JobsApiError, field: string, count: number): (T | JobsApiError)[] | null {
  const list = (err.data as Record<string, unknown> | null)?.[field];
  if (!Array.isArray(list) || list.length !== count) return null;
  const byIndex = new Map<number, ApiErrorDetail[]>();
  for (const e of err.errors) {
    const [name, index] = e.path ?? [];
    if (name !== field || typeof index !== "number" || index < 0 || index >= count) return null;
    byIndex.set(index, [...(byIndex.get(index) ?? []), e]);
  }
  return list.map((value: T | null, i) => {
    const errors = byIndex.get(i);
    if (errors) return JobsApiError.fromErrors(errors, err.status);
    return value ?? new JobsApiError("BAD_RESPONSE", `${field}[${i}] is null without an error`, { status: err.status });
  });
}

function describe(err: unknown): string {
  if (err instanceof JobsApiError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
