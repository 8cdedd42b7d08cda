// The worker protocol, independent of GraphQL: register, claim, heartbeat, report, finish. Every call
// after the claim presents the lease token; a stale or forged one is LEASE_LOST and changes nothing.
// GraphQL callers pass their Viewer (WORKER or ADMIN keys, scoped to their tenant); the in-process
// executors pass IN_PROCESS (no tenant scope, no worker row).
import { z } from "zod";
import {
  DEFAULT_LEASE_SECONDS,
  type Lease,
  type LeaseStatus,
  type LogLineInput,
  MAX_LEASE_SECONDS,
} from "@jobs-api/client";
import { WriteCoalescer } from "@jobs-api/client/node";
import type { Database } from "../../db/database.ts";
import { jobsError } from "../../errors.ts";
import { selectJobsById } from "../../jobs/local/read-jobs.ts";
import {
  type GenerationKind,
  GenerationKinds,
  type JobRecord,
  type JobState,
  type ReasonerType,
  ReasonerTypes,
  type Viewer,
} from "../../jobs/model.ts";
import { isUuid, MAX_PAYLOAD_BYTES, name255, parseInput } from "../../jobs/validation.ts";
import { leaseLost, parseLeaseToken, type PresentedLease } from "./lease.ts";
import { appendJobEvents, MAX_EVENT_BYTES, MAX_ITEMS_PER_CALL } from "./sql/appendJobEvents.ts";
import {
  appendJobLogs,
  type LogLine,
  MAX_LOG_LEVEL_LENGTH,
  MAX_LOG_MESSAGE_BYTES,
  MAX_LOG_STEP_LENGTH,
} from "./sql/appendJobLogs.ts";
import { claimJobRecords, claimJobs, type ClaimedJobRow, MAX_CLAIM_BATCH, type ClaimCriteria } from "./sql/claimJob.ts";
import { completeJob, type CompletedJob } from "./sql/completeJob.ts";
import { failJob, type FailedJob } from "./sql/failJob.ts";
import type { ProblemReport } from "./sql/recordProblems.ts";
import { type SucceedArgs, succeedJobs } from "./sql/succeedJob.ts";
import { heartbeat } from "./sql/heartbeat.ts";
import { listWorkers, registerWorker, touchWorker, type WorkerRecord } from "./sql/registerWorker.ts";
import { updateJobStatus } from "./sql/updateJobStatus.ts";

export type { ClaimedJobRow, CompletedJob, FailedJob, ProblemReport, WorkerRecord };

/** The caller of an in-process executor: no tenant scope, no API key. */
export const IN_PROCESS = "in-process" as const;
export type Caller = Viewer | typeof IN_PROCESS;

/** A worker's lease over GraphQL (the client's Lease before serialization): the claimed job as the API shows it. */
export type ApiLease = Lease<JobRecord, Date>;

/** An in-process executor's lease: the claimed job as the claim statement returned it (no reload). */
export type ExecutorLease = Lease<ClaimedJobRow, Date>;

export interface SucceededJob {
  jobId: string;
  tenantId: string;
  reasonerType: ReasonerType;
}

export interface WorkerProtocolOptions {
  /**
   * Called after a job's SUCCEEDED state has committed (any family; the evidence/seal code filters
   * GENERATION). Awaited before completeJob returns; its errors are logged, never undo the success.
   * A crash between commit and this call skips it, so its work must be re-derivable from the job.
   */
  afterSuccess: (job: SucceededJob) => Promise<void>;
  logger: { error(obj: object, msg?: string): void };
  /** Told about every completion and failure once it has committed (for the metrics). */
  onFinish: (report: FinishReport) => void;
  /** Told about every claim: when it started (performance.now()) and what it returned. */
  onClaim: (
    via: "in-process" | "graphql",
    startedAt: number,
    claimed: { reasonerType: string; dueOn: Date } | null,
  ) => void;
}

