// What a user migrating from each seed system does, working their way, through GraphQL (and the SDK
// where that user would use it), on PGlite and PostgreSQL: RelationalAI's list(offset) and
// cancel(all_users) and problems, Istari's agent reassignment, filters, updatedOn and partial file
// updates, Fused's raw log subscription, RadMah's kind-less create, queues and top-level artifacts,
// and the rules that hold everywhere.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobsClient } from "@jobs-api/client/node";
import { backends } from "../helpers/backends.ts";
import { createKey } from "../helpers/fixtures.ts";
import { ADMIN_KEY, startTestServer, type GraphQLClient, type TestServer } from "../helpers/server.ts";
import { liveClient } from "../live/ws-client.ts";

const REGISTER = `mutation($i: RegisterWorkerInput!) { registerWorker(input: $i) { id } }`;
const CLAIM = `mutation($w: ID!) { claimJob(workerId: $w, leaseSeconds: 120) { __typename ... on Lease { token job { jobId } } ... on NoJobResponse { message } } }`;
const PROBLEMS = `problems { severity code message details }`;

describe.each(backends)("seed fidelity on $name", (backend) => {
  let t: TestServer;
  let admin: GraphQLClient;
  let sdk: JobsClient;
  beforeAll(async () => {
    t = await startTestServer(backend);
    admin = t.admin;
    sdk = new JobsClient({ url: t.url, apiKey: ADMIN_KEY });
  });
  afterAll(async () => {
    await sdk?.close();
    await t?.stop();
  });

  async function key(userId: string, role: "MEMBER" | "WORKER" | "ADMIN" = "MEMBER"): Promise<GraphQLClient> {
    return t.client(await createKey(admin, userId, role));
  }
  async function createJob(
    client: GraphQLClient,
    reasonerType: string,
    payload: unknown,
    name?: string,
  ): Promise<string> {
    const data = await client.request<{ createJob: { job: { jobId: string } } }>(
      `mutation($i: CreateJobInput!) { createJob(input: $i) { job { jobId } } }`,
      { i: { reasonerType, reasonerName: "seed", payload, name } },
    );
    return data.createJob.job.jobId;
  }
  async function register(worker: GraphQLClient, input: Record<string, unknown>): Promise<string> {
    return (await worker.request<{ registerWorker: { id: string } }>(REGISTER, { i: { name: "w", ...input } }))
      .registerWorker.id;
  }
  async function claim(
    worker: GraphQLClient,
    workerId: string,
  ): Promise<{ __typename: string; token?: string; job?: { jobId: string } }> {
    return (
      await worker.request<{ claimJob: { __typename: string; token?: string; job?: { jobId: string } } }>(CLAIM, {
        w: workerId,
      })
    ).claimJob;
  }
  const codeOf = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.[0]?.extensions?.code;

  describe("RelationalAI", () => {
    it("list(offset=): offset skips that many of the filtered, newest-first list; with after it is refused", async () => {
      const lister = await key("offset-user");
      const made: string[] = [];
      for (let i = 0; i < 5; i++) made.push(await createJob(lister, "LOGIC", { query: `def q = ${i}` }, `offset-${i}`));
      const newestFirst = [...made].reverse();
      const page = await lister.request<any>(
        `{ jobs(offset: 1, first: 2) { totalCount edges { node { jobId } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`,
      );
      expect(page.jobs.edges.map((e: any) => e.node.jobId)).toEqual(newestFirst.slice(1, 3));
      expect(page.jobs).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: true, hasPreviousPage: true } });
      // Its cursor continues after the skipped jobs, as any cursor does.
      const next = await lister.request<any>(
        `query($a: String) { jobs(first: 10, after: $a) { edges { node { jobId } } } }`,
        { a: page.jobs.pageInfo.endCursor },
      );
      expect(next.jobs.edges.map((e: any) => e.node.jobId)).toEqual(newestFirst.slice(3));
      // Filters apply before the offset; an offset past the end is an empty page.
      const filtered = await lister.request<any>(
        `{ jobs(filter: { name: "offset-0" }, offset: 0) { edges { node { jobId } } } }`,
      );
      expect(filtered.jobs.edges.map((e: any) => e.node.jobId)).toEqual([made[0]]);
      expect(
        (await lister.request<any>(`{ jobs(offset: 7) { edges { node { jobId } } pageInfo { hasNextPage } } }`)).jobs,
      ).toEqual({ edges: [], pageInfo: { hasNextPage: false } });

      const both = await lister.raw(`query($a: String) { jobs(offset: 1, after: $a) { totalCount } }`, {
        a: page.jobs.pageInfo.endCursor,
      });
      expect(both.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "offset" });
      expect(codeOf(await lister.raw(`{ jobs(offset: -1) { totalCount } }`))).toBe("BAD_USER_INPUT");

      // The SDK: list({ offset }).
      const viaSdk = await sdk.list({ createdBy: "offset-user", allUsers: true, offset: 2, first: 2 });
      expect(viaSdk.jobs.map((j) => j.jobId)).toEqual(newestFirst.slice(2, 4));
    });

    it("cancel(all_users): nobody, admins included, cancels another user's transaction without allUsers; admins may with it", async () => {
      const owner = await key("txn-owner");
      const other = await key("txn-other");
      const txn = await createJob(owner, "LOGIC", { query: "def output = 1" });
      const cancel = `mutation($id: ID!, $all: Boolean) { cancelJob(reasonerType: LOGIC, jobId: $id, allUsers: $all) { state } }`;
      const byAdmin = await admin.raw(cancel, { id: txn, all: false });
      expect(byAdmin.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(byAdmin.errors?.[0]?.message).toContain("allUsers");
      expect(codeOf(await other.raw(cancel, { id: txn, all: true }))).toBe("FORBIDDEN"); // not an admin
      expect(
        (await admin.request<any>(`query($id: ID!) { job(reasonerType: LOGIC, jobId: $id) { state } }`, { id: txn }))
          .job.state,
      ).toBe("QUEUED");
      // The SDK's cancel(job, { allUsers: true }) from an admin.
      expect((await sdk.cancel({ reasonerType: "LOGIC", jobId: txn }, { allUsers: true })).state).toBe("CANCELED");
      // The owner cancels their own without the flag.
      const own = await createJob(owner, "LOGIC", { query: "def output = 2" });
      expect((await owner.request<any>(cancel, { id: own, all: false })).cancelJob.state).toBe("CANCELED");
    });

    it("problems: workers report them with completeJob and failJob; they are checked and listed in order", async () => {
      const worker = await key("problem-worker", "WORKER");
      const workerId = await register(worker, { reasonerTypes: ["PRESCRIPTIVE"], reasonerNames: ["problems"] });
      const make = () =>
        admin
          .request<any>(
            `mutation { createJob(input: { reasonerType: PRESCRIPTIVE, reasonerName: "problems", payload: {} }) { job { jobId } } }`,
          )
          .then((d) => d.createJob.job.jobId as string);
      const [okJob, badJob] = [await make(), await make()];

      const first = await claim(worker, workerId);
      expect(first.job?.jobId).toBe(okJob);
      const refused = await worker.raw(
        `mutation($t: String!, $p: [ProblemInput!]) { completeJob(leaseToken: $t, problems: $p) { state } }`,
        {
          t: first.token,
          p: [{ severity: "", code: "X", message: "m" }],
        },
      );
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "problems.0.severity" });
      const done = await worker.request<any>(
        `mutation($t: String!, $p: [ProblemInput!]) { completeJob(leaseToken: $t, result: { x: 1 }, problems: $p) { state ${PROBLEMS} } }`,
        {
          t: first.token,
          p: [
            {
              severity: "warning",
              code: "COLUMN_SKIPPED",
              message: "column notes has no usable type",
              details: { column: "notes" },
            },
            { severity: "error", code: "ROW_FAILED", message: "row 17 failed" },
          ],
        },
      );
      expect(done.completeJob).toEqual({
        state: "SUCCEEDED",
        problems: [
          {
            severity: "warning",
            code: "COLUMN_SKIPPED",
            message: "column notes has no usable type",
            details: { column: "notes" },
          },
          { severity: "error", code: "ROW_FAILED", message: "row 17 failed", details: null },
        ],
      });

      const second = await claim(worker, workerId);
      expect(second.job?.jobId).toBe(badJob);
      const failed = await worker.request<any>(
        `mutation($t: String!, $p: [ProblemInput!]) { failJob(leaseToken: $t, error: { code: "INFEASIBLE", message: "no solution" }, problems: $p) { state error { code } ${PROBLEMS} } }`,
        { t: second.token, p: [{ severity: "error", code: "CONSTRAINT_CONFLICT", message: "x <= 1 and x >= 2" }] },
      );
      expect(failed.failJob).toMatchObject({
        state: "FAILED",
        error: { code: "INFEASIBLE" },
        problems: [{ code: "CONSTRAINT_CONFLICT", details: null }],
      });
      // Read back by anyone who may see the job (RelationalAI's include=["problems"]).
      const read = await admin.request<any>(
        `query($id: ID!) { job(reasonerType: PRESCRIPTIVE, jobId: $id) { ${PROBLEMS} } }`,
        { id: okJob },
      );
      expect(read.job.problems.map((p: any) => p.code)).toEqual(["COLUMN_SKIPPED", "ROW_FAILED"]);
    });
  });

  describe("Istari", () => {
    it("assignJobAgent reassigns a waiting agent job: the previous agent no longer gets it; unknown agents and pools are refused", async () => {
      const agents = await key("istari-agents", "WORKER");
      const [a, b] = [
        await register(agents, { name: "a", reasonerTypes: ["AGENT"], poolId: "istari-pool" }),
        await register(agents, { name: "b", reasonerTypes: ["AGENT"] }),
      ];
      const member = await key("istari-user");
      const created = await member.request<any>(
        `mutation($a: ID) { addAgentJob(input: { functionName: "mesh", assignedAgentId: $a }) { job { jobId } } }`,
        { a },
      );
      const jobId: string = created.addAgentJob.job.jobId;

      // Unknown targets: refused at creation and at reassignment, naming the field.
      const ghost = "0190f5a4-0000-7000-8000-000000000000";
      const atCreation = await member.raw(
        `mutation($a: ID) { addAgentJob(input: { functionName: "mesh", assignedAgentId: $a }) { job { jobId } } }`,
        { a: ghost },
      );
      expect(atCreation.errors?.[0]?.extensions).toMatchObject({
        code: "BAD_USER_INPUT",
        field: "input.assignedAgentId",
      });
      const noPool = await member.raw(
        `mutation { addAgentJob(input: { functionName: "mesh", assignedAgentPoolId: "no-such-pool" }) { job { jobId } } }`,
      );
      expect(noPool.errors?.[0]?.extensions).toMatchObject({
        code: "BAD_USER_INPUT",
        field: "input.assignedAgentPoolId",
      });
      const assign = `mutation($id: ID!, $a: ID, $p: ID) { assignJobAgent(jobId: $id, agentId: $a, agentPoolId: $p) { jobId assignedAgentId assignedAgentPoolId reasonerName updatedOn } }`;
      expect((await member.raw(assign, { id: jobId, a: ghost })).errors?.[0]?.extensions).toMatchObject({
        code: "BAD_USER_INPUT",
        field: "agentId",
      });
      expect((await member.raw(assign, { id: jobId, p: "nope" })).errors?.[0]?.extensions).toMatchObject({
        code: "BAD_USER_INPUT",
        field: "agentPoolId",
      });
      // An agent and a pool it is not in: no worker could claim such a job, so it is refused too.
      expect((await member.raw(assign, { id: jobId, a: b, p: "istari-pool" })).errors?.[0]).toMatchObject({
        extensions: { code: "BAD_USER_INPUT", field: "agentPoolId" },
        message: expect.stringContaining("not in pool"),
      });
      const outside = await member.raw(
        `mutation($a: ID) { addAgentJob(input: { functionName: "mesh", assignedAgentId: $a, assignedAgentPoolId: "istari-pool" }) { job { jobId } } }`,
        { a: b },
      );
      expect(outside.errors?.[0]?.extensions).toMatchObject({
        code: "BAD_USER_INPUT",
        field: "input.assignedAgentPoolId",
      });

      // Filter by assigned agent, then move the job to b.
      const byAgent = (id: string) =>
        member.request<any>(`query($a: ID) { jobs(filter: { assignedAgentId: $a }) { edges { node { jobId } } } }`, {
          a: id,
        });
      expect((await byAgent(a)).jobs.edges.map((e: any) => e.node.jobId)).toEqual([jobId]);
      const moved = await member.request<any>(assign, { id: jobId, a: b });
      expect(moved.assignJobAgent).toMatchObject({
        jobId,
        assignedAgentId: b,
        assignedAgentPoolId: null,
        reasonerName: "agents",
      });
      expect((await byAgent(a)).jobs.edges).toEqual([]);
      expect((await byAgent(b)).jobs.edges.map((e: any) => e.node.jobId)).toEqual([jobId]);
      expect((await claim(agents, a)).__typename).toBe("NoJobResponse");
      const got = await claim(agents, b);
      expect(got.job?.jobId).toBe(jobId);
      // Claimed: no longer reassignable.
      expect((await member.raw(assign, { id: jobId, a })).errors?.[0]?.extensions).toMatchObject({
        code: "INVALID_TRANSITION",
        state: "CLAIMED",
      });

      // To a pool: its agents may claim it.
      const pooled = (
        await member.request<any>(`mutation { addAgentJob(input: { functionName: "mesh" }) { job { jobId } } }`)
      ).addAgentJob.job.jobId as string;
      expect((await member.request<any>(assign, { id: pooled, p: "istari-pool" })).assignJobAgent).toMatchObject({
        assignedAgentPoolId: "istari-pool",
        reasonerName: "istari-pool",
      });
      expect((await claim(agents, b)).__typename).toBe("NoJobResponse");
      expect((await claim(agents, a)).job?.jobId).toBe(pooled);

      // Not an agent job: said so, not NOT_FOUND.
      const txn = await createJob(member, "LOGIC", { query: "def x = 1" });
      expect((await member.raw(assign, { id: txn, a: b })).errors?.[0]?.extensions).toMatchObject({
        code: "BAD_USER_INPUT",
        field: "jobId",
      });
    });

    it("archiveStatus filters jobs; JobStatus.jobId; updatedOn moves with state, comments, archive and file; updateJobFile changes only what it is given", async () => {
      const member = await key("istari-files");
      const created = await member.request<any>(
        `mutation { addAgentJob(input: { functionName: "mesh", displayName: "Part", description: "a part", versionName: "v1" }) { job { jobId updatedOn statusHistory { jobId state } } } }`,
      );
      const { jobId } = created.addAgentJob.job;
      expect(created.addAgentJob.job.statusHistory.every((s: any) => s.jobId === jobId)).toBe(true);
      const updatedOn = async () =>
        new Date(
          (
            await member.request<any>(`query($id: ID!) { job(reasonerType: AGENT, jobId: $id) { updatedOn } }`, {
              id: jobId,
            })
          ).job.updatedOn,
        ).getTime();
      // Each change moves it forward (the clock of the database; never backwards).
      let last = await updatedOn();
      const moves = async (change: () => Promise<unknown>) => {
        await change();
        const now = await updatedOn();
        expect(now).toBeGreaterThanOrEqual(last);
        const revision = await member.request<any>(`query($id: ID!) { job(reasonerType: AGENT, jobId: $id) { raw } }`, {
          id: jobId,
        });
        last = now;
        return revision.job.raw.revision as number;
      };
      const r1 = await moves(() =>
        member.request(`mutation($id: ID!) { addJobComment(jobId: $id, content: "looks good") { id } }`, { id: jobId }),
      );
      const r2 = await moves(() =>
        member.request(
          `mutation($id: ID!) { updateJobFile(jobId: $id, input: { versionName: "v2", properties: { a: 1, b: 2 } }) { jobId } }`,
          { id: jobId },
        ),
      );
      expect(r2).toBeGreaterThan(r1);

      // Only the fields given change; mergeProperties merges keys (null removes one), properties replaces.
      const file = `file { displayName description versionName properties }`;
      const merged = await member.request<any>(
        `mutation($id: ID!) { updateJobFile(jobId: $id, input: { mergeProperties: { b: null, c: 3 } }) { ${file} } }`,
        { id: jobId },
      );
      expect(merged.updateJobFile.file).toEqual({
        displayName: "Part",
        description: "a part",
        versionName: "v2",
        properties: { a: 1, c: 3 },
      });
      const replaced = await member.request<any>(
        `mutation($id: ID!) { updateJobFile(jobId: $id, input: { properties: { z: 0 } }) { ${file} } }`,
        { id: jobId },
      );
      expect(replaced.updateJobFile.file).toEqual({
        displayName: "Part",
        description: "a part",
        versionName: "v2",
        properties: { z: 0 },
      });

      const r3 = await moves(() =>
        member.request(`mutation($id: ID!) { archiveJob(jobId: $id, reason: "done") { archiveStatus } }`, {
          id: jobId,
        }),
      );
      expect(r3).toBeGreaterThan(r2);
      const byArchive = (s: string) =>
        member.request<any>(
          `query($s: ArchiveStatus) { jobs(filter: { archiveStatus: $s }) { totalCount edges { node { jobId } } } }`,
          { s },
        );
      expect((await byArchive("ARCHIVED")).jobs).toEqual({ totalCount: 1, edges: [{ node: { jobId } }] });
      expect((await byArchive("ACTIVE")).jobs.edges.map((e: any) => e.node.jobId)).not.toContain(jobId);
      await moves(() =>
        member.request(`mutation($id: ID!) { cancelJob(reasonerType: AGENT, jobId: $id) { state } }`, { id: jobId }),
      );

      // Archiving a generation job is not NOT_FOUND: the operation does not apply to its family.
      const gen = await member.request<any>(
        `mutation { createGenerationJob(input: { kind: TRAIN, rows: 10 }) { job { jobId } } }`,
      );
      const wrong = await member.raw(`mutation($id: ID!) { archiveJob(jobId: $id) { jobId } }`, {
        id: gen.createGenerationJob.job.jobId,
      });
      expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "jobId" });
      expect(wrong.errors?.[0]?.message).toContain("GENERATION");
    });
  });

  describe("Fused", () => {
    it("a raw jobLogs / jobEvents subscription completes once its job is terminal and its history is sent; execTimeMs is the run time the server measured", async () => {
      const worker = await key("fused-worker", "WORKER");
      const workerId = await register(worker, { reasonerTypes: ["PREDICTIVE"], reasonerNames: ["fused"] });
      const jobId = (
        await admin.request<any>(
          `mutation { createJob(input: { reasonerType: PREDICTIVE, reasonerName: "fused", payload: {} }) { job { jobId } } }`,
        )
      ).createJob.job.jobId;
      const lease = await claim(worker, workerId);
      const live = liveClient(t.url, ADMIN_KEY);
      try {
        const logs = live.subscribe<{ jobLogs: { message: string } }>(
          `subscription($id: ID!) { jobLogs(reasonerType: PREDICTIVE, jobId: $id) { message } }`,
          { id: jobId },
        );
        const events = live.subscribe<{ jobEvents: { data: unknown } }>(
          `subscription($id: ID!) { jobEvents(reasonerType: PREDICTIVE, jobId: $id) { data } }`,
          { id: jobId },
        );
        await worker.request(
          `mutation($t: String!) { appendJobLogs(leaseToken: $t, lines: [{ message: "start", timestampMs: 1000 }]) }`,
          { t: lease.token },
        );
        await logs.until(() => logs.items.length === 1, "the first line");
        await worker.request(`mutation($t: String!) { appendJobEvents(leaseToken: $t, events: [{ percent: 50 }]) }`, {
          t: lease.token,
        });
        await worker.request(
          `mutation($t: String!) { appendJobLogs(leaseToken: $t, lines: [{ message: "middle" }, { message: "end", timestampMs: 1 }]) }`,
          { t: lease.token },
        );
        await worker.request(`mutation($t: String!) { completeJob(leaseToken: $t) { state } }`, { t: lease.token });
        await logs.until(() => logs.completed, "the log subscription to complete");
        await events.until(() => events.completed, "the event subscription to complete");
        expect(logs.items.map((l) => l.jobLogs.message)).toEqual(["start", "middle", "end"]);
        expect(events.items.map((e) => e.jobEvents.data)).toEqual([{ percent: 50 }]);
        // Subscribing to a finished job: its history, then complete.
        const again = live.subscribe<{ jobLogs: { message: string } }>(
          `subscription($id: ID!) { jobLogs(reasonerType: PREDICTIVE, jobId: $id) { message } }`,
          { id: jobId },
        );
        await again.until(() => again.completed, "a finished job's log subscription to complete");
        expect(again.items.map((l) => l.jobLogs.message)).toEqual(["start", "middle", "end"]);
      } finally {
        await live.dispose();
      }
      // job_status_date is updatedOn; execTimeMs is first start to end as the server recorded them,
      // whatever the worker stamped its lines with (one "now", one 1 ms after the epoch), and the
      // SDK's getExecTime agrees.
      const job = await admin.request<any>(
        `query($id: ID!) { job(reasonerType: PREDICTIVE, jobId: $id) { execTimeMs startedOn updatedOn finishedOn } }`,
        { id: jobId },
      );
      const ranMs = new Date(job.job.finishedOn).getTime() - new Date(job.job.startedOn).getTime();
      expect(job.job.execTimeMs).toBe(ranMs);
      expect(ranMs).toBeLessThan(60_000);
      expect(await sdk.getExecTime({ reasonerType: "PREDICTIVE", jobId })).toBe(ranMs);
      expect(new Date(job.job.updatedOn).getTime()).toBeGreaterThanOrEqual(new Date(job.job.finishedOn).getTime());
    });
  });

  describe("RadMah", () => {
    it("create without a kind: the platform picks the pipeline and says so; queues carry default, gpu, free and interactive", async () => {
      const create = (input: Record<string, unknown>) =>
        admin.request<any>(
          `mutation($i: CreateGenerationJobInput!) { createGenerationJob(input: $i) { job { payload ... on GenerationJob { kind queue estimatedCredits } } } }`,
          { i: input },
        );
      const mock = await create({ rows: 1000, description: "patients with name and age" });
      expect(mock.createGenerationJob.job).toMatchObject({
        kind: "MOCK",
        queue: "interactive",
        payload: { kindChosen: { kind: "MOCK", reason: "a description alone" } },
      });
      const synth = await create({ rows: 50_000, spec: { model: "model-7" } });
      expect(synth.createGenerationJob.job).toMatchObject({
        kind: "SYNTHESIZE",
        queue: "default",
        estimatedCredits: 3,
        payload: { kindChosen: { kind: "SYNTHESIZE" } },
      });
      const analyze = await create({ spec: { input: "0190f5a4-0000-7000-8000-000000000001" } });
      expect(analyze.createGenerationJob.job).toMatchObject({
        kind: "ANALYZE",
        queue: "default",
        payload: { kindChosen: { kind: "ANALYZE" } },
      });
      const given = await create({ kind: "MOCK", rows: 10 });
      expect(given.createGenerationJob.job.payload.kindChosen).toBeUndefined();
      const nothing = await admin.raw(`mutation { createGenerationJob(input: { seed: 1 }) { job { jobId } } }`);
      expect(nothing.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.kind" });

      const queueOf = async (input: Record<string, unknown>) => (await create(input)).createGenerationJob.job.queue;
      expect(await queueOf({ kind: "TRAIN", rows: 10 })).toBe("gpu");
      expect(await queueOf({ kind: "VERIFY", spec: { jobId: "0190f5a4-0000-7000-8000-000000000002" } })).toBe(
        "default",
      );
      expect(await queueOf({ kind: "MOCK", rows: 5_000_000 })).toBe("default");
      expect(await queueOf({ kind: "TRAIN", rows: 10, planTier: "FREE" })).toBe("free");

      // The SDK, as RadMah's client.jobs.create(rows=, description=).
      const op = await sdk.createGeneration({ rows: 20, description: "orders with amount" });
      expect((await sdk.get(op.job)).__typename).toBe("GenerationJob");
    });

    it("a built-in kind's spec is validated at creation, with the field", async () => {
      const total = async () =>
        (await admin.request<any>(`{ jobs(filter: { reasonerType: GENERATION, allUsers: true }) { totalCount } }`)).jobs
          .totalCount as number;
      const before = await total();
      const bad = async (input: Record<string, unknown>) =>
        (
          await admin.raw(
            `mutation($i: CreateGenerationJobInput!) { createGenerationJob(input: $i) { job { jobId } } }`,
            { i: input },
          )
        ).errors?.[0]?.extensions;
      expect(await bad({ kind: "MOCK", rows: 5, spec: { columns: [{ name: "a", type: "nope" }] } })).toMatchObject({
        code: "BAD_USER_INPUT",
        field: expect.stringMatching(/^input\.spec\.columns\[0\]/),
      });
      expect(await bad({ kind: "ANALYZE", spec: { input: 7 } })).toMatchObject({
        code: "BAD_USER_INPUT",
        field: "input.spec.input",
      });
      expect(await bad({ kind: "VERIFY", spec: {} })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.spec" });
      expect(await bad({ kind: "LIFT" })).toMatchObject({ code: "BAD_USER_INPUT", field: "input.spec.input" });
      expect(await total()).toBe(before); // refused: no job was made
    });

    it("artifacts(jobId) lists a job's artifacts whatever its family, for those who may see it; rerunning a transaction is refused as such", async () => {
      const worker = await key("radmah-worker", "WORKER");
      const workerId = await register(worker, { reasonerTypes: ["PREDICTIVE"], reasonerNames: ["seed"] });
      const owner = await key("radmah-owner");
      const jobId = await createJob(owner, "PREDICTIVE", {}, "with-artifact");
      const lease = await claim(worker, workerId);
      const put = await fetch(`${t.url}/artifacts?name=report.csv&type=dataset`, {
        method: "PUT",
        headers: { "x-lease-token": lease.token!, authorization: `Bearer ${worker.key}` },
        body: "a,b\n1,2\n",
      });
      expect(put.status).toBe(201);
      const uploaded = (await put.json()) as { id: string; contentHash: string };
      await worker.request(
        `mutation($t: String!, $a: [ID!]) { completeJob(leaseToken: $t, artifactIds: $a) { state } }`,
        { t: lease.token, a: [uploaded.id] },
      );

      const listed = await owner.request<any>(
        `query($id: ID!) { artifacts(jobId: $id) { id name contentHash downloadUrl } }`,
        { id: jobId },
      );
      expect(listed.artifacts).toEqual([
        {
          id: expect.any(String),
          name: "report.csv",
          contentHash: uploaded.contentHash,
          downloadUrl: `${t.url}/artifacts/${uploaded.id}`,
        },
      ]);
      const stranger = await key("radmah-stranger");
      expect(codeOf(await stranger.raw(`query($id: ID!) { artifacts(jobId: $id) { id } }`, { id: jobId }))).toBe(
        "NOT_FOUND",
      );
      expect(codeOf(await owner.raw(`{ artifacts(jobId: "not-an-id") { id } }`))).toBe("NOT_FOUND");

      const rerun = await owner.raw(`mutation($id: ID!) { rerunJob(jobId: $id) { job { jobId } } }`, { id: jobId });
      expect(rerun.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "jobId" });
      expect(rerun.errors?.[0]?.message).toContain("PREDICTIVE");
    });
  });

  describe("everywhere", () => {
    it("jobsChanged sends each state once: a change that moves no state (a comment) is jobUpdated's alone", async () => {
      const member = await key("changes-user");
      const live = liveClient(t.url, ADMIN_KEY);
      try {
        const watching = t.server.services.live.stats().jobsWatchers;
        const changed = live.subscribe<{ jobsChanged: { jobId: string; state: string } }>(
          `subscription { jobsChanged(filter: { reasonerType: AGENT, allUsers: true }) { jobId state } }`,
        );
        const archived = live.subscribe<{ jobsChanged: { jobId: string } }>(
          `subscription { jobsChanged(filter: { archiveStatus: ARCHIVED, allUsers: true }) { jobId } }`,
        );
        await t.server.services.live.untilJobsWatchers(watching + 2);
        const watched = await member.request<any>(
          `mutation { addAgentJob(input: { functionName: "watch" }) { job { jobId } } }`,
        );
        const jobId: string = watched.addAgentJob.job.jobId;
        await changed.until(() => changed.items.some((c) => c.jobsChanged.jobId === jobId), "the created job");
        const updates = live.subscribe<{ jobUpdated: { state: string; comments: { id: string }[] } }>(
          `subscription($id: ID!) { jobUpdated(reasonerType: AGENT, jobId: $id) { state ... on AgentJob { comments { id } } } }`,
          { id: jobId },
        );
        await updates.until(() => updates.items.length === 1, "the job as it is");
        await member.request(`mutation($id: ID!) { addJobComment(jobId: $id, content: "hello") { id } }`, {
          id: jobId,
        });
        // jobUpdated shows the comment (same state, something else changed) ...
        await updates.until(() => updates.items.some((u) => u.jobUpdated.comments.length === 1), "the comment");
        // ... and jobsChanged does not repeat PENDING: the next thing it sends is the next job.
        const fence = (
          await member.request<any>(`mutation { addAgentJob(input: { functionName: "fence" }) { job { jobId } } }`)
        ).addAgentJob.job.jobId;
        await changed.until(() => changed.items.some((c) => c.jobsChanged.jobId === fence), "the fence job");
        await member.request(`mutation($id: ID!) { cancelJob(reasonerType: AGENT, jobId: $id) { state } }`, {
          id: jobId,
        });
        await changed.until(
          () => changed.items.some((c) => c.jobsChanged.jobId === jobId && c.jobsChanged.state === "CANCELED"),
          "the cancel",
        );
        expect(changed.items.filter((c) => c.jobsChanged.jobId === jobId).map((c) => c.jobsChanged.state)).toEqual([
          "PENDING",
          "CANCELED",
        ]);
        // Istari's archive filter: archiving moves what the filter selects, so it is sent.
        await member.request(`mutation($id: ID!) { archiveJob(jobId: $id) { jobId } }`, { id: fence });
        await archived.until(() => archived.items.some((c) => c.jobsChanged.jobId === fence), "the archived job");
        expect(archived.items.map((c) => c.jobsChanged.jobId)).toEqual([fence]);
      } finally {
        await live.dispose();
      }
    });
  });
});

