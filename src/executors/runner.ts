// The claim loop shared by every built-in executor: up to `concurrency` jobs at once, claimed through
// a WorkerPort. An idle runner sleeps until the port says work may have appeared (in-process: a
// change notification) or a backoff ends; it never spins. While a job runs the lease is kept alive
// (every third of its length, and at once when the job changes, so a cancel lands quickly); a cancel
// request aborts the job's signal. The outcome is reported exactly one way:
//   success -> complete; input fault -> failJob (not retryable); cancel -> failJob (the job ends
//   CANCELED); unexpected error or shutdown -> failJob retryable (requeued with backoff);
//   lost lease -> nothing (someone else owns the job now).
// Traced (when tracing is on): job.claim per claim; per job a root job.execute span linked to the
// request that created the job, with job.run (the executor; batch steps and artifact transfers
// inside it) and job.complete or job.fail.
import { heartbeatPeriodMs } from "@jobs-api/client";
import { ROOT_CONTEXT } from "@opentelemetry/api";
import { inSpan, linksTo } from "../observability/tracing.ts";
import {
  abortReasonOf,
  type ArtifactBody,
  type ArtifactBytes,
  type ClaimedJob,
  type ClaimFilter,
  InputFault,
  type JobArtifacts,
  LeaseLostError,
  NotRunnableHere,
  type PortLease,
  type PortLogLine,
  type ProblemReport,
  type UploadedArtifact,
  type WorkerPort,
} from "./port.ts";

export interface RunnerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What an executor gets for one job. Calls after the lease is lost throw LeaseLostError. */
export interface JobContext {
  job: ClaimedJob;
  leaseToken: string;
  /** Aborted on a cancel request, a lost lease or shutdown (see abortReasonOf). */
  signal: AbortSignal;
  log(message: string, options?: { level?: string; step?: string | null }): Promise<void>;
  event(data: unknown, stream?: string): Promise<void>;
  upload(artifact: ArtifactBody): Promise<UploadedArtifact>;
  readArtifact(artifactId: string): Promise<ArtifactBytes>;
  jobArtifacts(jobId: string): Promise<JobArtifacts>;
}

export interface Outcome {
  result: unknown;
  artifactIds: string[];
  /** What the run found that the user should know (a skipped column, a row that failed). */
  problems?: ProblemReport[];
}

export interface Executor {
  readonly name: string;
  readonly filter: ClaimFilter;
  run(ctx: JobContext): Promise<Outcome>;
}

export interface RunnerOptions {
  concurrency: number;
  leaseSeconds: number;
  logger: RunnerLogger;
  /** How long stop() lets running jobs finish before aborting them; default 5 s. */
  shutdownGraceMs?: number;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 60_000);

export class Runner {
  private readonly stopping = new AbortController();
  /** Jobs whose executor is running: they fill the slots. */
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  /** Every job not finished with yet, its outcome report included (shutdown waits for them). */
  private readonly unfinished = new Set<Promise<void>>();
  private loop: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;
  private wake: () => void = () => undefined;
  /** Resolves the wait of a full runner when a slot frees (or on stop). */
  private slotFreed: () => void = () => undefined;
  /** Set by every wake-up; cleared before each claim, so a wake during a claim is never lost. */
  private dirty = true;

  constructor(
    private readonly port: WorkerPort,
    private readonly executor: Executor,
    private readonly options: RunnerOptions,
  ) {}

  /** Jobs running now (their ids). */
  get active(): string[] {
    return [...this.running.keys()];
  }

  start(): this {
    if (this.loop) return this;
    const unsubscribe = this.port.subscribeWork(this.executor.filter, () => this.poke());
    this.loop = this.dispatch().finally(unsubscribe);
    return this;
  }

