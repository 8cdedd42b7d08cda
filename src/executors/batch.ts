// The batch executor (in-process): runs a batch's steps in order, each as a child job created on
// behalf of the batch's creator (same tenant, parentJobId = the batch), waits for each child to
// end (woken by its change notifications), and records every step's state, child and times.
// A failed step fails the batch unless it says ignoreChunkError. Every step logs to the batch's log
// under its name.
// Resumable: a re-claimed batch (the server died mid-run) skips finished steps and awaits a
// step's existing child instead of making another; child creation carries an idempotency key
// derived from the batch and step, so even a crash between creating the child and recording it
// cannot make a second one. Canceling the batch cancels its running child.
// A step of a family served upstream (a remote gateway) has its child there: created, waited for and
// canceled through the JobService as the batch's creator. A cancel that cannot reach the upstream
// leaves its step open, so the ended-batch pass (ended-batches.ts) cancels the child once it can (or
// closes the step without it after JOBS_UPSTREAM_CANCEL_RETRY_S).
import { setTimeout as delay } from "node:timers/promises";
import type { Database } from "../db/database.ts";
import { defaultReasonerName } from "../families/queues.ts";
import { isJobsError } from "../errors.ts";
import type { JobChangeHub } from "../jobs/changes.ts";
import type { JobKey, JobRecord, JobState, ReasonerType, Viewer } from "../jobs/model.ts";
import type { CreateJobRequest } from "../jobs/new-job.ts";
import type { JobService } from "../jobs/service.ts";
import { isTerminal } from "../jobs/states.ts";
import { inSpan } from "../observability/tracing.ts";
import { hashLeaseToken } from "../workers/protocol/lease.ts";
import { type StepOutput, StepReferenceError, substituteStepReferences } from "./batch-refs.ts";
import { creatorViewer } from "./creator.ts";
import { abortReasonOf, InputFault, LeaseLostError } from "./port.ts";
import { closeStepsOfEndedBatch } from "./sql/closeStepsOfEndedBatch.ts";
import type { Executor, ExecutorContext, Outcome } from "./runner.ts";
import { updateBatchStep, type StepUpdate } from "./sql/updateBatchStep.ts";

/** How often a wait for a child re-reads it even without a notification (a lost one costs at most this). */
const CHILD_RECHECK_MS = 30_000;
/** How long one wait for an upstream child lasts upstream (waitForJob), and the pause after a failed one. */
const UPSTREAM_WAIT_S = 30;
const UPSTREAM_RETRY_MS = 1_000;

export interface BatchDeps {
  db: Database;
  jobs: JobService;
  changes: JobChangeHub;
}

interface StepRow {
  position: number;
  name: string;
  run: { reasonerType: ReasonerType; reasonerName?: string; payload?: unknown };
  ignoreChunkError: boolean;
  state: JobState;
  childJobId: string | null;
}

interface ChildEnd {
  state: JobState;
  reasonerType: ReasonerType;
  errorCode: string | null;
  errorMessage: string | null;
}

interface StepResult extends StepOutput {
  name: string;
  error: string | null;
}

export function batchExecutor(deps: BatchDeps): Executor {
  return { name: "batch", filter: { reasonerTypes: ["BATCH"] }, run: (ctx) => new BatchRun(deps, ctx).run() };
}

class BatchRun {
  private readonly batchId: string;
  private readonly leaseHash: string;
  private creator: Viewer | undefined;
  /** The step whose child is running now, to cancel it with the batch. */
  private current: { position: number; childJobId: string; reasonerType: ReasonerType } | null = null;

  constructor(
    private readonly deps: BatchDeps,
    private readonly ctx: ExecutorContext,
  ) {
    this.batchId = ctx.job.id;
    this.leaseHash = hashLeaseToken(ctx.leaseToken);
  }