describe.each(backends)("no field suggestions in production on $name", (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend, { NODE_ENV: "production" });
  });
  afterAll(async () => t?.stop());

  it("hides Did you mean however the bad value arrives: a field, an inline enum, a variable's enum value, an input field", async () => {
    const cases: [string, Record<string, unknown> | undefined][] = [
      [`{ jobz { totalCount } }`, undefined],
      [`{ estimateCredits(kind: MOKC, rows: 1) { estimatedCredits } }`, undefined],
      [`query($k: GenerationKind!) { estimateCredits(kind: $k, rows: 1) { estimatedCredits } }`, { k: "MOKC" }],
      [
        `mutation($i: CreateGenerationJobInput!) { createGenerationJob(input: $i) { job { jobId } } }`,
        { i: { knd: "MOCK", rows: 1 } },
      ],
      [
        `mutation($i: CreateGenerationJobInput!) { createGenerationJob(input: $i) { job { jobId } } }`,
        { i: { kind: "MOKC", rows: 1 } },
      ],
      [`query($f: JobFilter) { jobs(filter: $f) { totalCount } }`, { f: { archiveStatus: "ARCHIVE" } }],
    ];
    for (const [query, variables] of cases) {
      const answer = await t.admin.raw(query, variables);
      expect(answer.errors?.length, query).toBeGreaterThan(0);
      for (const e of answer.errors!) {
        expect(e.message, query).not.toMatch(/did you mean/i);
        expect(e.extensions?.code, query).toMatch(/^(GRAPHQL_VALIDATION_FAILED|BAD_USER_INPUT|BAD_REQUEST)$/);
      }
    }
    // And over WebSocket.
    const live = liveClient(t.url, ADMIN_KEY);
    try {
      const answer = await live.request(
        `query($k: GenerationKind!) { estimateCredits(kind: $k, rows: 1) { estimatedCredits } }`,
        { k: "MOKC" },
      );
      expect(answer.errors?.length).toBeGreaterThan(0);
      for (const e of answer.errors!) expect(e.message).not.toMatch(/did you mean/i);
    } finally {
      await live.dispose();
    }
  });
});