/** A job a worker reported on: its new state (a waiting state when a failure was retried). */
export interface FinishReport {
  reasonerType: ReasonerType;
  state: JobState;
  /** Reported through failJob (whether or not it was retried or the job ended CANCELED). */
  failure: boolean;
  startedOn: Date | null;
}

/** What an in-process executor claims with: any tenant unless given; no worker row. */
export interface InProcessClaim {
  tenantId?: string | null;
  reasonerTypes: readonly ReasonerType[];
  queues?: readonly string[];
  /** GENERATION jobs only of these kinds (e.g. the built-in ones); absent: any kind. */
  generationKinds?: readonly GenerationKind[] | null;
  leaseSeconds?: number;
  /** Named in the status history ("claimed by <name>"). */
  name?: string;
}

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value ?? null), "utf8");
const NUL = "\\u0000";

const RegisterWorkerInput = z.object({
  name: name255,
  reasonerTypes: z
    .array(z.enum(ReasonerTypes))
    .min(1, "name at least one reasoner type")
    .transform((types) => [...new Set(types)]),
  reasonerNames: z
    .array(name255)
    .max(100, "at most 100 reasoner names")
    .nullish()
    .transform((v) => [...new Set(v ?? [])]),
  poolId: name255.nullish().transform((v) => v ?? null),
  generationKinds: z
    .array(z.enum(GenerationKinds))
    .nullish()
    .transform((v) => [...new Set(v ?? [])]),
});

const LeaseSeconds = z.number().int().min(1).max(MAX_LEASE_SECONDS);
const ClaimLimit = z.number().int().min(1).max(MAX_CLAIM_BATCH);
const WorkerPageSize = z.number().int().min(1).max(500);
const Stream = z.string().min(1, "must not be empty").max(255, "must be at most 255 characters");
const StatusMessage = z
  .string()
  .max(10_000, "must be at most 10000 characters")
  .nullish()
  .transform((v) => v ?? null);
const ErrorInput = z.object({
  code: z.string().trim().min(1, "must not be empty").max(255, "must be at most 255 characters"),
  message: z
    .string()
    .refine(
      (m) => Buffer.byteLength(m, "utf8") <= MAX_LOG_MESSAGE_BYTES,
      `must be at most ${MAX_LOG_MESSAGE_BYTES} bytes`,
    ),
});
/** Most problems one completion or failure may report. */
const MAX_PROBLEMS_PER_CALL = 1000;
const Problems = z
  .array(
    z.object({
      severity: z.string().trim().min(1, "must not be empty").max(64, "must be at most 64 characters"),
      code: z.string().trim().min(1, "must not be empty").max(255, "must be at most 255 characters"),
      message: z
        .string()
        .refine(
          (m) => Buffer.byteLength(m, "utf8") <= MAX_LOG_MESSAGE_BYTES,
          `must be at most ${MAX_LOG_MESSAGE_BYTES} bytes`,
        ),
      details: z.unknown().optional(),
    }),
  )
  .max(MAX_PROBLEMS_PER_CALL, `at most ${MAX_PROBLEMS_PER_CALL} problems per call`)
  .nullish()
  .transform((v) => v ?? []);

/** Problems as reported, checked (BAD_USER_INPUT at `problems.<i>.<field>`). */
function parseProblems(problems: readonly ProblemReport[] | null | undefined): ProblemReport[] {
  const parsed = parseInput(Problems, problems, "problems");
  for (const [i, p] of parsed.entries()) assertJsonSize(p.details ?? null, MAX_EVENT_BYTES, `problems.${i}.details`);
  assertNoNul(parsed, "problems");
  return parsed;
}

