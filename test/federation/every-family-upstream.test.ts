// A front whose every family is served upstream: the upstream is a server process of its own on
// PostgreSQL (running its built-in generation executor), the front an in-process server on PGlite.
// Covers what the front must deliver for upstream families that gateways.test.ts does not: every
// create mutation (createJob of each family, createJobs, runBatchJob) with its idempotency key
// passed through, `jobs` with every filter, `node(id:)` in one upstream request, the agent extras
// beyond comments and archiving, jobLogs relayed, and dataset uploads sent on to the upstream that runs generation jobs.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JobsClient } from "@jobs-api/client/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Child, startServerProcess, stopChild } from "../execution/processes.ts";
import { backends, createPgDatabase } from "../helpers/backends.ts";
import { createJobInput, createKey, REASONER_TYPES } from "../helpers/fixtures.ts";
import { graphqlRequestsServed } from "../helpers/metrics.ts";
import { ADMIN_KEY, type GraphQLClient, graphqlClient, startTestServer, type TestServer } from "../helpers/server.ts";
import { agentWorker, JOB_LOGS, type LogView } from "../live/driver.ts";
import { liveClient } from "../live/ws-client.ts";

const pgDatabase = await createPgDatabase().catch(() => null);
const GATEWAY_KEY = "jobs_test-gateway-key-every-family-0123";
/** Server start-up on a machine shared with other test suites can be slow. */
const START_MS = 300_000;
const CSV = "id,amount,status\n1,10.5,paid\n2,20.25,open\n3,7,paid\n";

type Created = { jobId: string; reasonerType: string };
const JOB = `jobId reasonerType`;

