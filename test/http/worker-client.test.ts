// The Worker client (@jobs-api/client/node) against the real server over HTTP: refusals surface as
// JobsApiError with the contract's code; run() fails jobs whose handler throws (retryable unless a
// JobFailure says otherwise), gives up a job whose lease is lost without a final call, and hands
// running jobs back when it is stopped. Plus the idle backoff, on fake timers.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  backoff,
  isJobsApiError,
  JobFailure,
  JobInterrupted,
  JobsApiError,
  Worker,
  type JobFinished,
  type JobHandler,
} from "@jobs-api/client/node";
import { sweep } from "../../src/workers/protocol/sql/sweep.ts";
import { backends } from "../helpers/backends.ts";
import { createJob } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { newTenant, type TestTenant } from "./tenant.ts";

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A queue of finished jobs to await one by one. */
function finishedJobs() {
  const seen: JobFinished[] = [];
  const waiters: ((f: JobFinished) => void)[] = [];
  return {
    onJobFinished: (f: JobFinished) => {
      const w = waiters.shift();
      if (w) w(f);
      else seen.push(f);
    },
    next: () =>
      seen.length ? Promise.resolve(seen.shift()!) : new Promise<JobFinished>((resolve) => waiters.push(resolve)),
  };
}

describe("backoff", () => {
  afterEach(() => vi.useRealTimers());

  it("doubles from initialMs up to maxMs, and ends at once when the worker stops", async () => {
    vi.useFakeTimers();
    const wait = backoff({ initialMs: 100, maxMs: 500, jitter: false });
    const stop = new AbortController();
    const waited = async (emptyClaims: number) => {
      let done = false;
      const p = wait({ emptyClaims, signal: stop.signal }).then(() => (done = true));
      let ms = 0;
      while (!done) {
        await vi.advanceTimersByTimeAsync(10);
        ms += 10;
      }
      await p;
      return ms;
    };
    expect([await waited(1), await waited(2), await waited(3), await waited(4), await waited(10)]).toEqual([
      100, 200, 400, 500, 500,
    ]);
    const pending = wait({ emptyClaims: 5, signal: stop.signal });
    stop.abort();
    await pending; // resolves without any timer advancing
  });
});