const LogLines = z
  .array(
    z.object({
      timestampMs: z.number().finite().nullish(),
      level: z
        .string()
        .min(1, "must not be empty")
        .max(MAX_LOG_LEVEL_LENGTH, `must be at most ${MAX_LOG_LEVEL_LENGTH} characters`)
        .nullish(),
      message: z
        .string()
        .refine(
          (m) => Buffer.byteLength(m, "utf8") <= MAX_LOG_MESSAGE_BYTES,
          `must be at most ${MAX_LOG_MESSAGE_BYTES} bytes`,
        ),
      step: z.string().max(MAX_LOG_STEP_LENGTH, `must be at most ${MAX_LOG_STEP_LENGTH} characters`).nullish(),
    }),
  )
  .max(MAX_ITEMS_PER_CALL, `at most ${MAX_ITEMS_PER_CALL} lines per call`);

/** PostgreSQL text and jsonb cannot hold NUL characters; refuse them as input, not as a 500. */
function assertNoNul(value: unknown, field: string): void {
  if (JSON.stringify(value ?? null).includes(NUL))
    throw jobsError("BAD_USER_INPUT", `${field}: must not contain NUL characters`, { field });
}

function assertJsonSize(value: unknown, max: number, field: string): void {
  const size = bytes(value);
  if (size > max)
    throw jobsError("BAD_USER_INPUT", `${field} is ${size} bytes; at most ${max} are accepted`, { field });
  assertNoNul(value, field);
}

/**
 * A claim marks its worker seen at most this often: a worker's row never changes after registration
 * except lastSeenOn, so claims read it from memory and only refresh lastSeenOn (beside the claim, not
 * before it) once it is this old.
 */
const WORKER_SEEN_RESOLUTION_MS = 1000;
/** Workers kept in memory per process (a registration makes a new one; old ones fall out). */
const MAX_CACHED_WORKERS = 10_000;

/** Most completions one coalesced statement carries. */
const MAX_SUCCEED_BATCH = 500;

/** Most completions one completeJobs call carries (as many as one claimJobs hands out). */
export const MAX_COMPLETIONS_PER_CALL = MAX_CLAIM_BATCH;

export interface Completion {
  leaseToken: string;
  result?: unknown;
  artifactIds?: readonly string[] | null;
  problems?: readonly ProblemReport[] | null;
}

export class WorkerProtocol {
  /**
   * Plain completions finishing together share one statement and one commit: the workers' (each
   * answered with its job's record) and the in-process executors' (answered without).
   */
  private readonly succeeding: WriteCoalescer<SucceedArgs, CompletedJob | null>;
  private readonly succeedingInProcess: WriteCoalescer<SucceedArgs, CompletedJob | null>;
  /** Registered workers claims have read, by tenant and id, with when each was last marked seen (performance.now()). */
  private readonly workers = new Map<string, { worker: WorkerRecord; seenAt: number }>();

  constructor(
    private readonly db: Database,
    private readonly options: WorkerProtocolOptions,
  ) {
    this.succeeding = new WriteCoalescer((all) => succeedJobs(db, all), MAX_SUCCEED_BATCH);
    this.succeedingInProcess = new WriteCoalescer((all) => succeedJobs(db, all, false), MAX_SUCCEED_BATCH);
  }

  async registerWorker(input: unknown, viewer: Viewer): Promise<WorkerRecord> {
    requireWorkerRole(viewer);
    const w = parseInput(RegisterWorkerInput, input, "input");
    return registerWorker(this.db, { ...w, tenantId: viewer.tenantId, createdBy: viewer.userId });
  }

  /** Admins: the tenant's workers and when each was last seen (a claim or heartbeat). */
  async listWorkers(first: number, viewer: Viewer): Promise<WorkerRecord[]> {
    if (viewer.role !== "ADMIN") throw jobsError("FORBIDDEN", "only ADMIN keys list workers");
    return listWorkers(this.db, viewer.tenantId, parseInput(WorkerPageSize, first, "first"));
  }

