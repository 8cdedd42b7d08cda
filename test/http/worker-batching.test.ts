// Batched requests from the Worker client against the real server: run() sends its jobs' completions
// together with the slots' next claims in one batched HTTP request (the completions of one turn as one
// completeJobs, the claims as one claimJobs), never more operations per request than maxBatch; each
// operation, and each completion, keeps its own answer or error, and a refusal of the whole request
// reaches every operation in it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OperationBatcher } from "../../packages/client/src/batch.ts";
import { isJobsApiError, JobsTransport, Worker, type Fetch, type WorkerOptions } from "@jobs-api/client/node";
import { CLAIM_JOB, COMPLETE_JOB } from "../../packages/client/src/operations.ts";
import { backends } from "../helpers/backends.ts";
import { createJob } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { newTenant } from "./tenant.ts";

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A fetch that records the operation names of every GraphQL POST it sends, and how many completions each completeJobs carried. */
function recordingFetch() {
  const requests: string[][] = [];
  const completionsPerCall: number[] = [];
  const fetch: Fetch = (input, init) => {
    if (typeof init?.body === "string" && String(input).endsWith("/graphql")) {
      const body = JSON.parse(init.body) as
        | { query: string; variables?: { completions?: unknown[] } }
        | { query: string; variables?: { completions?: unknown[] } }[];
      const ops = Array.isArray(body) ? body : [body];
      requests.push(ops.map((op) => /^\s*(?:mutation|query)\s+(\w+)/.exec(op.query)?.[1] ?? "?"));
      for (const op of ops) if (op.variables?.completions) completionsPerCall.push(op.variables.completions.length);
    }
    return globalThis.fetch(input, init);
  };
  return { fetch, requests, completionsPerCall };
}