describe.runIf(pgDatabase)("a front whose every family is served by an upstream on PostgreSQL", () => {
  let upstream: Child & { url: string };
  let front: TestServer;
  let dataDir: string;
  let alice: GraphQLClient;
  let aliceKey: string;
  /** Alice at the upstream directly: what the front answers must be what she gets there. */
  let aliceThere: GraphQLClient;
  let upstreamAdmin: GraphQLClient;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "jobs-fed-every-"));
    upstream = await startServerProcess(
      {
        JOBS_ADMIN_API_KEY: ADMIN_KEY,
        JOBS_LOG_LEVEL: "warn",
        NODE_ENV: "test",
        JOBS_METRICS_PUBLIC: "1",
        DATABASE_URL: pgDatabase!.databaseUrl,
        JOBS_DATA_DIR: dataDir,
        JOBS_WORKERS: "1",
        JOBS_GATEWAY_API_KEY: GATEWAY_KEY,
      },
      START_MS,
    );
    upstream.url = upstream.url.replace("localhost", "127.0.0.1");
    front = await startTestServer(backends[0]!, {
      JOBS_GATEWAYS: JSON.stringify([
        { name: "up", url: `${upstream.url}/graphql`, apiKey: GATEWAY_KEY, reasonerTypes: REASONER_TYPES },
      ]),
    });
    aliceKey = await createKey(front.admin, "alice", "MEMBER");
    alice = front.client(aliceKey);
    upstreamAdmin = graphqlClient(upstream.url, ADMIN_KEY);
    aliceThere = graphqlClient(upstream.url, await createKey(upstreamAdmin, "alice", "MEMBER"));
  }, START_MS + 60_000);

  afterAll(async () => {
    await front?.stop();
    if (upstream) await stopChild(upstream);
    await pgDatabase?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The job as the upstream holds it (read there by its admin): who created it. */
  const atUpstream = async (job: Created) =>
    (
      await upstreamAdmin.request<{ job: { createdBy: string } | null }>(
        `query($t: ReasonerType!, $id: ID!) { job(reasonerType: $t, jobId: $id) { createdBy } }`,
        { t: job.reasonerType, id: job.jobId },
      )
    ).job;

  /** An agent job alice adds through the front. */
  const addAgentJob = async (displayName: string) =>
    (
      await alice.request<{ addAgentJob: { job: Created } }>(
        `mutation($n: String!) { addAgentJob(input: { functionName: "mesh", displayName: $n }) { job { ${JOB} } } }`,
        { n: displayName },
      )
    ).addAgentJob.job;

  it("forwards every create mutation with its idempotency key: the same key is the same upstream job", async () => {
    const firstOf = new Map<string, string>();
    for (const type of REASONER_TYPES) {
      const create = (key: string) =>
        alice
          .request<{ createJob: { job: Created } }>(
            `mutation($input: CreateJobInput!) { createJob(input: $input) { job { ${JOB} } } }`,
            { input: createJobInput(type, 1, { idempotencyKey: key }) },
          )
          .then((d) => d.createJob.job);
      const first = await create(`every-${type}`);
      expect(first.reasonerType).toBe(type);
      firstOf.set(type, first.jobId);
      expect((await create(`every-${type}`)).jobId).toBe(first.jobId);
      expect(await atUpstream(first)).toEqual({ createdBy: "alice" });
    }

    const others: [string, string, Record<string, unknown>][] = [
      ["createGenerationJob", "CreateGenerationJobInput!", { kind: "MOCK", rows: 10, seed: 3 }],
      ["addAgentJob", "AddAgentJobInput!", { functionName: "mesh", displayName: "every" }],
      [
        "runBatchJob",
        "RunBatchJobInput!",
        { name: "every", steps: [{ name: "one", run: { reasonerType: "PREDICTIVE", payload: {} } }] },
      ],
    ];
    for (const [field, type, input] of others) {
      const create = (key: string) =>
        alice
          .request<Record<string, { job: Created }>>(
            `mutation($input: ${type}) { ${field}(input: $input) { job { ${JOB} } } }`,
            { input: { ...input, idempotencyKey: key } },
          )
          .then((d) => d[field]!.job);
      const first = await create(`every-${field}`);
      expect((await create(`every-${field}`)).jobId).toBe(first.jobId);
      expect(await atUpstream(first)).toEqual({ createdBy: "alice" });
    }

    // createJobs: ONE upstream createJobs with the inputs as they came (a key used by createJob gives its job).
    const served = await graphqlRequestsServed(upstream.url);
    const bulk = await alice.request<{
      createJobs: { job: Created | null; error: { code: string } | null }[];
    }>(`mutation($inputs: [CreateJobInput!]!) { createJobs(inputs: $inputs) { job { ${JOB} } error { code } } }`, {
      inputs: [
        createJobInput("LOGIC", 1, { idempotencyKey: "every-LOGIC" }),
        createJobInput("PREDICTIVE", 2, { idempotencyKey: "every-bulk" }),
        createJobInput("LOGIC", 3, { idempotencyKey: "every-LOGIC" }),
      ],
    });
    expect((await graphqlRequestsServed(upstream.url)) - served).toBe(1);
    const [again, fresh, conflict] = bulk.createJobs;
    expect(again).toEqual({ job: { jobId: firstOf.get("LOGIC"), reasonerType: "LOGIC" }, error: null });
    expect(fresh!.error).toBeNull();
    expect(await atUpstream(fresh!.job!)).toEqual({ createdBy: "alice" });
    expect(conflict).toEqual({ job: null, error: { code: "CONFLICT" } });
  }, 120_000);

  it("passes every jobs filter through: the front answers what the upstream answers alice", async () => {
    const agent = await addAgentJob("filtered");
    await alice.request(`mutation($id: ID!) { archiveJob(jobId: $id, reason: "filters") { archiveStatus } }`, {
      id: agent.jobId,
    });
    const logic = (
      await alice.request<{ createJob: { job: Created } }>(
        `mutation($input: CreateJobInput!) { createJob(input: $input) { job { ${JOB} } } }`,
        { input: createJobInput("LOGIC", 9, { name: "named-one" }) },
      )
    ).createJob.job;
    await alice.request(`mutation($id: ID!) { cancelJob(reasonerType: LOGIC, jobId: $id) { state } }`, {
      id: logic.jobId,
    });
    const filters: Record<string, unknown>[] = [
      {},
      { reasonerType: "LOGIC" },
      { jobId: logic.jobId },
      { state: "CANCELED" },
      { name: "named-one" },
      { createdBy: "alice" },
      { onlyActive: true },
      { allUsers: false },
      { reasonerType: "AGENT", archiveStatus: "ARCHIVED" },
      { assignedAgentId: "nobody" },
    ];
    const PAGE = `query($f: JobFilter, $offset: Int) { jobs(filter: $f, first: 100, offset: $offset) { totalCount edges { node { jobId reasonerType state } } } }`;
    // The upstream's generation executor finishes the generation jobs made above on its own: waited
    // for first, so that the front's read and the upstream's see the same jobs active.
    const generating = await aliceThere.request<{ jobs: { edges: { node: Created }[] } }>(
      `{ jobs(filter: { reasonerType: GENERATION, onlyActive: true }, first: 100) { edges { node { ${JOB} } } } }`,
    );
    for (const { node } of generating.jobs.edges)
      await aliceThere.request(
        `query($id: ID!) { waitForJob(reasonerType: GENERATION, jobId: $id, timeoutS: 60) { state } }`,
        {
          id: node.jobId,
        },
      );
    for (const f of filters) {
      const through = await alice.request<{ jobs: { totalCount: number; edges: { node: { jobId: string } }[] } }>(
        PAGE,
        { f },
      );
      // The front merges families newest first as the upstream does (ties of one millisecond aside).
      const direct = await aliceThere.request<typeof through>(PAGE, { f });
      expect(through.jobs.totalCount, JSON.stringify(f)).toBe(direct.jobs.totalCount);
      expect(new Set(through.jobs.edges.map((e) => e.node.jobId)), JSON.stringify(f)).toEqual(
        new Set(direct.jobs.edges.map((e) => e.node.jobId)),
      );
    }
    const one = await alice.request<{ jobs: { edges: { node: { jobId: string } }[] } }>(PAGE, {
      f: { state: "CANCELED" },
    });
    expect(one.jobs.edges.map((e) => e.node.jobId)).toContain(logic.jobId);
    const archived = await alice.request<{ jobs: { edges: { node: { jobId: string } }[] } }>(PAGE, {
      f: { reasonerType: "AGENT", archiveStatus: "ARCHIVED" },
    });
    expect(archived.jobs.edges.map((e) => e.node.jobId)).toEqual([agent.jobId]);
    // offset skips that many of the merged list.
    const all = await alice.request<{ jobs: { edges: { node: { jobId: string } }[] } }>(PAGE, {});
    const skipped = await alice.request<{ jobs: { edges: { node: { jobId: string } }[] } }>(PAGE, { offset: 2 });
    expect(skipped.jobs.edges.map((e) => e.node.jobId)).toEqual(all.jobs.edges.slice(2).map((e) => e.node.jobId));
  }, 120_000);

  it("reads node(id:) of an upstream job with its expansions in one upstream request", async () => {
    const job = (
      await alice.request<{ createJob: { job: Created & { id: string } } }>(
        `mutation($input: CreateJobInput!) { createJob(input: $input) { job { id ${JOB} } } }`,
        { input: createJobInput("PRESCRIPTIVE", 4) },
      )
    ).createJob.job;
    const NODE = `query($id: ID!) { node(id: $id) { id ... on Job { jobId state statusHistory { state } artifacts { name }
      events(first: 3) { edges { node { cursor } } } } } }`;
    const before = await graphqlRequestsServed(upstream.url);
    const read = await alice.request<{ node: Record<string, unknown> }>(NODE, { id: job.id });
    expect((await graphqlRequestsServed(upstream.url)) - before).toBe(1);
    expect(read).toEqual(await aliceThere.request(NODE, { id: job.id }));
    expect(read.node).toMatchObject({ jobId: job.jobId, artifacts: [] });
    // Without expansions it is one request too; another family's type name for the id is no job.
    const plain = await graphqlRequestsServed(upstream.url);
    await alice.request(`query($id: ID!) { node(id: $id) { ... on Job { jobId state } } }`, { id: job.id });
    expect((await graphqlRequestsServed(upstream.url)) - plain).toBe(1);
    const forged = Buffer.from(`GenerationJob:PRESCRIPTIVE:${job.jobId}`).toString("base64");
    expect(
      (await alice.request<{ node: unknown }>(`query($id: ID!) { node(id: $id) { id } }`, { id: forged })).node,
    ).toBeNull();
  });

  it("forwards the agent extras gateways.test.ts leaves out: the file, restore, access changes and reassignment", async () => {
    const job = await addAgentJob("extras");
    const file = await alice.request<{ updateJobFile: { file: { displayName: string; properties: unknown } } }>(
      `mutation($id: ID!) { updateJobFile(jobId: $id, input: { displayName: "mesh.step", mergeProperties: { units: "mm" } }) { ... on AgentJob { file { displayName properties } } } }`,
      { id: job.jobId },
    );
    expect(file.updateJobFile.file).toEqual({ displayName: "mesh.step", properties: { units: "mm" } });
    await alice.request(`mutation($id: ID!) { archiveJob(jobId: $id) { archiveStatus } }`, { id: job.jobId });
    const restored = await alice.request<{ restoreJob: { archiveStatus: string } }>(
      `mutation($id: ID!) { restoreJob(jobId: $id, reason: "back") { archiveStatus } }`,
      { id: job.jobId },
    );
    expect(restored.restoreJob.archiveStatus).toBe("ACTIVE");
    await alice.request(
      `mutation($id: ID!) { createJobAccess(jobId: $id, subjectId: "bob", relation: VIEWER) { relation } }`,
      { id: job.jobId },
    );
    const updated = await alice.request<{ updateJobAccess: { relation: string } }>(
      `mutation($id: ID!) { updateJobAccess(jobId: $id, subjectId: "bob", relation: EDITOR) { relation } }`,
      { id: job.jobId },
    );
    expect(updated.updateJobAccess.relation).toBe("EDITOR");
    expect(
      await alice.request(`mutation($id: ID!) { removeJobAccess(jobId: $id, subjectId: "bob") }`, { id: job.jobId }),
    ).toEqual({ removeJobAccess: true });

    // Reassignment names a pool of an agent registered at the upstream, which checks it there.
    const workerKey = await createKey(upstreamAdmin, "agent-1", "WORKER");
    await graphqlClient(upstream.url, workerKey).request(
      `mutation { registerWorker(input: { name: "agent-1", reasonerTypes: [AGENT], poolId: "pool-a" }) { id } }`,
    );
    const ASSIGN = `mutation($id: ID!, $p: ID) { assignJobAgent(jobId: $id, agentPoolId: $p) { assignedAgentPoolId } }`;
    const assigned = await alice.request<{ assignJobAgent: { assignedAgentPoolId: string } }>(ASSIGN, {
      id: job.jobId,
      p: "pool-a",
    });
    expect(assigned.assignJobAgent.assignedAgentPoolId).toBe("pool-a");
    const unknown = await alice.raw(ASSIGN, { id: job.jobId, p: "no-such-pool" });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", gateway: "up" });
    const there = await aliceThere.request<{ job: { assignedAgentPoolId: string; file: { properties: unknown } } }>(
      `query($id: ID!) { job(reasonerType: AGENT, jobId: $id) { ... on AgentJob { assignedAgentPoolId file { properties } } } }`,
      { id: job.jobId },
    );
    expect(there.job).toEqual({ assignedAgentPoolId: "pool-a", file: { properties: { units: "mm" } } });
  }, 60_000);

  it("reads which upstream batch step made a job through the front, as the upstream answers it", async () => {
    const spec = { columns: [{ name: "n", type: "int" }] };
    const batchId = (
      await alice.request<{ runBatchJob: { job: { jobId: string } } }>(
        `mutation($i: RunBatchJobInput!) { runBatchJob(input: $i) { job { jobId } } }`,
        {
          i: {
            name: "linked-up",
            steps: [{ name: "mock", run: { reasonerType: "GENERATION", payload: { kind: "MOCK", rows: 5, spec } } }],
          },
        },
      )
    ).runBatchJob.job.jobId;
    const done = await alice.request<{ waitForJob: { state: string; steps: { childJobId: string }[] } }>(
      `query($id: ID!) { waitForJob(reasonerType: BATCH, jobId: $id, timeoutS: 60) { state ... on BatchJob { steps { childJobId } } } }`,
      { id: batchId },
    );
    expect(done.waitForJob.state).toBe("SUCCEEDED");
    const childId = done.waitForJob.steps[0]!.childJobId;
    const STEP = `query($id: ID!) { job(reasonerType: GENERATION, jobId: $id) { batchStep { name position batchJobId batch { jobId name } } } }`;
    const expected = {
      batchStep: { name: "mock", position: 0, batchJobId: batchId, batch: { jobId: batchId, name: "linked-up" } },
    };
    expect((await aliceThere.request<{ job: unknown }>(STEP, { id: childId })).job).toEqual(expected);
    expect((await alice.request<{ job: unknown }>(STEP, { id: childId })).job).toEqual(expected);
  });

  it("relays jobLogs of an upstream job: each line once, in order", async () => {
    const job = await addAgentJob("logged");
    const socket = liveClient(front.url, aliceKey);
    try {
      const logs = socket.subscribe<{ jobLogs: LogView }>(JOB_LOGS, { t: "AGENT", id: job.jobId });
      const worker = await agentWorker(graphqlClient(upstream.url, await createKey(upstreamAdmin, "logger", "WORKER")));
      let lease = await worker.claim();
      while (lease.jobId !== job.jobId) lease = await worker.claim();
      await worker.logs(lease.token, [{ message: "one" }, { message: "two" }]);
      await worker.logs(lease.token, [{ message: "three" }]);
      await logs.until(() => logs.items.length >= 3, "three lines", 30_000);
      expect(logs.items.map((l) => l.jobLogs.message)).toEqual(["one", "two", "three"]);
    } finally {
      await socket.dispose();
    }
  }, 60_000);

  it("sends dataset uploads on to the upstream that runs generation jobs; a front-side job reads the upload", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jobs-fed-upload-"));
    const path = join(dir, "orders.csv");
    writeFileSync(path, CSV);
    const client = new JobsClient({ url: front.url, apiKey: aliceKey });
    try {
      const stored = await client.upload(path);
      expect(stored).toMatchObject({ id: expect.any(String), sizeBytes: CSV.length });
      // Stored at the upstream, as alice's; the front has no such artifact of its own.
      const rows = await front.server.services.db.query<{ n: number }>(
        `select count(*)::int as n from "artifacts" where "id" = $1::uuid`,
        [stored.id],
      );
      expect(rows).toEqual([{ n: 0 }]);
      const globalId = Buffer.from(`Artifact:${stored.id}`).toString("base64");
      const there = await aliceThere.request<{ node: { name: string; sizeBytes: number } | null }>(
        `query($id: ID!) { node(id: $id) { ... on Artifact { name sizeBytes } } }`,
        { id: globalId },
      );
      expect(there.node).toEqual({ name: "orders.csv", sizeBytes: CSV.length });

      const created = await alice.request<{ createGenerationJob: { job: Created } }>(
        `mutation($input: CreateGenerationJobInput!) { createGenerationJob(input: $input) { job { ${JOB} } } }`,
        { input: { kind: "ANALYZE", spec: { input: stored.id }, seed: 1 } },
      );
      const done = await alice.request<{ waitForJob: { state: string; operation: { result: unknown } | null } }>(
        `query($id: ID!) { waitForJob(reasonerType: GENERATION, jobId: $id, timeoutS: 60) { state ... on GenerationJob { operation { result } } } }`,
        { id: created.createGenerationJob.job.jobId },
      );
      expect(done.waitForJob.state).toBe("SUCCEEDED");
      expect(done.waitForJob.operation?.result).toMatchObject({ rows: 3 });

      // Refusals keep their code: a WORKER key of the front is refused there, a nameless upload upstream.
      const workerKey = await createKey(front.admin, "w1", "WORKER");
      const put = (key: string, query: string) =>
        fetch(`${front.url}/uploads${query}`, {
          method: "PUT",
          headers: { authorization: `Bearer ${key}`, "content-type": "text/csv" },
          body: CSV,
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { errors: { extensions: unknown }[] } }));
      const worker = await put(workerKey, "?name=a.csv");
      expect(worker.status).toBe(403);
      expect(worker.body.errors[0]!.extensions).toMatchObject({ code: "FORBIDDEN" });
      const unnamed = await put(aliceKey, "");
      expect(unnamed.status).toBe(400);
      expect(unnamed.body.errors[0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "name" });
    } finally {
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
