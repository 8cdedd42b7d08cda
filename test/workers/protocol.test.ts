// The worker protocol over HTTP, as an external worker uses it, on PGlite and PostgreSQL:
// registerWorker, claimJob, heartbeat, updateJobStatus, appendJobEvents, appendJobLogs, completeJob,
// failJob, and the sweeper. Each test works in a tenant of its own, so no test sees another's jobs.
import { MAX_LEASE_SECONDS } from "@jobs-api/client";
import { uuidv7 } from "uuidv7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashLeaseToken } from "../../src/workers/protocol/lease.ts";
import { IN_PROCESS } from "../../src/workers/protocol/service.ts";
import type { Database, Sql } from "../../src/db/database.ts";
import { claimJobs } from "../../src/workers/protocol/sql/claimJob.ts";
import { sweep, TIMEOUT_PASS } from "../../src/workers/protocol/sql/sweep.ts";
import { backends } from "../helpers/backends.ts";
import { createJob, type ReasonerType } from "../helpers/fixtures.ts";
import {
  NO_BACKGROUND_PASSES,
  startTestServer,
  type GraphQLClient,
  type GraphQLResult,
  type TestServer,
} from "../helpers/server.ts";

const REGISTER = `mutation($input: RegisterWorkerInput!) { registerWorker(input: $input) { id name reasonerTypes reasonerNames poolId lastSeenOn } }`;
const CLAIM = `mutation($w: ID!, $s: Int) { claimJob(workerId: $w, leaseSeconds: $s) {
  __typename ... on Lease { token expiresOn job { jobId reasonerType state nativeState } } ... on NoJobResponse { message } } }`;
const CLAIM_MANY = `mutation($w: ID!, $n: Int!, $s: Int) { claimJobs(workerId: $w, limit: $n, leaseSeconds: $s) { token expiresOn job { jobId state } } }`;
const HEARTBEAT = `mutation($t: String!, $p: JSON) { heartbeat(leaseToken: $t, progress: $p) { expiresOn cancelRequested } }`;
const UPDATE = `mutation($t: String!, $s: JobState!, $m: String) { updateJobStatus(leaseToken: $t, state: $s, message: $m) { state nativeState } }`;
const EVENTS = `mutation($t: String!, $s: String, $e: [JSON!]!) { appendJobEvents(leaseToken: $t, stream: $s, events: $e) }`;
const LOGS = `mutation($t: String!, $l: [LogLineInput!]!) { appendJobLogs(leaseToken: $t, lines: $l) }`;
const COMPLETE = `mutation($t: String!, $r: JSON, $a: [ID!]) { completeJob(leaseToken: $t, result: $r, artifactIds: $a) { jobId state nativeState error { code message } operation { done result } } }`;
const COMPLETE_MANY = `mutation($c: [JobCompletionInput!]!) { completeJobs(completions: $c) { jobId state operation { done result } } }`;
const FAIL = `mutation($t: String!, $c: String!, $m: String!, $r: Boolean) { failJob(leaseToken: $t, error: { code: $c, message: $m }, retryable: $r) { jobId state nativeState error { code message } } }`;
const RELEASE = `mutation($t: String!, $r: String) { releaseJob(leaseToken: $t, reason: $r) { jobId state error { code } } }`;

type Claim =
  | {
      __typename: "Lease";
      token: string;
      expiresOn: string;
      job: { jobId: string; reasonerType: ReasonerType; state: string; nativeState: string };
    }
  | { __typename: "NoJobResponse"; message: string };

const codeOf = (r: GraphQLResult) => r.errors?.[0]?.extensions?.code;

