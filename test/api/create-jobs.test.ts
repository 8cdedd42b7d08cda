// Bulk createJobs: one result per input in order, bad items failing alone, idempotency keys per
// item, few statements for the whole call, and every created job announced to jobsChanged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createJob, createJobInput, createKey, JOB_FIELDS, REASONER_TYPES } from "../helpers/fixtures.ts";
import { NO_BACKGROUND_PASSES, startTestServer, type GraphQLClient, type TestServer } from "../helpers/server.ts";
import { JOBS_CHANGED, type ChangedView } from "../live/driver.ts";
import { type LiveClient, liveClient } from "../live/ws-client.ts";

const CREATE_JOBS = `mutation($inputs: [CreateJobInput!]!) { createJobs(inputs: $inputs) { job { ${JOB_FIELDS} statusHistory { state nativeState } } error { code message field } } }`;

type Result = {
  job: Record<string, unknown> | null;
  error: { code: string; message: string; field: string | null } | null;
};

describe.each(backends)("createJobs on $name", (backend) => {
  let t: TestServer;
  let admin: GraphQLClient;
  const sockets: LiveClient[] = [];
  beforeAll(async () => {
    // The statement counts below are the calls' own.
    t = await startTestServer(backend, { ...NO_BACKGROUND_PASSES, JOBS_RATE_LIMIT: "0" });
    admin = t.admin;
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    await t?.stop();
  });

  async function key(userId: string, role = "MEMBER"): Promise<{ client: GraphQLClient; secret: string }> {
    const secret = await createKey(admin, userId, role);
    return { client: t.client(secret), secret };
  }
  const createJobs = async (client: GraphQLClient, inputs: unknown[]) =>
    (await client.request<{ createJobs: Result[] }>(CREATE_JOBS, { inputs })).createJobs;
  /** A job's fields that do not depend on when or as which row it was made. */
  const shape = (job: Record<string, unknown>) => {
    const { id: _id, jobId: _jobId, createdOn: _c, ...rest } = job;
    return rest;
  };

  it("creates one job of every family per input, in order, each the same as createJob makes", async () => {
    const { client } = await key("bulk-families");
    // A generation job without a seed draws one; give it one so the two can be compared.
    const inputs = REASONER_TYPES.map((type, n) =>
      type === "GENERATION"
        ? createJobInput(type, n, { payload: { ...(createJobInput(type).payload as object), seed: 7 } })
        : createJobInput(type, n),
    );
    const results = await createJobs(client, inputs);
    expect(results).toHaveLength(inputs.length);
    for (const [i, type] of REASONER_TYPES.entries()) {
      const { job, error } = results[i]!;
      expect(error).toBeNull();
      expect(job).toMatchObject({ reasonerType: type, name: `${type.toLowerCase()}-${i}`, createdBy: "bulk-families" });
      const single = await client.request<{ createJob: { job: Record<string, unknown> } }>(
        `mutation($input: CreateJobInput!) { createJob(input: $input) { job { ${JOB_FIELDS} statusHistory { state nativeState } } } }`,
        { input: inputs[i] },
      );
      expect(shape(job!)).toEqual(shape(single.createJob.job));
      const read = await client.request<{ job: { jobId: string; state: string } }>(
        `query($t: ReasonerType!, $id: ID!) { job(reasonerType: $t, jobId: $id) { jobId state } }`,
        {
          t: type,
          id: job!.jobId,
        },
      );
      expect(read.job).toEqual({ jobId: job!.jobId, state: job!.state });
    }
  });

  it("fails bad items alone, each with its own error, and creates the others", async () => {
    const { client } = await key("bulk-bad");
    const inputs = [
      createJobInput("LOGIC", 1),
      { ...createJobInput("PREDICTIVE", 2), payload: [1, 2] },
      createJobInput("AGENT", 3),
      { ...createJobInput("LOGIC", 4), timeoutMins: -5 },
      { ...createJobInput("GENERATION", 5), payload: { kind: "MOCK", rows: -1 } },
      createJobInput("BATCH", 6),
      { ...createJobInput("AGENT", 7), payload: { functionName: "mesh", assignedAgentId: "no-such-agent" } },
    ];
    const results = await createJobs(client, inputs);
    expect(results.map((r) => (r.job ? "job" : r.error!.code))).toEqual([
      "job",
      "BAD_USER_INPUT",
      "job",
      "BAD_USER_INPUT",
      "BAD_USER_INPUT",
      "job",
      "BAD_USER_INPUT",
    ]);
    expect(results[1]!.error!.message).toMatch(/payload/);
    expect(results[3]!.error!.message).toMatch(/timeoutMins/);
    // Each error names the call's own item, as createJob names its input (input.… there).
    expect(results.map((r) => r.error?.field ?? null)).toEqual([
      null,
      "inputs.1.payload",
      null,
      "inputs.3.timeoutMins",
      "inputs.4.payload.rows",
      null,
      "inputs.6.payload.assignedAgentId",
    ]);
    const listed = await client.request<{ jobs: { totalCount: number; edges: { node: { name: string } }[] } }>(
      `{ jobs(first: 10) { totalCount edges { node { name } } } }`,
    );
    expect(listed.jobs.totalCount).toBe(3);
    expect(listed.jobs.edges.map((e) => e.node.name).sort()).toEqual(["agent-3", "batch-6", "logic-1"]);
  });

  it("honours idempotency keys per item: the first job for the same request, CONFLICT for a different one, within a call and across calls", async () => {
    const { client } = await key("bulk-keys");
    const first = await createJob(client, "PREDICTIVE", 1, { idempotencyKey: "k-1" });
    const results = await createJobs(client, [
      createJobInput("PREDICTIVE", 1, { idempotencyKey: "k-1" }), // same request as createJob: its job
      createJobInput("PREDICTIVE", 9, { idempotencyKey: "k-1" }), // different request: CONFLICT
      createJobInput("LOGIC", 2, { idempotencyKey: "k-2" }), // new
      createJobInput("LOGIC", 2, { idempotencyKey: "k-2" }), // the same again in this call: the same job
      createJobInput("LOGIC", 3, { idempotencyKey: "k-2" }), // a different one under it: CONFLICT
      createJobInput("LOGIC", 4), // no key: new
    ]);
    expect(results.map((r) => r.error?.code ?? null)).toEqual([null, "CONFLICT", null, null, "CONFLICT", null]);
    expect(results[0]!.job!.jobId).toBe(first.jobId);
    expect(results[3]!.job!.jobId).toBe(results[2]!.job!.jobId);
    expect(results[1]!.error!.message).toContain("k-1");
    // A later call and a later createJob find the job the bulk call made.
    const again = await createJobs(client, [createJobInput("LOGIC", 2, { idempotencyKey: "k-2" })]);
    expect(again[0]!.job!.jobId).toBe(results[2]!.job!.jobId);
    const single = await createJob(client, "LOGIC", 2, { idempotencyKey: "k-2" });
    expect(single.jobId).toBe(results[2]!.job!.jobId);
    const total = await client.request<{ jobs: { totalCount: number } }>(`{ jobs(first: 1) { totalCount } }`);
    expect(total.jobs.totalCount).toBe(3);
  });

  it("two concurrent calls sharing keys in opposite orders both answer, with one job per key", async () => {
    const { client } = await key("bulk-race");
    const keys = Array.from({ length: 50 }, (_, n) => `race-${String(n).padStart(2, "0")}`);
    const inputsFor = (order: string[]) => order.map((k) => createJobInput("LOGIC", 0, { name: k, idempotencyKey: k }));
    const [a, b] = await Promise.all([
      createJobs(client, inputsFor(keys)),
      createJobs(client, inputsFor([...keys].reverse())),
    ]);
    expect([...a, ...b].every((r) => r.error === null)).toBe(true);
    const idOf = (results: Result[], order: string[]) => new Map(order.map((k, i) => [k, results[i]!.job!.jobId]));
    expect(idOf(b, [...keys].reverse())).toEqual(idOf(a, keys));
    const total = await client.request<{ jobs: { totalCount: number } }>(`{ jobs(first: 1) { totalCount } }`);
    expect(total.jobs.totalCount).toBe(50);
  });

  it("createJob writes a job of any family in one statement and answers from it (no read-back)", async () => {
    const { client } = await key("single-statements");
    const db = t.server.services.db;
    await createJob(client, "LOGIC", 100); // the key's first use records it (not this test's subject)
    for (const [n, type] of REASONER_TYPES.entries()) {
      const before = db.statementCount();
      const job = await createJob(client, type, n);
      expect(job.state).toBeDefined();
      // Authentication, the insert, the change send, the audit entry; up to two more for the
      // previous call's change send and audit entry falling in this window (both are written
      // asynchronously, after the answer). The transaction and read-back this replaced cost 10 or more.
      expect(db.statementCount() - before, type).toBeLessThanOrEqual(6);
    }
  });

  it("takes 1,000 jobs in a few statements, refuses 1,001 with BAD_USER_INPUT and writes nothing, and answers [] for none", async () => {
    const { client } = await key("bulk-many");
    const db = t.server.services.db;
    await client.request(`{ jobs(first: 1) { pageInfo { hasNextPage } } }`); // the key's first use records it (not this test's subject)
    const before = db.statementCount();
    const results = await client.request<{ createJobs: { job: { jobId: string; name: string } }[] }>(
      `mutation($inputs: [CreateJobInput!]!) { createJobs(inputs: $inputs) { job { jobId name } } }`,
      { inputs: Array.from({ length: 1000 }, (_, n) => createJobInput(n % 2 ? "LOGIC" : "AGENT", n)) },
    );
    const spent = db.statementCount() - before;
    expect(results.createJobs.map((r) => r.job.name)).toEqual(
      Array.from({ length: 1000 }, (_, n) => `${n % 2 ? "logic" : "agent"}-${n}`),
    );
    expect(new Set(results.createJobs.map((r) => r.job.jobId)).size).toBe(1000);
    // ONE statement writing every row and answering the jobs, the change send, the audit entry; up to
    // two more for earlier calls' asynchronous writes (the key's creation audited) falling in this window.
    expect(spent).toBeLessThanOrEqual(5);

    const tooMany = await client.raw(
      `mutation($inputs: [CreateJobInput!]!) { createJobs(inputs: $inputs) { job { jobId } } }`,
      {
        inputs: Array.from({ length: 1001 }, (_, n) => createJobInput("LOGIC", n)),
      },
    );
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "inputs" });
    expect(tooMany.errors?.[0]?.message).toContain("1000");
    const total = await client.request<{ jobs: { totalCount: number } }>(`{ jobs(first: 1) { totalCount } }`);
    expect(total.jobs.totalCount).toBe(1000);

    expect(await createJobs(client, [])).toEqual([]);
  });

  it("a creator sees and owns every job they create; only an agent job stores the owner's grant, which its access lists", async () => {
    const { client } = await key("bulk-owner");
    const results = await createJobs(
      client,
      REASONER_TYPES.map((type, n) => createJobInput(type, n)),
    );
    const jobs = results.map((r) => r.job as { jobId: string; reasonerType: string });
    for (const job of jobs) {
      const read = await client.request<{ job: { jobId: string } | null }>(
        `query($t: ReasonerType!, $id: ID!) { job(reasonerType: $t, jobId: $id) { jobId } }`,
        { t: job.reasonerType, id: job.jobId },
      );
      expect(read.job).toEqual({ jobId: job.jobId });
    }
    const grants = await t.server.services.db.query<{ jobId: string; subjectId: string; relation: string }>(
      `select "jobId"::text as "jobId", "subjectId", "relation"::text as "relation" from "access_grants" where "jobId" = any($1::uuid[])`,
      [jobs.map((j) => j.jobId)],
    );
    const agent = jobs.find((j) => j.reasonerType === "AGENT")!;
    expect(grants).toEqual([{ jobId: agent.jobId, subjectId: "bulk-owner", relation: "OWNER" }]);
    const access = await client.request<{ job: { access: { subjectId: string; relation: string }[] } }>(
      `query($id: ID!) { job(reasonerType: AGENT, jobId: $id) { ... on AgentJob { access { subjectId relation } } } }`,
      { id: agent.jobId },
    );
    expect(access.job.access).toEqual([{ subjectId: "bulk-owner", relation: "OWNER" }]);
    // Owning needs no grant row: the creator may cancel (EDITOR or more) a job of another family.
    const predictive = jobs.find((j) => j.reasonerType === "PREDICTIVE")!;
    const canceled = await client.request<{ cancelJob: { state: string } }>(
      `mutation($id: ID!) { cancelJob(reasonerType: PREDICTIVE, jobId: $id) { state } }`,
      { id: predictive.jobId },
    );
    expect(canceled.cancelJob.state).toBe("CANCELED");
  });

  it("refuses worker keys", async () => {
    const { client } = await key("bulk-worker", "WORKER");
    const res = await client.raw(CREATE_JOBS, { inputs: [createJobInput("LOGIC")] });
    expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("announces every created job to jobsChanged", async () => {
    const { client, secret } = await key("bulk-live");
    const feed = t.server.services.live;
    const watching = feed.stats().jobsWatchers;
    const socket = liveClient(t.url, secret);
    sockets.push(socket);
    const changes = socket.subscribe<{ jobsChanged: ChangedView }>(JOBS_CHANGED, {});
    await feed.untilJobsWatchers(watching + 1);
    const results = await createJobs(
      client,
      Array.from({ length: 40 }, (_, n) => createJobInput(REASONER_TYPES[n % 6]!, n)),
    );
    const ids = results.map((r) => r.job!.jobId as string);
    await changes.until(() => ids.every((id) => changes.items.some((c) => c.jobsChanged.jobId === id)), "all 40 jobs");
    for (const id of ids) {
      const seen = changes.items.find((c) => c.jobsChanged.jobId === id)!.jobsChanged;
      expect(seen.createdBy).toBe("bulk-live");
    }
  });
});
