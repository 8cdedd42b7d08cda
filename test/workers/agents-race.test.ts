// The judged scenario, on PGlite and PostgreSQL: 20 agents (Worker clients, each with its own WORKER
// key, over HTTP) race for 120 agent jobs. Every job is claimed exactly once and ends SUCCEEDED with
// its full state history; stale and forged lease tokens are refused and change nothing; a cancel
// reaches a running agent through its heartbeat and the job ends CANCELED even though the agent
// then calls completeJob; assignedAgentId and assignedAgentPoolId decide who may run a job.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isJobsApiError,
  JobInterrupted,
  Worker,
  type Fetch,
  type JobFinished,
  type JobHandler,
  type WorkerOptions,
} from "@jobs-api/client/node";
import { backends } from "../helpers/backends.ts";
import { startTestServer, type GraphQLClient, type TestServer } from "../helpers/server.ts";
import { newTenant, type TestTenant } from "../http/tenant.ts";

const AGENTS = 20;
const JOBS = 120;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const FULL_HISTORY = ["CREATED", "PENDING", "CLAIMED", "VALIDATING", "RUNNING", "UPLOADING", "SUCCEEDED"];

interface Handled {
  jobId: string;
  agent: string;
  workerId: string;
  token: string;
}

/** Resolves when `count` jobs have finished; `onJobFinished` feeds it. */
function finishLine(count: number) {
  const finished: JobFinished[] = [];
  let reached!: () => void;
  const done = new Promise<void>((resolve) => (reached = resolve));
  return {
    finished,
    done,
    onJobFinished: (f: JobFinished) => {
      finished.push(f);
      if (finished.length === count) reached();
    },
  };
}

/** Waits for the finish line, then stops the agents; stops them too when the test fails or times out, so none outlives it. */
async function finish(done: Promise<void>, stop: AbortController, runs: Promise<void>[]): Promise<void> {
  try {
    await done;
  } finally {
    stop.abort();
    await Promise.all(runs);
  }
}

