// An external worker (or agent) of the jobs API: registers, claims jobs, keeps their leases alive
// with heartbeats, reports status, events and logs, uploads artifacts, and completes or fails.
// `Worker` offers each protocol call on its own and `run(handler)`, the loop that does all of it.
import { WriteCoalescer } from "./coalesce.ts";
import { OperationBatcher } from "./batch.ts";
import { type ApiErrorDetail, isJobsApiError, JobsApiError } from "./errors.ts";
import { JobsTransport, type Fetch, type UploadBody } from "./http.ts";
import { DEFAULT_LEASE_SECONDS, heartbeatPeriodMs } from "./lease.ts";
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
import { jobsChangedWake } from "./wake.ts";

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
  /** Stops claiming; running handlers see their signal abort (failures then are retryable). run() resolves when all have finished. */
  signal?: AbortSignal;
  /**
   * How to wait when no job is available. Default: woken by the `jobsChanged` subscription for this
   * worker's reasoner types (no polling), falling back to a capped backoff while it is down.
   */
  waitForWork?: WaitForWork;
  /** Called after each job's final call. */
  onJobFinished?: (finished: JobFinished) => void;
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

/** Final calls that could not reach the server are tried this many times in all. */
const FINAL_CALL_TRIES = 3;

export class Worker {
  readonly transport: JobsTransport;
  private readonly options: WorkerOptions;
  private readonly logger: WorkerLogger;
  private registration: WorkerRegistration | null = null;
  /** run()'s claims and final calls, sent together when they coincide. */
  private readonly batcher: OperationBatcher;
  /** run()'s slots asking for their next job in the same turn: one claimJobs for all of them. */
  private readonly claims: WriteCoalescer<void, Lease | null>;
  /** run()'s jobs finishing in the same turn: one completeJobs for all of them. */
  private readonly completions: WriteCoalescer<Completion, JobSnapshot | JobsApiError>;

