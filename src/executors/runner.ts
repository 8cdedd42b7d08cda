// A built-in executor run by the worker core (@jobs-api/client/node's WorkerCore, the loop the SDK's
// Worker runs too) through a WorkerPort: up to `concurrency` jobs at once. An idle runner sleeps
// until the port says work may have appeared (in-process: a change notification) or a backoff ends;
// it never spins. While a job runs the lease is kept alive (every third of its length, and at once
// when the job changes, so a cancel lands quickly); a cancel request aborts the job's signal. The
// outcome is reported exactly one way:
//   success -> complete; input fault -> failJob (not retryable); cancel -> failJob (the job ends
//   CANCELED); unexpected error or shutdown -> failJob retryable (requeued with backoff);
//   lost lease -> nothing (someone else owns the job now).
// Traced (when tracing is on): job.claim per claim; per job a root job.execute span linked to the
// request that created the job, with job.run (the executor; batch steps and artifact transfers
// inside it) and job.complete or job.fail.
import { ROOT_CONTEXT } from "@opentelemetry/api";
import type { ClaimFilter, LogLineInput } from "@jobs-api/client";
import { type Interruption, type RunningJob, WorkerCore } from "@jobs-api/client/node";
import { isJobsError } from "../errors.ts";
import { inSpan, linksTo } from "../observability/tracing.ts";
import {
  type AbortReason,
  type ArtifactBody,
  type ArtifactBytes,
  type ExecutorJob,
  type ExecutorJobLease,
  InputFault,
  type JobArtifacts,
  LeaseLostError,
  NotRunnableHere,
  type PortState,
  type ProblemReport,
  type UploadedArtifact,
  type WorkerPort,
} from "./port.ts";

export interface RunnerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * What an executor gets for one job (the SDK handler's JobContext differs: the wire's job, no input
 * reads). Calls after the lease is lost throw LeaseLostError.
 */
export interface ExecutorContext {
  job: ExecutorJob;
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
  run(ctx: ExecutorContext): Promise<Outcome>;
}

export interface RunnerOptions {
  concurrency: number;
  leaseSeconds: number;
  logger: RunnerLogger;
  /** How long stop() lets running jobs finish before aborting them; default 5 s. */
  shutdownGraceMs?: number;
  /**
   * Claimed jobs kept waiting for a slot (the core's local queue): one claim statement then takes
   * up to the free slots plus this many, for executors whose jobs are short. 0 (the default): none.
   */
  localQueue?: number;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 60_000);

/** How a job that threw is reported: failJob's arguments, and whether to log the error on the job first. */
interface FailureReport {
  code: string;
  message: string;
  retryable: boolean;
  problems?: readonly ProblemReport[];
  handBack: boolean;
  logOnJob: boolean;
}

/** The in-process abort reasons executors read (abortReasonOf) for the core's interruptions. */
const ABORT_REASONS: Record<Interruption, AbortReason> = {
  cancel: "cancel",
  "lease-lost": "lease-lost",
  stop: "shutdown",
};

export class Runner {
  private readonly core: WorkerCore<ExecutorJobLease, Outcome, FailureReport, PortState>;

  constructor(
    private readonly port: WorkerPort,
    private readonly executor: Executor,
    private readonly options: RunnerOptions,
  ) {
    const { filter, name } = executor;
    const { logger, leaseSeconds } = options;
    this.core = new WorkerCore({
      concurrency: options.concurrency,
      leaseSeconds,
      shutdownGraceMs: options.shutdownGraceMs ?? 5000,
      localQueue: options.localQueue ?? 0,
      port: {
        claim: (max) => port.claim(filter, leaseSeconds, max),
        heartbeat: (token) => port.heartbeat(token),
        complete: (token, outcome) =>
          inSpan("job.complete", {}, () => port.complete(token, outcome.result, outcome.artifactIds, outcome.problems)),
        fail: (token, report) => this.fail(token, report),
        isLeaseLost: (err) => err instanceof LeaseLostError,
        refusedOutcome: (err) =>
          isJobsError(err, "BAD_USER_INPUT")
            ? {
                code: "INVALID_RESULT",
                message: `the job's result could not be stored: ${err.message}`,
                retryable: false,
                handBack: false,
                logOnJob: true,
              }
            : null,
        subscribeWork: (wake) => port.subscribeWork(filter, wake),
        waitForWork: (idle) => port.waitForWork(filter, idle),
        // The claim's own notification (and any older one) is no news: heartbeating on it would
        // cost every job a statement.
        watchJob: ({ job }, onChange) =>
          port.watchJob(job.id, (revision) => {
            if (revision === undefined || job.revision === undefined || revision > job.revision) onChange();
          }),
      },
      run: (running) => inSpan("job.run", {}, () => executor.run(this.contextOf(running))),
      failureOf: (lease, err, interruption) => this.failureOf(lease.job, err, interruption),
      abortReason: (why) => ABORT_REASONS[why],
      // Per job a root span linked to the request that created the job.
      around: ({ job }, body) =>
        inSpan(
          `job.execute ${job.reasonerType}`,
          {
            parent: ROOT_CONTEXT,
            links: linksTo(job.traceParent, { "jobs.link": "created_by_request" }),
            attributes: { "jobs.job_id": job.id, "jobs.reasoner_type": job.reasonerType, "jobs.executor": name },
          },
          body,
        ),
      aroundClaim: (free, claim) =>
        inSpan("job.claim", { attributes: { "jobs.executor": name, "jobs.slots": free } }, async (span) => {
          const leases = await claim();
          span?.setAttribute("jobs.claimed", leases.length);
          return leases;
        }),
      on: {
        claimFailed: (err) => logger.warn({ err, executor: name }, "claim failed; retrying"),
        heartbeatFailed: ({ job }, err) => logger.warn({ err, jobId: job.id }, "heartbeat failed; retrying"),
        reportFailed: ({ job }, call, err, leaseLost) => {
          if (call === "complete") {
            if (leaseLost)
              logger.warn({ jobId: job.id }, "lease lost before completion; the job is someone else's now");
            else
              logger.error({ err, jobId: job.id }, "completeJob failed; the lease will expire and the job be retried");
          } else if (!leaseLost)
            logger.error({ err, jobId: job.id }, "failJob failed; the lease will expire and the job be retried");
        },
        finished: ({ lease, final, failure }) => {
          if (!final) return;
          if (failure)
            logger.info(
              { jobId: lease.job.id, state: final.state, code: (failure as FailureReport).code },
              "job stopped",
            );
          else logger.info({ jobId: lease.job.id, state: final.state, executor: name }, "job finished");
        },
        crashed: ({ job }, err) =>
          logger.error({ err, jobId: job.id }, "executor crashed; the lease will expire and the job be retried"),
      },
    });
  }