  /**
   * Up to `limit` jobs for a registered worker of the caller's tenant, in one statement (claimJob: a
   * limit of 1); empty: no eligible job now. Each job is its full record as the API shows it, read
   * from the claim's own rows: the GraphQL answer needs no second read.
   */
  async claimForWorker(
    workerId: string,
    leaseSeconds: number | null | undefined,
    viewer: Viewer,
    limit = 1,
  ): Promise<ApiLease[]> {
    requireWorkerRole(viewer);
    const seconds = parseInput(LeaseSeconds, leaseSeconds ?? DEFAULT_LEASE_SECONDS, "leaseSeconds");
    const count = parseInput(ClaimLimit, limit, "limit");
    const { worker, touching } = await this.seenWorker(workerId, viewer.tenantId);
    const claiming = this.claimForApi({
      limit: count,
      tenantId: worker.tenantId,
      reasonerTypes: worker.reasonerTypes,
      queues: worker.reasonerNames,
      workerId: worker.id,
      poolId: worker.poolId,
      generationKinds: worker.generationKinds.length ? worker.generationKinds : null,
      leaseSeconds: seconds,
      message: `claimed by worker ${worker.name}`,
      by: viewer.userId,
    });
    return (await Promise.all([claiming, touching]))[0];
  }

  /**
   * The registered worker of that tenant (NOT_FOUND otherwise), and its lastSeenOn update when one is
   * due: the first claim of a worker in this process reads and marks it in one statement; later ones
   * use the row in memory and mark it at most once per WORKER_SEEN_RESOLUTION_MS, beside the claim.
   */
  private async seenWorker(
    workerId: string,
    tenantId: string,
  ): Promise<{ worker: WorkerRecord; touching: Promise<unknown> }> {
    const key = `${tenantId}/${workerId}`;
    const cached = this.workers.get(key);
    const now = performance.now();
    if (cached) {
      if (now - cached.seenAt < WORKER_SEEN_RESOLUTION_MS)
        return { worker: cached.worker, touching: Promise.resolve() };
      cached.seenAt = now;
      return { worker: cached.worker, touching: touchWorker(this.db, workerId, tenantId) };
    }
    const worker = isUuid(workerId) ? await touchWorker(this.db, workerId, tenantId) : null;
    if (!worker) throw jobsError("NOT_FOUND", `worker ${workerId} not found`);
    if (this.workers.size >= MAX_CACHED_WORKERS) this.workers.clear();
    this.workers.set(key, { worker, seenAt: now });
    return { worker, touching: Promise.resolve() };
  }

  /** The in-process executors' claim: no worker row, any tenant unless given. */
  async claim(c: InProcessClaim): Promise<ExecutorLease | null> {
    return (await this.claimUpTo(c, 1))[0] ?? null;
  }

  /** Up to `max` jobs in one statement, for an executor with that many free slots. */
  async claimUpTo(c: InProcessClaim, max: number): Promise<ExecutorLease[]> {
    return this.claimWith({
      limit: Math.max(1, Math.min(MAX_CLAIM_BATCH, Math.floor(max))),
      tenantId: c.tenantId ?? null,
      reasonerTypes: c.reasonerTypes,
      queues: c.queues ?? [],
      generationKinds: c.generationKinds ?? null,
      workerId: null,
      poolId: null,
      leaseSeconds: parseInput(LeaseSeconds, c.leaseSeconds ?? DEFAULT_LEASE_SECONDS, "leaseSeconds"),
      message: `claimed by ${c.name ?? "an in-process executor"}`,
      by: null,
    });
  }

  async heartbeat(token: string, progress: unknown, caller: Caller): Promise<LeaseStatus<Date>> {
    const { lease, tenantId } = this.present(token, caller);
    if (progress !== undefined && progress !== null) assertJsonSize(progress, MAX_EVENT_BYTES, "progress");
    const status = await heartbeat(this.db, lease, tenantId, progress);
    if (!status) throw leaseLost();
    return status;
  }

  async updateStatus(
    token: string,
    state: JobState,
    message: string | null | undefined,
    caller: Caller,
  ): Promise<JobRecord> {
    const { lease, tenantId, by } = this.present(token, caller);
    const text = parseInput(StatusMessage, message, "message");
    assertNoNul(text, "message");
    const { jobId } = await this.db.transaction((tx) => updateJobStatus(tx, lease, tenantId, state, text, by));
    return this.loadJob(jobId);
  }