describe.each(backends.map((b) => [b.name, b] as const))("batched worker requests on %s", (_name, backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_SWEEP_INTERVAL_MS: "0", JOBS_RATE_LIMIT: "0" });
  });
  afterAll(async () => t?.stop());

  /** A Worker for PREDICTIVE jobs on the test server, quiet unless told otherwise. */
  const newWorker = (apiKey: string, name: string, options: Partial<WorkerOptions> = {}) =>
    new Worker({ url: t.url, apiKey, name, reasonerTypes: ["PREDICTIVE"], logger: quiet, ...options });
  /** Waits for work until the run stops: every job is waiting from the start, so an idle slot is done. */
  const waitForStop = ({ signal }: { signal: AbortSignal }) =>
    new Promise<void>((resolve) =>
      signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true }),
    );

  it("run() completes the jobs of one turn with one completeJobs, sent with the next claims, at most maxBatch operations per request", async () => {
    const tn = await newTenant(t);
    const jobs = 24;
    const ids = new Set<string>();
    for (let i = 0; i < jobs; i++) ids.add((await createJob(tn.member, "PREDICTIVE", i)).jobId);
    const { fetch, requests, completionsPerCall } = recordingFetch();
    const maxBatch = 2; // one completeJobs and one claimJobs
    const worker = newWorker(tn.worker.key!, "batching", { fetch, maxBatch });
    const stop = new AbortController();
    const finished: string[] = [];
    await worker.run(async (ctx) => ({ result: { n: ctx.job.jobId } }), {
      concurrency: 4,
      signal: stop.signal,
      // Every job waits from the start: a slot finding none is done, and waits for the stop.
      waitForWork: waitForStop,
      onJobFinished: (f) => {
        expect(f.final?.state).toBe("SUCCEEDED");
        finished.push(f.job.jobId);
        if (finished.length === jobs) stop.abort();
      },
    });

    expect(new Set(finished)).toEqual(ids); // every job, once
    const ops = requests.flat();
    expect(ops).not.toContain("CompleteJob");
    expect(completionsPerCall.reduce((a, b) => a + b, 0)).toBe(jobs);
    // The four slots' jobs finish in one turn: their completions travel together.
    expect(Math.max(...completionsPerCall)).toBeGreaterThan(1);
    expect(Math.max(...requests.map((r) => r.length))).toBeLessThanOrEqual(maxBatch);
    // Completions went out with claims: fewer requests than operations, and mixed ones among them.
    expect(requests.length).toBeLessThan(ops.length);
    expect(requests.some((r) => r.includes("CompleteJobs") && r.includes("ClaimJobs"))).toBe(true);
    expect(Math.max(...requests.map((r) => r.filter((o) => o === "CompleteJobs").length))).toBe(1);
    // The slots' claims of one turn are one claimJobs: never two in a request, fewer than the jobs.
    expect(Math.max(...requests.map((r) => r.filter((o) => o === "ClaimJobs").length))).toBe(1);
    expect(ops.filter((o) => o === "ClaimJobs").length).toBeLessThan(jobs);
    const states = await t.server.services.db.query<{ state: string; n: number }>(
      `select "state", count(*)::int as n from "jobs" where "id" = any($1::uuid[]) group by 1`,
      [[...ids]],
    );
    expect(states).toEqual([{ state: "SUCCEEDED", n: jobs }]);
  });

  it("run(): a completion refused in a shared completeJobs loses only its own job; the others of the call succeed", async () => {
    const tn = await newTenant(t);
    const jobs = 4;
    const ids: string[] = [];
    for (let i = 0; i < jobs; i++) ids.push((await createJob(tn.member, "PREDICTIVE", i)).jobId);
    const { fetch, completionsPerCall } = recordingFetch();
    const warnings: string[] = [];
    const logger = { ...quiet, warn: (m: string) => void warnings.push(m) };
    const worker = newWorker(tn.worker.key!, "batching", { logger, fetch });
    const stop = new AbortController();
    const finished = new Map<string, string | null>();
    const sabotaged = ids[1]!;
    let sabotage!: () => void;
    const sabotageDone = new Promise<void>((resolve) => (sabotage = resolve));
    await worker.run(
      async (ctx) => {
        // This job is finished behind run()'s back: its lease is gone when run() completes it. All
        // four handlers return after that, together, so their completions share one call.
        if (ctx.job.jobId === sabotaged) {
          await worker.complete(ctx.lease.token, { by: "hand" });
          sabotage();
        }
        await sabotageDone;
        return { result: { n: ctx.job.jobId } };
      },
      {
        concurrency: jobs,
        signal: stop.signal,
        waitForWork: waitForStop,
        onJobFinished: (f) => {
          finished.set(f.job.jobId, f.final?.state ?? null);
          if (finished.size === jobs) stop.abort();
        },
      },
    );
    expect(Object.fromEntries(finished)).toEqual(
      Object.fromEntries(ids.map((id) => [id, id === sabotaged ? null : "SUCCEEDED"])),
    );
    expect(warnings).toContain("lease lost before the job finished");
    expect(completionsPerCall).toEqual([jobs]);
    const rows = await t.server.services.db.query<{ id: string; result: unknown }>(
      `select "id", "result" from "jobs" where "id" = any($1::uuid[])`,
      [ids],
    );
    for (const row of rows) expect(row.result).toEqual(row.id === sabotaged ? { by: "hand" } : { n: row.id });
  });

  /** A fetch that records the limit of every claimJobs it sends. */
  function claimLimits() {
    const limits: number[] = [];
    const fetch: Fetch = (input, init) => {
      if (typeof init?.body === "string" && String(input).endsWith("/graphql")) {
        const body = JSON.parse(init.body) as
          | { query: string; variables?: { limit?: number } }
          | { query: string; variables?: { limit?: number } }[];
        for (const op of Array.isArray(body) ? body : [body])
          if (/^\s*mutation\s+ClaimJobs\b/.test(op.query)) limits.push(op.variables!.limit!);
      }
      return globalThis.fetch(input, init);
    };
    return { fetch, limits };
  }
  const leasedOf = (ids: readonly string[]) =>
    t.server.services.db
      .query<{ n: number }>(
        `select count(*)::int as n from "jobs" where "id" = any($1::uuid[]) and "leaseToken" is not null`,
        [ids],
      )
      .then((rows) => rows[0]!.n);

  it("run() with a local queue claims the free slots and the queue's room at once, starts queued jobs as slots free, and runs each job once", async () => {
    const tn = await newTenant(t);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await createJob(tn.member, "PREDICTIVE", i)).jobId);
    const { fetch, limits } = claimLimits();
    const worker = newWorker(tn.worker.key!, "queue", { fetch });
    const stop = new AbortController();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const started: string[] = [];
    const finished: string[] = [];
    await worker.run(
      async (ctx) => {
        started.push(ctx.job.jobId);
        if (started.length === 2) {
          // Both slots busy: the claim took them and four more, leased and waiting, not started.
          expect(await leasedOf(ids)).toBe(6);
          expect(started).toHaveLength(2);
          release();
        }
        await released;
        return { result: null };
      },
      {
        concurrency: 2,
        localQueue: 4,
        signal: stop.signal,
        waitForWork: waitForStop,
        onJobFinished: (f) => {
          expect(f.final?.state).toBe("SUCCEEDED");
          finished.push(f.job.jobId);
          if (finished.length === ids.length) stop.abort();
        },
      },
    );
    expect(limits[0]).toBe(6);
    expect(finished.sort()).toEqual([...ids].sort()); // every job once
    expect(new Set(started).size).toBe(started.length);
    expect(await leasedOf(ids)).toBe(0);
  });

  it("run() hands its queued jobs back unrun on stop: waiting again, for any worker", async () => {
    const tn = await newTenant(t);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await createJob(tn.member, "PREDICTIVE", i)).jobId);
    const worker = newWorker(tn.worker.key!, "queue");
    const stop = new AbortController();
    const started: string[] = [];
    const finished = new Map<string, string | null>();
    await worker.run(
      async (ctx) => {
        started.push(ctx.job.jobId);
        stop.abort(); // one job running, three queued behind it
        await waitForStop(ctx);
        throw ctx.signal.reason;
      },
      {
        concurrency: 1,
        localQueue: 3,
        signal: stop.signal,
        waitForWork: waitForStop,
        onJobFinished: (f) => void finished.set(f.job.jobId, f.final?.state ?? null),
      },
    );
    expect(started).toHaveLength(1);
    expect(finished.size).toBe(4); // each reported
    expect(await leasedOf(ids)).toBe(0);
    // Every one is claimable again (retryable failures wait their backoff first).
    const rows = await t.server.services.db.query<{ state: string }>(
      `select "state"::text as "state" from "jobs" where "id" = any($1::uuid[])`,
      [ids],
    );
    expect(rows.map((r) => r.state)).toEqual(["QUEUED", "QUEUED", "QUEUED", "QUEUED"]);
  });

  it("run() refuses a local queue that is not a non-negative integer", async () => {
    const worker = newWorker("jobs_unused", "queue");
    await expect(worker.run(async () => ({ result: null }), { localQueue: -1 })).rejects.toThrow(RangeError);
    await expect(worker.run(async () => ({ result: null }), { localQueue: 1.5 })).rejects.toThrow(RangeError);
  });

  it("gives each operation of a batch its own answer or error", async () => {
    const tn = await newTenant(t);
    const worker = newWorker(tn.worker.key!, "batching");
    const { id: workerId } = await worker.register();
    const { jobId } = await createJob(tn.member, "PREDICTIVE");
    const { fetch, requests } = recordingFetch();
    const batcher = new OperationBatcher(new JobsTransport({ url: t.url, apiKey: tn.worker.key!, fetch }), 10);
    const [claimed, stale] = await Promise.allSettled([
      batcher.request<{ claimJob: { __typename: string; job?: { jobId: string } } }>(CLAIM_JOB, {
        workerId,
        leaseSeconds: 30,
      }),
      batcher.request(COMPLETE_JOB, { leaseToken: "not-a-lease", result: null, artifactIds: null }),
    ]);
    expect(requests).toEqual([["ClaimJob", "CompleteJob"]]); // one request
    expect(claimed.status === "fulfilled" && claimed.value.claimJob.job?.jobId).toBe(jobId);
    expect(stale.status === "rejected" && isJobsApiError(stale.reason, "LEASE_LOST")).toBe(true);
  });

  it("an operation refused with a status of its own (a NUL in its variables) costs the others of its batch nothing", async () => {
    const tn = await newTenant(t);
    const worker = newWorker(tn.worker.key!, "batching");
    const { id: workerId } = await worker.register();
    const { jobId } = await createJob(tn.member, "PREDICTIVE");
    const { fetch, requests } = recordingFetch();
    const batcher = new OperationBatcher(new JobsTransport({ url: t.url, apiKey: tn.worker.key!, fetch }), 10);
    const [claimed, refused] = await Promise.allSettled([
      batcher.request<{ claimJob: { job?: { jobId: string } } }>(CLAIM_JOB, { workerId, leaseSeconds: 30 }),
      batcher.request(COMPLETE_JOB, { leaseToken: "not-a-lease", result: { a: "x\u0000y" }, artifactIds: null }),
    ]);
    expect(requests).toEqual([["ClaimJob", "CompleteJob"]]);
    expect(claimed.status === "fulfilled" && claimed.value.claimJob.job?.jobId).toBe(jobId);
    expect(refused.status === "rejected" && isJobsApiError(refused.reason, "BAD_USER_INPUT")).toBe(true);
  });

  it("run(): a result the server refuses fails its job at once (INVALID_RESULT, not retried), and the worker goes on", async () => {
    const tn = await newTenant(t);
    const bad = (await createJob(tn.member, "PREDICTIVE", 0)).jobId;
    const good = (await createJob(tn.member, "PREDICTIVE", 1)).jobId;
    const worker = newWorker(tn.worker.key!, "refused");
    const stop = new AbortController();
    const finished = new Map<string, string | null>();
    await worker.run(async (ctx) => ({ result: ctx.job.jobId === bad ? { a: "x\u0000y" } : { ok: true } }), {
      signal: stop.signal,
      waitForWork: waitForStop,
      onJobFinished: (f) => {
        finished.set(f.job.jobId, f.final?.state ?? null);
        if (finished.size === 2) stop.abort();
      },
    });
    expect(Object.fromEntries(finished)).toEqual({ [bad]: "FAILED", [good]: "SUCCEEDED" });
    const [row] = await t.server.services.db.query<{ errorCode: string; errorMessage: string; attempts: number }>(
      `select "errorCode", "errorMessage", "attempts" from "jobs" where "id" = $1::uuid`,
      [bad],
    );
    expect(row).toMatchObject({ errorCode: "INVALID_RESULT", attempts: 1 });
    expect(row!.errorMessage).toContain("NUL");
  });

  it("fails every operation of a batch the server refuses as a whole", async () => {
    const { fetch, requests } = recordingFetch();
    const batcher = new OperationBatcher(
      new JobsTransport({ url: t.url, apiKey: "jobs_nobody-has-this-key", fetch }),
      10,
    );
    const answers = await Promise.allSettled([
      batcher.request(CLAIM_JOB, { workerId: "00000000-0000-0000-0000-000000000000", leaseSeconds: 30 }),
      batcher.request(COMPLETE_JOB, { leaseToken: "x", result: null, artifactIds: null }),
    ]);
    expect(requests).toHaveLength(1);
    for (const a of answers) expect(a.status === "rejected" && isJobsApiError(a.reason, "UNAUTHENTICATED")).toBe(true);
  });
});