describe.each(backends.map((b) => [b.name, b] as const))("the Worker client on %s", (_name, backend) => {
  let t: TestServer;
  beforeAll(async () => {
    // The tests sweep themselves, so lease expiry happens exactly when they say.
    t = await startTestServer(backend, { JOBS_SWEEP_INTERVAL_MS: "0" });
  });
  afterAll(async () => t?.stop());

  const db = () => t.server.services.db;
  const history = async (tn: TestTenant, jobId: string) =>
    (
      await tn.member.request<any>(
        `query($id: ID!) { job(reasonerType: PREDICTIVE, jobId: $id) { statusHistory { state } } }`,
        { id: jobId },
      )
    ).job.statusHistory.map((s: { state: string }) => s.state);
  /** What the history says of the first requeue (the failure's code and message). */
  const requeueMessage = async (jobId: string) =>
    (
      await db().query<{ message: string }>(
        `select "message" from "job_status_changes" where "jobId" = $1 and "seq" = 4`,
        [jobId],
      )
    )[0]?.message;
  const workerOf = (apiKey: string, extra: { leaseSeconds?: number; url?: string } = {}) =>
    new Worker({
      url: extra.url ?? t.url,
      apiKey,
      name: "client-test",
      reasonerTypes: ["PREDICTIVE"],
      logger: quiet,
      ...extra,
    });

  it("surfaces refusals as JobsApiError with the contract's code and the HTTP status", async () => {
    const tn = await newTenant(t);
    const asMember = await workerOf(tn.member.key!)
      .register()
      .catch((e: unknown) => e);
    expect(isJobsApiError(asMember, "FORBIDDEN")).toBe(true);
    const unknownKey = await workerOf("jobs_nobody-has-this-key")
      .register()
      .catch((e: unknown) => e);
    expect(unknownKey).toBeInstanceOf(JobsApiError);
    expect([(unknownKey as JobsApiError).code, (unknownKey as JobsApiError).status]).toEqual(["UNAUTHENTICATED", 401]);
    // Nothing listens on port 9 of the loopback: a network error, not a crash.
    const nowhere = await workerOf(tn.worker.key!, { url: "http://127.0.0.1:9" })
      .register()
      .catch((e: unknown) => e);
    expect(isJobsApiError(nowhere, "NETWORK_ERROR")).toBe(true);
    const lost = await workerOf(tn.worker.key!)
      .heartbeat("not-a-lease")
      .catch((e: unknown) => e);
    expect(isJobsApiError(lost, "LEASE_LOST")).toBe(true);
  });

  it("a handler that throws fails the job retryable (WORKER_ERROR); a JobFailure fails it for good", async () => {
    const tn = await newTenant(t);
    const job = await createJob(tn.member, "PREDICTIVE");
    const w = workerOf(tn.worker.key!);
    const finished = finishedJobs();
    const stop = new AbortController();
    let attempt = 0;
    const run = w.run(
      async () => {
        attempt++;
        if (attempt === 1) throw new Error("disk full");
        throw new JobFailure("BAD_MODEL", "the model has no target column", {
          problems: [{ severity: "error", code: "NO_TARGET", message: "no column named churned" }],
        });
      },
      {
        signal: stop.signal,
        onJobFinished: finished.onJobFinished,
        waitForWork: backoff({ initialMs: 20, maxMs: 100 }),
      },
    );
    const first = await finished.next();
    expect(first.final).toMatchObject({ jobId: job.jobId, state: "QUEUED", error: null });
    expect((first.error as Error).message).toBe("disk full");
    // Make the retry due now rather than after its backoff.
    await db().query(`update "jobs" set "runAfter" = now() where "id" = $1`, [job.jobId]);
    const second = await finished.next();
    stop.abort();
    await run;
    expect(second.final).toMatchObject({
      jobId: job.jobId,
      state: "FAILED",
      error: { code: "BAD_MODEL", message: "the model has no target column" },
    });
    expect(await history(tn, job.jobId)).toEqual(["CREATED", "QUEUED", "RUNNING", "QUEUED", "RUNNING", "FAILED"]);
    expect(await requeueMessage(job.jobId)).toMatch(/^attempt 1 of \d+ failed \(WORKER_ERROR: disk full\); retrying$/);
    const row = (
      await db().query<{ attempts: number }>(`select "attempts" from "jobs" where "id" = $1`, [job.jobId])
    )[0]!;
    expect(row.attempts).toBe(2);
    // The JobFailure's problems are the job's.
    const problems = await tn.member.request<any>(
      `query($id: ID!) { job(reasonerType: PREDICTIVE, jobId: $id) { problems { severity code message } } }`,
      { id: job.jobId },
    );
    expect(problems.job.problems).toEqual([
      { severity: "error", code: "NO_TARGET", message: "no column named churned" },
    ]);
  });

  it("a handler's returned problems are recorded with its completion", async () => {
    const tn = await newTenant(t);
    const job = await createJob(tn.member, "PREDICTIVE");
    const finished = finishedJobs();
    const stop = new AbortController();
    const run = workerOf(tn.worker.key!).run(
      async () => ({
        result: { ok: true },
        problems: [{ severity: "warning", code: "ROW_SKIPPED", message: "row 3 had no id", details: { row: 3 } }],
      }),
      {
        signal: stop.signal,
        onJobFinished: finished.onJobFinished,
        waitForWork: backoff({ initialMs: 20, maxMs: 100 }),
      },
    );
    const done = await finished.next();
    stop.abort();
    await run;
    expect(done.final).toMatchObject({ jobId: job.jobId, state: "SUCCEEDED" });
    const problems = await tn.member.request<any>(
      `query($id: ID!) { job(reasonerType: PREDICTIVE, jobId: $id) { problems { severity code message details } } }`,
      { id: job.jobId },
    );
    expect(problems.job.problems).toEqual([
      { severity: "warning", code: "ROW_SKIPPED", message: "row 3 had no id", details: { row: 3 } },
    ]);
  });

  it("a lease lost mid-job aborts the handler's signal and makes no final call; the job runs again", async () => {
    const tn = await newTenant(t);
    const job = await createJob(tn.member, "PREDICTIVE");
    // A 3-second lease: heartbeats every second.
    const w = workerOf(tn.worker.key!, { leaseSeconds: 3 });
    const finished = finishedJobs();
    const stop = new AbortController();
    let started!: () => void;
    const isStarted = new Promise<void>((resolve) => (started = resolve));
    const reasons: unknown[] = [];
    const handler: JobHandler = async (ctx) => {
      if (reasons.length === 0) {
        started();
        await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
        reasons.push(ctx.signal.reason);
        return { result: { late: true } };
      }
      return { result: { second: true } };
    };
    const run = w.run(handler, {
      signal: stop.signal,
      onJobFinished: finished.onJobFinished,
      waitForWork: backoff({ initialMs: 20, maxMs: 100 }),
    });
    await isStarted;
    // The lease runs out (as if the worker had stalled) and the sweeper requeues the job.
    await db().query(`update "jobs" set "leaseExpiresOn" = now() - interval '1 second' where "id" = $1`, [job.jobId]);
    expect((await sweep(db())).requeued).toBe(1);
    const first = await finished.next();
    const second = await finished.next();
    stop.abort();
    await run;
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(JobInterrupted);
    expect((reasons[0] as JobInterrupted).reason).toBe("lease-lost");
    expect(first.final).toBeNull();
    expect(second.final).toMatchObject({ jobId: job.jobId, state: "SUCCEEDED" });
    const read = await tn.member.request<any>(
      `query($id: ID!) { job(reasonerType: PREDICTIVE, jobId: $id) { ... on ReasonerJob { result } } }`,
      { id: job.jobId },
    );
    expect(read.job.result).toEqual({ second: true });
    expect(await history(tn, job.jobId)).toEqual(["CREATED", "QUEUED", "RUNNING", "QUEUED", "RUNNING", "SUCCEEDED"]);
  });

  it("stopping the worker aborts running handlers; a handler that gives up hands the job back, its attempt not counted", async () => {
    const tn = await newTenant(t);
    const job = await createJob(tn.member, "PREDICTIVE");
    const { maxAttempts } = (
      await db().query<{ maxAttempts: number }>(`select "maxAttempts" from "jobs" where "id" = $1`, [job.jobId])
    )[0]!;
    // More rolling restarts than the job has attempts: each stop hands it back unharmed.
    for (let restart = 1; restart <= maxAttempts + 1; restart++) {
      const w = workerOf(tn.worker.key!);
      const finished = finishedJobs();
      const stop = new AbortController();
      let started!: () => void;
      const isStarted = new Promise<void>((resolve) => (started = resolve));
      const run = w.run(
        async (ctx) => {
          started();
          await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
          throw ctx.signal.reason;
        },
        { signal: stop.signal, onJobFinished: finished.onJobFinished },
      );
      await isStarted;
      stop.abort();
      await run;
      const f = await finished.next();
      expect((f.error as JobInterrupted).reason).toBe("stopped");
      expect(f.final).toMatchObject({ jobId: job.jobId, state: "QUEUED", error: null });
    }
    expect(await requeueMessage(job.jobId)).toBe(
      "handed back unfinished (WORKER_STOPPED: the worker stopped before the job finished); waiting again",
    );
    const row = (
      await db().query<{ attempts: number; runAfter: Date; updatedOn: Date; leaseToken: string | null }>(
        `select "attempts", "runAfter", "updatedOn", "leaseToken" from "jobs" where "id" = $1`,
        [job.jobId],
      )
    )[0]!;
    expect(row).toMatchObject({ attempts: 0, leaseToken: null });
    // Waiting again at once, not after a retry's backoff.
    expect(new Date(row.runAfter).getTime()).toBeLessThanOrEqual(new Date(row.updatedOn).getTime());
  });
});
