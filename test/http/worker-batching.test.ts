// Batched requests from the Worker client against the real server: run() sends each job's final call
// together with the slot's next claim (and with other slots' calls made meanwhile; the claims of one
// turn as one claimJobs) in one batched HTTP request, never more operations per request than maxBatch; each operation keeps its own answer
// or error, and a refusal of the whole request reaches every operation in it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OperationBatcher } from "../../src/client/batch.ts";
import { isJobsApiError, JobsTransport, Worker, type Fetch } from "../../src/client/index.ts";
import { CLAIM_JOB, COMPLETE_JOB } from "../../src/client/operations.ts";
import { backends } from "../helpers/backends.ts";
import { createJob } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { newTenant } from "./tenant.ts";

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A fetch that records the operation names of every GraphQL POST it sends. */
function recordingFetch() {
  const requests: string[][] = [];
  const fetch: Fetch = (input, init) => {
    if (typeof init?.body === "string" && String(input).endsWith("/graphql")) {
      const body = JSON.parse(init.body) as { query: string } | { query: string }[];
      requests.push((Array.isArray(body) ? body : [body]).map((op) => /^\s*(?:mutation|query)\s+(\w+)/.exec(op.query)?.[1] ?? "?"));
    }
    return globalThis.fetch(input, init);
  };
  return { fetch, requests };
}

describe.each(backends.map((b) => [b.name, b] as const))("batched worker requests on %s", (_name, backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_SWEEP_INTERVAL_MS: "0", JOBS_RATE_LIMIT: "0" });
  });
  afterAll(async () => t?.stop());

  it("run() completes each job and claims the next in shared requests, at most maxBatch operations each", async () => {
    const tn = await newTenant(t);
    const jobs = 24;
    const ids = new Set<string>();
    for (let i = 0; i < jobs; i++) ids.add((await createJob(tn.member, "PREDICTIVE", i)).jobId);
    const { fetch, requests } = recordingFetch();
    const maxBatch = 5; // the four slots' final calls and their one claimJobs
    const worker = new Worker({ url: t.url, apiKey: tn.worker.key!, name: "batching", reasonerTypes: ["PREDICTIVE"], logger: quiet, fetch, maxBatch });
    const stop = new AbortController();
    const finished: string[] = [];
    await worker.run(async (ctx) => ({ result: { n: ctx.job.jobId } }), {
      concurrency: 4,
      signal: stop.signal,
      // Every job waits from the start: a slot finding none is done, and waits for the stop.
      waitForWork: ({ signal }) => new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true }))),
      onJobFinished: (f) => {
        expect(f.final?.state).toBe("SUCCEEDED");
        finished.push(f.job.jobId);
        if (finished.length === jobs) stop.abort();
      },
    });

    expect(new Set(finished)).toEqual(ids); // every job, once
    const ops = requests.flat();
    expect(ops.filter((o) => o === "CompleteJob")).toHaveLength(jobs);
    expect(Math.max(...requests.map((r) => r.length))).toBeLessThanOrEqual(maxBatch);
    // Final calls went out with claims: fewer requests than operations, and mixed ones among them.
    expect(requests.length).toBeLessThan(ops.length);
    expect(requests.some((r) => r.includes("CompleteJob") && r.includes("ClaimJobs"))).toBe(true);
    // The slots' claims of one turn are one claimJobs: never two in a request, fewer than the jobs.
    expect(Math.max(...requests.map((r) => r.filter((o) => o === "ClaimJobs").length))).toBe(1);
    expect(ops.filter((o) => o === "ClaimJobs").length).toBeLessThan(jobs);
    const states = await t.server.services.db.query<{ state: string; n: number }>(
      `select "state", count(*)::int as n from "jobs" where "id" = any($1::uuid[]) group by 1`,
      [[...ids]],
    );
    expect(states).toEqual([{ state: "SUCCEEDED", n: jobs }]);
  });

  it("gives each operation of a batch its own answer or error", async () => {
    const tn = await newTenant(t);
    const worker = new Worker({ url: t.url, apiKey: tn.worker.key!, name: "batching", reasonerTypes: ["PREDICTIVE"], logger: quiet });
    const { id: workerId } = await worker.register();
    const { jobId } = await createJob(tn.member, "PREDICTIVE");
    const { fetch, requests } = recordingFetch();
    const batcher = new OperationBatcher(new JobsTransport({ url: t.url, apiKey: tn.worker.key!, fetch }), 10);
    const [claimed, stale] = await Promise.allSettled([
      batcher.request<{ claimJob: { __typename: string; job?: { jobId: string } } }>(CLAIM_JOB, { workerId, leaseSeconds: 30 }),
      batcher.request(COMPLETE_JOB, { leaseToken: "not-a-lease", result: null, artifactIds: null }),
    ]);
    expect(requests).toEqual([["ClaimJob", "CompleteJob"]]); // one request
    expect(claimed.status === "fulfilled" && claimed.value.claimJob.job?.jobId).toBe(jobId);
    expect(stale.status === "rejected" && isJobsApiError(stale.reason, "LEASE_LOST")).toBe(true);
  });

  it("fails every operation of a batch the server refuses as a whole", async () => {
    const { fetch, requests } = recordingFetch();
    const batcher = new OperationBatcher(new JobsTransport({ url: t.url, apiKey: "jobs_nobody-has-this-key", fetch }), 10);
    const answers = await Promise.allSettled([
      batcher.request(CLAIM_JOB, { workerId: "00000000-0000-0000-0000-000000000000", leaseSeconds: 30 }),
      batcher.request(COMPLETE_JOB, { leaseToken: "x", result: null, artifactIds: null }),
    ]);
    expect(requests).toHaveLength(1);
    for (const a of answers) expect(a.status === "rejected" && isJobsApiError(a.reason, "UNAUTHENTICATED")).toBe(true);
  });
});