  async run(): Promise<Outcome> {
    const { ctx } = this;
    if (!ctx.job.tenantId) throw new Error("the batch executor runs in-process only");
    this.creator = await creatorViewer(this.deps.db, ctx.job.tenantId, ctx.job.createdBy);
    const steps = await this.steps();
    const resumed = steps.some((s) => s.state !== "PENDING" || s.childJobId);
    const counted = `${steps.length} step${steps.length === 1 ? "" : "s"}`;
    await ctx.log(resumed ? `batch resumed (${counted})` : `batch started (${counted})`);
    const results: StepResult[] = [];
    const earlier = new Map<string, StepOutput>();
    try {
      for (const [i, step] of steps.entries()) {
        // One span per step (when traced): its child job's creation links the child's run to it.
        const result = await inSpan(
          `batch.step ${step.name}`,
          { attributes: { "jobs.batch.step": step.name, "jobs.batch.position": i } },
          async (span) => {
            const r = await this.runStep(step, earlier);
            span?.setAttributes({ "jobs.batch.child_job_id": r.jobId ?? "", "jobs.batch.step_state": r.state });
            return r;
          },
        );
        results.push(result);
        earlier.set(step.name, result);
        if (result.state !== "SUCCEEDED" && !step.ignoreChunkError) {
          await this.skipRest(steps.slice(i + 1), `step ${step.name} ${result.state.toLowerCase()}`);
          throw new InputFault(
            "STEP_FAILED",
            `step ${step.name} ${result.state}${result.error ? `: ${result.error}` : ""}`,
          );
        }
        if (result.state !== "SUCCEEDED")
          await ctx.log(`step ${step.name} ${result.state}; continuing (ignoreChunkError)`, {
            step: step.name,
            level: "warn",
          });
      }
    } catch (err) {
      await this.onStop(steps, err);
      throw err;
    }
    await ctx.log(
      `batch finished: ${results.filter((r) => r.state === "SUCCEEDED").length} of ${steps.length} steps succeeded`,
    );
    return {
      result: {
        steps: results.map((r) => ({
          name: r.name,
          state: r.state,
          jobId: r.jobId,
          artifactIds: r.artifactIds,
          error: r.error,
        })),
      },
      artifactIds: [],
    };
  }

  private async runStep(step: StepRow, earlier: ReadonlyMap<string, StepOutput>): Promise<StepResult> {
    const { ctx } = this;
    const base = { name: step.name, jobId: step.childJobId };
    const childOf = (jobId: string): JobKey => ({ reasonerType: step.run.reasonerType, jobId });
    if (isTerminal(step.state)) {
      // Finished before a restart: its outcome stands.
      const child = step.childJobId ? await this.childEnd(childOf(step.childJobId)) : null;
      return {
        ...base,
        state: step.state,
        artifactIds:
          step.childJobId && step.state === "SUCCEEDED" ? await this.outputsOf(childOf(step.childJobId)) : [],
        error: child ? errorOf(child) : null,
      };
    }
    let childJobId = step.childJobId;
    if (childJobId) {
      await ctx.log(`step ${step.name}: waiting for job ${childJobId} again after a restart`, { step: step.name });
    } else {
      const created = await this.createChild(step, earlier);
      if ("error" in created) {
        await this.record(step, { state: "FAILED", started: true, finished: true });
        await ctx.log(`step ${step.name} FAILED: ${created.error}`, { step: step.name, level: "error" });
        return { ...base, state: "FAILED", artifactIds: [], error: created.error };
      }
      childJobId = created.jobId;
      await this.record(step, { state: "RUNNING", childJobId, started: true });
      await ctx.log(`step ${step.name}: started ${step.run.reasonerType} job ${childJobId}`, { step: step.name });
    }
    this.current = { position: step.position, childJobId, reasonerType: step.run.reasonerType };
    const end = await this.waitFor(childOf(childJobId));
    this.current = null;
    const artifactIds = end.state === "SUCCEEDED" ? await this.outputsOf(childOf(childJobId)) : [];
    await this.record(step, { state: end.state, childJobId, started: true, finished: true });
    const error = errorOf(end);
    await ctx.log(`step ${step.name} ${end.state}${error ? `: ${error}` : ""}`, {
      step: step.name,
      level: end.state === "SUCCEEDED" ? "info" : "error",
    });
    return { name: step.name, jobId: childJobId, state: end.state, artifactIds, error };
  }

