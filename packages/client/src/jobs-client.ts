// JobsClient: the jobs API for applications and scripts, shaped like the well-known jobs SDKs:
// create → operation handle → wait; get, list, events with continuation tokens, cancel; logs read,
// tailed live or printed; and the generation extras (estimate, rerun). Browser-safe: downloads to
// disk, uploads from a path and evidence checks are the Node subclass in ./node-jobs-client.ts. Every operation is a typed document from ./documents.ts.
import { JobTimeoutError } from "./client-errors.ts";
import {
  CancelJobMutation,
  CreateApiKeyMutation,
  CreateGenerationJobMutation,
  CreateJobMutation,
  CreateJobReadyMutation,
  CreateJobsMutation,
  CreateScheduleMutation,
  DeleteScheduleMutation,
  EstimateCreditsQuery,
  ExecTimeQuery,
  GetJobQuery,
  JobEventsQuery,
  JobEventsSubscription,
  JobLogsQuery,
  JobLogsSubscription,
  JobUpdatesSubscription,
  JobsChangedSubscription,
  ListApiKeysQuery,
  ListJobsQuery,
  ListSchedulesQuery,
  PauseScheduleMutation,
  RerunJobMutation,
  ResumeScheduleMutation,
  RevokeApiKeyMutation,
  ValidateJobQuery,
  WaitForJobQuery,
} from "./documents.ts";
import { JobsApiError, isJobsApiError } from "./errors.ts";
import type { TypedDocumentString } from "./generated/graphql.ts";
import { JobsTransport, type Fetch } from "./http.ts";
import type {
  ApiKey,
  Artifact,
  CreatedApiKey,
  CreateGenerationJobInput,
  CreateJobInput,
  CreateScheduleInput,
  CreditEstimate,
  GenerationKind,
  Job,
  JobEvent,
  JobFilter,
  JobLike,
  JobOrder,
  JobRef,
  JobSummary,
  LogLine,
  Role,
  Schedule,
} from "./job-types.ts";
import { LiveConnection } from "./live.ts";
import {
  formatLogLine,
  sampleLogLines,
  tailLogLines,
  type LogPage,
  type LogSample,
  type SampledLogLine,
} from "./log-tail.ts";
import { Operation } from "./operation.ts";
import { follow } from "./subscriptions.ts";
import { sleep } from "./wait.ts";

export interface JobsClientOptions {
  /** The server's base URL, e.g. `http://localhost:4000` (a trailing `/graphql` is accepted). */
  url: string;
  apiKey: string;
  fetch?: Fetch;
  /** WebSocket class for subscriptions; default: the global one, else the `ws` package. */
  webSocketImpl?: unknown;
}

export interface ListOptions extends Omit<JobFilter, "jobId"> {
  jobId?: string;
  /** Page size (server default 50, at most 500). */
  first?: number;
  /** `endCursor` of the previous page. */
  after?: string | null;
  /** Skip this many of the list instead (RelationalAI's `list(offset=)`); not with `after`. */
  offset?: number;
  /**
   * The order (default newest first). A page's `endCursor` continues only the same order: the server
   * refuses it with another (BAD_USER_INPUT).
   */
  orderBy?: JobOrder | null;
}

export interface JobPage {
  jobs: JobSummary[];
  totalCount: number;
  /** totalCount is the server's estimate (past its JOBS_EXACT_COUNT_LIMIT), not an exact count. */
  totalCountIsEstimate: boolean;
  hasNextPage: boolean;
  /** Pass as `after` for the next page. */
  endCursor: string | null;
}

export interface EventsOptions {
  stream?: string;
  /** A continuation token from an earlier call; absent: from the first event. */
  after?: string | null;
  first?: number;
}

export interface EventsPage {
  events: JobEvent[];
  /** Resume here later (also once more events have arrived); null when none has been read yet. */
  continuationToken: string | null;
  /** More events are already there to read now. */
  hasMore: boolean;
}

export interface WaitOptions {
  /** Seconds (default 900; Infinity waits for ever). */
  timeoutS?: number;
  signal?: AbortSignal;
}

