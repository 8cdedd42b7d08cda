// The example worker as a user runs it: a child process (examples/prescriptive-worker/main.ts) with
// JOBS_URL and a WORKER key, against the real server; jobs are created and awaited through the API.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobsClient } from "@jobs-api/client/node";
import { parseExpression } from "../../examples/prescriptive-worker/lp.ts";
import { backends } from "../helpers/backends.ts";
import type { GraphQLClient } from "../helpers/server.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { newTenant, type TestTenant } from "../http/tenant.ts";

const MAIN = fileURLToPath(new URL("../../examples/prescriptive-worker/main.ts", import.meta.url));

interface RunningWorker {
  child: ChildProcess;
  output: () => string;
  /** Rejects if the worker exits before stop() asks it to. */
  crashed: Promise<never>;
  stop(): Promise<number | null>;
}

/** A worker serving the reasoner name `serves` only. */
function startWorker(url: string, apiKey: string, serves: string): RunningWorker {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    env: {
      ...process.env,
      JOBS_URL: url,
      JOBS_API_KEY: apiKey,
      WORKER_NAME: `lp-example-${serves}`,
      JOBS_REASONER_NAMES: serves,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  let stopping = false;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const crashed = exited.then((code) => {
    if (!stopping) throw new Error(`the example worker exited (${code}):\n${output}`);
    return new Promise<never>(() => undefined);
  });
  crashed.catch(() => undefined); // observed by the tests that race it
  return {
    child,
    output: () => output,
    crashed,
    async stop() {
      stopping = true;
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

const JOB = `jobId state nativeState error { code message } statusHistory { state }
  ... on ReasonerJob { result }
  artifacts { name mimeType contentHash downloadUrl }
  events { edges { node { data } } }
  logs { edges { node { level message step } } }`;

/**
 * A 0-1 program branch and bound cannot settle in any time we would wait (Jeroslow's: 2·Σx = 41
 * has no integer solution, and the branches to prove it grow exponentially: 17 variables take about
 * a second, 41 take weeks): the solve never ends by itself.
 */
const ENDLESS = (() => {
  const xs = Array.from({ length: 41 }, (_, i) => `x${i}`);
  return {
    problem: {
      maximize: "x0",
      constraints: [{ terms: Object.fromEntries(xs.map((x) => [x, 2])), equal: xs.length }],
      variables: Object.fromEntries(xs.map((x) => [x, { integer: true, max: 1 }])),
    },
  };
})();

/** Creates a job for the worker serving `reasonerName` and resolves once its solve has begun (the "solving" event). */
async function startSolving(
  url: string,
  member: GraphQLClient,
  reasonerName: string,
  payload: unknown,
): Promise<string> {
  const created = await member.request<any>(
    `mutation($i: CreateJobInput!) { createJob(input: $i) { job { jobId } } }`,
    {
      i: { reasonerType: "PRESCRIPTIVE", reasonerName, payload },
    },
  );
  const jobId: string = created.createJob.job.jobId;
  const client = new JobsClient({ url, apiKey: member.key! });
  try {
    for await (const event of client.jobEvents({ reasonerType: "PRESCRIPTIVE", jobId })) {
      if ((event.data as { phase?: string }).phase === "solving") return jobId;
    }
    throw new Error("the events ended before the solve began");
  } finally {
    await client.close();
  }
}

async function solveThrough(member: GraphQLClient, worker: RunningWorker, payload: unknown): Promise<any> {
  const created = await member.request<any>(
    `mutation($i: CreateJobInput!) { createJob(input: $i) { job { jobId } } }`,
    {
      i: { reasonerType: "PRESCRIPTIVE", reasonerName: "lp", payload },
    },
  );
  const jobId: string = created.createJob.job.jobId;
  const waited = member.request<any>(
    `query($id: ID!) { waitForJob(reasonerType: PRESCRIPTIVE, jobId: $id, timeoutS: 60) { ${JOB} } }`,
    { id: jobId },
  );
  return (await Promise.race([waited, worker.crashed])).waitForJob;
}

describe("the example's expression parser", () => {
  it("reads signed terms with optional coefficients and refuses constants and garbage", () => {
    expect(parseExpression("2x + 3.5 * y - z")).toEqual({ x: 2, y: 3.5, z: -1 });
    expect(parseExpression("-a + a + 2a")).toEqual({ a: 2 });
    for (const bad of ["", "x y", "x + 3", "x +", "x + - y", "3"]) expect(() => parseExpression(bad), bad).toThrow();
  });
});

describe.each(backends.map((b) => [b.name, b] as const))("the example prescriptive worker on %s", (_name, backend) => {
  let t: TestServer;
  let tn: TestTenant;
  let worker: RunningWorker;
  beforeAll(async () => {
    t = await startTestServer(backend);
    tn = await newTenant(t);
    worker = startWorker(t.url, tn.worker.key!, "lp");
  });
  afterAll(async () => {
    const code = await worker?.stop();
    await t?.stop();
    // SIGTERM is a clean stop.
    expect(code).toBe(0);
  });

  it("solves a known LP: the optimum as the result and as a solution.json artifact, with progress events and logs", async () => {
    const job = await solveThrough(tn.member, worker, {
      problem: {
        maximize: { table: 1200, chair: 1600 },
        constraints: [{ name: "wood", terms: { table: 30, chair: 20 }, max: 300 }, "5 table + 10 chair <= 110"],
      },
    });
    expect(job).toMatchObject({ state: "SUCCEEDED", nativeState: "COMPLETED", error: null });
    expect(job.result).toEqual({ feasible: true, objective: 19200, variables: { chair: 9, table: 4 } });
    expect(job.statusHistory.map((s: any) => s.state)).toEqual(["CREATED", "QUEUED", "RUNNING", "SUCCEEDED"]);
    expect(job.events.edges.map((e: any) => e.node.data.phase)).toEqual(["parsed", "solving", "solved"]);
    expect(job.logs.edges.map((e: any) => e.node.step)).toEqual(["parse", "solve"]);
    expect(job.logs.edges[1].node.message).toMatch(/^optimum 19200 in \d+ ms$/);

    expect(job.artifacts).toHaveLength(1);
    expect(job.artifacts[0]).toMatchObject({ name: "solution.json", mimeType: "application/json" });
    const res = await fetch(job.artifacts[0].downloadUrl, { headers: { authorization: `Bearer ${tn.member.key}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      jobId: job.jobId,
      feasible: true,
      objective: 19200,
      variables: { chair: 9, table: 4 },
    });
  });

  it("solves expression payloads, integer and minimization problems", async () => {
    const [simple, integer, diet] = await Promise.all([
      solveThrough(tn.member, worker, { problem: { maximize: "x + y", constraints: ["x <= 4", "y <= 3"] } }),
      solveThrough(tn.member, worker, {
        problem: {
          maximize: "5a + 4b",
          constraints: ["6a + 4b <= 24", "a + 2b <= 6"],
          variables: { a: { integer: true }, b: { integer: true } },
        },
      }),
      solveThrough(tn.member, worker, {
        problem: {
          minimize: "2 oats + 3 milk",
          constraints: ["oats + 2 milk >= 10", "oats >= 1"],
          variables: { milk: { max: 4 } },
        },
      }),
    ]);
    expect(simple.result).toEqual({ feasible: true, objective: 7, variables: { x: 4, y: 3 } });
    // The LP relaxation's optimum is 21 at (3, 1.5); the best integer point is (4, 0).
    expect(integer.result).toEqual({ feasible: true, objective: 20, variables: { a: 4, b: 0 } });
    // milk is capped at 4, so oats make up the rest: 2 + 4 * 2 = 10 → oats 2, cost 4 + 12.
    expect(diet.result).toEqual({ feasible: true, objective: 16, variables: { milk: 4, oats: 2 } });
  });

  it("heartbeats go on mid-solve: the next one brings a cancel, the solve is ended and the job CANCELED; the worker serves on", async () => {
    const jobId = await startSolving(t.url, tn.member, "lp", ENDLESS);
    await tn.member.request(`mutation($id: ID!) { cancelJob(reasonerType: PRESCRIPTIVE, jobId: $id) { jobId } }`, {
      id: jobId,
    });
    const waited = tn.member.request<any>(
      `query($id: ID!) { waitForJob(reasonerType: PRESCRIPTIVE, jobId: $id, timeoutS: 30) { ${JOB} } }`,
      { id: jobId },
    );
    const job = (await Promise.race([waited, worker.crashed])).waitForJob;
    expect(job).toMatchObject({ state: "CANCELED", error: { code: "CANCELED" }, artifacts: [] });
    expect(job.statusHistory.map((s: any) => s.state)).toEqual([
      "CREATED",
      "QUEUED",
      "RUNNING",
      "CANCELING",
      "CANCELED",
    ]);
    const next = await solveThrough(tn.member, worker, { problem: { maximize: "x", constraints: ["x <= 2"] } });
    expect(next.result).toEqual({ feasible: true, objective: 2, variables: { x: 2 } });
  });

  it("SIGTERM mid-solve exits at once and cleanly, handing the job back to the queue for another worker", async () => {
    const stopping = startWorker(t.url, tn.worker.key!, "lp-stop");
    const jobId = await Promise.race([startSolving(t.url, tn.member, "lp-stop", ENDLESS), stopping.crashed]);
    expect(await stopping.stop()).toBe(0);
    expect(stopping.output()).toContain("stopped");
    const { job } = await tn.member.request<any>(
      `query($id: ID!) { job(reasonerType: PRESCRIPTIVE, jobId: $id) { state statusHistory { state } } }`,
      { id: jobId },
    );
    expect(job.state).toBe("QUEUED");
    expect(job.statusHistory.map((s: any) => s.state)).toEqual(["CREATED", "QUEUED", "RUNNING", "QUEUED"]);
    await tn.member.request(`mutation($id: ID!) { cancelJob(reasonerType: PRESCRIPTIVE, jobId: $id) { jobId } }`, {
      id: jobId,
    });
  });

  it("fails infeasible, unbounded and malformed problems for good, with a clear code", async () => {
    const cases = [
      [{ problem: { maximize: "x", constraints: ["x >= 5", "x <= 3"] } }, "INFEASIBLE"],
      [{ problem: { maximize: "x + y", constraints: ["x - y <= 1"] } }, "UNBOUNDED"],
      [{ problem: { maximize: "x", constraints: ["x <> 3"] } }, "INVALID_PROBLEM"],
      [{ problem: { constraints: ["x <= 3"] } }, "INVALID_PROBLEM"],
      [{ query: "not a problem" }, "INVALID_PROBLEM"],
    ] as const;
    const jobs = await Promise.all(cases.map(([payload]) => solveThrough(tn.member, worker, payload)));
    jobs.forEach((job, i) => {
      expect(job.state, JSON.stringify(cases[i]![0])).toBe("FAILED");
      expect(job.error.code).toBe(cases[i]![1]);
      expect(job.error.message).not.toBe("");
      // Not retried: straight from RUNNING to FAILED, once.
      expect(job.statusHistory.map((s: any) => s.state)).toEqual(["CREATED", "QUEUED", "RUNNING", "FAILED"]);
      expect(job.artifacts).toEqual([]);
      expect(job.logs.edges.at(-1).node).toMatchObject({ level: "error", message: job.error.message });
    });
  });
});