describe.each(backends)("worker protocol on $name", (backend) => {
  let t: TestServer;
  let tenantCount = 0;
  // The background passes are off here: tests call sweep() themselves, so outcomes are deterministic.
  beforeAll(async () => {
    t = await startTestServer(backend, NO_BACKGROUND_PASSES);
  });
  afterAll(async () => t?.stop());

  const db = () => t.server.services.db;

  /** A fresh tenant with an ADMIN, a MEMBER and a WORKER key. */
  async function tenant() {
    const made = await t.admin.request<{ createTenant: { id: string } }>(
      `mutation($n: String!) { createTenant(name: $n) { id } }`,
      { n: `t${++tenantCount}` },
    );
    const key = async (userId: string, role: string) =>
      t.client(
        (
          await t.admin.request<{ createApiKey: { secret: string } }>(
            `mutation($u: String!, $r: Role!, $t: ID!) { createApiKey(userId: $u, role: $r, tenantId: $t) { secret } }`,
            { u: userId, r: role, t: made.createTenant.id },
          )
        ).createApiKey.secret,
      );
    return {
      tenantId: made.createTenant.id,
      admin: await key("boss", "ADMIN"),
      member: await key("m1", "MEMBER"),
      worker: await key("w1", "WORKER"),
    };
  }

  async function register(worker: GraphQLClient, input: Record<string, unknown>): Promise<string> {
    return (await worker.request<{ registerWorker: { id: string } }>(REGISTER, { input: { name: "w", ...input } }))
      .registerWorker.id;
  }

  async function claim(worker: GraphQLClient, workerId: string, leaseSeconds?: number): Promise<Claim> {
    return (await worker.request<{ claimJob: Claim }>(CLAIM, { w: workerId, s: leaseSeconds })).claimJob;
  }

  async function lease(worker: GraphQLClient, workerId: string, leaseSeconds?: number) {
    const c = await claim(worker, workerId, leaseSeconds);
    if (c.__typename !== "Lease") throw new Error(`expected a lease, got: ${c.message}`);
    return c;
  }

  async function agentJob(client: GraphQLClient, input: Record<string, unknown> = {}): Promise<string> {
    const data = await client.request<{ addAgentJob: { job: { jobId: string } } }>(
      `mutation($i: AddAgentJobInput!) { addAgentJob(input: $i) { job { jobId } } }`,
      {
        i: { functionName: "mesh", ...input },
      },
    );
    return data.addAgentJob.job.jobId;
  }

  async function generationJob(client: GraphQLClient, input: Record<string, unknown> = {}): Promise<string> {
    const data = await client.request<{ createGenerationJob: { job: { jobId: string } } }>(
      `mutation($i: CreateGenerationJobInput!) { createGenerationJob(input: $i) { job { jobId } } }`,
      { i: { kind: "TRAIN", rows: 2_500_000, ...input } },
    );
    return data.createGenerationJob.job.jobId;
  }

  async function jobRow(jobId: string) {
    const rows = await db().query<Record<string, any>>(`select * from "jobs" where "id" = $1`, [jobId]);
    return rows[0]!;
  }

  async function history(client: GraphQLClient, type: ReasonerType, jobId: string) {
    const data = await client.request<any>(
      `query($t: ReasonerType!, $id: ID!) { job(reasonerType: $t, jobId: $id) { statusHistory { state nativeState agentId } } }`,
      { t: type, id: jobId },
    );
    return data.job.statusHistory as { state: string; nativeState: string; agentId: string | null }[];
  }

  it("registers, claims, reports events and logs, uploads and completes an agent job, with full status history", async () => {
    const { admin, worker } = await tenant();
    const before = Date.now();
    const reg = await worker.request<any>(REGISTER, {
      input: { name: "agent-1", reasonerTypes: ["AGENT"], reasonerNames: [], poolId: "pool-a" },
    });
    expect(reg.registerWorker).toMatchObject({
      name: "agent-1",
      reasonerTypes: ["AGENT"],
      reasonerNames: [],
      poolId: "pool-a",
    });
    const workerId: string = reg.registerWorker.id;
    const jobId = await agentJob(admin, { displayName: "bracket", assignedAgentPoolId: "pool-a" });

    const l = await lease(worker, workerId, 120);
    expect(l.job).toMatchObject({ jobId, reasonerType: "AGENT", state: "CLAIMED", nativeState: "CLAIMED" });
    expect(l.token.startsWith(`${jobId}.`)).toBe(true);
    expect(new Date(l.expiresOn).getTime()).toBeGreaterThan(before + 100_000);
    // Only the hash is stored.
    const stored = await jobRow(jobId);
    expect(stored.leaseToken).toBe(hashLeaseToken(l.token));
    expect(stored.leaseSeconds).toBe(120);
    expect(stored.attempts).toBe(1);
    expect(stored.workerId).toBe(workerId);

    const hb = await worker.request<any>(HEARTBEAT, { t: l.token, p: { percent: 10 } });
    expect(hb.heartbeat.cancelRequested).toBe(false);
    expect(new Date(hb.heartbeat.expiresOn).getTime()).toBeGreaterThanOrEqual(new Date(l.expiresOn).getTime());

    for (const state of ["VALIDATING", "RUNNING"]) {
      expect((await worker.request<any>(UPDATE, { t: l.token, s: state, m: `now ${state}` })).updateJobStatus).toEqual({
        state,
        nativeState: state,
      });
    }
    expect(
      (await worker.request<any>(EVENTS, { t: l.token, e: [{ step: 1 }, { step: 2 }, { step: 3 }] })).appendJobEvents,
    ).toBe(3);
    expect((await worker.request<any>(EVENTS, { t: l.token, e: [{ step: 4 }] })).appendJobEvents).toBe(1);
    expect((await worker.request<any>(EVENTS, { t: l.token, s: "metrics", e: [{ cpu: 0.5 }] })).appendJobEvents).toBe(
      1,
    );
    const lines = [
      { message: "starting", timestampMs: 1000 },
      { level: "warn", message: "slow mesh", step: "mesh", timestampMs: 2000 },
      { message: "no timestamp" },
    ];
    expect((await worker.request<any>(LOGS, { t: l.token, l: lines })).appendJobLogs).toBe(3);
    await worker.request(UPDATE, { t: l.token, s: "UPLOADING" });

    // An upload made under this lease (the upload endpoint stores the token's hash).
    const artifactId = uuidv7();
    await db().query(
      `insert into "artifacts" ("id", "tenantId", "leaseToken", "name", "artifactType", "mimeType", "sizeBytes", "contentHash")
       values ($1, $2, $3, 'bracket.step', 'cad', 'model/step', 42, 'sha256:abc')`,
      [artifactId, stored.tenantId, hashLeaseToken(l.token)],
    );
    const done = await worker.request<any>(COMPLETE, { t: l.token, r: { volume: 12.5 }, a: [artifactId] });
    expect(done.completeJob).toMatchObject({
      jobId,
      state: "SUCCEEDED",
      nativeState: "COMPLETED",
      error: null,
      operation: { done: true, result: { volume: 12.5 } },
    });

    const read = await admin.request<any>(
      `query($id: ID!) { job(reasonerType: AGENT, jobId: $id) {
         state startedOn finishedOn statusHistory { state nativeState agentId message }
         events { edges { cursor node { stream data } } }
         metrics: events(stream: "metrics") { edges { cursor node { data } } }
         beats: events(stream: "heartbeat") { edges { node { data } } }
         logs { edges { cursor node { level message step timestampMs } } }
         artifacts { name contentHash }
         ... on AgentJob { agentId file { displayName revisions { name contentHash sizeBytes } } } } }`,
      { id: jobId },
    );
    const job = read.job;
    expect(job.statusHistory.map((s: any) => s.state)).toEqual([
      "CREATED",
      "PENDING",
      "CLAIMED",
      "VALIDATING",
      "RUNNING",
      "UPLOADING",
      "SUCCEEDED",
    ]);
    expect(job.statusHistory.slice(2).every((s: any) => s.agentId === workerId)).toBe(true);
    expect(job.statusHistory[3].message).toBe("now VALIDATING");
    expect(job.agentId).toBe(workerId);
    expect(job.startedOn).toBeTruthy();
    expect(job.finishedOn).toBeTruthy();
    // One counter per job across streams: numbers follow the order of appends, without gap in the job.
    expect(job.events.edges.map((e: any) => [e.cursor, e.node.data.step])).toEqual([
      ["2", 1],
      ["3", 2],
      ["4", 3],
      ["5", 4],
    ]);
    expect(job.beats.edges.map((e: any) => e.node.data)).toEqual([{ percent: 10 }]);
    expect(job.metrics.edges.map((e: any) => [e.cursor, e.node.data])).toEqual([["6", { cpu: 0.5 }]]);
    expect(job.logs.edges.map((e: any) => [e.cursor, e.node.level, e.node.message, e.node.step])).toEqual([
      ["1", "info", "starting", null],
      ["2", "warn", "slow mesh", "mesh"],
      ["3", "info", "no timestamp", null],
    ]);
    expect(job.logs.edges[2].node.timestampMs).toBeGreaterThanOrEqual(before);
    expect(job.artifacts).toEqual([{ name: "bracket.step", contentHash: "sha256:abc" }]);
    expect(job.file).toEqual({
      displayName: "bracket",
      revisions: [{ name: "bracket.step", contentHash: "sha256:abc", sizeBytes: 42 }],
    });

    const seen = await db().query<{ lastSeenOn: Date; createdOn: Date }>(
      `select "lastSeenOn", "createdOn" from "workers" where "id" = $1`,
      [workerId],
    );
    expect(new Date(seen[0]!.lastSeenOn).getTime()).toBeGreaterThan(new Date(seen[0]!.createdOn).getTime());
    // Terminal: the token is cleared and the job never changes again.
    expect((await jobRow(jobId)).leaseToken).toBeNull();
  });

  it("answers NoJobResponse when nothing is eligible; refuses MEMBER keys, unknown and foreign workers, bad lease lengths", async () => {
    const { admin, member, worker } = await tenant();
    const other = await tenant();
    const workerId = await register(worker, { reasonerTypes: ["PREDICTIVE"] });
    const none = await claim(worker, workerId);
    expect(none).toEqual({ __typename: "NoJobResponse", message: expect.any(String) });
    // A LOGIC job is not for a PREDICTIVE worker; another tenant's PREDICTIVE job is not either.
    await createJob(admin, "LOGIC");
    await createJob(other.admin, "PREDICTIVE");
    expect((await claim(worker, workerId)).__typename).toBe("NoJobResponse");

    expect(codeOf(await member.raw(REGISTER, { input: { name: "m", reasonerTypes: ["LOGIC"] } }))).toBe("FORBIDDEN");
    expect(codeOf(await member.raw(CLAIM, { w: workerId }))).toBe("FORBIDDEN");
    expect(codeOf(await member.raw(HEARTBEAT, { t: `${uuidv7()}.x` }))).toBe("FORBIDDEN");
    expect(codeOf(await member.raw(COMPLETE, { t: `${uuidv7()}.x` }))).toBe("FORBIDDEN");
    expect(codeOf(await worker.raw(CLAIM, { w: uuidv7() }))).toBe("NOT_FOUND");
    expect(codeOf(await worker.raw(CLAIM, { w: "not-an-id" }))).toBe("NOT_FOUND");
    expect(codeOf(await other.worker.raw(CLAIM, { w: workerId }))).toBe("NOT_FOUND");
    expect(codeOf(await worker.raw(CLAIM, { w: workerId, s: 0 }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await worker.raw(CLAIM, { w: workerId, s: 3601 }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await worker.raw(REGISTER, { input: { name: "x", reasonerTypes: [] } }))).toBe("BAD_USER_INPUT");
    // Admins may run the protocol too.
    const adminWorker = await register(admin, { reasonerTypes: ["LOGIC"] });
    expect((await claim(admin, adminWorker)).__typename).toBe("Lease");
  });

  it("claimJobs hands up to `limit` jobs, oldest first, each under its own lease; validates the limit like claimJob's arguments", async () => {
    const { admin, member, worker } = await tenant();
    const workerId = await register(worker, { reasonerTypes: ["PREDICTIVE"] });
    type Many = { claimJobs: { token: string; job: { jobId: string; state: string } }[] };
    expect((await worker.request<Many>(CLAIM_MANY, { w: workerId, n: 5 })).claimJobs).toEqual([]);
    const jobIds: string[] = [];
    for (let i = 0; i < 5; i++) jobIds.push((await createJob(admin, "PREDICTIVE", i)).jobId);
    const first = (await worker.request<Many>(CLAIM_MANY, { w: workerId, n: 3 })).claimJobs;
    expect(first.map((l) => l.job.jobId)).toEqual(jobIds.slice(0, 3));
    expect(new Set(first.map((l) => l.token)).size).toBe(3);
    expect(first.every((l) => l.job.state === "RUNNING")).toBe(true);
    const rest = (await worker.request<Many>(CLAIM_MANY, { w: workerId, n: 100 })).claimJobs;
    expect(rest.map((l) => l.job.jobId)).toEqual(jobIds.slice(3));
    // Each lease completes its own job only.
    await worker.request(COMPLETE, { t: rest[0]!.token, r: { ok: true } });
    expect((await jobRow(rest[0]!.job.jobId)).state).toBe("SUCCEEDED");
    expect((await jobRow(rest[1]!.job.jobId)).state).toBe("RUNNING");

    for (const n of [0, -1, 101])
      expect(codeOf(await worker.raw(CLAIM_MANY, { w: workerId, n }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await worker.raw(CLAIM_MANY, { w: workerId, n: 1, s: 0 }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await worker.raw(CLAIM_MANY, { w: uuidv7(), n: 1 }))).toBe("NOT_FOUND");
    expect(codeOf(await member.raw(CLAIM_MANY, { w: workerId, n: 1 }))).toBe("FORBIDDEN");
  });

  it("one lease completed twice at once: the completion acknowledged is the one stored, the other is LEASE_LOST", async () => {
    const { admin, worker } = await tenant();
    const workerId = await register(worker, { reasonerTypes: ["PREDICTIVE"] });
    type Many = { claimJobs: { token: string; job: { jobId: string } }[] };
    type Done = { jobId: string; operation: { result: unknown } } | null;
    // Twice in one completeJobs.
    const one = (await createJob(admin, "PREDICTIVE", 0)).jobId;
    const [lease] = (await worker.request<Many>(CLAIM_MANY, { w: workerId, n: 1 })).claimJobs;
    const twice = await worker.raw<{ completeJobs: Done[] }>(COMPLETE_MANY, {
      c: [
        { leaseToken: lease!.token, result: { first: true } },
        { leaseToken: lease!.token, result: { second: true } },
      ],
    });
    expect(twice.data!.completeJobs[0]).toMatchObject({ jobId: one, operation: { result: { first: true } } });
    expect(twice.data!.completeJobs[1]).toBeNull();
    expect(twice.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[["completeJobs", 1], "LEASE_LOST"]]);
    expect((await jobRow(one)).result).toEqual({ first: true });
    // Twice in two requests at the same moment (they may share one statement), round after round.
    for (let round = 0; round < 8; round++) {
      const jobId = (await createJob(admin, "PREDICTIVE", round)).jobId;
      const [l] = (await worker.request<Many>(CLAIM_MANY, { w: workerId, n: 1 })).claimJobs;
      expect(l!.job.jobId).toBe(jobId);
      const answers = await Promise.all(
        ["a", "b"].map((by) =>
          worker.raw<{ completeJob: Done }>(COMPLETE, { t: l!.token, r: { by } }).then((r) => ({ by, r })),
        ),
      );
      const won = answers.filter(({ r }) => r.data?.completeJob);
      expect(won).toHaveLength(1);
      expect(won[0]!.r.data!.completeJob!.operation.result).toEqual({ by: won[0]!.by });
      expect(answers.filter(({ r }) => codeOf(r) === "LEASE_LOST")).toHaveLength(1);
      expect((await jobRow(jobId)).result).toEqual({ by: won[0]!.by });
    }
  });

  it("completeJobs finishes several leases in one operation, in order; a bad one is null with its error at its index, the rest still land", async () => {
    const { admin, member, worker } = await tenant();
    const workerId = await register(worker, { reasonerTypes: ["PREDICTIVE"] });
    const jobIds: string[] = [];
    for (let i = 0; i < 4; i++) jobIds.push((await createJob(admin, "PREDICTIVE", i)).jobId);
    type Many = { claimJobs: { token: string; job: { jobId: string } }[] };
    const leases = (await worker.request<Many>(CLAIM_MANY, { w: workerId, n: 4 })).claimJobs;
    expect(leases).toHaveLength(4);
    // Lease 1 is finished first, so its second completion is LEASE_LOST; a forged token too.
    await worker.request(COMPLETE, { t: leases[1]!.token });
    const answer = await worker.raw<{
      completeJobs: ({ jobId: string; state: string; operation: { done: boolean; result: unknown } } | null)[];
    }>(COMPLETE_MANY, {
      c: [
        { leaseToken: leases[0]!.token, result: { n: 0 } },
        { leaseToken: leases[1]!.token, result: { n: 1 } },
        { leaseToken: "not-a-lease" },
        { leaseToken: leases[2]!.token, result: { n: 2 } },
        { leaseToken: leases[3]!.token, result: { n: "x".repeat(2_000_000) } },
      ],
    });
    const items = answer.data!.completeJobs;
    expect(items.map((j) => j?.jobId ?? null)).toEqual([jobIds[0], null, null, jobIds[2], null]);
    expect(items[0]).toMatchObject({ state: "SUCCEEDED", operation: { done: true, result: { n: 0 } } });
    expect(items[3]).toMatchObject({ state: "SUCCEEDED", operation: { done: true, result: { n: 2 } } });
    const errors = (answer.errors ?? [])
      .map((e) => [e.path, e.extensions?.code])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(errors).toEqual([
      [["completeJobs", 1], "LEASE_LOST"],
      [["completeJobs", 2], "LEASE_LOST"],
      [["completeJobs", 4], "BAD_USER_INPUT"],
    ]);
    expect((await jobRow(jobIds[3]!)).state).toBe("RUNNING");
    // Nothing half-done: the refused one still completes with its lease.
    expect(
      (
        await worker.request<{ completeJobs: { state: string }[] }>(COMPLETE_MANY, {
          c: [{ leaseToken: leases[3]!.token }],
        })
      ).completeJobs[0]!.state,
    ).toBe("SUCCEEDED");

    expect((await worker.request<{ completeJobs: unknown[] }>(COMPLETE_MANY, { c: [] })).completeJobs).toEqual([]);
    const tooMany = await worker.raw(COMPLETE_MANY, { c: Array.from({ length: 101 }, () => ({ leaseToken: "x" })) });
    expect(codeOf(tooMany)).toBe("BAD_USER_INPUT");
    expect(tooMany.data?.completeJobs ?? null).toBeNull();
    const refused = await member.raw(COMPLETE_MANY, { c: [{ leaseToken: leases[0]!.token }] });
    expect(refused.errors?.[0]).toMatchObject({ path: ["completeJobs", 0], extensions: { code: "FORBIDDEN" } });
  });

  it("hands out only eligible jobs: by reasoner type, reasoner name / queue, assigned agent and pool", async () => {
    const { admin, worker } = await tenant();
    const [any, assignedToB, poolX] = await Promise.all([
      register(worker, { name: "any", reasonerTypes: ["AGENT", "PREDICTIVE"] }),
      register(worker, { name: "b", reasonerTypes: ["AGENT"], poolId: "pool-x" }),
      register(worker, { name: "x", reasonerTypes: ["AGENT"], poolId: "pool-x", reasonerNames: ["pool-x"] }),
    ]);
    const forB = await agentJob(admin, { assignedAgentId: assignedToB, displayName: "for b" });
    const forPool = await agentJob(admin, { assignedAgentPoolId: "pool-x" });
    // The queue is named after the pool; worker "x" takes only that queue.
    expect((await jobRow(forPool)).queue).toBe("pool-x");
    expect((await claim(worker, any)).__typename).toBe("NoJobResponse");
    const x = await lease(worker, poolX);
    expect(x.job.jobId).toBe(forPool);
    expect((await claim(worker, poolX)).__typename).toBe("NoJobResponse");
    const b = await lease(worker, assignedToB);
    expect(b.job.jobId).toBe(forB);

    const predictive = await createJob(admin, "PREDICTIVE", 1, { reasonerName: "churn" });
    const open = await agentJob(admin, {});
    const onlyChurn = await register(worker, { reasonerTypes: ["PREDICTIVE", "AGENT"], reasonerNames: ["churn"] });
    const c = await lease(worker, onlyChurn);
    expect(c.job).toMatchObject({ jobId: predictive.jobId, state: "RUNNING", nativeState: "RUNNING" });
    expect((await claim(worker, onlyChurn)).__typename).toBe("NoJobResponse");
    expect((await lease(worker, any)).job.jobId).toBe(open);
  });

  it("a worker registered for some generation kinds gets only those", async () => {
    const { admin, worker } = await tenant();
    const train = await generationJob(admin, { kind: "TRAIN" });
    const mock = await generationJob(admin, { kind: "MOCK", rows: 5_000_000 });
    const mockOnly = await register(worker, { reasonerTypes: ["GENERATION"], generationKinds: ["MOCK", "ANALYZE"] });
    expect((await lease(worker, mockOnly)).job.jobId).toBe(mock);
    expect((await claim(worker, mockOnly)).__typename).toBe("NoJobResponse");
    const any = await register(worker, { reasonerTypes: ["GENERATION"], generationKinds: [] });
    expect((await lease(worker, any)).job.jobId).toBe(train);
  });

  it("serves higher generation tiers first, then the oldest", async () => {
    const { admin, worker } = await tenant();
    const standard1 = await generationJob(admin, { planTier: "STANDARD" });
    const enterprise1 = await generationJob(admin, { planTier: "ENTERPRISE" });
    const standard2 = await generationJob(admin, { planTier: "STANDARD" });
    const enterprise2 = await generationJob(admin, { planTier: "ENTERPRISE" });
    const free = await generationJob(admin, { planTier: "FREE" });
    const workerId = await register(worker, { reasonerTypes: ["GENERATION"] });
    const order: string[] = [];
    for (let i = 0; i < 5; i++) {
      const l = await lease(worker, workerId);
      expect([l.job.state, l.job.nativeState]).toEqual(["RUNNING", "running"]);
      order.push(l.job.jobId);
    }
    expect(order).toEqual([enterprise1, enterprise2, standard1, standard2, free]);
    expect((await claim(worker, workerId)).__typename).toBe("NoJobResponse");
  });

  it("20 workers racing for 60 agent jobs: each job is claimed exactly once", async () => {
    const { admin, worker } = await tenant();
    const jobIds = await Promise.all(
      Array.from({ length: 60 }, (_, i) => agentJob(admin, { displayName: `race-${i}` })),
    );
    const workers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => register(worker, { name: `racer-${i}`, reasonerTypes: ["AGENT"] })),
    );
    const claimed = await Promise.all(
      workers.map(async (workerId) => {
        const mine: string[] = [];
        for (;;) {
          // Leases that outlive the suite: these jobs stay claimed, and a sweep in a later test of a
          // slow run must not find them expired.
          const c = await claim(worker, workerId, MAX_LEASE_SECONDS);
          if (c.__typename === "NoJobResponse") return mine;
          mine.push(c.job.jobId);
        }
      }),
    );
    const all = claimed.flat();
    expect(all).toHaveLength(60);
    expect(new Set(all)).toEqual(new Set(jobIds));
    const rows = await db().query<{ state: string; attempts: number; n: number }>(
      `select "state", "attempts", count(*)::int as n from "jobs" where "id" = any($1::uuid[]) group by 1, 2`,
      [jobIds],
    );
    expect(rows).toEqual([{ state: "CLAIMED", attempts: 1, n: 60 }]);
    const histories = await db().query<{ n: number }>(
      `select count(*)::int as n from "job_status_changes" where "jobId" = any($1::uuid[]) and "state" = 'CLAIMED'`,
      [jobIds],
    );
    expect(histories[0]!.n).toBe(60);
  });

  it("a lease that expired and was requeued is lost: the old token changes nothing, the new holder carries on", async () => {
    const { admin, worker } = await tenant();
    const jobId = (await createJob(admin, "PRESCRIPTIVE", 1)).jobId;
    const w1 = await register(worker, { name: "slow", reasonerTypes: ["PRESCRIPTIVE"] });
    const w2 = await register(worker, { name: "fast", reasonerTypes: ["PRESCRIPTIVE"] });
    const first = await lease(worker, w1, 1);
    await db().query(`update "jobs" set "leaseExpiresOn" = now() - interval '1 second' where "id" = $1`, [jobId]);
    await sweep(db());
    const requeued = await jobRow(jobId);
    expect([requeued.state, requeued.leaseToken, requeued.workerId, requeued.attempts]).toEqual([
      "QUEUED",
      null,
      null,
      1,
    ]);

    const second = await lease(worker, w2);
    expect(second.job.jobId).toBe(jobId);
    const before = await jobRow(jobId);
    for (const [query, vars] of [
      [HEARTBEAT, { t: first.token }],
      [UPDATE, { t: first.token, s: "RUNNING" }],
      [EVENTS, { t: first.token, e: [{ late: true }] }],
      [LOGS, { t: first.token, l: [{ message: "late" }] }],
      [COMPLETE, { t: first.token, r: { late: true } }],
      [FAIL, { t: first.token, c: "E", m: "late" }],
    ] as const) {
      expect(codeOf(await worker.raw(query, vars)), query).toBe("LEASE_LOST");
    }
    expect(await jobRow(jobId)).toEqual(before);
    const done = await worker.request<any>(COMPLETE, { t: second.token, r: { ok: 1 } });
    expect(done.completeJob.state).toBe("SUCCEEDED");
    expect((await history(admin, "PRESCRIPTIVE", jobId)).map((s) => s.state)).toEqual([
      "CREATED",
      "QUEUED",
      "RUNNING",
      "QUEUED",
      "RUNNING",
      "SUCCEEDED",
    ]);
    expect((await jobRow(jobId)).attempts).toBe(2);
  });

  it("forged tokens never match and change nothing", async () => {
    const { admin, worker } = await tenant();
    const other = await tenant();
    const jobId = await agentJob(admin);
    const workerId = await register(worker, { reasonerTypes: ["AGENT"] });
    const l = await lease(worker, workerId);
    const before = await jobRow(jobId);
    const secret = l.token.split(".")[1]!;
    const forged = [
      `${jobId}.${"A".repeat(43)}`,
      `${jobId}.${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}`,
      `${uuidv7()}.${secret}`,
      hashLeaseToken(l.token),
      before.leaseToken as string,
      `${jobId.toUpperCase()}.${secret}`,
      "",
      "garbage",
    ];
    for (const token of forged) {
      for (const [query, vars] of [
        [HEARTBEAT, { t: token, p: { x: 1 } }],
        [UPDATE, { t: token, s: "RUNNING" }],
        [EVENTS, { t: token, e: [{ forged: true }] }],
        [LOGS, { t: token, l: [{ message: "forged" }] }],
        [COMPLETE, { t: token }],
        [FAIL, { t: token, c: "E", m: "forged" }],
      ] as const) {
        expect(codeOf(await worker.raw(query, vars)), `${query} with ${token}`).toBe("LEASE_LOST");
      }
    }
    // The real token from another tenant's key is refused too.
    expect(codeOf(await other.worker.raw(COMPLETE, { t: l.token }))).toBe("LEASE_LOST");
    expect(await jobRow(jobId)).toEqual(before);
    expect((await db().query(`select 1 from "job_events" where "jobId" = $1`, [jobId])).length).toBe(0);
    expect((await db().query(`select 1 from "job_log_lines" where "jobId" = $1`, [jobId])).length).toBe(0);
  });

  it("refuses moves the family does not allow with INVALID_TRANSITION", async () => {
    const { admin, worker } = await tenant();
    const agentWorker = await register(worker, { reasonerTypes: ["AGENT"] });
    await agentJob(admin);
    const a = await lease(worker, agentWorker);
    for (const s of ["SUCCEEDED", "FAILED", "CANCELED", "PENDING", "QUEUED", "CREATED"]) {
      expect(codeOf(await worker.raw(UPDATE, { t: a.token, s })), s).toBe("INVALID_TRANSITION");
    }
    await worker.request(UPDATE, { t: a.token, s: "RUNNING" });
    expect(codeOf(await worker.raw(UPDATE, { t: a.token, s: "VALIDATING" }))).toBe("INVALID_TRANSITION");
    expect(codeOf(await worker.raw(UPDATE, { t: a.token, s: "CLAIMED" }))).toBe("INVALID_TRANSITION");

    const reasonerWorker = await register(worker, { reasonerTypes: ["PREDICTIVE"] });
    await createJob(admin, "PREDICTIVE");
    const r = await lease(worker, reasonerWorker);
    // Reasoner jobs have no VALIDATING or UPLOADING.
    expect(codeOf(await worker.raw(UPDATE, { t: r.token, s: "VALIDATING" }))).toBe("INVALID_TRANSITION");
    expect(codeOf(await worker.raw(UPDATE, { t: r.token, s: "UPLOADING" }))).toBe("INVALID_TRANSITION");
    expect((await jobRow(r.job.jobId)).state).toBe("RUNNING");
  });

  it("a move to the state the job is already in changes nothing and answers the job as it is", async () => {
    const { admin, worker } = await tenant();
    const reasonerWorker = await register(worker, { reasonerTypes: ["PREDICTIVE"] });
    const jobId = (await createJob(admin, "PREDICTIVE")).jobId;
    const r = await lease(worker, reasonerWorker);
    // Claiming moved it to RUNNING already: a worker that says RUNNING first is not refused.
    const before = await jobRow(jobId);
    const same = await worker.request<any>(UPDATE, { t: r.token, s: "RUNNING", m: "starting" });
    expect(same.updateJobStatus).toEqual({ state: "RUNNING", nativeState: before.nativeState });
    const after = await jobRow(jobId);
    expect(after.revision).toBe(before.revision);
    expect(after.statusSeq).toBe(before.statusSeq);
    expect((await history(admin, "PREDICTIVE", jobId)).map((s) => s.state)).toEqual(["CREATED", "QUEUED", "RUNNING"]);
    // Still only the lease holder's.
    expect(codeOf(await worker.raw(UPDATE, { t: `${jobId}.${"A".repeat(43)}`, s: "RUNNING" }))).toBe("LEASE_LOST");

    // An agent job, CLAIMED on its claim, may say CLAIMED again, then move on.
    const agentWorker = await register(worker, { reasonerTypes: ["AGENT"] });
    await agentJob(admin);
    const a = await lease(worker, agentWorker);
    expect((await worker.request<any>(UPDATE, { t: a.token, s: "CLAIMED" })).updateJobStatus.state).toBe("CLAIMED");
    expect((await worker.request<any>(UPDATE, { t: a.token, s: "RUNNING" })).updateJobStatus.state).toBe("RUNNING");
  });

  it("cancel of a running job: CANCELING, the heartbeat says so, and the job ends CANCELED whatever the worker sends", async () => {
    const { admin, worker } = await tenant();
    const workerId = await register(worker, { reasonerTypes: ["AGENT", "LOGIC"] });
    const jobId = await agentJob(admin);
    const l = await lease(worker, workerId);
    await worker.request(UPDATE, { t: l.token, s: "RUNNING" });
    const canceling = await admin.request<any>(
      `mutation($id: ID!) { cancelJob(reasonerType: AGENT, jobId: $id) { state nativeState } }`,
      { id: jobId },
    );
    expect(canceling.cancelJob).toEqual({ state: "CANCELING", nativeState: "CANCELING" });
    expect((await worker.request<any>(HEARTBEAT, { t: l.token })).heartbeat.cancelRequested).toBe(true);
    expect(codeOf(await worker.raw(UPDATE, { t: l.token, s: "UPLOADING" }))).toBe("INVALID_TRANSITION");
    // Still allowed to report while winding down.
    expect((await worker.request<any>(LOGS, { t: l.token, l: [{ message: "stopping" }] })).appendJobLogs).toBe(1);
    const done = await worker.request<any>(COMPLETE, { t: l.token, r: { partial: true } });
    expect(done.completeJob).toMatchObject({
      state: "CANCELED",
      nativeState: "CANCELED",
      error: { code: "CANCELED" },
      operation: { done: true },
    });
    expect((await history(admin, "AGENT", jobId)).map((s) => s.state)).toEqual([
      "CREATED",
      "PENDING",
      "CLAIMED",
      "RUNNING",
      "CANCELING",
      "CANCELED",
    ]);
    expect(codeOf(await worker.raw(COMPLETE, { t: l.token }))).toBe("LEASE_LOST");

    // failJob on a CANCELING job ends it CANCELED too, even when it asks for a retry (LOGIC: ABORTED, reason "canceled").
    const logic = (await createJob(admin, "LOGIC")).jobId;
    const l2 = await lease(worker, workerId);
    expect(l2.job.jobId).toBe(logic);
    await admin.request(`mutation($id: ID!) { cancelJob(reasonerType: LOGIC, jobId: $id) { state } }`, { id: logic });
    const failed = await worker.request<any>(FAIL, { t: l2.token, c: "STOPPED", m: "asked to stop", r: true });
    expect(failed.failJob).toMatchObject({ state: "CANCELED", nativeState: "ABORTED" });
    const tx = await admin.request<any>(
      `query($id: ID!) { job(reasonerType: LOGIC, jobId: $id) { ... on Transaction { abortReason } } }`,
      { id: logic },
    );
    expect(tx.job.abortReason).toBe("canceled");
  });

  it("a retryable failure comes back waiting, later, with attempts counted; out of attempts it fails", async () => {
    const { admin, worker } = await tenant();
    const workerId = await register(worker, { reasonerTypes: ["PREDICTIVE"] });
    const jobId = (await createJob(admin, "PREDICTIVE")).jobId;
    const first = await lease(worker, workerId);
    const back = await worker.request<any>(FAIL, { t: first.token, c: "OOM", m: "out of memory", r: true });
    expect(back.failJob).toMatchObject({ jobId, state: "QUEUED", nativeState: "QUEUED", error: null });
    const row = await jobRow(jobId);
    const now = (await db().query<{ now: Date }>(`select now() as now`))[0]!.now;
    expect(row.attempts).toBe(1);
    expect(row.leaseToken).toBeNull();
    // 2^1 s of backoff from the failure.
    expect(new Date(row.runAfter).getTime()).toBeGreaterThan(new Date(now).getTime());
    // (timestamps are stored to the millisecond, rounded: allow 1 ms either way)
    expect(Math.abs(new Date(row.runAfter).getTime() - new Date(row.updatedOn).getTime() - 2000)).toBeLessThanOrEqual(
      1,
    );
    expect((await claim(worker, workerId)).__typename).toBe("NoJobResponse");
    expect(codeOf(await worker.raw(HEARTBEAT, { t: first.token }))).toBe("LEASE_LOST");

    // Make the backoff due (instead of sleeping through it), twice more.
    const due = () => db().query(`update "jobs" set "runAfter" = now() where "id" = $1`, [jobId]);
    await due();
    const second = await lease(worker, workerId);
    await worker.request(FAIL, { t: second.token, c: "OOM", m: "again", r: true });
    const r2 = await jobRow(jobId);
    expect(Math.abs(new Date(r2.runAfter).getTime() - new Date(r2.updatedOn).getTime() - 4000)).toBeLessThanOrEqual(1);
    await due();
    const third = await lease(worker, workerId);
    const last = await worker.request<any>(FAIL, { t: third.token, c: "OOM", m: "third time", r: true });
    expect(last.failJob).toMatchObject({
      state: "FAILED",
      nativeState: "FAILED",
      error: { code: "OOM", message: "third time" },
    });
    expect((await jobRow(jobId)).attempts).toBe(3);
    expect((await history(admin, "PREDICTIVE", jobId)).map((s) => s.state)).toEqual([
      "CREATED",
      "QUEUED",
      "RUNNING",
      "QUEUED",
      "RUNNING",
      "QUEUED",
      "RUNNING",
      "FAILED",
    ]);

    // Not retryable: straight to FAILED.
    await createJob(admin, "PREDICTIVE");
    const once = await lease(worker, workerId);
    expect(
      (await worker.request<any>(FAIL, { t: once.token, c: "BAD_MODEL", m: "no such model" })).failJob,
    ).toMatchObject({ state: "FAILED", error: { code: "BAD_MODEL" } });
  });

  it("releaseJob hands a job back: waiting at once, the attempt not counted, lease dropped; only the holder; counted after 10", async () => {
    const { admin, member, worker } = await tenant();
    const other = (await tenant()).worker;
    const workerId = await register(worker, { reasonerTypes: ["PREDICTIVE"] });
    const jobId = (await createJob(admin, "PREDICTIVE")).jobId;
    const first = await lease(worker, workerId);
    // Another tenant's worker, a forged token and a MEMBER key change nothing.
    expect(codeOf(await other.raw(RELEASE, { t: first.token }))).toBe("LEASE_LOST");
    expect(codeOf(await worker.raw(RELEASE, { t: `${jobId}.${"A".repeat(43)}` }))).toBe("LEASE_LOST");
    expect(codeOf(await member.raw(RELEASE, { t: first.token }))).toBe("FORBIDDEN");

    const back = await worker.request<any>(RELEASE, { t: first.token, r: "rolling restart" });
    expect(back.releaseJob).toEqual({ jobId, state: "QUEUED", error: null });
    const row = await jobRow(jobId);
    expect(row.attempts).toBe(0);
    expect(row.handBacks).toBe(1);
    expect(row.leaseToken).toBeNull();
    expect(codeOf(await worker.raw(HEARTBEAT, { t: first.token }))).toBe("LEASE_LOST");
    expect(codeOf(await worker.raw(RELEASE, { t: first.token }))).toBe("LEASE_LOST");
    const said = await db().query<{ message: string }>(
      `select "message" from "job_status_changes" where "jobId" = $1 order by "seq" desc limit 1`,
      [jobId],
    );
    expect(said[0]!.message).toBe("handed back unfinished (WORKER_STOPPED: rolling restart); waiting again");

    // Claimable again at once, any number of times: more hand-backs than attempts never fail it.
    for (let i = 2; i <= 10; i++) await worker.request(RELEASE, { t: (await lease(worker, workerId)).token });
    expect(await jobRow(jobId)).toMatchObject({ state: "QUEUED", attempts: 0, handBacks: 10 });
    // The 11th counts as a retryable failure does (attempt 1, with its backoff).
    const eleventh = await worker.request<any>(RELEASE, { t: (await lease(worker, workerId)).token });
    expect(eleventh.releaseJob.state).toBe("QUEUED");
    const counted = await jobRow(jobId);
    expect(counted.attempts).toBe(1);
    expect(counted.handBacks).toBe(11);
    expect(new Date(counted.runAfter).getTime()).toBeGreaterThan(new Date(counted.updatedOn).getTime());
    expect((await claim(worker, workerId)).__typename).toBe("NoJobResponse");
  });

  it("releaseJob counts hand-backs on the job's row: ten recorded there make the next one count, whatever the history says", async () => {
    const { admin, worker } = await tenant();
    const workerId = await register(worker, { reasonerTypes: ["PREDICTIVE"] });
    const jobId = (await createJob(admin, "PREDICTIVE")).jobId;
    // As a migrated job carries them: ten hand-backs counted, none in the history read here.
    await db().query(`update "jobs" set "handBacks" = 10 where "id" = $1::uuid`, [jobId]);
    const back = await worker.request<any>(RELEASE, { t: (await lease(worker, workerId)).token, r: "again" });
    expect(back.releaseJob.state).toBe("QUEUED");
    expect(await jobRow(jobId)).toMatchObject({ attempts: 1, handBacks: 11 });
    const said = await db().query<{ message: string }>(
      `select "message" from "job_status_changes" where "jobId" = $1 order by "seq" desc limit 1`,
      [jobId],
    );
    expect(said[0]!.message).toBe(
      "attempt 1 of 3 failed (WORKER_STOPPED: again, handed back more than 10 times); retrying",
    );
    // Waiting out its backoff: ended, so no later test meets it.
    await admin.request(`mutation($j: ID!) { cancelJob(reasonerType: PREDICTIVE, jobId: $j) { state } }`, { j: jobId });
  });

  it("charges generation credits once, only on success; a duplicated completeJob is refused", async () => {
    const { admin, worker, tenantId } = await tenant();
    const workerId = await register(worker, { reasonerTypes: ["GENERATION"] });
    const ok = await generationJob(admin, { planTier: "ENTERPRISE", rows: 2_500_000 });
    const failing = await generationJob(admin, { planTier: "STANDARD" });
    const canceled = await generationJob(admin, { planTier: "FREE" });
    const credits = (jobId: string) =>
      admin.request<any>(
        `query($id: ID!) { job(reasonerType: GENERATION, jobId: $id) { state ... on GenerationJob { estimatedCredits chargedCredits } } }`,
        { id: jobId },
      );

    const l1 = await lease(worker, workerId);
    expect(l1.job.jobId).toBe(ok);
    const [first, second] = [
      await worker.raw(COMPLETE, { t: l1.token, r: { rows: 2_500_000 } }),
      await worker.raw(COMPLETE, { t: l1.token, r: { rows: 1 } }),
    ];
    expect(first.data?.completeJob.state).toBe("SUCCEEDED");
    expect(codeOf(second)).toBe("LEASE_LOST");
    expect((await credits(ok)).job).toEqual({ state: "SUCCEEDED", estimatedCredits: 13, chargedCredits: 13 }); // 3 for the rows, 10 for GPU-M training
    expect((await jobRow(ok)).result).toEqual({ rows: 2_500_000 });

    const l2 = await lease(worker, workerId);
    expect(l2.job.jobId).toBe(failing);
    await worker.request(FAIL, { t: l2.token, c: "DIVERGED", m: "loss diverged" });
    expect((await credits(failing)).job).toMatchObject({ state: "FAILED", chargedCredits: 0 });

    const l3 = await lease(worker, workerId);
    expect(l3.job.jobId).toBe(canceled);
    await admin.request(`mutation($id: ID!) { cancelJob(reasonerType: GENERATION, jobId: $id) { state } }`, {
      id: canceled,
    });
    await worker.request(COMPLETE, { t: l3.token });
    expect((await credits(canceled)).job).toMatchObject({ state: "CANCELED", chargedCredits: 0 });

    const charges = await db().query<{ jobId: string; credits: number }>(
      `select "jobId", "credits" from "credit_charges" where "tenantId" = $1`,
      [tenantId],
    );
    expect(charges).toEqual([{ jobId: ok, credits: 13 }]);
  });

  it("concurrent duplicate completeJob calls: exactly one succeeds", async () => {
    const { admin, worker } = await tenant();
    const workerId = await register(worker, { reasonerTypes: ["GENERATION"] });
    const jobId = await generationJob(admin);
    const l = await lease(worker, workerId);
    const results = await Promise.all(Array.from({ length: 5 }, () => worker.raw(COMPLETE, { t: l.token })));
    expect(results.filter((r) => r.data?.completeJob?.state === "SUCCEEDED")).toHaveLength(1);
    expect(results.filter((r) => codeOf(r) === "LEASE_LOST")).toHaveLength(4);
    expect((await history(admin, "GENERATION", jobId)).map((s) => s.state)).toEqual([
      "CREATED",
      "QUEUED",
      "RUNNING",
      "SUCCEEDED",
    ]);
    const charges = await db().query(`select 1 from "credit_charges" where "jobId" = $1`, [jobId]);
    expect(charges).toHaveLength(1);
  });

  it("validates sizes and counts; stores LOGIC progress on the transaction; refuses artifacts of other leases", async () => {
    const { admin, worker, tenantId } = await tenant();
    const workerId = await register(worker, { reasonerTypes: ["LOGIC"] });
    const jobId = (await createJob(admin, "LOGIC")).jobId;
    const l = await lease(worker, workerId);
    const big = "x".repeat(64 * 1024);
    const bad = [
      [EVENTS, { t: l.token, e: Array.from({ length: 1001 }, () => ({})) }],
      [EVENTS, { t: l.token, e: [{ big }] }],
      [EVENTS, { t: l.token, s: "", e: [{}] }],
      [EVENTS, { t: l.token, e: [{ nul: "a\u0000b" }] }],
      [LOGS, { t: l.token, l: Array.from({ length: 1001 }, () => ({ message: "m" })) }],
      [LOGS, { t: l.token, l: [{ message: big + "x" }] }],
      [LOGS, { t: l.token, l: [{ message: "m", level: "l".repeat(33) }] }],
      [LOGS, { t: l.token, l: [{ message: "m", step: "s".repeat(256) }] }],
      [HEARTBEAT, { t: l.token, p: { big } }],
      [FAIL, { t: l.token, c: "", m: "empty code" }],
    ] as const;
    for (const [query, vars] of bad)
      expect(codeOf(await worker.raw(query, vars)), JSON.stringify(vars).slice(0, 120)).toBe("BAD_USER_INPUT");
    // Exactly at the limits is fine.
    expect(
      (await worker.request<any>(EVENTS, { t: l.token, e: Array.from({ length: 1000 }, (_, i) => ({ i })) }))
        .appendJobEvents,
    ).toBe(1000);
    expect(
      (
        await worker.request<any>(LOGS, {
          t: l.token,
          l: [{ message: "y".repeat(64 * 1024), level: "l".repeat(32), step: "s".repeat(255) }],
        })
      ).appendJobLogs,
    ).toBe(1);
    expect((await worker.request<any>(EVENTS, { t: l.token, e: [] })).appendJobEvents).toBe(0);

    await worker.request(HEARTBEAT, { t: l.token, p: { done: 3, total: 10 } });
    const tx = await admin.request<any>(
      `query($id: ID!) { job(reasonerType: LOGIC, jobId: $id) { ... on Transaction { progress } events(stream: "heartbeat") { edges { cursor } } } }`,
      { id: jobId },
    );
    expect(tx.job).toEqual({ progress: { done: 3, total: 10 }, events: { edges: [] } });

    // An artifact uploaded under another lease, or already attached, cannot be attached here.
    const foreign = uuidv7();
    await db().query(
      `insert into "artifacts" ("id", "tenantId", "leaseToken", "name", "artifactType", "sizeBytes", "contentHash") values ($1, $2, 'other-lease', 'x', 'csv', 1, 'sha256:x')`,
      [foreign, tenantId],
    );
    expect(codeOf(await worker.raw(COMPLETE, { t: l.token, a: [foreign] }))).toBe("NOT_FOUND");
    expect(codeOf(await worker.raw(COMPLETE, { t: l.token, a: ["nope"] }))).toBe("NOT_FOUND");
    // Nothing of those attempts stuck: the job is still running and completes now.
    expect((await jobRow(jobId)).state).toBe("RUNNING");
    expect((await worker.request<any>(COMPLETE, { t: l.token })).completeJob.state).toBe("SUCCEEDED");
  });

  it("fills Transaction.timings when a transaction ends: completed, failed, canceled before it started", async () => {
    const { admin, worker } = await tenant();
    const workerId = await register(worker, { reasonerTypes: ["LOGIC"] });
    type Timings = { queuedMs: number; runMs: number | null; totalMs: number };
    const TIMED = `jobId createdOn startedOn finishedOn ... on Transaction { timings }`;
    type Timed = { createdOn: string; startedOn: string | null; finishedOn: string; timings: Timings };
    const read = async (jobId: string) =>
      (
        await admin.request<{ job: Timed }>(`query($id: ID!) { job(reasonerType: LOGIC, jobId: $id) { ${TIMED} } }`, {
          id: jobId,
        })
      ).job;
    /** The timings are the job's own moments (stored to the microsecond, shown to the millisecond). */
    const expectTimings = (job: Timed) => {
      const at = (d: string) => Date.parse(d);
      const { queuedMs, runMs, totalMs } = job.timings;
      for (const v of [queuedMs, runMs ?? 0, totalMs]) expect(Number.isInteger(v) && v >= 0).toBe(true);
      expect(Math.abs(totalMs - (at(job.finishedOn) - at(job.createdOn)))).toBeLessThanOrEqual(1);
      if (job.startedOn === null) {
        expect(runMs).toBeNull();
        expect(queuedMs).toBe(totalMs);
      } else {
        expect(Math.abs(queuedMs - (at(job.startedOn) - at(job.createdOn)))).toBeLessThanOrEqual(1);
        expect(Math.abs(runMs! - (at(job.finishedOn) - at(job.startedOn)))).toBeLessThanOrEqual(1);
      }
    };

    // Running, nothing yet; completed: the completion's own answer carries them.
    const done = (await createJob(admin, "LOGIC")).jobId;
    const l = await lease(worker, workerId);
    expect(l.job.jobId).toBe(done);
    expect((await read(done)).timings).toBeNull();
    const completed = await worker.request<{ completeJob: Timed }>(
      `mutation($t: String!) { completeJob(leaseToken: $t) { ${TIMED} } }`,
      { t: l.token },
    );
    expectTimings(completed.completeJob);
    expect(await read(done)).toEqual(completed.completeJob);

    const failed = (await createJob(admin, "LOGIC")).jobId;
    const f = await lease(worker, workerId);
    expect(f.job.jobId).toBe(failed);
    await worker.request(FAIL, { t: f.token, c: "ENGINE", m: "engine gone", r: false });
    expectTimings(await read(failed));

    const canceled = (await createJob(admin, "LOGIC")).jobId;
    await admin.request(`mutation($id: ID!) { cancelJob(reasonerType: LOGIC, jobId: $id) { state } }`, {
      id: canceled,
    });
    const never = await read(canceled);
    expect(never.startedOn).toBeNull();
    expectTimings(never);
  });

  it("the sweeper fails expired leases on the last attempt, cancels expired CANCELING ones, and times jobs out", async () => {
    const { admin, worker } = await tenant();
    const workerId = await register(worker, { reasonerTypes: ["BATCH", "PREDICTIVE", "AGENT"] });
    // Last attempt: the lease expiring fails the job with LEASE_EXPIRED.
    const batch = (await createJob(admin, "BATCH")).jobId;
    await db().query(`update "jobs" set "maxAttempts" = 1 where "id" = $1`, [batch]);
    const lb = await lease(worker, workerId);
    expect(lb.job).toMatchObject({ jobId: batch, state: "RUNNING", nativeState: "running" });
    // An agent job being canceled whose worker vanished.
    const agent = await agentJob(admin);
    const la = await lease(worker, workerId);
    expect(la.job.jobId).toBe(agent);
    await admin.request(`mutation($id: ID!) { cancelJob(reasonerType: AGENT, jobId: $id) { state } }`, { id: agent });
    await db().query(`update "jobs" set "leaseExpiresOn" = now() - interval '1 second' where "id" = any($1::uuid[])`, [
      [batch, agent],
    ]);
    // A queued job and a running job past their timeout.
    const queued = (await createJob(admin, "PREDICTIVE", 1, { timeoutMins: 5 })).jobId;
    const running = (await createJob(admin, "PREDICTIVE", 2, { timeoutMins: 5 })).jobId;
    const lr = await lease(worker, workerId);
    expect([queued, running]).toContain(lr.job.jobId);
    await db().query(`update "jobs" set "createdOn" = now() - interval '6 minutes' where "id" = any($1::uuid[])`, [
      [queued, running],
    ]);
    const fresh = (await createJob(admin, "PREDICTIVE", 3, { timeoutMins: 5 })).jobId;

    await sweep(db());
    const state = async (id: string) => {
      const r = await jobRow(id);
      return [r.state, r.nativeState, r.errorCode, r.leaseToken];
    };
    expect(await state(batch)).toEqual(["FAILED", "failed", "LEASE_EXPIRED", null]);
    expect(await state(agent)).toEqual(["CANCELED", "CANCELED", "CANCELED", null]);
    expect(await state(queued)).toEqual(["FAILED", "FAILED", "TIMEOUT", null]);
    expect(await state(running)).toEqual(["FAILED", "FAILED", "TIMEOUT", null]);
    expect((await state(fresh))[0]).toBe("QUEUED");
    expect((await history(admin, "BATCH", batch)).map((s) => s.state)).toEqual(["PENDING", "RUNNING", "FAILED"]);
    expect(codeOf(await worker.raw(COMPLETE, { t: lr.token }))).toBe("LEASE_LOST");
    // A second pass finds nothing left to do.
    expect(await sweep(db())).toEqual({ requeued: 0, failed: 0, canceled: 0, timedOut: 0 });
  });

  it("sweepers running at once requeue each expired lease exactly once", async () => {
    const { admin, worker } = await tenant();
    const workerId = await register(worker, { reasonerTypes: ["PRESCRIPTIVE"] });
    const jobIds = await Promise.all(
      Array.from({ length: 30 }, (_, i) => createJob(admin, "PRESCRIPTIVE", i).then((j) => j.jobId)),
    );
    for (let i = 0; i < 30; i++) await lease(worker, workerId);
    // Leases earlier tests left behind, which a slow run may see expire, are requeued first: the
    // sweepers below then find exactly these 30.
    await sweep(db());
    await db().query(`update "jobs" set "leaseExpiresOn" = now() - interval '1 second' where "id" = any($1::uuid[])`, [
      jobIds,
    ]);
    const results = await Promise.all(Array.from({ length: 4 }, () => sweep(db(), { batchSize: 7 })));
    expect(results.reduce((n, r) => n + r.requeued, 0)).toBe(30);
    const requeues = await db().query<{ jobId: string; n: number }>(
      `select "jobId", count(*)::int as n from "job_status_changes" where "jobId" = any($1::uuid[]) and "seq" = 4 group by 1`,
      [jobIds],
    );
    expect(requeues).toHaveLength(30);
    const states = await db().query<{ state: string; n: number }>(
      `select "state", count(*)::int as n from "jobs" where "id" = any($1::uuid[]) group by 1`,
      [jobIds],
    );
    expect(states).toEqual([{ state: "QUEUED", n: 30 }]);
  });

  it("an executor with free slots claims several jobs in one statement, each under its own lease", async () => {
    const { admin, tenantId } = await tenant();
    const protocol = t.server.services.protocol;
    const jobIds = [];
    for (let i = 0; i < 5; i++) jobIds.push((await createJob(admin, "PRESCRIPTIVE", i)).jobId);
    await t.server.services.notifier.idle(); // the creations' notifications are sent
    await t.server.services.audit.idle(); // and their audit entries written
    const before = db().statementCount();
    const leases = await protocol.claimUpTo({ tenantId, reasonerTypes: ["PRESCRIPTIVE"] }, 3);
    expect(db().statementCount() - before).toBe(1);
    // Then the send of the three changes it recorded: one statement for all of them.
    await t.server.services.notifier.idle();
    expect(db().statementCount() - before).toBe(2);
    expect(new Set(leases.map((l) => l.job.id)).size).toBe(3);
    expect(leases.map((l) => l.job.id).sort()).toEqual(jobIds.slice(0, 3).sort()); // oldest first
    expect(new Set(leases.map((l) => l.token)).size).toBe(3);
    // Each token holds its own job only: completing one leaves the others running.
    await protocol.complete(leases[0]!.token, { ok: 1 }, [], IN_PROCESS);
    const states = await db().query<{ id: string; state: string }>(
      `select "id", "state" from "jobs" where "id" = any($1::uuid[])`,
      [leases.map((l) => l.job.id)],
    );
    expect(Object.fromEntries(states.map((r) => [r.id, r.state]))).toEqual({
      [leases[0]!.job.id]: "SUCCEEDED",
      [leases[1]!.job.id]: "RUNNING",
      [leases[2]!.job.id]: "RUNNING",
    });
    // Asking for more than are waiting hands what there is.
    expect(await protocol.claimUpTo({ tenantId, reasonerTypes: ["PRESCRIPTIVE"] }, 10)).toHaveLength(2);
    expect(await protocol.claimUpTo({ tenantId, reasonerTypes: ["PRESCRIPTIVE"] }, 10)).toEqual([]);
  });

  it("a claim commits without waiting for the WAL flush, and only the claim: later transactions are durable again", async () => {
    const { admin, tenantId } = await tenant();
    await createJob(admin, "PRESCRIPTIVE", 1);
    const setting = async (sql: Sql) =>
      (await sql.query<{ s: string }>("select current_setting('synchronous_commit') as s"))[0]!.s;
    const during = await db().transaction(async (tx) => {
      expect(await claimJobs(tx, { tenantId, reasonerTypes: ["PRESCRIPTIVE"] })).toHaveLength(1);
      return setting(tx);
    });
    expect(during).toBe("off");
    // PGlite has one connection, so this is the claim's own; on PostgreSQL any of the pool's.
    expect(await setting(db())).toBe("on");
    expect(await db().transaction((tx) => setting(tx))).toBe("on");
  });

  it("completions made together share one statement; each gets its own answer, a stale or repeated lease LEASE_LOST", async () => {
    const { admin, tenantId } = await tenant();
    const protocol = t.server.services.protocol;
    for (let i = 0; i < 5; i++) await createJob(admin, "PRESCRIPTIVE", i);
    const leases = await protocol.claimUpTo({ tenantId, reasonerTypes: ["PRESCRIPTIVE"] }, 5);
    expect(leases).toHaveLength(5);
    const outcome = (a: PromiseSettledResult<{ jobId: string; state: string }>) =>
      a.status === "fulfilled"
        ? [a.value.jobId, a.value.state]
        : (a.reason as { extensions?: { code?: string } }).extensions?.code;
    await t.server.services.notifier.idle();
    await t.server.services.audit.idle(); // the creations' audit entries are written

    const before = db().statementCount();
    const together = await Promise.allSettled(
      leases.slice(0, 3).map((l, n) => protocol.complete(l.token, { n }, [], IN_PROCESS)),
    );
    expect(together.map(outcome)).toEqual(leases.slice(0, 3).map((l) => [l.job.id, "SUCCEEDED"]));
    expect(db().statementCount() - before).toBe(1);

    // The fifth job's lease goes stale (as when an expired lease is requeued and claimed again).
    await db().query(`update "jobs" set "leaseToken" = 'someone-else' where "id" = $1::uuid`, [leases[4]!.job.id]);
    const mixed = await Promise.allSettled([
      protocol.complete(leases[3]!.token, { n: 3 }, [], IN_PROCESS),
      protocol.complete(leases[3]!.token, { n: 3 }, [], IN_PROCESS), // the same lease again, in the same turn
      protocol.complete(leases[4]!.token, { n: 4 }, [], IN_PROCESS),
    ]);
    expect(mixed.map(outcome)).toEqual([[leases[3]!.job.id, "SUCCEEDED"], "LEASE_LOST", "LEASE_LOST"]);

    const rows = await db().query<{ id: string; state: string; result: unknown }>(
      `select "id", "state", "result" from "jobs" where "id" = any($1::uuid[])`,
      [leases.map((l) => l.job.id)],
    );
    const byId = Object.fromEntries(rows.map((r) => [r.id, [r.state, r.result]]));
    expect(leases.map((l) => byId[l.job.id])).toEqual([
      ["SUCCEEDED", { n: 0 }],
      ["SUCCEEDED", { n: 1 }],
      ["SUCCEEDED", { n: 2 }],
      ["SUCCEEDED", { n: 3 }],
      ["RUNNING", null],
    ]);
    const completed = await db().query<{ n: number }>(
      `select count(*)::int as n from "job_status_changes" where "jobId" = $1::uuid and "state" = 'SUCCEEDED'`,
      [leases[3]!.job.id],
    );
    expect(completed[0]!.n).toBe(1);
  });

  it("in-process claims: any tenant, restricted to generation kinds, never assigned agent jobs", async () => {
    const { admin, worker, tenantId } = await tenant();
    const protocol = t.server.services.protocol;
    const train = await generationJob(admin, { kind: "TRAIN" });
    const mock = await generationJob(admin, { kind: "MOCK", rows: 10 });
    const assigned = await agentJob(admin, {
      assignedAgentId: await register(worker, { name: "an agent", reasonerTypes: ["AGENT"] }),
    });
    const l = await protocol.claim({
      tenantId,
      reasonerTypes: ["GENERATION", "AGENT"],
      generationKinds: ["MOCK"],
      name: "builtin-generation",
    });
    expect(l?.job.id).toBe(mock);
    expect(l?.job.state).toBe("RUNNING");
    expect(
      await protocol.claim({ tenantId, reasonerTypes: ["GENERATION", "AGENT"], generationKinds: ["MOCK"] }),
    ).toBeNull();
    expect((await jobRow(train)).state).toBe("QUEUED");
    expect((await jobRow(assigned)).state).toBe("PENDING");

    const status = await protocol.heartbeat(l!.token, { rows: 5 }, IN_PROCESS);
    expect(status.cancelRequested).toBe(false);
    expect(await protocol.appendLogs(l!.token, [{ message: "made 10 rows" }], IN_PROCESS)).toBe(1);
    const done = await protocol.complete(l!.token, { rows: 10 }, [], IN_PROCESS);
    expect(done.state).toBe("SUCCEEDED");
    expect(done.chargedCredits).toBe(1);
    expect((await protocol.loadJob(done.jobId)).generation?.chargedCredits).toBe(1);
    const hist = await history(admin, "GENERATION", mock);
    expect(hist.map((s) => s.state)).toEqual(["CREATED", "QUEUED", "RUNNING", "SUCCEEDED"]);
    await expect(protocol.fail(l!.token, { code: "X", message: "late" }, false, IN_PROCESS)).rejects.toMatchObject({
      extensions: { code: "LEASE_LOST" },
    });
  });
});

describe.each(backends)("the server's sweeper on $name", (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_SWEEP_INTERVAL_MS: "20" });
  });
  afterAll(async () => t?.stop());

  it("runs in the background: a job past its timeout fails with TIMEOUT on its own", async () => {
    const job = await createJob(t.admin, "PREDICTIVE", 1, { timeoutMins: 1 });
    await t.server.services.db.query(`update "jobs" set "createdOn" = now() - interval '2 minutes' where "id" = $1`, [
      job.jobId,
    ]);
    const done = await t.admin.request<any>(
      `query($id: ID!) { waitForJob(reasonerType: PREDICTIVE, jobId: $id, timeoutS: 30) { state error { code } } }`,
      { id: job.jobId },
    );
    expect(done.waitForJob).toEqual({ state: "FAILED", error: { code: "TIMEOUT" } });
  });
});