  /** The step's child job, made once per (batch, step) however often this runs. */
  private async createChild(
    step: StepRow,
    earlier: ReadonlyMap<string, StepOutput>,
  ): Promise<{ jobId: string } | { error: string }> {
    let payload: unknown;
    try {
      payload = substituteStepReferences(step.run.payload ?? {}, earlier);
    } catch (err) {
      if (err instanceof StepReferenceError) return { error: err.message };
      throw err;
    }
    const request: CreateJobRequest = {
      reasonerType: step.run.reasonerType,
      reasonerName: step.run.reasonerName ?? defaultReasonerName(step.run.reasonerType),
      payload,
      name: `${this.ctx.job.name ?? "batch"}/${step.name}`.slice(0, 255),
      idempotencyKey: `batch:${this.batchId}:step:${step.position}`,
    };
    for (let told = false; ; ) {
      try {
        const job = this.deps.jobs.read(request);
        const child = await this.deps.jobs.create(
          { ...job, parentJobId: this.batchId },
          { batchStep: request },
          this.creator!,
        );
        return { jobId: child.id };
      } catch (err) {
        // An upstream that cannot be reached now is tried again until the batch ends: the key makes
        // a create that did arrive, its answer lost, find the same child.
        if (isJobsError(err, "UPSTREAM_UNAVAILABLE")) {
          if (!told)
            await this.ctx.log(`step ${step.name}: ${err.message}; trying again until it answers`, {
              step: step.name,
              level: "warn",
            });
          told = true;
          await delay(UPSTREAM_RETRY_MS, undefined, { signal: this.ctx.signal });
          continue;
        }
        // The step's own request is wrong (bad payload, a key conflict): that step fails, not the executor.
        if (isJobsError(err)) {
          const code = String(err.extensions.code);
          if (code !== "INTERNAL_SERVER_ERROR") return { error: `${code}: ${err.message}` };
        }
        throw err;
      }
    }
  }

  /** Whether jobs of this family are this server's own (in its database) rather than an upstream's. */
  private isLocal(reasonerType: ReasonerType): boolean {
    return this.deps.jobs.gatewayFor(reasonerType).kind === "local";
  }

  /** Resolves when the child is terminal; woken by its notifications, re-reading it now and then anyway. */
  private async waitFor(child: JobKey): Promise<ChildEnd> {
    if (!this.isLocal(child.reasonerType)) return this.waitUpstream(child);
    const check = async () => {
      const end = await this.localEnd(child.jobId);
      return end && isTerminal(end.state) ? end : undefined;
    };
    for (;;) {
      this.ctx.signal.throwIfAborted();
      try {
        return await this.deps.changes.waitUntil(child.jobId, CHILD_RECHECK_MS, check, this.ctx.signal);
      } catch (err) {
        if (!isJobsError(err, "JOB_TIMEOUT")) throw err;
      }
    }
  }

  /** An upstream child: waited for there (waitForJob), again after a timeout or while it cannot be reached. */
  private async waitUpstream(child: JobKey): Promise<ChildEnd> {
    const { signal } = this.ctx;
    let waitS = UPSTREAM_WAIT_S;
    for (;;) {
      signal.throwIfAborted();
      try {
        const job = await untilAborted(this.deps.jobs.waitForTerminal(child, waitS, this.creator!), signal);
        if (isTerminal(job.state)) return endOf(job);
      } catch (err) {
        if (isJobsError(err, "UPSTREAM_UNAVAILABLE")) await delay(UPSTREAM_RETRY_MS, undefined, { signal });
        // An upstream allowing shorter waits (its JOBS_MAX_WAIT_S) refuses this one: wait less.
        else if (isJobsError(err, "BAD_USER_INPUT") && err.extensions.field === "timeoutS" && waitS > 1)
          waitS = Math.max(1, Math.floor(waitS / 4));
        else if (!isJobsError(err, "JOB_TIMEOUT")) throw err;
      }
    }
  }

  private async childEnd(child: JobKey): Promise<ChildEnd | null> {
    if (this.isLocal(child.reasonerType)) return this.localEnd(child.jobId);
    const job = await this.deps.jobs.get(child, this.creator!);
    return job && endOf(job);
  }

  private async localEnd(jobId: string): Promise<ChildEnd | null> {
    const rows = await this.deps.db.query<ChildEnd>(
      `select "state", "reasonerType", "errorCode", "errorMessage" from "jobs" where "id" = $1::uuid`,
      [jobId],
    );
    return rows[0] ?? null;
  }