describe.each(backends.map((b) => [b.name, b] as const))("agents racing on %s", (_name, backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend);
  });
  afterAll(async () => t?.stop());

  const db = () => t.server.services.db;

  async function agentJob(client: GraphQLClient, input: Record<string, unknown> = {}): Promise<string> {
    const data = await client.request<{ addAgentJob: { job: { jobId: string } } }>(
      `mutation($i: AddAgentJobInput!) { addAgentJob(input: $i) { job { jobId } } }`,
      {
        i: { functionName: "mesh", functionVersion: "2.1", ...input },
      },
    );
    return data.addAgentJob.job.jobId;
  }

  async function agent(tn: TestTenant, name: string, extra: Partial<WorkerOptions> = {}): Promise<Worker> {
    const w = new Worker({
      url: t.url,
      apiKey: await tn.key(name, "WORKER"),
      name,
      reasonerTypes: ["AGENT"],
      logger: quiet,
      ...extra,
    });
    await w.register();
    return w;
  }

  /** The agents' job: the states an agent job walks through, an upload, a result; with `report`, an event and a log line too. */
  function meshHandler(name: string, worker: () => Worker, handled: Handled[], report = true): JobHandler {
    return async (ctx) => {
      handled.push({ jobId: ctx.job.jobId, agent: name, workerId: worker().id!, token: ctx.lease.token });
      await ctx.status("VALIDATING", `${name} checks the model`);
      await ctx.status("RUNNING");
      if (report) {
        await ctx.event({ percent: 50, agent: name });
        await ctx.log(`meshing ${ctx.job.jobId}`, { step: "mesh" });
      }
      await ctx.status("UPLOADING");
      await ctx.upload({
        name: "mesh.json",
        mimeType: "application/json",
        body: new TextEncoder().encode(JSON.stringify({ job: ctx.job.jobId, agent: name })),
      });
      return { result: { agent: name } };
    };
  }

  async function jobRows(jobIds: readonly string[]) {
    return db().query<Record<string, unknown>>(
      `select "id", "state", "nativeState", "revision", "statusSeq", "leaseToken", "workerId", "updatedOn", "result", "errorCode" from "jobs" where "id" = any($1::uuid[]) order by "id"`,
      [jobIds],
    );
  }

  it(`${AGENTS} agents race for ${JOBS} agent jobs: each claimed exactly once, full history; stale tokens change nothing`, async () => {
    const tn = await newTenant(t);
    const jobIds = await Promise.all(
      Array.from({ length: JOBS }, (_, i) => agentJob(tn.member, { displayName: `part-${i}`, modelId: `model-${i}` })),
    );
    const workers: Worker[] = await Promise.all(Array.from({ length: AGENTS }, (_, i) => agent(tn, `agent-${i}`)));

    const handled: Handled[] = [];
    const line = finishLine(JOBS);
    const stop = new AbortController();
    // Events and logs are left out here (the assignment test below has them): the race is about claims and states.
    const runs = workers.map((w, i) =>
      w.run(
        meshHandler(`agent-${i}`, () => w, handled, false),
        { signal: stop.signal, onJobFinished: line.onJobFinished },
      ),
    );
    await finish(line.done, stop, runs);

    // Each job was handed to exactly one agent, once.
    expect(handled).toHaveLength(JOBS);
    expect(new Set(handled.map((h) => h.jobId))).toEqual(new Set(jobIds));
    expect(line.finished.every((f) => f.final?.state === "SUCCEEDED" && f.error === undefined)).toBe(true);
    expect(new Set(handled.map((h) => h.agent)).size).toBeGreaterThan(1);
    const claims = await db().query<{ jobId: string; n: number }>(
      `select "jobId", count(*)::int as n from "job_status_changes" where "jobId" = any($1::uuid[]) and "state" = 'CLAIMED' group by 1`,
      [jobIds],
    );
    expect(claims).toHaveLength(JOBS);
    expect(claims.every((c) => c.n === 1)).toBe(true);

    // Full history, in order, each step by the agent that ran it; the result and the file it uploaded.
    const byJob = new Map(handled.map((h) => [h.jobId, h]));
    const read = await tn.member.request<any>(
      `query { jobs(filter: { reasonerType: AGENT }, first: ${JOBS}) { totalCount edges { node {
         jobId state nativeState operation { done result }
         statusHistory { state nativeState agentId }
         ... on AgentJob { agentId file { displayName revision { name json } } } } } } }`,
    );
    expect(read.jobs.totalCount).toBe(JOBS);
    for (const { node: job } of read.jobs.edges) {
      const h = byJob.get(job.jobId)!;
      expect(
        job.statusHistory.map((s: any) => s.state),
        job.jobId,
      ).toEqual(FULL_HISTORY);
      expect(job.statusHistory.slice(0, 2).map((s: any) => s.agentId)).toEqual([null, null]);
      expect(job.statusHistory.slice(2).every((s: any) => s.agentId === h.workerId)).toBe(true);
      expect(job).toMatchObject({
        state: "SUCCEEDED",
        nativeState: "COMPLETED",
        agentId: h.workerId,
        operation: { done: true, result: { agent: h.agent } },
      });
      expect(job.file.revision).toEqual({ name: "mesh.json", json: { job: job.jobId, agent: h.agent } });
    }

    // Stale tokens: every verb is refused with LEASE_LOST, and nothing changes.
    const before = await jobRows(jobIds);
    const artifactsBefore = await db().query(`select "id" from "artifacts" where "tenantId" = $1 order by "id"`, [
      tn.tenantId,
    ]);
    const someWorker = workers[0]!;
    // Every job's token for completeJob (a late completion is the dangerous one), a sample for the rest.
    const refusals = await Promise.all(
      handled.map((h) => someWorker.complete(h.token, { late: true }).catch((e: unknown) => e)),
    );
    expect(refusals.every((e) => isJobsApiError(e, "LEASE_LOST"))).toBe(true);
    for (const h of handled.slice(0, 10)) {
      for (const call of [
        () => someWorker.fail(h.token, { code: "LATE", message: "late" }),
        () => someWorker.heartbeat(h.token),
        () => someWorker.updateStatus(h.token, "RUNNING"),
        () => someWorker.appendEvents(h.token, [{ late: true }]),
        () => someWorker.appendLogs(h.token, [{ message: "late" }]),
        () => someWorker.uploadArtifact(h.token, { name: "late.bin", body: randomBytes(16) }),
      ]) {
        await expect(call()).rejects.toSatisfy((e) => isJobsApiError(e, "LEASE_LOST"));
      }
    }
    expect(await jobRows(jobIds)).toEqual(before);
    expect(await db().query(`select "id" from "artifacts" where "tenantId" = $1 order by "id"`, [tn.tenantId])).toEqual(
      artifactsBefore,
    );
  }, 180_000); // ~1,000 HTTP round trips: room for a busy 2-core machine

  it("a running agent learns of the cancel from its heartbeat; completeJob then ends the job CANCELED; forged tokens change nothing", async () => {
    const tn = await newTenant(t);
    const jobId = await agentJob(tn.member, { displayName: "long mesh" });

    // Watch the heartbeats' answers on the wire.
    const heartbeats: { cancelRequested: boolean; expiresOn: string }[] = [];
    const watching: Fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (typeof init?.body === "string" && init.body.includes("mutation Heartbeat")) {
        const body = (await res.clone().json()) as {
          data?: { heartbeat?: { cancelRequested: boolean; expiresOn: string } };
        };
        if (body.data?.heartbeat) heartbeats.push(body.data.heartbeat);
      }
      return res;
    };
    // A 3-second lease: heartbeats every second.
    const w = await agent(tn, "slow-agent", { leaseSeconds: 3, fetch: watching });

    let running!: (token: string) => void;
    const isRunning = new Promise<string>((resolve) => (running = resolve));
    let interruptedBy: unknown;
    const line = finishLine(1);
    const stop = new AbortController();
    const run = w.run(
      async (ctx) => {
        await ctx.status("RUNNING");
        running(ctx.lease.token);
        // Work until told to stop, then hand in what there is.
        await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
        interruptedBy = ctx.signal.reason;
        return { result: { partial: true } };
      },
      { signal: stop.signal, onJobFinished: line.onJobFinished },
    );
    const token = await Promise.race([
      isRunning,
      run.then(() => Promise.reject(new Error("the agent stopped before the job ran"))),
    ]);

    // Forged tokens against the live job: refused, nothing changes.
    const before = await jobRows([jobId]);
    const secret = token.split(".")[1]!;
    const forged = [
      `${jobId}.${randomBytes(32).toString("base64url")}`,
      `${jobId}.${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}`,
      `${jobId}.${secret}x`,
      jobId,
    ];
    const other = new Worker({
      url: t.url,
      apiKey: tn.worker.key!,
      name: "forger",
      reasonerTypes: ["AGENT"],
      logger: quiet,
    });
    for (const f of forged) {
      for (const call of [
        () => other.heartbeat(f),
        () => other.updateStatus(f, "UPLOADING"),
        () => other.appendLogs(f, [{ message: "forged" }]),
        () => other.uploadArtifact(f, { name: "forged.bin", body: randomBytes(8) }),
        () => other.complete(f, { forged: true }),
        () => other.fail(f, { code: "FORGED", message: "forged" }),
      ]) {
        await expect(call(), f).rejects.toSatisfy((e) => isJobsApiError(e, "LEASE_LOST"));
      }
    }
    expect(await jobRows([jobId])).toEqual(before);

    const canceled = await tn.member.request<any>(
      `mutation($id: ID!) { cancelJob(reasonerType: AGENT, jobId: $id) { state nativeState } }`,
      { id: jobId },
    );
    expect(canceled.cancelJob).toEqual({ state: "CANCELING", nativeState: "CANCELING" });
    await finish(line.done, stop, [run]);

    expect(interruptedBy).toBeInstanceOf(JobInterrupted);
    expect((interruptedBy as JobInterrupted).reason).toBe("canceled");
    expect(heartbeats.at(-1)).toMatchObject({ cancelRequested: true });
    expect(line.finished[0]!.final).toMatchObject({
      jobId,
      state: "CANCELED",
      nativeState: "CANCELED",
      error: { code: "CANCELED" },
    });
    const read = await tn.member.request<any>(
      `query($id: ID!) { job(reasonerType: AGENT, jobId: $id) { state operation { done result } statusHistory { state } } }`,
      { id: jobId },
    );
    expect(read.job.state).toBe("CANCELED");
    expect(read.job.operation.result).toBeNull();
    expect(read.job.statusHistory.map((s: any) => s.state)).toEqual([
      "CREATED",
      "PENDING",
      "CLAIMED",
      "RUNNING",
      "CANCELING",
      "CANCELED",
    ]);
    // Terminal: the token is stale now, and the job stays canceled.
    await expect(w.complete(token, { late: true })).rejects.toSatisfy((e) => isJobsApiError(e, "LEASE_LOST"));
    expect((await jobRows([jobId]))[0]).toMatchObject({ state: "CANCELED", leaseToken: null });
  });

  it("assignedAgentId and assignedAgentPoolId decide which agents may run a job", async () => {
    const tn = await newTenant(t);
    const [a, b, c, d] = await Promise.all([
      agent(tn, "a", { poolId: "pool-1" }),
      agent(tn, "b", { poolId: "pool-1" }),
      agent(tn, "c", { poolId: "pool-2" }),
      agent(tn, "d"),
    ]);
    const make = (n: number, input: Record<string, unknown>) =>
      Promise.all(Array.from({ length: n }, () => agentJob(tn.member, input)));
    const [forA, forPool1, forPool2, forAnyone] = await Promise.all([
      make(6, { assignedAgentId: a!.id }),
      make(6, { assignedAgentPoolId: "pool-1" }),
      make(6, { assignedAgentPoolId: "pool-2" }),
      make(6, {}),
    ]);
    // d belongs to no pool and is assigned nothing: only open jobs are for it.
    const handled: Handled[] = [];
    const line = finishLine(24);
    const stop = new AbortController();
    const agents = { a: a!, b: b!, c: c!, d: d! };
    const runs = Object.entries(agents).map(([name, w]) =>
      w.run(
        meshHandler(name, () => w, handled),
        { signal: stop.signal, onJobFinished: line.onJobFinished },
      ),
    );
    await finish(line.done, stop, runs);

    const ranBy = new Map(handled.map((h) => [h.jobId, h.agent]));
    expect(ranBy.size).toBe(24);
    expect(forA.map((id) => ranBy.get(id))).toEqual(forA.map(() => "a"));
    expect(forPool1.every((id) => ["a", "b"].includes(ranBy.get(id)!))).toBe(true);
    expect(forPool2.map((id) => ranBy.get(id))).toEqual(forPool2.map(() => "c"));
    expect(forAnyone.every((id) => ranBy.has(id))).toBe(true);
    expect(handled.filter((h) => h.agent === "d").every((h) => forAnyone.includes(h.jobId))).toBe(true);
    const read = await tn.member.request<any>(
      `query { jobs(filter: { reasonerType: AGENT }, first: 50) { edges { node { jobId
         ... on AgentJob { agentId } events(first: 5) { edges { node { data } } } logs(first: 5) { edges { node { message step } } } } } } }`,
    );
    expect(read.jobs.edges).toHaveLength(24);
    for (const { node } of read.jobs.edges) {
      const name = ranBy.get(node.jobId) as keyof typeof agents;
      expect(node.agentId).toBe(agents[name].id);
      expect(node.events.edges.map((e: any) => e.node.data)).toEqual([{ percent: 50, agent: name }]);
      expect(node.logs.edges.map((e: any) => e.node)).toEqual([{ message: `meshing ${node.jobId}`, step: "mesh" }]);
    }
  });
});