  async appendEvents(
    token: string,
    stream: string | null | undefined,
    events: readonly unknown[],
    caller: Caller,
  ): Promise<number> {
    const { lease, tenantId } = this.present(token, caller);
    const s = parseInput(Stream, stream ?? "progress", "stream");
    assertNoNul(s, "stream");
    if (events.length > MAX_ITEMS_PER_CALL) {
      throw jobsError("BAD_USER_INPUT", `events: at most ${MAX_ITEMS_PER_CALL} per call`, { field: "events" });
    }
    events.forEach((e, i) => {
      if (e === undefined || e === null)
        throw jobsError("BAD_USER_INPUT", `events.${i}: must not be null`, { field: `events.${i}` });
      assertJsonSize(e, MAX_EVENT_BYTES, `events.${i}`);
    });
    const count = await appendJobEvents(this.db, lease, tenantId, s, events);
    if (count === null) throw leaseLost();
    return count;
  }

  async appendLogs(token: string, lines: readonly LogLineInput[], caller: Caller): Promise<number> {
    const { lease, tenantId } = this.present(token, caller);
    const parsed = parseInput(LogLines, lines, "lines");
    const now = Date.now();
    const rows: LogLine[] = parsed.map((l) => ({
      timestampMs: l.timestampMs ?? now,
      level: l.level ?? "info",
      message: l.message,
      step: l.step ?? null,
    }));
    assertNoNul(rows, "lines");
    const count = await appendJobLogs(this.db, lease, tenantId, rows);
    if (count === null) throw leaseLost();
    return count;
  }

  /**
   * Finishes a leased job (SUCCEEDED, or CANCELED when a cancel was requested). The common case
   * (nothing to attach or charge) is one statement, shared with the completions made meanwhile;
   * everything else one locked transaction.
   */
  async complete(
    token: string,
    result: unknown,
    artifactIds: readonly string[] | null | undefined,
    caller: Caller,
    reported?: readonly ProblemReport[] | null,
  ): Promise<CompletedJob> {
    const { lease, tenantId, by } = this.present(token, caller);
    assertJsonSize(result, MAX_PAYLOAD_BYTES, "result");
    const problems = parseProblems(reported);
    const ids = [...(artifactIds ?? [])].map(String);
    if (ids.length > MAX_ITEMS_PER_CALL)
      throw jobsError("BAD_USER_INPUT", `artifactIds: at most ${MAX_ITEMS_PER_CALL}`, { field: "artifactIds" });
    const done: CompletedJob =
      (ids.length === 0 && problems.length === 0
        ? await (caller === IN_PROCESS ? this.succeedingInProcess : this.succeeding).submit({
            lease,
            tenantId,
            result,
            by,
          })
        : null) ??
      (await this.db.transaction((tx) => completeJob(tx, { lease, tenantId, result, artifactIds: ids, by, problems })));
    this.options.onFinish({
      reasonerType: done.reasonerType,
      state: done.state,
      failure: false,
      startedOn: done.startedOn,
    });
    if (done.state === "SUCCEEDED") {
      try {
        await this.options.afterSuccess({
          jobId: done.jobId,
          tenantId: done.tenantId,
          reasonerType: done.reasonerType,
        });
      } catch (err) {
        this.options.logger.error({ err, jobId: done.jobId }, "afterSuccess hook failed");
      }
    }
    return done;
  }

  /**
   * Several completions in one call: each is complete() on its own (plain ones share one statement),
   * and each settles on its own, so one lost lease does not fail the others.
   */
  completeMany(completions: readonly Completion[], caller: Caller): Promise<CompletedJob>[] {
    if (completions.length > MAX_COMPLETIONS_PER_CALL) {
      throw jobsError(
        "BAD_USER_INPUT",
        `completions: at most ${MAX_COMPLETIONS_PER_CALL} per call, got ${completions.length}`,
        { field: "completions" },
      );
    }
    return completions.map((c) => this.complete(c.leaseToken, c.result, c.artifactIds, caller, c.problems));
  }