export interface TailLogsOptions {
  /** Only lines stamped at or after this time (ms since the epoch). */
  sinceMs?: number;
  /** At most one line per `intervalMs` of the lines' own timestamps; each kept line says how many it stands for. */
  sample?: LogSample;
  /** End as soon as jobUpdated says the job is terminal (default true); false: when the subscription completes (it too ends with the job) or `signal` aborts. */
  untilDone?: boolean;
  signal?: AbortSignal;
}

export interface PrintLogsOptions extends TailLogsOptions {
  /** Follow live lines until the job ends (default false: print what is there and return). */
  follow?: boolean;
  /** One JSON object per line instead of text. */
  json?: boolean;
  /** Each line as this returns it (a newline is added), instead of text or `json`; e.g. YAML. */
  format?: (line: LogLine) => string;
  out?: { write(chunk: string): unknown };
}

export interface CreateApiKeyOptions {
  userId: string;
  email?: string;
  role?: Role;
  /** Another tenant (admins of the first tenant only). */
  tenantId?: string;
}

export interface SchedulePage {
  schedules: Schedule[];
  hasNextPage: boolean;
  /** Pass as `after` for the next page. */
  endCursor: string | null;
}

/** The longest single blocking request: below the 300 s after which Node's fetch gives up waiting for headers. */
const WAIT_SLICE_S = 240;
/** A wait whose server went away asks again after 250 ms, doubling, at most every 2 s. */
const WAIT_RETRY_MS = 250;
const MAX_WAIT_RETRY_MS = 2000;
const LOG_PAGE = 500;
/** Most inputs one createJobs request carries (the server's limit). */
const CREATE_MANY_CHUNK = 1000;

export class JobsClient {
  readonly transport: JobsTransport;
  protected readonly apiKey: string;
  protected readonly fetchImpl: Fetch;
  private readonly live: LiveConnection;