  start(): this {
    this.core.start();
    return this;
  }

  /** Stops claiming; lets running jobs finish for the grace period, then aborts them (requeued). */
  stop(): Promise<void> {
    return this.core.stop();
  }

  private contextOf(running: RunningJob<ExecutorJobLease>): ExecutorContext {
    const { token, job } = running.lease;
    const port = this.port;
    return {
      job,
      leaseToken: token,
      // Read through: the signal is made only if the executor looks at it (RunningJob.signal).
      get signal() {
        return running.signal;
      },
      log: (message, o) =>
        port.appendLogs(token, [
          { message, level: o?.level ?? "info", step: o?.step ?? null, timestampMs: Date.now() } satisfies LogLineInput,
        ]),
      event: (data, stream) => port.appendEvents(token, [data], stream),
      upload: (artifact) =>
        inSpan("artifact.upload", { attributes: { "jobs.artifact.name": artifact.name } }, () =>
          port.uploadArtifact(token, artifact),
        ),
      readArtifact: (id) =>
        inSpan("artifact.read", { attributes: { "jobs.artifact.id": id } }, () => port.readArtifact(job, id, token)),
      jobArtifacts: (id) => port.jobArtifacts(job, id, token),
    };
  }

  private failureOf(job: ExecutorJob, err: unknown, interruption: Interruption | null): FailureReport | null {
    const { logger } = this.options;
    const reason = interruption === null ? null : ABORT_REASONS[interruption];
    const plain = { handBack: false, logOnJob: false };
    if (reason === "lease-lost") {
      logger.warn({ jobId: job.id }, "lease lost while running; stopped");
      return null;
    }
    if (reason === "cancel")
      return { ...plain, code: "CANCELED", message: "stopped on the cancel request", retryable: false };
    if (reason === "shutdown")
      return {
        code: "SHUTDOWN",
        message: "the executor stopped for a server shutdown; the job will run again",
        retryable: true,
        handBack: true,
        logOnJob: false,
      };
    if (err instanceof NotRunnableHere) {
      logger.warn(
        { jobId: job.id, executor: this.executor.name, reason: err.message },
        "claimed a job this executor cannot run; giving it back",
      );
      return { ...plain, code: "NOT_RUNNABLE_HERE", message: err.message, retryable: true };
    }
    if (err instanceof InputFault)
      return {
        code: err.code,
        message: err.message,
        retryable: false,
        problems: err.problems,
        handBack: false,
        logOnJob: true,
      };
    logger.error({ err, jobId: job.id, executor: this.executor.name }, "executor failed");
    return { code: "EXECUTOR_ERROR", message: messageOf(err), retryable: true, handBack: false, logOnJob: true };
  }

  private async fail(token: string, report: FailureReport): Promise<PortState> {
    if (report.logOnJob)
      await this.port
        .appendLogs(token, [{ message: `${report.code}: ${report.message}`, level: "error", timestampMs: Date.now() }])
        .catch(() => undefined);
    return inSpan("job.fail", { attributes: { "jobs.error.code": report.code } }, () =>
      this.port.fail(token, { code: report.code, message: report.message }, report.retryable, {
        handBack: report.handBack,
        problems: report.problems,
      }),
    );
  }
}