  /** `handBack`: requeued at once, the attempt not counted (see release()). */
  async fail(
    token: string,
    error: { code: string; message: string },
    retryable: boolean | null | undefined,
    caller: Caller,
    reported?: readonly ProblemReport[] | null,
    handBack = false,
  ): Promise<FailedJob> {
    const { lease, tenantId, by } = this.present(token, caller);
    const e = parseInput(ErrorInput, error, "error");
    assertNoNul(e, "error");
    const problems = parseProblems(reported);
    const failed = await this.db.transaction((tx) =>
      failJob(tx, {
        lease,
        tenantId,
        error: e,
        retryable: retryable ?? false,
        by,
        problems,
        handBack,
      }),
    );
    this.options.onFinish({
      reasonerType: failed.reasonerType,
      state: failed.state,
      failure: true,
      startedOn: failed.startedOn,
    });
    return failed;
  }

  /**
   * The lease holder gives the job back unfinished (it is stopping): waiting again at once, the
   * attempt not counted (up to MAX_FREE_HAND_BACKS times; then it counts as a retryable failure),
   * the lease dropped, and the history saying why. A job being canceled ends CANCELED instead.
   */
  async release(token: string, reason: string | null | undefined, caller: Caller): Promise<FailedJob> {
    const message = parseInput(StatusMessage, reason, "reason") ?? "the worker stopped before the job finished";
    return this.fail(token, { code: "WORKER_STOPPED", message }, true, caller, null, true);
  }

  private async claimForApi(filter: ClaimCriteria): Promise<ApiLease[]> {
    const startedAt = performance.now();
    const claimed = await claimJobRecords(this.db, filter);
    if (claimed.length === 0) this.options.onClaim("graphql", startedAt, null);
    for (const c of claimed)
      this.options.onClaim("graphql", startedAt, { reasonerType: c.job.reasonerType, dueOn: c.dueOn });
    return claimed.map((c) => ({ token: c.token, expiresOn: c.expiresOn, job: c.job }));
  }

  private async claimWith(filter: ClaimCriteria): Promise<ExecutorLease[]> {
    const startedAt = performance.now();
    const claimed = await claimJobs(this.db, filter);
    const via = filter.workerId ? "graphql" : "in-process";
    if (claimed.length === 0) this.options.onClaim(via, startedAt, null);
    for (const c of claimed) this.options.onClaim(via, startedAt, { reasonerType: c.job.reasonerType, dueOn: c.dueOn });
    return claimed.map((c) => ({ token: c.token, expiresOn: c.expiresOn, job: c.job }));
  }

  /** The lease a token names and the caller's scope; LEASE_LOST for anything not shaped like a token. */
  private present(
    token: string,
    caller: Caller,
  ): { lease: PresentedLease; tenantId: string | null; by: string | null } {
    if (caller !== IN_PROCESS) requireWorkerRole(caller);
    const lease = parseLeaseToken(String(token ?? ""));
    return caller === IN_PROCESS
      ? { lease, tenantId: null, by: null }
      : { lease, tenantId: caller.tenantId, by: caller.userId };
  }

  /** The job as the API shows it (for the GraphQL answer of updateJobStatus). */
  async loadJob(jobId: string): Promise<JobRecord> {
    const [job] = await selectJobsById(this.db, [jobId]);
    if (!job) throw jobsError("NOT_FOUND", `job ${jobId} not found`);
    return job;
  }
}

/** The worker protocol is for WORKER keys (and admins); MEMBER keys are refused. */
export function requireWorkerRole(viewer: Viewer): void {
  if (viewer.role !== "WORKER" && viewer.role !== "ADMIN") {
    throw jobsError("FORBIDDEN", "the worker protocol needs a WORKER (or ADMIN) key");
  }
}