  constructor(options: JobsClientOptions) {
    this.transport = new JobsTransport({
      url: options.url,
      apiKey: options.apiKey,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    this.apiKey = options.apiKey;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.live = new LiveConnection({
      baseUrl: this.transport.baseUrl,
      apiKey: options.apiKey,
      webSocketImpl: options.webSocketImpl,
    });
  }

  /** Closes the subscription connection, if one is open. */
  async close(): Promise<void> {
    await this.live.close();
  }

  // --- jobs -------------------------------------------------------------------------------------

  /** Creates a job of any family; the returned operation's `wait()` blocks until it is terminal. */
  async create(input: CreateJobInput): Promise<Operation> {
    const data = await this.request(CreateJobMutation, { input });
    return new Operation(this, data.createJob.job);
  }

  /**
   * Checks the input as `create` would, as this client's key, creating nothing (`validateJob`):
   * resolves when create would take it, else rejects with the JobsApiError create would give
   * (BAD_USER_INPUT naming the field, FORBIDDEN …).
   */
  async validate(input: CreateJobInput): Promise<void> {
    await this.request(ValidateJobQuery, { input });
  }

  /**
   * Creates many jobs with `createJobs`, up to 1,000 per request (more are sent in consecutive
   * requests of 1,000): one answer per input, in order, each an Operation or the JobsApiError that
   * refused that input alone (BAD_USER_INPUT, CONFLICT for a reused idempotency key…).
   */
  async createMany(inputs: readonly CreateJobInput[]): Promise<(Operation | JobsApiError)[]> {
    const answers: (Operation | JobsApiError)[] = [];
    for (let start = 0; start < inputs.length; start += CREATE_MANY_CHUNK) {
      const data = await this.request(CreateJobsMutation, { inputs: inputs.slice(start, start + CREATE_MANY_CHUNK) });
      for (const { job, error } of data.createJobs) {
        if (job) {
          answers.push(new Operation(this, job));
          continue;
        }
        const code = error?.code ?? "INTERNAL_SERVER_ERROR";
        const message = error?.message ?? "not created";
        // As create's error would carry them: the code and, for bad input, the field, named as
        // create names its input (the server's `inputs.<i>.…` counts within one request of 1,000).
        const field = error?.field?.replace(/^inputs\.\d+(?=\.|$)/, "input");
        const extensions = field ? { code, field } : { code };
        answers.push(new JobsApiError(code, message, { errors: [{ message, extensions }] }));
      }
    }
    return answers;
  }

  /** Creates a synthetic-data generation job (typed input: kind, rows, seed, spec, planTier …). */
  async createGeneration(input: CreateGenerationJobInput): Promise<Operation> {
    const data = await this.request(CreateGenerationJobMutation, { input });
    return new Operation(this, data.createGenerationJob.job);
  }

  /** Creates the job and returns it once terminal; JobTimeoutError (naming the job) after timeoutS. */
  async createReady(input: CreateJobInput, options: WaitOptions = {}): Promise<Job> {
    const timeoutS = options.timeoutS ?? 900;
    const deadline = Date.now() + timeoutS * 1000;
    try {
      const data = await this.request(
        CreateJobReadyMutation,
        { input, timeoutS: Math.min(timeoutS, WAIT_SLICE_S) },
        options.signal,
      );
      return data.createJobReady;
    } catch (err) {
      const jobId = isJobsApiError(err, "JOB_TIMEOUT") ? err.errors[0]?.extensions?.jobId : undefined;
      if (typeof jobId !== "string") throw err;
      const job: JobRef = { reasonerType: input.reasonerType, jobId };
      // Longer than one request may block: the rest of the wait continues on the created job.
      if (Date.now() >= deadline) throw new JobTimeoutError(job, timeoutS, { cause: err });
      return this.waitUntil(job, deadline, timeoutS, options.signal);
    }
  }

  /** The job in full; NOT_FOUND when it does not exist or is not visible to this key. */
  async get(job: JobLike): Promise<Job> {
    const ref = await this.resolve(job);
    const data = await this.request(GetJobQuery, { reasonerType: ref.reasonerType, jobId: ref.jobId });
    if (!data.job) throw notFound(ref);
    return data.job;
  }

  /** One page, newest first or in `orderBy`; the same filters as the API's `jobs(filter:)`. */
  async list(options: ListOptions = {}): Promise<JobPage> {
    const { first, after, offset, orderBy, ...filter } = options;
    const data = await this.request(ListJobsQuery, {
      filter,
      first: first ?? null,
      after: after ?? null,
      offset: offset ?? null,
      orderBy: orderBy ?? null,
    });
    return {
      jobs: data.jobs.edges.map((e) => e.node),
      totalCount: data.jobs.totalCount,
      totalCountIsEstimate: data.jobs.totalCountIsEstimate,
      hasNextPage: data.jobs.pageInfo.hasNextPage,
      endCursor: data.jobs.pageInfo.endCursor,
    };
  }

  /** Every matching job, page after page. */
  async *listAll(options: Omit<ListOptions, "after"> = {}): AsyncGenerator<JobSummary, void, undefined> {
    const { offset, ...filter } = options;
    let page: JobPage = await this.list({ ...filter, offset });
    for (;;) {
      yield* page.jobs;
      if (!page.hasNextPage || page.endCursor === null) return;
      page = await this.list({ ...filter, after: page.endCursor });
    }
  }

  /** One page of a job's events; pass `continuationToken` back as `after` to read on without gap or repeat. */
  async getEvents(job: JobLike, options: EventsOptions = {}): Promise<EventsPage> {
    const ref = await this.resolve(job);
    const data = await this.request(JobEventsQuery, {
      reasonerType: ref.reasonerType,
      jobId: ref.jobId,
      stream: options.stream ?? "progress",
      first: options.first ?? 100,
      after: options.after ?? null,
    });
    if (!data.job) throw notFound(ref);
    const { edges, pageInfo } = data.job.events;
    return {
      events: edges.map((e) => e.node),
      continuationToken: pageInfo.endCursor ?? options.after ?? null,
      hasMore: pageInfo.hasNextPage,
    };
  }

  async cancel(job: JobLike, options: { allUsers?: boolean } = {}): Promise<Job> {
    const ref = await this.resolve(job);
    const data = await this.request(CancelJobMutation, {
      reasonerType: ref.reasonerType,
      jobId: ref.jobId,
      allUsers: options.allUsers ?? false,
    });
    return data.cancelJob;
  }

  /**
   * Blocks until the job is terminal (woken by the server, no polling); JobTimeoutError after
   * timeoutS. A server restart within the time is waited out (its NETWORK_ERROR if it is not back).
   */
  async wait(job: JobLike, options: WaitOptions = {}): Promise<Job> {
    const ref = await this.resolve(job);
    const timeoutS = options.timeoutS ?? 900;
    if (!(timeoutS >= 0)) throw new RangeError(`timeoutS must be at least 0, got ${timeoutS}`);
    return this.waitUntil(ref, Date.now() + timeoutS * 1000, timeoutS, options.signal);
  }

  /** The job's long-running-operation view, as a handle to wait on. */
  async getOperation(job: JobLike): Promise<Operation> {
    return new Operation(this, await this.get(job));
  }

  /** Finds the family of a bare jobId (own jobs first, then, for admins, everyone's). */
  async resolve(job: JobLike): Promise<JobRef> {
    if (typeof job !== "string") return { reasonerType: job.reasonerType, jobId: job.jobId };
    for (const allUsers of [false, true]) {
      try {
        const page = await this.list({ jobId: job, allUsers, first: 1 });
        const found = page.jobs[0];
        if (found) return { reasonerType: found.reasonerType, jobId: found.jobId };
      } catch (err) {
        if (!isJobsApiError(err, "FORBIDDEN")) throw err;
      }
    }
    throw new JobsApiError("NOT_FOUND", `job ${job} not found`);
  }

  // --- logs -------------------------------------------------------------------------------------

  /** Every log line stamped at or after sinceMs, oldest first. */
  async getLogs(job: JobLike, options: { sinceMs?: number } = {}): Promise<LogLine[]> {
    const ref = await this.resolve(job);
    const lines: LogLine[] = [];
    let after: string | null = null;
    for (;;) {
      const page: LogPage = await this.logPage(ref, options.sinceMs ?? null, after);
      lines.push(...page.lines);
      if (!page.hasNextPage) return lines;
      after = page.endCursor;
    }
  }

  /**
   * The job's log lines as they are written (the `jobLogs` subscription), ending once the job is
   * terminal and every line has been delivered exactly once.
   */
  async *tailLogs(job: JobLike, options: TailLogsOptions = {}): AsyncGenerator<SampledLogLine, void, undefined> {
    const ref = await this.resolve(job);
    const sinceMs = options.sinceMs ?? null;
    const lines = tailLogLines({
      live: this.live,
      job: ref,
      sinceMs,
      untilDone: options.untilDone ?? true,
      ...(options.signal ? { signal: options.signal } : {}),
      readAfter: (after) => this.logPage(ref, sinceMs, after),
    });
    yield* sampleLogLines(lines, options.sample);
  }

  /** Writes the log to `out` (stdout by default), following it live with `follow`; returns how many lines. */
  async printLogs(job: JobLike, options: PrintLogsOptions = {}): Promise<number> {
    const out = options.out ?? process.stdout;
    const sinceMs = options.sinceMs;
    const lines = options.follow
      ? this.tailLogs(job, options)
      : sampleLogLines(toAsync(await this.getLogs(job, sinceMs === undefined ? {} : { sinceMs })), options.sample);
    let count = 0;
    for await (const line of lines) {
      // `skipped` only means something when sampling: followed or not, the same line prints the same.
      const shown = options.sample ? line : stripSkipped(line);
      const text = options.format ? options.format(shown) : options.json ? JSON.stringify(shown) : formatLogLine(shown);
      out.write(`${text}\n`);
      count++;
    }
    return count;
  }

  /** Milliseconds from the first to the last log line (to now while running); null before any. */
  async getExecTime(job: JobLike): Promise<number | null> {
    const ref = await this.resolve(job);
    const data = await this.request(ExecTimeQuery, { reasonerType: ref.reasonerType, jobId: ref.jobId });
    if (!data.job) throw notFound(ref);
    return data.job.execTimeMs;
  }

  // --- generation -------------------------------------------------------------------------------

  // --- subscriptions: async iterators over the server's live streams ---------------------------
  // Each runs until the consumer stops (break), `signal` aborts or the server ends it.

  /** The job as it is now, then again after every change (`jobUpdated`). */
  async *jobUpdated(job: JobLike, options: { signal?: AbortSignal } = {}): AsyncGenerator<Job, void, undefined> {
    const ref = await this.resolve(job);
    yield* follow(
      this.live,
      JobUpdatesSubscription,
      { reasonerType: ref.reasonerType, jobId: ref.jobId },
      (d) => d.jobUpdated,
      options.signal,
    );
  }

  /** Every job the key may see, as it is created or changes (`jobsChanged`), optionally filtered. */
  async *jobsChanged(
    filter: JobFilter | null = null,
    options: { signal?: AbortSignal } = {},
  ): AsyncGenerator<JobSummary, void, undefined> {
    yield* follow(this.live, JobsChangedSubscription, { filter }, (d) => d.jobsChanged, options.signal);
  }

  /**
   * Log lines at or after `sinceMs`, then live ones (`jobLogs`); ends once the job is terminal and
   * every line was sent (or on break / the signal). tailLogs adds sampling and ends on jobUpdated.
   */
  async *jobLogs(
    job: JobLike,
    options: { sinceMs?: number; signal?: AbortSignal } = {},
  ): AsyncGenerator<LogLine, void, undefined> {
    const ref = await this.resolve(job);
    yield* follow(
      this.live,
      JobLogsSubscription,
      { reasonerType: ref.reasonerType, jobId: ref.jobId, sinceMs: options.sinceMs ?? null },
      (d) => d.jobLogs,
      options.signal,
    );
  }

  /** A stream's events after `after` (all when absent), then live ones, no gap and no repeat (`jobEvents`). */
  async *jobEvents(
    job: JobLike,
    options: { stream?: string; after?: string | null; signal?: AbortSignal } = {},
  ): AsyncGenerator<JobEvent, void, undefined> {
    const ref = await this.resolve(job);
    const variables = {
      reasonerType: ref.reasonerType,
      jobId: ref.jobId,
      stream: options.stream ?? "progress",
      after: options.after ?? null,
    };
    yield* follow(this.live, JobEventsSubscription, variables, (d) => d.jobEvents, options.signal);
  }

  async estimate(kind: GenerationKind, rows: number): Promise<CreditEstimate> {
    return (await this.request(EstimateCreditsQuery, { kind, rows })).estimateCredits;
  }

  /** Same contract, same seed: a new job whose output is byte-identical. */
  async rerun(job: JobLike): Promise<Operation> {
    const jobId = typeof job === "string" ? job : job.jobId;
    const data = await this.request(RerunJobMutation, { jobId });
    return new Operation(this, data.rerunJob.job);
  }

  // --- keys -------------------------------------------------------------------------------------

  /** A new API key; its secret is in the answer only this once. */
  async createApiKey(options: CreateApiKeyOptions): Promise<CreatedApiKey> {
    const data = await this.request(CreateApiKeyMutation, {
      userId: options.userId,
      email: options.email ?? null,
      role: options.role ?? null,
      tenantId: options.tenantId ?? null,
    });
    return data.createApiKey;
  }

  /** The tenant's API keys (ADMIN), newest first; revoked ones only with `includeRevoked`. */
  async listApiKeys(options: { first?: number; includeRevoked?: boolean } = {}): Promise<ApiKey[]> {
    return (
      await this.request(ListApiKeysQuery, {
        first: options.first ?? null,
        includeRevoked: options.includeRevoked ?? null,
      })
    ).apiKeys;
  }

  /** Revokes a key at once (ADMIN): it authenticates nothing afterwards. */
  async revokeApiKey(id: string): Promise<ApiKey> {
    return (await this.request(RevokeApiKeyMutation, { id })).revokeApiKey;
  }

  // --- schedules ---------------------------------------------------------------------------------

  /**
   * A cron schedule: each tick creates one job like `job` (for GENERATION, `payload` is a
   * createGenerationJob input), owned by you. `timezone` defaults to UTC, `catchUp` to ONCE.
   */
  async createSchedule(input: CreateScheduleInput): Promise<Schedule> {
    return (await this.request(CreateScheduleMutation, { input })).createSchedule;
  }

  /** Newest first: your schedules (an admin's: every schedule of the tenant). */
  async listSchedules(options: { first?: number; after?: string | null } = {}): Promise<SchedulePage> {
    const data = await this.request(ListSchedulesQuery, { first: options.first ?? null, after: options.after ?? null });
    return {
      schedules: data.schedules.edges.map((e) => e.node),
      hasNextPage: data.schedules.pageInfo.hasNextPage,
      endCursor: data.schedules.pageInfo.endCursor,
    };
  }

  async pauseSchedule(id: string): Promise<Schedule> {
    return (await this.request(PauseScheduleMutation, { id })).pauseSchedule;
  }

  /** Armed at the first tick from now; ticks that passed while paused are not caught up. */
  async resumeSchedule(id: string): Promise<Schedule> {
    return (await this.request(ResumeScheduleMutation, { id })).resumeSchedule;
  }

  /** The jobs it created stay. */
  async deleteSchedule(id: string): Promise<void> {
    await this.request(DeleteScheduleMutation, { id });
  }

  // --- plumbing ---------------------------------------------------------------------------------

  private request<R, V>(document: TypedDocumentString<R, V>, variables: V, signal?: AbortSignal): Promise<R> {
    return this.transport.request<R>(document.toString(), variables as Record<string, unknown>, signal);
  }

  /**
   * waitForJob in slices until the deadline. A server going away (its shutdown answer, or no answer
   * at all) is waited out with a capped backoff, so a wait rides out a restart; past the deadline
   * the last such error is thrown.
   */
  private async waitUntil(ref: JobRef, deadline: number, timeoutS: number, signal?: AbortSignal): Promise<Job> {
    for (let unreachable = 0; ; ) {
      const leftS = Math.max(0, (deadline - Date.now()) / 1000);
      try {
        const data = await this.request(
          WaitForJobQuery,
          { reasonerType: ref.reasonerType, jobId: ref.jobId, timeoutS: Math.min(leftS, WAIT_SLICE_S) },
          signal,
        );
        return data.waitForJob;
      } catch (err) {
        const away = isJobsApiError(err, "NETWORK_ERROR") || isShutdownAnswer(err);
        if (!away && !isJobsApiError(err, "JOB_TIMEOUT")) throw err;
        const leftMs = deadline - Date.now();
        if (leftMs <= 0 || signal?.aborted)
          throw isJobsApiError(err, "JOB_TIMEOUT") ? new JobTimeoutError(ref, timeoutS, { cause: err }) : err;
        if (!away) {
          unreachable = 0;
          continue;
        }
        await sleep(Math.min(leftMs, WAIT_RETRY_MS * 2 ** Math.min(unreachable++, 4), MAX_WAIT_RETRY_MS), signal);
      }
    }
  }

  private async logPage(ref: JobRef, sinceMs: number | null, after: string | null): Promise<LogPage> {
    const data = await this.request(JobLogsQuery, {
      reasonerType: ref.reasonerType,
      jobId: ref.jobId,
      sinceMs,
      first: LOG_PAGE,
      after,
    });
    if (!data.job) throw notFound(ref);
    const { edges, pageInfo } = data.job.logs;
    return { lines: edges.map((e) => e.node), hasNextPage: pageInfo.hasNextPage, endCursor: pageInfo.endCursor };
  }

  /** The API key goes only to the API's own origin, never to another host a URL may name. */
  protected authFor(url: URL): Record<string, string> {
    return url.origin === new URL(this.transport.baseUrl).origin ? { authorization: `Bearer ${this.apiKey}` } : {};
  }
}

/** The answer of a server shutting down (JOB_TIMEOUT, reason SHUTTING_DOWN): wait again, elsewhere or after its restart. */
function isShutdownAnswer(err: unknown): boolean {
  return isJobsApiError(err, "JOB_TIMEOUT") && err.errors[0]?.extensions?.reason === "SHUTTING_DOWN";
}

function notFound(ref: JobRef): JobsApiError {
  return new JobsApiError("NOT_FOUND", `${ref.reasonerType} job ${ref.jobId} not found`);
}

async function* toAsync<T>(items: readonly T[]): AsyncGenerator<T, void, undefined> {
  yield* items;
}

function stripSkipped({ skipped: _skipped, ...line }: SampledLogLine): LogLine {
  return line;
}
