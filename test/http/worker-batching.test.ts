// Batched requests from the Worker client against the real server: run() sends its jobs' reports in
// batched HTTP requests (the completions of one turn as one completeJobs), never more operations per
// request than maxBatch, and its claims on their own, never waiting behind a report; each operation,
// and each completion, keeps its own answer or error, and a refusal of the whole request reaches
// every operation in it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OperationBatcher } from "../../packages/client/src/batch.ts";
import { isJobsApiError, JobsTransport, Worker, type Fetch } from "@jobs-api/client/node";
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

  it("run() completes the jobs of one turn with one completeJobs, claims apart from reports, at most maxBatch operations per request", async () => {
    const tn = await newTenant(t);
    const jobs = 24;
    const ids = new Set<string>();
    for (let i = 0; i < jobs; i++) ids.add((await createJob(tn.member, "PREDICTIVE", i)).jobId);
    const { fetch, requests, completionsPerCall } = recordingFetch();
    const maxBatch = 2; // one completeJobs and one claimJobs
    const worker = new Worker({
      url: t.url,
      apiKey: tn.worker.key!,
      name: "batching",
      reasonerTypes: ["PREDICTIVE"],
      logger: quiet,
      fetch,
      maxBatch,
    });
    const stop = new AbortController();
    const finished: string[] = [];
    await worker.run(async (ctx) => ({ result: { n: ctx.job.jobId } }), {
      concurrency: 4,
      signal: stop.signal,
      // Every job waits from the start: a slot finding none is done, and waits for the stop.
      waitForWork: ({ signal }) =>
        new Promise<void>((resolve) =>
          signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true }),
        ),
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
    expect(Math.max(...requests.map((r) => r.filter((o) => o === "CompleteJobs").length))).toBe(1);
    // Claims travel alone (a claim never waits for a report's request), one claimJobs for the free
    // slots of a turn: fewer claims than jobs.
    for (const r of requests) if (r.includes("ClaimJobs")) expect(r).toEqual(["ClaimJobs"]);
    expect(ops.filter((o) => o === "ClaimJobs").length).toBeLessThan(jobs);
    const states = await t.server.services.db.query<{ state: string; n: number }>(
      `select "state", count(*)::int as n from "jobs" where "id" = any($1::uuid[]) group by 1`,
      [[...ids]],
    );
    expect(states).toEqual([{ state: "SUCCEEDED", n: jobs }]);
  });

  it("run() claims and starts the next job while the last one's completion is still in flight", async () => {
    const tn = await newTenant(t);
    const first = (await createJob(tn.member, "PREDICTIVE", 1)).jobId;
    const second = (await createJob(tn.member, "PREDICTIVE", 2)).jobId;
    // Every completeJobs request is held until the second job has started.
    let secondStarted!: () => void;
    const started = new Promise<void>((resolve) => (secondStarted = resolve));
    const held: string[] = [];
    const fetch: Fetch = async (input, init) => {
      if (typeof init?.body === "string" && init.body.includes("CompleteJobs")) {
        held.push(init.body);
        await started;
      }
      return globalThis.fetch(input, init);
    };
    const worker = new Worker({
      url: t.url,
      apiKey: tn.worker.key!,
      name: "pipelined",
      reasonerTypes: ["PREDICTIVE"],
      logger: quiet,
      fetch,
    });
    const stop = new AbortController();
    const order: string[] = [];
    const finished: string[] = [];
    await worker.run(
      async (ctx) => {
        order.push(ctx.job.jobId);
        // The first job's completion is held by now (its slot freed as it returned): a claim that
        // waited behind it would never bring this job.
        if (ctx.job.jobId === second) secondStarted();
        return { result: null };
      },
      {
        concurrency: 1,
        signal: stop.signal,
        waitForWork: ({ signal }) =>
          new Promise<void>((resolve) =>
            signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true }),
          ),
        onJobFinished: (f) => {
          expect(f.final?.state).toBe("SUCCEEDED");
          finished.push(f.job.jobId);
          if (finished.length === 2) stop.abort();
        },
      },
    );
    expect(order).toEqual([first, second]); // created in that order, claimed in that order
    expect(new Set(finished)).toEqual(new Set([first, second]));
    expect(held.length).toBeGreaterThanOrEqual(1);
    const states = await t.server.services.db.query<{ state: string; n: number }>(
      `select "state", count(*)::int as n from "jobs" where "id" = any($1::uuid[]) group by 1`,
      [[first, second]],
    );
    expect(states).toEqual([{ state: "SUCCEEDED", n: 2 }]);
  });

  it("run(): a completion refused in a shared completeJobs loses only its own job; the others of the call succeed", async () => {
    const tn = await newTenant(t);
    const jobs = 4;
    const ids: string[] = [];
    for (let i = 0; i < jobs; i++) ids.push((await createJob(tn.member, "PREDICTIVE", i)).jobId);
    const { fetch, completionsPerCall } = recordingFetch();
    const warnings: string[] = [];
    const logger = { ...quiet, warn: (m: string) => void warnings.push(m) };
    const worker = new Worker({
      url: t.url,
      apiKey: tn.worker.key!,
      name: "batching",
      reasonerTypes: ["PREDICTIVE"],
      logger,
      fetch,
    });
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
        waitForWork: ({ signal }) =>
          new Promise<void>((resolve) =>
            signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true }),
          ),
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

  it("gives each operation of a batch its own answer or error", async () => {
    const tn = await newTenant(t);
    const worker = new Worker({
      url: t.url,
      apiKey: tn.worker.key!,
      name: "batching",
      reasonerTypes: ["PREDICTIVE"],
      logger: quiet,
    });
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
