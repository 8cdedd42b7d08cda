// The core API as a client written against contract.graphql uses it, on PGlite and PostgreSQL.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import {
  createJob,
  createJobInput,
  JOB_FIELDS,
  REASONER_TYPES,
  type CreatedJob,
  type ReasonerType,
} from "../helpers/fixtures.ts";
import { startTestServer, type GraphQLClient, type TestServer } from "../helpers/server.ts";
import { agentWorker } from "../live/driver.ts";

describe.each(backends)("jobs API on $name", (backend) => {
  let t: TestServer;
  let admin: GraphQLClient;
  beforeAll(async () => {
    t = await startTestServer(backend);
    admin = t.admin;
  });
  afterAll(async () => t?.stop());

  async function memberKey(userId: string, email?: string): Promise<GraphQLClient> {
    const data = await admin.request<{ createApiKey: { secret: string } }>(
      `mutation($u: String!, $e: String) { createApiKey(userId: $u, email: $e, role: MEMBER) { secret apiKey { prefix role userId } } }`,
      { u: userId, e: email ?? null },
    );
    return t.client(data.createApiKey.secret);
  }

  it("creates a job of every reasoner type and reads each by job and by node", async () => {
    for (const type of REASONER_TYPES) {
      const job = await createJob(admin, type, 1);
      expect(job.reasonerType).toBe(type);
      expect(job.createdBy).toBe("admin");
      const byKey = await admin.request<{ job: CreatedJob }>(
        `query($t: ReasonerType!, $id: ID!) { job(reasonerType: $t, jobId: $id) { ${JOB_FIELDS} statusHistory { state nativeState } } }`,
        {
          t: type,
          id: job.jobId,
        },
      );
      expect(byKey.job.id).toBe(job.id);
      expect((byKey.job.statusHistory as { state: string }[]).at(-1)?.state).toBe(job.state);
      const byNode = await admin.request<{ node: CreatedJob }>(
        `query($id: ID!) { node(id: $id) { id ... on Job { jobId reasonerType state } } }`,
        { id: job.id },
      );
      expect(byNode.node).toMatchObject({ id: job.id, jobId: job.jobId, reasonerType: type });
    }
  });

  it("maps each family's own words onto JobState", async () => {
    const expected: Record<ReasonerType, [string, string]> = {
      LOGIC: ["QUEUED", "QUEUED"],
      PRESCRIPTIVE: ["QUEUED", "QUEUED"],
      PREDICTIVE: ["QUEUED", "QUEUED"],
      AGENT: ["PENDING", "PENDING"],
      GENERATION: ["QUEUED", "queued"],
      BATCH: ["PENDING", "pending"],
    };
    for (const type of REASONER_TYPES) {
      const job = await createJob(admin, type, 2);
      expect([job.state, job.nativeState]).toEqual(expected[type]);
    }
  });

  it("pages through all jobs four at a time across families, newest first, without gap or repeat while jobs are created", async () => {
    const client = await memberKey("pager");
    const made: string[] = [];
    for (let i = 0; i < 10; i++) made.push((await createJob(client, REASONER_TYPES[i % 6]!, i)).jobId);
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const data: {
        jobs: {
          totalCount: number;
          edges: { cursor: string; node: { jobId: string; createdOn: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      } = await client.request(
        `query($after: String) { jobs(first: 4, after: $after) { totalCount edges { cursor node { jobId createdOn } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      seen.push(...data.jobs.edges.map((e) => e.node.jobId));
      pages++;
      // Jobs created between pages are newer than the cursor: they must not show up later.
      if (pages === 1) await createJob(client, "LOGIC", 99);
      if (!data.jobs.pageInfo.hasNextPage) break;
      after = data.jobs.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...made].reverse());
    const total = await client.request<{ jobs: { totalCount: number } }>(`{ jobs(first: 1) { totalCount } }`);
    expect(total.jobs.totalCount).toBe(11);
  });

  it("filters by reasonerType, jobId, state, name, createdBy and onlyActive", async () => {
    const client = await memberKey("filterer");
    const a = await createJob(client, "PREDICTIVE", 1, { name: "needle" });
    const b = await createJob(client, "PREDICTIVE", 2);
    const c = await createJob(client, "LOGIC", 3);
    await client.request(`mutation($id: ID!) { cancelJob(reasonerType: PREDICTIVE, jobId: $id) { state } }`, {
      id: b.jobId,
    });
    const ids = async (filter: Record<string, unknown>) =>
      (
        await client.request<{ jobs: { edges: { node: { jobId: string } }[] } }>(
          `query($f: JobFilter) { jobs(filter: $f) { edges { node { jobId } } } }`,
          { f: filter },
        )
      ).jobs.edges.map((e) => e.node.jobId);
    expect(await ids({ reasonerType: "PREDICTIVE" })).toEqual([b.jobId, a.jobId]);
    expect(await ids({ jobId: c.jobId })).toEqual([c.jobId]);
    expect(await ids({ state: "CANCELED" })).toEqual([b.jobId]);
    expect(await ids({ name: "needle" })).toEqual([a.jobId]);
    expect(await ids({ createdBy: "filterer" })).toEqual([c.jobId, b.jobId, a.jobId]);
    expect(await ids({ createdBy: "somebody-else" })).toEqual([]);
    expect(await ids({ onlyActive: true })).toEqual([c.jobId, a.jobId]);
    expect(await ids({ jobId: "not-a-uuid" })).toEqual([]);
  });

  it("cancels queued jobs at once, in each family's words; allUsers only for LOGIC and admins", async () => {
    const member = await memberKey("canceler");
    const logic = await createJob(member, "LOGIC", 1);
    const canceled = await member.request<{
      cancelJob: {
        state: string;
        nativeState: string;
        abortReason: string | null;
        error: { message: string } | null;
        statusHistory: { state: string; message: string | null }[];
      };
    }>(
      `mutation($id: ID!) { cancelJob(reasonerType: LOGIC, jobId: $id) { state nativeState error { message } ... on Transaction { abortReason } statusHistory { state message } } }`,
      { id: logic.jobId },
    );
    expect(canceled.cancelJob).toMatchObject({ state: "CANCELED", nativeState: "ABORTED", abortReason: "canceled" });
    expect(canceled.cancelJob.statusHistory.map((s) => s.state)).toEqual(["CREATED", "QUEUED", "CANCELED"]);
    // A user's own cancel names them (a batch's cancel of its child says why instead: batch.test.ts).
    expect(canceled.cancelJob.error?.message).toBe("canceled by canceler");
    expect(canceled.cancelJob.statusHistory.at(-1)?.message).toBe("canceled before it started");
    // Again: harmless, still canceled.
    const again = await member.request<{ cancelJob: { state: string } }>(
      `mutation($id: ID!) { cancelJob(reasonerType: LOGIC, jobId: $id) { state } }`,
      { id: logic.jobId },
    );
    expect(again.cancelJob.state).toBe("CANCELED");

    const gen = await createJob(member, "GENERATION", 1);
    const notLogic = await admin.raw(
      `mutation($id: ID!) { cancelJob(reasonerType: GENERATION, jobId: $id, allUsers: true) { state } }`,
      { id: gen.jobId },
    );
    expect(notLogic.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const other = await createJob(admin, "LOGIC", 5);
    const notAdmin = await member.raw(
      `mutation($id: ID!) { cancelJob(reasonerType: LOGIC, jobId: $id, allUsers: true) { state } }`,
      { id: other.jobId },
    );
    expect(notAdmin.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const memberCannotSee = await member.raw(
      `mutation($id: ID!) { cancelJob(reasonerType: LOGIC, jobId: $id) { state } }`,
      { id: other.jobId },
    );
    expect(memberCannotSee.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const adminAll = await admin.request<{ cancelJob: { state: string } }>(
      `mutation($id: ID!) { cancelJob(reasonerType: LOGIC, jobId: $id, allUsers: true) { state } }`,
      {
        id: (await createJob(member, "LOGIC", 6)).jobId,
      },
    );
    expect(adminAll.cancelJob.state).toBe("CANCELED");
  });

  it("waitForJob blocks until terminal and ends with JOB_TIMEOUT otherwise; createJobReady too", async () => {
    const job = await createJob(admin, "PRESCRIPTIVE", 7);
    const timedOut = await admin.raw(
      `query($id: ID!) { waitForJob(reasonerType: PRESCRIPTIVE, jobId: $id, timeoutS: 0.3) { state } }`,
      { id: job.jobId },
    );
    expect(timedOut.errors?.[0]?.extensions?.code).toBe("JOB_TIMEOUT");

    const waiting = admin.request<{ waitForJob: { state: string; operation: { done: boolean } } }>(
      `query($id: ID!) { waitForJob(reasonerType: PRESCRIPTIVE, jobId: $id, timeoutS: 30) { state operation { done } } }`,
      { id: job.jobId },
    );
    await admin.request(`mutation($id: ID!) { cancelJob(reasonerType: PRESCRIPTIVE, jobId: $id) { state } }`, {
      id: job.jobId,
    });
    expect((await waiting).waitForJob).toEqual({ state: "CANCELED", operation: { done: true } });

    const ready = await admin.raw(
      `mutation($input: CreateJobInput!) { createJobReady(input: $input, timeoutS: 0.2) { state } }`,
      { input: createJobInput("LOGIC", 8) },
    );
    expect(ready.errors?.[0]?.extensions?.code).toBe("JOB_TIMEOUT");
    const tooLong = await admin.raw(
      `query($id: ID!) { waitForJob(reasonerType: PRESCRIPTIVE, jobId: $id, timeoutS: 100000) { state } }`,
      { id: job.jobId },
    );
    expect(tooLong.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");

    // A wait the server refuses is refused before the job is made: no job is left behind.
    const named = `refused-wait-${Date.now()}`;
    for (const timeoutS of [100000, -1]) {
      const refused = await admin.raw(
        `mutation($input: CreateJobInput!, $t: Float) { createJobReady(input: $input, timeoutS: $t) { state } }`,
        { input: { ...createJobInput("LOGIC", 9), name: named }, t: timeoutS },
      );
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "timeoutS" });
    }
    const left = await admin.request<{ jobs: { edges: { node: { name: string | null } }[] } }>(
      `{ jobs(first: 100) { edges { node { name } } } }`,
    );
    expect(left.jobs.edges.filter((e) => e.node.name === named)).toEqual([]);
  });

  it("nameContains lists and counts the jobs whose name holds the text, in any case, % and _ as plain characters", async () => {
    const client = await memberKey("name-search");
    const names = ["Gen-OK", "nightly gen_2", "other", "100% done", "genXdone"];
    const ids: Record<string, string> = {};
    for (const [n, name] of names.entries())
      ids[name] = (await createJob(client, "PREDICTIVE", 900 + n, { name })).jobId;
    const found = async (text: string) => {
      const page = await client.request<{ jobs: { totalCount: number; edges: { node: { jobId: string } }[] } }>(
        `query($t: String) { jobs(filter: { nameContains: $t }) { totalCount edges { node { jobId } } } }`,
        { t: text },
      );
      expect(page.jobs.totalCount).toBe(page.jobs.edges.length);
      return new Set(page.jobs.edges.map((e) => e.node.jobId));
    };
    const of = (...shown: string[]) => new Set(shown.map((n) => ids[n]));
    expect(await found("gen")).toEqual(of("Gen-OK", "nightly gen_2", "genXdone"));
    expect(await found("GEN_")).toEqual(of("nightly gen_2"));
    expect(await found("%")).toEqual(of("100% done"));
    expect(await found("no such text")).toEqual(new Set());
    // Empty: no filter.
    expect((await found("")).size).toBe(names.length);
  });

  it("an idempotency key returns the first job for the same caller, and refuses a different request", async () => {
    const input = createJobInput("PREDICTIVE", 1, { idempotencyKey: "key-1" });
    const q = `mutation($input: CreateJobInput!) { createJob(input: $input) { job { jobId } } }`;
    const [a, b] = await Promise.all([admin.request<any>(q, { input }), admin.request<any>(q, { input })]);
    expect(a.createJob.job.jobId).toBe(b.createJob.job.jobId);
    const other = await memberKey("idem");
    const c = await other.request<any>(q, { input });
    expect(c.createJob.job.jobId).not.toBe(a.createJob.job.jobId);
    const changed = await admin.raw(q, { input: { ...input, payload: { different: true } } });
    expect(changed.errors?.[0]?.extensions?.code).toBe("CONFLICT");
  });

  it("an idempotency key matches the same request with payload keys reordered or absent fields spelled null", async () => {
    const q = `mutation($input: CreateJobInput!) { createJob(input: $input) { job { jobId } } }`;
    const jobIdOf = async (input: Record<string, unknown>) =>
      (await admin.request<{ createJob: { job: { jobId: string } } }>(q, { input })).createJob.job.jobId;
    const base = { reasonerType: "PREDICTIVE", reasonerName: "default", idempotencyKey: "key-canonical" };
    const first = await jobIdOf({ ...base, payload: { a: 1, b: [1, 2], c: { x: 1, y: 2 } } });
    expect(await jobIdOf({ ...base, payload: { c: { y: 2, x: 1 }, b: [1, 2], a: 1 } })).toBe(first);
    expect(
      await jobIdOf({ ...base, payload: { a: 1, b: [1, 2], c: { x: 1, y: 2 } }, name: null, timeoutMins: null }),
    ).toBe(first);
    // Order within an array, and nulls inside the payload, still make a different request.
    for (const payload of [
      { a: 1, b: [2, 1], c: { x: 1, y: 2 } },
      { a: 1, b: [1, 2], c: { x: 1, y: 2 }, d: null },
    ]) {
      expect((await admin.raw(q, { input: { ...base, payload } })).errors?.[0]?.extensions?.code).toBe("CONFLICT");
    }
  });

  it("a key stored with the fingerprint of the raw request still matches its own retry", async () => {
    const q = `mutation($input: CreateJobInput!) { createJob(input: $input) { job { jobId } } }`;
    // In CreateJobInput's field order (the schema's, sorted by name), as the server receives it.
    const input = {
      idempotencyKey: "key-raw",
      payload: { b: 1, a: 2 },
      reasonerName: "default",
      reasonerType: "PREDICTIVE",
    };
    const first = (await admin.request<any>(q, { input })).createJob.job.jobId;
    const raw = createHash("sha256")
      .update(JSON.stringify({ createJob: input }))
      .digest("hex");
    await t.server.services.db.query(`update "idempotency_keys" set "requestHash" = $1 where "key" = 'key-raw'`, [raw]);
    expect((await admin.request<any>(q, { input })).createJob.job.jobId).toBe(first);
    const other = { ...input, payload: { b: 1, a: 3 } };
    expect((await admin.raw(q, { input: other })).errors?.[0]?.extensions?.code).toBe("CONFLICT");
  });

  it("typed creators validate their input with BAD_USER_INPUT naming the field", async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [
        `mutation($i: CreateGenerationJobInput!) { createGenerationJob(input: $i) { job { id } } }`,
        { i: { kind: "MOCK" } },
        "input.rows",
      ],
      [
        `mutation($i: CreateGenerationJobInput!) { createGenerationJob(input: $i) { job { id } } }`,
        { i: { kind: "MOCK", rows: -1 } },
        "input.rows",
      ],
      [
        `mutation($i: AddAgentJobInput!) { addAgentJob(input: $i) { job { id } } }`,
        { i: { functionName: "" } },
        "input.functionName",
      ],
      [
        `mutation($i: AddAgentJobInput!) { addAgentJob(input: $i) { job { id } } }`,
        { i: { functionName: "x".repeat(256) } },
        "input.functionName",
      ],
      [
        `mutation($i: RunBatchJobInput!) { runBatchJob(input: $i) { job { id } } }`,
        { i: { name: "b", steps: [] } },
        "input.steps",
      ],
      [
        `mutation($i: RunBatchJobInput!) { runBatchJob(input: $i) { job { id } } }`,
        { i: { name: "b", steps: [{ name: "s", run: { reasonerType: "NOPE" } }] } },
        "input.steps.0.run.reasonerType",
      ],
      [
        `mutation($i: CreateJobInput!) { createJob(input: $i) { job { id } } }`,
        { i: { reasonerType: "LOGIC", reasonerName: "e", payload: [1, 2] } },
        "input.payload",
      ],
      [
        `mutation($i: CreateJobInput!) { createJob(input: $i) { job { id } } }`,
        { i: { reasonerType: "LOGIC", reasonerName: "e", payload: {}, timeoutMins: 0 } },
        "input.timeoutMins",
      ],
      [
        `mutation($i: CreateJobInput!) { createJob(input: $i) { job { id } } }`,
        {
          i: {
            reasonerType: "AGENT",
            reasonerName: "agents",
            payload: { functionName: "f", assignedAgentId: "bogus" },
          },
        },
        "input.payload.assignedAgentId",
      ],
      [
        `mutation($i: AddAgentJobInput!) { addAgentJob(input: $i) { job { id } } }`,
        { i: { functionName: "f", assignedAgentPoolId: "no-pool" } },
        "input.assignedAgentPoolId",
      ],
    ];
    for (const [query, variables, field] of cases) {
      const res = await admin.raw(query, variables);
      expect(res.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe("BAD_USER_INPUT");
      expect(res.errors?.[0]?.extensions?.field ?? res.errors?.[0]?.message).toContain(field);
    }
    // A missing field is said to be required, and what it takes, not "received undefined".
    const missing = async (payload: Record<string, unknown>) =>
      (
        await admin.raw(`mutation($i: CreateJobInput!) { createJob(input: $i) { job { id } } }`, {
          i: { reasonerType: "BATCH", reasonerName: "batch", payload },
        })
      ).errors?.[0]?.message;
    const step = { name: "s", run: { reasonerType: "LOGIC", payload: {} } };
    expect(await missing({ steps: [step] })).toBe("input.payload.name: is required (a string)");
    expect(await missing({ name: "b" })).toBe("input.payload.steps: is required (a list)");
    const count = await admin.request<{ jobs: { totalCount: number } }>(
      `{ jobs(filter: { allUsers: true }) { totalCount } }`,
    );
    const again = await admin.raw(cases[0]![0], cases[0]![1]);
    expect(again.errors).toBeDefined();
    expect(
      (await admin.request<{ jobs: { totalCount: number } }>(`{ jobs(filter: { allUsers: true }) { totalCount } }`))
        .jobs.totalCount,
    ).toBe(count.jobs.totalCount);
  });

  it("typed creators make jobs with their family's fields", async () => {
    const gen = await admin.request<any>(
      `mutation { createGenerationJob(input: { kind: MOCK, rows: 2500000, seed: 42, planTier: ENTERPRISE }) { job { ... on GenerationJob { kind rows seed queue planTier estimatedCredits chargedCredits rerunOf { id } evidence { rootHash } seal { id } } } } }`,
    );
    expect(gen.createGenerationJob.job).toEqual({
      kind: "MOCK",
      rows: 2500000,
      seed: 42,
      queue: "default",
      planTier: "ENTERPRISE",
      estimatedCredits: 3,
      chargedCredits: 0,
      rerunOf: null,
      evidence: null,
      seal: null,
    });
    const small = await admin.request<any>(
      `mutation { createGenerationJob(input: { kind: MOCK, rows: 100 }) { job { ... on GenerationJob { queue planTier seed } } } }`,
    );
    expect(small.createGenerationJob.job).toMatchObject({ queue: "interactive", planTier: "STANDARD" });
    expect(Number.isInteger(small.createGenerationJob.job.seed)).toBe(true);
    const free = await admin.request<any>(
      `mutation { createGenerationJob(input: { kind: TRAIN, rows: 100, planTier: FREE }) { job { ... on GenerationJob { queue } } } }`,
    );
    expect(free.createGenerationJob.job.queue).toBe("free");

    const batch = await admin.request<any>(
      `mutation { runBatchJob(input: { name: "pipe", region: "eu", instanceType: "small", metadata: { a: 1 }, steps: [
         { name: "make", run: { reasonerType: "GENERATION", payload: { kind: "MOCK", rows: 10 } } },
         { name: "check", run: { reasonerType: "GENERATION", payload: { kind: "ANALYZE", spec: { input: "$steps.make.artifacts[0]" } } }, ignoreChunkError: true }
       ] }) { job { name state ... on BatchJob { region instanceType metadata steps { name state ignoreChunkError } } } } }`,
    );
    expect(batch.runBatchJob.job).toMatchObject({
      name: "pipe",
      state: "PENDING",
      region: "eu",
      instanceType: "small",
      metadata: { a: 1 },
      steps: [
        { name: "make", state: "PENDING", ignoreChunkError: false },
        { name: "check", state: "PENDING", ignoreChunkError: true },
      ],
    });

    // Only a finished job is rerun: this one is canceled first (no executors run here).
    const original = (
      await admin.request<any>(
        `mutation { createGenerationJob(input: { kind: MOCK, rows: 10, seed: 7 }) { job { jobId } } }`,
      )
    ).createGenerationJob.job.jobId;
    const early = await admin.raw(`mutation($id: ID!) { rerunJob(jobId: $id) { job { jobId } } }`, { id: original });
    expect(early.errors?.[0]?.extensions).toMatchObject({ code: "INVALID_TRANSITION", state: "QUEUED" });
    await admin.request(`mutation($id: ID!) { cancelJob(reasonerType: GENERATION, jobId: $id) { state } }`, {
      id: original,
    });
    const rerun = await admin.request<any>(
      `mutation($id: ID!) { rerunJob(jobId: $id) { job { ... on GenerationJob { seed rows kind rerunOf { jobId } } } } }`,
      { id: original },
    );
    expect(rerun.rerunJob.job).toMatchObject({ seed: 7, rows: 10, kind: "MOCK" });
    expect(rerun.rerunJob.job.rerunOf.jobId).toBe(original);
    // Lineage is rerunJob's to record: a create that names a job it "reruns" claims nothing.
    const claimed = await admin.request<any>(
      `mutation($p: JSON!) { createJob(input: { reasonerType: GENERATION, reasonerName: "x", payload: $p }) { job { ... on GenerationJob { rerunOf { jobId } } } } }`,
      { p: { kind: "MOCK", rows: 2, seed: 1, rerunOfId: original } },
    );
    expect(claimed.createJob.job.rerunOf).toBeNull();
  });

  it("estimates credits at 1 per million rows, rounded up, plus a GPU training tier for kinds that train", async () => {
    const e = async (rows: number, kind = "MOCK") =>
      (
        await admin.request<any>(
          `query($k: GenerationKind!, $r: Int!) { estimateCredits(kind: $k, rows: $r) { kind rows estimatedCredits trainingTier } }`,
          { k: kind, r: rows },
        )
      ).estimateCredits;
    expect(await e(1)).toEqual({ kind: "MOCK", rows: 1, estimatedCredits: 1, trainingTier: null });
    expect((await e(1_000_000)).estimatedCredits).toBe(1);
    expect((await e(1_000_001)).estimatedCredits).toBe(2);
    expect((await e(0)).estimatedCredits).toBe(0);
    // RadMah: training is priced by tier (GPU-S/M/L by rows), shown before submission.
    expect(await e(1, "TRAIN")).toEqual({ kind: "TRAIN", rows: 1, estimatedCredits: 3, trainingTier: "GPU-S" });
    expect(await e(100_001, "SYNTHESIZE")).toEqual({
      kind: "SYNTHESIZE",
      rows: 100_001,
      estimatedCredits: 11,
      trainingTier: "GPU-M",
    });
    expect(await e(20_000_000, "TRAIN")).toEqual({
      kind: "TRAIN",
      rows: 20_000_000,
      estimatedCredits: 70,
      trainingTier: "GPU-L",
    });
    expect((await e(100_000, "ANALYZE")).trainingTier).toBeNull();
    // The job is charged what was shown.
    const synth = await admin.request<any>(
      `mutation { createGenerationJob(input: { kind: SYNTHESIZE, rows: 100001 }) { job { ... on GenerationJob { estimatedCredits queue } } } }`,
    );
    expect(synth.createGenerationJob.job).toEqual({ estimatedCredits: 11, queue: "default" });
    const bad = await admin.raw(`{ estimateCredits(kind: MOCK, rows: -5) { estimatedCredits } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("agent jobs: comments, archive and restore with history, file metadata, access by subject id or email", async () => {
    const owner = await memberKey("owner-1", "owner@example.com");
    // Emails are matched whatever their case: stored lower-cased, looked up so.
    const friend = await memberKey("friend-1", "Friend@Example.com");
    const stranger = await memberKey("stranger-1");
    // An assignment must name a pool that exists: one agent registers in it.
    await admin.request(
      `mutation { registerWorker(input: { name: "pool-1 agent", reasonerTypes: [AGENT], poolId: "pool-1" }) { id } }`,
    );
    const created = await owner.request<any>(
      `mutation { addAgentJob(input: { functionName: "mesh", toolName: "cad", displayName: "Part", description: "a part", assignedAgentPoolId: "pool-1" }) { job { jobId reasonerName ... on AgentJob { file { displayName description } access { subjectId relation } } } } }`,
    );
    const jobId = created.addAgentJob.job.jobId;
    expect(created.addAgentJob.job.reasonerName).toBe("pool-1");
    expect(created.addAgentJob.job.file).toEqual({ displayName: "Part", description: "a part" });
    expect(created.addAgentJob.job.access).toEqual([{ subjectId: "owner-1", relation: "OWNER" }]);

    const readAs = (c: GraphQLClient) =>
      c.raw<any>(`query($id: ID!) { job(reasonerType: AGENT, jobId: $id) { jobId } }`, { id: jobId });
    expect((await readAs(friend)).data?.job).toBeNull();

    const grant = await owner.request<any>(
      `mutation($id: ID!) { createJobAccess(jobId: $id, email: "FRIEND@EXAMPLE.COM", relation: VIEWER) { subjectId email relation } }`,
      { id: jobId },
    );
    expect(grant.createJobAccess).toEqual({ subjectId: "friend-1", email: "friend@example.com", relation: "VIEWER" });
    expect((await readAs(friend)).data?.job?.jobId).toBe(jobId);
    const viewerComment = await friend.raw(`mutation($id: ID!) { addJobComment(jobId: $id, content: "hi") { id } }`, {
      id: jobId,
    });
    expect(viewerComment.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    await owner.request(
      `mutation($id: ID!) { updateJobAccess(jobId: $id, subjectId: "friend-1", relation: EDITOR) { relation } }`,
      { id: jobId },
    );
    const comment = await friend.request<any>(
      `mutation($id: ID!) { addJobComment(jobId: $id, content: "looks good") { content createdById } }`,
      { id: jobId },
    );
    expect(comment.addJobComment).toEqual({ content: "looks good", createdById: "friend-1" });
    expect(
      (await stranger.raw(`mutation($id: ID!) { addJobComment(jobId: $id, content: "x") { id } }`, { id: jobId }))
        .errors?.[0]?.extensions?.code,
    ).toBe("NOT_FOUND");

    await owner.request(`mutation($id: ID!) { archiveJob(jobId: $id, reason: "done") { archiveStatus } }`, {
      id: jobId,
    });
    await owner.request(`mutation($id: ID!) { archiveJob(jobId: $id, reason: "again") { archiveStatus } }`, {
      id: jobId,
    });
    const restored = await owner.request<any>(
      `mutation($id: ID!) { restoreJob(jobId: $id, reason: "oops") { archiveStatus archiveStatusHistory { status reason createdById } } }`,
      { id: jobId },
    );
    expect(restored.restoreJob).toEqual({
      archiveStatus: "ACTIVE",
      archiveStatusHistory: [
        { status: "ARCHIVED", reason: "done", createdById: "owner-1" },
        { status: "ACTIVE", reason: "oops", createdById: "owner-1" },
      ],
    });

    const file = await friend.request<any>(
      `mutation($id: ID!) { updateJobFile(jobId: $id, input: { versionName: "v2", properties: { units: "mm" } }) { file { displayName versionName properties revision { id } revisions { id } } } }`,
      { id: jobId },
    );
    expect(file.updateJobFile.file).toEqual({
      displayName: "Part",
      versionName: "v2",
      properties: { units: "mm" },
      revision: null,
      revisions: [],
    });
    const tooLong = await owner.raw(
      `mutation($id: ID!, $v: String) { updateJobFile(jobId: $id, input: { versionName: $v }) { jobId } }`,
      { id: jobId, v: "v".repeat(256) },
    );
    expect(tooLong.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");

    // A user stored before emails were lower-cased is still found.
    await memberKey("legacy-1");
    await t.server.services.db.query(`update "users" set "email" = 'Legacy@Example.com' where "userId" = 'legacy-1'`);
    const legacy = await owner.request<any>(
      `mutation($id: ID!) { createJobAccess(jobId: $id, email: "legacy@example.COM", relation: VIEWER) { subjectId email } }`,
      { id: jobId },
    );
    expect(legacy.createJobAccess).toEqual({ subjectId: "legacy-1", email: "legacy@example.com" });
    await owner.request(`mutation($id: ID!) { removeJobAccess(jobId: $id, subjectId: "legacy-1") }`, { id: jobId });
    expect(
      (
        await owner.raw(
          `mutation($id: ID!) { createJobAccess(jobId: $id, email: "nobody@example.com", relation: VIEWER) { subjectId } }`,
          { id: jobId },
        )
      ).errors?.[0]?.extensions?.code,
    ).toBe("NOT_FOUND");
    expect(
      (
        await owner.raw(
          `mutation($id: ID!) { createJobAccess(jobId: $id, subjectId: "friend-1", relation: VIEWER) { subjectId } }`,
          { id: jobId },
        )
      ).errors?.[0]?.extensions?.code,
    ).toBe("CONFLICT");
    expect(
      (await friend.raw(`mutation($id: ID!) { removeJobAccess(jobId: $id, subjectId: "owner-1") }`, { id: jobId }))
        .errors?.[0]?.extensions?.code,
    ).toBe("FORBIDDEN");
    // The creator owns the job by having made it: their grant cannot be removed or lowered, by
    // themselves or by another OWNER, rather than answering as if their rights had changed.
    expect(
      (await owner.raw(`mutation($id: ID!) { removeJobAccess(jobId: $id, subjectId: "owner-1") }`, { id: jobId }))
        .errors?.[0]?.extensions,
    ).toMatchObject({ code: "BAD_USER_INPUT", field: "subjectId" });
    await owner.request(
      `mutation($id: ID!) { updateJobAccess(jobId: $id, subjectId: "friend-1", relation: OWNER) { relation } }`,
      {
        id: jobId,
      },
    );
    for (const change of [
      `removeJobAccess(jobId: $id, subjectId: "owner-1")`,
      `updateJobAccess(jobId: $id, subjectId: "owner-1", relation: VIEWER) { relation }`,
    ])
      expect(
        (await friend.raw(`mutation($id: ID!) { ${change} }`, { id: jobId })).errors?.[0]?.extensions,
      ).toMatchObject({
        code: "BAD_USER_INPUT",
        field: "subjectId",
      });
    await owner.request(
      `mutation($id: ID!) { updateJobAccess(jobId: $id, subjectId: "friend-1", relation: EDITOR) { relation } }`,
      {
        id: jobId,
      },
    );
    expect(
      (
        await owner.request<any>(`mutation($id: ID!) { removeJobAccess(jobId: $id, subjectId: "friend-1") }`, {
          id: jobId,
        })
      ).removeJobAccess,
    ).toBe(true);
    expect(
      (
        await owner.request<any>(`mutation($id: ID!) { removeJobAccess(jobId: $id, subjectId: "friend-1") }`, {
          id: jobId,
        })
      ).removeJobAccess,
    ).toBe(false);
    expect((await readAs(friend)).data?.job).toBeNull();

    const full = await owner.request<any>(
      `query($id: ID!) { job(reasonerType: AGENT, jobId: $id) { ... on AgentJob { comments { content } access { subjectId } function { name toolName } } } }`,
      { id: jobId },
    );
    expect(full.job).toEqual({
      comments: [{ content: "looks good" }],
      access: [{ subjectId: "owner-1" }],
      function: { name: "mesh", toolName: "cad" },
    });
  });

  it("createJob queues an agent job assigned to a pool in the pool's queue, whatever reasonerName says", async () => {
    const agent = await agentWorker(admin, "iso");
    const created = await admin.request<{ createJob: { job: { jobId: string; reasonerName: string } } }>(
      `mutation { createJob(input: { reasonerType: AGENT, reasonerName: "agents", payload: { functionName: "f", assignedAgentPoolId: "iso" } }) { job { jobId reasonerName } } }`,
    );
    expect(created.createJob.job.reasonerName).toBe("iso");
    expect((await agent.claim()).jobId).toBe(created.createJob.job.jobId);
  });

  it("authenticates every request: keys hashed, revocable; viewer, tenants and keys", async () => {
    const none = await t.client("").raw(`{ viewer { userId } }`);
    expect(none.status).toBe(401);
    expect(none.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await t.client("jobs_wrong").raw(`{ viewer { userId } }`)).errors?.[0]?.extensions?.code).toBe(
      "UNAUTHENTICATED",
    );
    expect((await admin.request<any>(`{ viewer { userId role tenantId } }`)).viewer).toMatchObject({
      userId: "admin",
      role: "ADMIN",
    });

    const tenant = await admin.request<any>(`mutation { createTenant(name: "acme") { id name } }`);
    const otherAdmin = await admin.request<any>(
      `mutation($t: ID!) { createApiKey(userId: "boss", role: ADMIN, tenantId: $t) { secret apiKey { id prefix tenantId role } } }`,
      { t: tenant.createTenant.id },
    );
    const secret: string = otherAdmin.createApiKey.secret;
    expect(secret.startsWith(otherAdmin.createApiKey.apiKey.prefix)).toBe(true);
    const boss = t.client(secret);
    expect((await boss.request<any>(`{ viewer { tenantId role } }`)).viewer).toEqual({
      tenantId: tenant.createTenant.id,
      role: "ADMIN",
    });
    expect((await boss.raw(`mutation { createTenant(name: "nope") { id } }`)).errors?.[0]?.extensions?.code).toBe(
      "FORBIDDEN",
    );

    // The other tenant's admin cannot see this tenant's jobs.
    const mine = await createJob(admin, "LOGIC", 42);
    expect(
      (await boss.request<any>(`query($id: ID!) { job(reasonerType: LOGIC, jobId: $id) { id } }`, { id: mine.jobId }))
        .job,
    ).toBeNull();
    expect((await boss.request<any>(`query($id: ID!) { node(id: $id) { id } }`, { id: mine.id })).node).toBeNull();

    const member = await memberKey("member-x");
    expect((await member.raw(`mutation { createApiKey(userId: "y") { secret } }`)).errors?.[0]?.extensions?.code).toBe(
      "FORBIDDEN",
    );
    const revoked = await admin.request<any>(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedOn } }`, {
      id: otherAdmin.createApiKey.apiKey.id,
    });
    expect(revoked.revokeApiKey.revokedOn).toBeTruthy();
    // Revoking twice is harmless; a member cannot revoke an admin's key, and it reads as not found.
    const again = await admin.request<any>(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedOn } }`, {
      id: otherAdmin.createApiKey.apiKey.id,
    });
    expect(again.revokeApiKey.revokedOn).toBe(revoked.revokeApiKey.revokedOn);
    expect(
      (
        await member.raw(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedOn } }`, {
          id: otherAdmin.createApiKey.apiKey.id,
        })
      ).errors?.[0]?.extensions?.code,
    ).toBe("NOT_FOUND");
    expect((await boss.raw(`{ viewer { userId } }`)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

    const stored = await t.server.services.db.query<{ secretHash: string }>(`select "secretHash" from "api_keys"`);
    expect(stored.some((r) => r.secretHash.includes(secret) || secret.includes(r.secretHash))).toBe(false);
  });

  it("members see their own jobs and not others'", async () => {
    const alice = await memberKey("alice");
    const bob = await memberKey("bob");
    const a = await createJob(alice, "PREDICTIVE", 1);
    expect(
      (await bob.request<any>(`query($id: ID!) { job(reasonerType: PREDICTIVE, jobId: $id) { id } }`, { id: a.jobId }))
        .job,
    ).toBeNull();
    const listed = await bob.request<any>(`{ jobs { edges { node { createdBy } } } }`);
    expect(listed.jobs.edges.every((e: any) => e.node.createdBy === "bob")).toBe(true);
    expect((await bob.raw(`{ jobs(filter: { allUsers: true }) { totalCount } }`)).errors?.[0]?.extensions?.code).toBe(
      "FORBIDDEN",
    );
    const all = await admin.request<any>(`{ jobs(filter: { allUsers: true, createdBy: "alice" }) { totalCount } }`);
    expect(all.jobs.totalCount).toBe(1);
  });

  it("bad input gets clear errors, never internals", async () => {
    const bad = await admin.raw(`{ job(reasonerType: LOGIC, jobId: "x") { id } }`);
    expect(bad.data?.job).toBeNull();
    const parse = await admin.raw(`{ jobs( }`);
    expect(parse.errors?.[0]?.extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
    const badCursor = await admin.raw(`{ jobs(after: "garbage!") { totalCount } }`);
    expect(badCursor.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const tooMany = await admin.raw(`{ jobs(first: 501) { totalCount } }`);
    expect(tooMany.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const badNode = await admin.raw(`{ node(id: "bm9wZQ==") { id } }`);
    expect(JSON.stringify(badNode)).not.toMatch(/at .*\.ts:\d+|stack|prisma/i);
    const badEvents = await admin.raw(
      `query($id: ID!) { job(reasonerType: LOGIC, jobId: $id) { events(after: "zz") { edges { cursor } } } }`,
      { id: (await createJob(admin, "LOGIC")).jobId },
    );
    expect(badEvents.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});