  private async outputsOf(child: JobKey): Promise<string[]> {
    const gateway = this.deps.jobs.gatewayFor(child.reasonerType);
    if (gateway.kind !== "local" && gateway.expansionsFor) {
      const [artifacts] = await gateway.expansionsFor(this.creator!, () => child.reasonerType).artifacts([child.jobId]);
      return (artifacts ?? []).map((a) => a.id);
    }
    const jobId = child.jobId;
    const rows = await this.deps.db.query<{ id: string }>(
      `select "id" from "artifacts" where "jobId" = $1::uuid and "purpose" = 'output' order by "createdOn", "id"`,
      [jobId],
    );
    return rows.map((r) => r.id);
  }

  private async steps(): Promise<StepRow[]> {
    return this.deps.db.query<StepRow>(
      `select "position", "name", "run", "ignoreChunkError", "state", "childJobId" from "batch_steps" where "jobId" = $1::uuid order by "position"`,
      [this.batchId],
    );
  }

  private async record(step: StepRow, update: StepUpdate): Promise<void> {
    if (!(await updateBatchStep(this.deps.db, this.batchId, this.leaseHash, step.position, update)))
      throw new LeaseLostError(`lost the lease of batch ${this.batchId}`);
    step.state = update.state;
  }

  private async skipRest(rest: StepRow[], why: string): Promise<void> {
    for (const step of rest) {
      if (isTerminal(step.state)) continue;
      await this.record(step, { state: "CANCELED", finished: true });
      await this.ctx.log(`step ${step.name} skipped: ${why}`, { step: step.name, level: "warn" });
    }
  }

  /**
   * The batch stops early. Canceled (or ended elsewhere, e.g. timed out): its running child is
   * canceled too. Shutdown: the child keeps running and the re-claimed batch waits for it again.
   */
  private async onStop(steps: StepRow[], err: unknown): Promise<void> {
    const reason = err instanceof LeaseLostError ? "lease-lost" : abortReasonOf(this.ctx.signal);
    if (reason === null || reason === "shutdown") return;
    let endedElsewhere = false;
    // What the child records: why it is canceled, not that the batch's creator canceled it.
    let why = `batch ${this.batchId} was canceled`;
    if (reason === "lease-lost") {
      const batch = await this.localEnd(this.batchId);
      if (!batch || !isTerminal(batch.state)) return; // another executor holds it now
      endedElsewhere = true;
      why = whyBatchEnded(this.batchId, batch);
    }
    const running = this.current;
    // The running child's upstream could not be reached: its step stays open, so the ended-batch
    // pass finds it once the batch has ended and cancels the child when the upstream answers.
    let unreached = false;
    if (running) {
      await this.deps.jobs
        .cancel({ reasonerType: running.reasonerType, jobId: running.childJobId }, false, this.creator!, why)
        .catch((e: unknown) => {
          unreached = isJobsError(e, "UPSTREAM_UNAVAILABLE");
          return this.ctx
            .log(
              `could not cancel job ${running.childJobId}: ${String(e)}${unreached ? " (tried again until its upstream answers)" : ""}`,
              { level: "warn" },
            )
            .catch(() => undefined);
        });
    }
    if (reason === "cancel") {
      const open = steps.filter((s) => !isTerminal(s.state) && !(unreached && s.position === running?.position));
      await this.skipRest(open, "the batch was canceled").catch(() => undefined);
    }
    // Timed out, say: the lease is gone, so the open steps are closed without it.
    if (endedElsewhere && !unreached) await closeStepsOfEndedBatch(this.deps.db, this.batchId);
  }
}

/** Why a batch ended, as its children record it: the sweeper's TIMEOUT, a cancel, a lapsed last lease, ... */
export function whyBatchEnded(batchId: string, end: Pick<ChildEnd, "state" | "errorCode">): string {
  if (end.errorCode === "TIMEOUT") return `batch ${batchId} timed out`;
  if (end.state === "CANCELED") return `batch ${batchId} was canceled`;
  const code = end.errorCode && end.errorCode !== end.state ? ` (${end.errorCode})` : "";
  return `batch ${batchId} ended ${end.state}${code}`;
}

const endOf = (job: JobRecord): ChildEnd => ({
  state: job.state,
  reasonerType: job.reasonerType,
  errorCode: job.errorCode,
  errorMessage: job.errorMessage,
});

/** `promise`, or the signal's reason once it aborts (the promise then settles unheard). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function errorOf(end: ChildEnd): string | null {
  if (end.state === "SUCCEEDED") return null;
  return end.errorCode ? `${end.errorCode}: ${end.errorMessage ?? ""}` : null;
}