describe.each(backends)("a sweep pass on $name", (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend, NO_BACKGROUND_PASSES);
  });
  afterAll(async () => t?.stop());

  /** The server's database, counting the reads and transactions a pass makes through it. */
  function counted(db: Database) {
    const made = { reads: 0, transactions: 0 };
    const handle = new Proxy(db, {
      get(target, key) {
        if (key === "query")
          return (...args: Parameters<Database["query"]>) => {
            made.reads++;
            return target.query(...args);
          };
        if (key === "transaction")
          return (fn: Parameters<Database["transaction"]>[0]) => {
            made.transactions++;
            return target.transaction(fn);
          };
        const value: unknown = Reflect.get(target, key);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    return { handle, made };
  }

  it("with nothing to do reads once and opens no transaction; with work, sweeps it", async () => {
    const db = t.server.services.db;
    const idle = counted(db);
    expect(await sweep(idle.handle)).toEqual({ requeued: 0, failed: 0, canceled: 0, timedOut: 0 });
    expect(idle.made).toEqual({ reads: 1, transactions: 0 });

    const job = await createJob(t.admin, "PREDICTIVE", 1, { timeoutMins: 1 });
    await db.query(`update "jobs" set "createdOn" = now() - interval '2 minutes' where "id" = $1`, [job.jobId]);
    const busy = counted(db);
    expect(await sweep(busy.handle)).toEqual({ requeued: 0, failed: 0, canceled: 0, timedOut: 1 });
    // The probe, then one transaction for the one kind with work (timeouts), not for the other two.
    expect(busy.made).toEqual({ reads: 1, transactions: 1 });
    const [row] = await db.query<{ state: string; errorCode: string }>(
      `select "state", "errorCode" from "jobs" where "id" = $1`,
      [job.jobId],
    );
    expect(row).toEqual({ state: "FAILED", errorCode: "TIMEOUT" });
  });

  it("finds jobs past their timeout by their deadline in the index, not by walking every job with a timeout", async () => {
    // Scans the planner could prefer on a small table are off: what is left shows whether the
    // deadline the pass compares is the expression "jobs_timeout_idx" holds.
    const plan = await t.server.services.db.transaction(async (tx) => {
      await tx.query("set local enable_seqscan = off");
      await tx.query("set local enable_bitmapscan = off");
      return tx.query<{ "QUERY PLAN": string }>(`explain ${TIMEOUT_PASS}`, [100]);
    });
    const text = plan.map((row) => row["QUERY PLAN"]).join("\n");
    expect(text).toContain("jobs_timeout_idx");
    expect(text).toMatch(/Index Cond: .*make_interval/);
  });
});