  constructor(options: WorkerOptions) {
    this.options = options;
    this.transport = new JobsTransport({
      url: options.url,
      apiKey: options.apiKey,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    this.logger = options.logger ?? stderrLogger;
    this.batcher = new OperationBatcher(this.transport, options.maxBatch ?? 10);
    this.claims = new WriteCoalescer((asks) => this.claimUpTo(asks.length), MAX_ITEMS_PER_CALL);
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
    const { name, reasonerTypes, reasonerNames, poolId } = this.options;
    const data = await this.transport.request<{ registerWorker: WorkerRegistration }>(REGISTER_WORKER, {
      input: { name, reasonerTypes, reasonerNames: reasonerNames ?? [], poolId: poolId ?? null },
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

  private direct<T>(): Send<T> {
    return (query, variables) => this.transport.request<T>(query, variables);
  }

  private batched<T>(): Send<T> {
    return (query, variables) => this.batcher.request<T>(query, variables);
  }

  /**
   * Claims and runs jobs until `signal` aborts: each job gets heartbeats every third of its lease,
   * a context to report through, and a final completeJob (the handler returned) or failJob (it
   * threw: a JobFailure as given, anything else as retryable WORKER_ERROR).
   */
  async run(handler: JobHandler, options: RunOptions = {}): Promise<void> {
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
    const stop = options.signal ?? new AbortController().signal;
    const wake = options.waitForWork
      ? null
      : jobsChangedWake({
          url: this.options.url,
          apiKey: this.options.apiKey,
          reasonerTypes: this.options.reasonerTypes,
          webSocketImpl: this.options.webSocketImpl,
        });
    const waitForWork = options.waitForWork ?? wake!.waitForWork;
    try {
      if (!this.registration) await this.register();
      this.logger.info("worker running", { workerId: this.id, concurrency });
      await Promise.all(
        Array.from({ length: concurrency }, () => this.slot(handler, stop, waitForWork, options.onJobFinished)),
      );
    } finally {
      await wake?.close();
    }
  }

  /**
   * One claim-run loop; `run` starts `concurrency` of them. When a job's handler is done, the slot
   * claims its next job along with the job's final call (one batched request for both, and for
   * other slots' calls made meanwhile; the slots' claims of one turn are one claimJobs).
   */
  private async slot(
    handler: JobHandler,
    stop: AbortSignal,
    waitForWork: WaitForWork,
    onJobFinished?: (f: JobFinished) => void,
  ): Promise<void> {
    let emptyClaims = 0;
    let claimed: Promise<Lease | null> | null = null;
    while (!stop.aborted || claimed) {
      // A lease claimed with the last final call is run even if the worker stopped meanwhile: its
      // handler starts with an aborted signal, and the job is failed as retryable, not left leased.
      const lease = await (claimed ?? this.claimInRun(stop));
      claimed = null;
      if (!lease) {
        if (stop.aborted) break;
        await waitForWork({ emptyClaims: ++emptyClaims, signal: stop });
        continue;
      }
      emptyClaims = 0;
      const finished = await this.runJob(
        lease,
        handler,
        stop,
        () => (claimed = stop.aborted ? null : this.claimInRun(stop)),
      );
      try {
        onJobFinished?.(finished);
      } catch (err) {
        this.logger.error("onJobFinished threw", { error: describe(err) });
      }
    }
  }

  /** Up to `n` jobs in one claimJobs call, in run()'s next batched request; null for each not handed out. */
  private async claimUpTo(n: number): Promise<(Lease | null)[]> {
    const workerId = this.registration?.id ?? (await this.register()).id;
    const { claimJobs } = await this.batched<{ claimJobs: Lease[] }>()(CLAIM_JOBS, {
      workerId,
      leaseSeconds: this.leaseSeconds,
      limit: n,
    });
    return Array.from({ length: n }, (_, i) => claimJobs[i] ?? null);
  }

  /** A claim inside run(): shared with the other slots' claims of the same turn, and null (logged) when it failed. */
  private async claimInRun(stop: AbortSignal): Promise<Lease | null> {
    try {
      // Not aborted by `stop`: a claim cut off in flight could leave a job leased to nobody until its lease runs out.
      return await this.claims.submit();
    } catch (err) {
      if (!stop.aborted) this.logger.warn("claim failed; will try again", { error: describe(err) });
      return null;
    }
  }

  /** Runs the handler and makes the final call; `handlerDone` is called as the final call is made. */
  private async runJob(
    lease: Lease,
    handler: JobHandler,
    stop: AbortSignal,
    handlerDone: () => void,
  ): Promise<JobFinished> {
    const { token, job } = lease;
    const interrupt = new AbortController();
    const stopJob = () => interrupt.abort(new JobInterrupted("stopped"));
    if (stop.aborted) stopJob();
    else stop.addEventListener("abort", stopJob, { once: true });
    const onStatus = (status: LeaseStatus) => {
      if (status.cancelRequested && !interrupt.signal.aborted) interrupt.abort(new JobInterrupted("canceled"));
    };
    const onLeaseError = (err: unknown) => {
      if (isJobsApiError(err, "LEASE_LOST") && !interrupt.signal.aborted)
        interrupt.abort(new JobInterrupted("lease-lost"));
    };
    const heartbeats = this.heartbeats(token, onStatus, onLeaseError);

    const uploaded: string[] = [];
    // Calls made through the context learn of a lost lease the same way heartbeats do.
    const guarded = async <T>(call: () => Promise<T>): Promise<T> => {
      try {
        return await call();
      } catch (err) {
        onLeaseError(err);
        throw err;
      }
    };
    const ctx: JobContext = {
      job,
      lease: { token, expiresOn: lease.expiresOn },
      signal: interrupt.signal,
      status: async (state, message) => void (await guarded(() => this.updateStatus(token, state, message))),
      log: async (message, o = {}) =>
        void (await guarded(() =>
          this.appendLogs(token, [
            {
              message,
              timestampMs: Date.now(),
              ...(o.level ? { level: o.level } : {}),
              ...(o.step ? { step: o.step } : {}),
            },
          ]),
        )),
      event: async (data, stream) => void (await guarded(() => this.appendEvents(token, [data], stream))),
      progress: async (progress) => onStatus(await guarded(() => this.heartbeat(token, progress))),
      upload: async (artifact) => {
        const stored = await guarded(() => this.uploadArtifact(token, artifact));
        uploaded.push(stored.id);
        return stored;
      },
    };

    let final: JobSnapshot | null = null;
    let error: unknown;
    try {
      const outcome = (await handler(ctx)) ?? {};
      handlerDone();
      const completion = {
        leaseToken: token,
        result: outcome.result ?? null,
        artifactIds: outcome.artifactIds ?? uploaded,
        problems: outcome.problems ?? null,
      };
      final = await this.finalCall(() => this.completeInRun(completion), job);
    } catch (err) {
      error = err;
      handlerDone();
      const reason = interrupt.signal.aborted ? (interrupt.signal.reason as JobInterrupted).reason : null;
      if (reason !== "lease-lost") {
        const { code, message, retryable } = failureOf(err, reason);
        if (!(err instanceof JobFailure) && reason === null)
          this.logger.warn("job handler threw", { jobId: job.jobId, error: describe(err) });
        const problems = err instanceof JobFailure ? err.problems : [];
        final = await this.finalCall(
          () => this.failVia(this.batched(), token, { code, message }, retryable, problems),
          job,
        );
      }
    } finally {
      stop.removeEventListener("abort", stopJob);
      await heartbeats.stop();
    }
    return error === undefined ? { job, final } : { job, final, error };
  }

  /**
   * Heartbeats every third of the lease until stopped (or the lease is lost); reports status and
   * errors, never throws. A timer, not an abortable sleep: a job's end then costs no abort event.
   */
  private heartbeats(
    token: string,
    onStatus: (s: LeaseStatus) => void,
    onError: (err: unknown) => void,
  ): { stop(): Promise<void> } {
    const everyMs = heartbeatPeriodMs(this.leaseSeconds);
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let beating: Promise<void> | null = null;
    const beat = async () => {
      try {
        onStatus(await this.heartbeat(token));
      } catch (err) {
        onError(err);
        if (isJobsApiError(err, "LEASE_LOST")) stopped = true;
        else this.logger.warn("heartbeat failed; will try again", { error: describe(err) });
      }
    };
    const schedule = () => {
      timer = setTimeout(() => {
        beating = beat().finally(() => {
          beating = null;
          if (!stopped) schedule();
        });
      }, everyMs);
    };
    schedule();
    return {
      async stop() {
        stopped = true;
        clearTimeout(timer);
        await beating;
      },
    };
  }

  /** completeJob / failJob, tried again when the server could not be reached; null when the lease is gone. */
  private async finalCall(call: () => Promise<JobSnapshot>, job: ClaimedJob): Promise<JobSnapshot | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        if (isJobsApiError(err, "LEASE_LOST")) {
          this.logger.warn("lease lost before the job finished", { jobId: job.jobId });
          return null;
        }
        const transient =
          isJobsApiError(err) &&
          (err.code === "NETWORK_ERROR" || err.code === "INTERNAL_SERVER_ERROR" || err.code === "RATE_LIMITED");
        if (!transient || attempt >= FINAL_CALL_TRIES) {
          this.logger.error("could not finish the job", { jobId: job.jobId, error: describe(err) });
          return null;
        }
        await sleep(250 * 2 ** attempt);
      }
    }
  }
}

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