  /** Stops claiming; lets running jobs finish for the grace period, then aborts them (requeued). */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    this.stopping.abort();
    this.wake();
    this.slotFreed();
    await this.loop;
    const grace = this.options.shutdownGraceMs ?? 5000;
    const all = Promise.all(this.unfinished);
    const timer = new Promise<void>((resolve) => setTimeout(resolve, grace).unref());
    await Promise.race([all, timer]);
    for (const r of this.running.values()) r.abort.abort("shutdown");
    await all;
  }

  private poke(): void {
    this.dirty = true;
    this.wake();
  }

  private async dispatch(): Promise<void> {
    const { logger } = this.options;
    let idle = 0;
    let failures = 0;
    const stop = this.stopping.signal;
    while (!stop.aborted) {
      const free = this.options.concurrency - this.running.size;
      if (free <= 0) {
        // Full: wait for a slot (a notification meanwhile stays noted in `dirty`).
        await new Promise<void>((resolve) => (this.slotFreed = resolve));
        this.slotFreed = () => undefined;
        continue;
      }
      this.dirty = false;
      let claimed: PortLease[];
      try {
        // Every free slot in one claim: under load the claims keep pace with the completions.
        claimed = await inSpan(
          "job.claim",
          { attributes: { "jobs.executor": this.executor.name, "jobs.slots": free } },
          async (span) => {
            const leases = await this.port.claim(this.executor.filter, this.options.leaseSeconds, free);
            span?.setAttribute("jobs.claimed", leases.length);
            return leases;
          },
        );
        failures = 0;
      } catch (err) {
        // The database or API is unreachable: back off, capped, and try again.
        failures++;
        if (!stop.aborted) logger.warn({ err, executor: this.executor.name }, "claim failed; retrying");
        await sleep(Math.min(250 * 2 ** failures, 10_000), stop);
        continue;
      }
      if (claimed.length) {
        idle = 0;
        for (const lease of claimed) this.launch(lease.token, lease.job);
        continue;
      }
      idle++;
      if (this.dirty) continue;
      const delay = await this.port.idleDelayMs(this.executor.filter, idle).catch(() => 1000);
      await this.sleepUntilWoken(delay);
    }
  }

  /** Sleeps until poked (work may have appeared, a slot freed), the delay passes or stop. */
  private async sleepUntilWoken(ms: number): Promise<void> {
    if (this.dirty || this.stopping.signal.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
    this.wake = () => undefined;
  }

  private launch(token: string, job: ClaimedJob): void {
    const abort = new AbortController();
    const span = {
      parent: ROOT_CONTEXT,
      links: linksTo(job.traceParent, { "jobs.link": "created_by_request" }),
      attributes: {
        "jobs.job_id": job.id,
        "jobs.reasoner_type": job.reasonerType,
        "jobs.executor": this.executor.name,
      },
    };
    const done = inSpan(`job.execute ${job.reasonerType}`, span, () => this.execute(token, job, abort))
      .catch((err: unknown) =>
        this.options.logger.error(
          { err, jobId: job.id },
          "executor crashed; the lease will expire and the job be retried",
        ),
      )
      .finally(() => {
        this.freeSlot(job.id);
        this.unfinished.delete(done);
      });
    this.running.set(job.id, { abort, done });
    this.unfinished.add(done);
  }

  /**
   * A slot frees when its run ends, not when the outcome's report is acknowledged: the next claim
   * then overlaps the report (reports made together share one statement, see WorkerProtocol), so a
   * runner whose jobs are quick does not wait for two commits in turn per round.
   */
  private freeSlot(jobId: string): void {
    if (this.running.delete(jobId)) this.slotFreed();
  }

  private async execute(token: string, job: ClaimedJob, abort: AbortController): Promise<void> {
    const { logger } = this.options;
    const port = this.port;
    const signal = abort.signal;
    const keepAlive = this.keepLeaseAlive(token, job, abort);
    const ctx: JobContext = {
      job,
      leaseToken: token,
      signal,
      log: (message, o) =>
        port.appendLogs(token, [
          { message, level: o?.level ?? "info", step: o?.step ?? null, timestampMs: Date.now() } satisfies PortLogLine,
        ]),
      event: (data, stream) => port.appendEvents(token, [data], stream),
      upload: (artifact) =>
        inSpan("artifact.upload", { attributes: { "jobs.artifact.name": artifact.name } }, () =>
          port.uploadArtifact(token, artifact),
        ),
      readArtifact: (id) =>
        inSpan("artifact.read", { attributes: { "jobs.artifact.id": id } }, () => port.readArtifact(job, id)),
      jobArtifacts: (id) => port.jobArtifacts(job, id),
    };
    try {
      let outcome: Outcome;
      try {
        // A run that finished is reported as done even if a stop came meanwhile: completeJob turns
        // a CANCELING job into CANCELED, and a lost lease refuses it.
        outcome = await inSpan("job.run", {}, () => this.executor.run(ctx));
      } catch (err) {
        keepAlive();
        this.freeSlot(job.id);
        await this.reportFailure(token, job, err, signal);
        return;
      }
      // The run is over: no more heartbeats (the completion's own notification would prompt one,
      // on a lease the completion just ended).
      keepAlive();
      this.freeSlot(job.id);
      try {
        const { state } = await inSpan("job.complete", {}, () =>
          port.complete(token, outcome.result, outcome.artifactIds, outcome.problems),
        );
        logger.info({ jobId: job.id, state, executor: this.executor.name }, "job finished");
      } catch (err) {
        if (err instanceof LeaseLostError)
          logger.warn({ jobId: job.id }, "lease lost before completion; the job is someone else's now");
        else logger.error({ err, jobId: job.id }, "completeJob failed; the lease will expire and the job be retried");
      }
    } finally {
      keepAlive();
    }
  }

  private async reportFailure(token: string, job: ClaimedJob, err: unknown, signal: AbortSignal): Promise<void> {
    const { logger } = this.options;
    const reason = err instanceof LeaseLostError ? "lease-lost" : abortReasonOf(signal);
    let report: { code: string; message: string; retryable: boolean; problems?: readonly ProblemReport[] };
    if (reason === "lease-lost") {
      logger.warn({ jobId: job.id }, "lease lost while running; stopped");
      return;
    } else if (reason === "cancel") {
      report = { code: "CANCELED", message: "stopped on the cancel request", retryable: false };
    } else if (reason === "shutdown") {
      report = {
        code: "SHUTDOWN",
        message: "the executor stopped for a server shutdown; the job will run again",
        retryable: true,
      };
    } else if (err instanceof NotRunnableHere) {
      logger.warn(
        { jobId: job.id, executor: this.executor.name, reason: err.message },
        "claimed a job this executor cannot run; giving it back",
      );
      report = { code: "NOT_RUNNABLE_HERE", message: err.message, retryable: true };
    } else if (err instanceof InputFault) {
      report = { code: err.code, message: err.message, retryable: false, problems: err.problems };
    } else {
      logger.error({ err, jobId: job.id, executor: this.executor.name }, "executor failed");
      report = { code: "EXECUTOR_ERROR", message: messageOf(err), retryable: true };
    }
    try {
      if (reason === null && !(err instanceof NotRunnableHere)) {
        await this.port
          .appendLogs(token, [
            { message: `${report.code}: ${report.message}`, level: "error", timestampMs: Date.now() },
          ])
          .catch(() => undefined);
      }
      const { state } = await inSpan("job.fail", { attributes: { "jobs.error.code": report.code } }, () =>
        this.port.fail(token, { code: report.code, message: report.message }, report.retryable, {
          handBack: reason === "shutdown",
          problems: report.problems,
        }),
      );
      logger.info({ jobId: job.id, state, code: report.code }, "job stopped");
    } catch (e) {
      if (!(e instanceof LeaseLostError))
        logger.error({ err: e, jobId: job.id }, "failJob failed; the lease will expire and the job be retried");
    }
  }

  /**
   * Heartbeats every third of the lease, and soon after any change of the job (so a cancel request
   * is seen in moments, not seconds). Aborts the job on cancelRequested or a lost lease.
   */
  private keepLeaseAlive(token: string, job: ClaimedJob, abort: AbortController): () => void {
    const periodMs = Math.max(500, heartbeatPeriodMs(this.options.leaseSeconds));
    let timer: NodeJS.Timeout | undefined;
    let inFlight = false;
    let again = false;
    let stopped = false;
    const beat = async () => {
      if (stopped || abort.signal.aborted) return;
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      clearTimeout(timer);
      try {
        const status = await this.port.heartbeat(token);
        if (status.cancelRequested) abort.abort("cancel");
      } catch (err) {
        if (err instanceof LeaseLostError) abort.abort("lease-lost");
        else this.options.logger.warn({ err, jobId: job.id }, "heartbeat failed; retrying");
      } finally {
        inFlight = false;
        if (!stopped && !abort.signal.aborted) {
          if (again) {
            again = false;
            void beat();
          } else {
            timer = setTimeout(() => void beat(), periodMs);
          }
        }
      }
    };
    timer = setTimeout(() => void beat(), periodMs);
    // The claim's own notification (and any older one) is no news: heartbeating on it would cost
    // every job a statement.
    const unwatch = this.port.watchJob(job.id, (revision) => {
      if (revision === undefined || job.revision === undefined || revision > job.revision) void beat();
    });
    return () => {
      stopped = true;
      clearTimeout(timer);
      unwatch();
    };
  }
}
