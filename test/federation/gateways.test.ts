// Federation across deployments: three real server processes, each with its own database. The front
// (PGlite) serves LOGIC itself, GENERATION from upstream "gen" (PostgreSQL, running its built-in
// executors) and AGENT from upstream "agents" (PGlite). Users only talk to the front; the upstreams
// see them through GATEWAY keys and the jobs-act-as header. Upstream "agents" is killed mid-test and
// brought back on the same port and data.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Child, startServerProcess, stopChild } from "../execution/processes.ts";
import { Worker } from "@jobs-api/client/node";
import { createPgDatabase } from "../helpers/backends.ts";
import { createJobInput, createKey } from "../helpers/fixtures.ts";
import { graphqlRequestsServed, openSubscriptions } from "../helpers/metrics.ts";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.ts";
import { ADMIN_KEY, type GraphQLClient, graphqlClient } from "../helpers/server.ts";
import {
  agentWorker,
  type ChangedView,
  type EventView,
  JOB_EVENTS,
  JOB_UPDATED,
  JOBS_CHANGED,
  type JobView,
  moves,
} from "../live/driver.ts";
import { type LiveClient, liveClient } from "../live/ws-client.ts";

const pgDatabase = await createPgDatabase().catch(() => null);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Server start-up on a machine shared with other test suites can be slow. */
const START_MS = 300_000;
const AGENTS_GATEWAY_KEY = "jobs_test-gateway-key-0123456789abcdef";
const baseEnv = { JOBS_ADMIN_API_KEY: ADMIN_KEY, JOBS_LOG_LEVEL: "warn", NODE_ENV: "test", JOBS_METRICS_PUBLIC: "1" };

const ADD_AGENT = `mutation($n: String) { addAgentJob(input: { functionName: "mesh", displayName: $n }) { job { jobId state } } }`;
const CREATE_GEN = `mutation($k: String) { createGenerationJob(input: { kind: MOCK, rows: 20, seed: 7, idempotencyKey: $k }) { job { jobId state reasonerType } } }`;
const CREATE_LOGIC = `mutation($n: String) { createJob(input: { reasonerType: LOGIC, reasonerName: "rel", payload: { q: 1 }, name: $n }) { job { jobId } } }`;
const PAGE = `query($after: String, $first: Int) { jobs(first: $first, after: $after) { edges { node { jobId reasonerType createdOn } } pageInfo { hasNextPage endCursor } } }`;
const GATEWAYS = `{ gateways { name kind url reasonerTypes healthy lastError } }`;

describe.runIf(pgDatabase)("a front server over two upstream jobs services", () => {
  let gen: Child & { url: string };
  let agents: Child & { url: string };
  let front: Child & { url: string };
  const dirs: string[] = [];
  let agentsEnv: Record<string, string>;
  let alice: GraphQLClient;
  let bob: GraphQLClient;
  let genAdmin: GraphQLClient;
  let genGatewayKey: string;
  let aliceKey: string;
  let agentsWorkerKey: string;
  /** The front reaches "agents" through this, so a test can cut the link while both stay up. */
  let agentsLink: TcpProxy;
  const sockets: LiveClient[] = [];
  /** A generation job's artifact, as the front offers it (kept to download it while "agents" is down). */
  let genArtifactUrl: string | undefined;

  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "jobs-fed-"));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    const agentsPort = await freePort();
    // This upstream's GATEWAY key comes from its configuration (JOBS_GATEWAY_API_KEY); gen's is made by its admin.
    agentsEnv = {
      ...baseEnv,
      PORT: String(agentsPort),
      JOBS_DATA_DIR: tempDir(),
      JOBS_WORKERS: "0",
      JOBS_GATEWAY_API_KEY: AGENTS_GATEWAY_KEY,
      // A lease must outlive the upstream's restart mid-test (which can take a minute on a loaded machine).
      JOBS_SWEEP_INTERVAL_MS: "0",
    };
    [gen, agents] = await Promise.all([
      startServerProcess(
        { ...baseEnv, DATABASE_URL: pgDatabase!.databaseUrl, JOBS_DATA_DIR: tempDir(), JOBS_WORKERS: "2" },
        START_MS,
      ),
      startServerProcess(agentsEnv, START_MS),
    ]);
    gen.url = gen.url.replace("localhost", "127.0.0.1");
    agents.url = agents.url.replace("localhost", "127.0.0.1");
    genAdmin = graphqlClient(gen.url, ADMIN_KEY);
    genGatewayKey = await createKey(genAdmin, "front", "GATEWAY");
    agentsLink = await startTcpProxy("127.0.0.1", agentsPort);
    front = await startServerProcess(
      {
        ...baseEnv,
        JOBS_DATA_DIR: tempDir(),
        JOBS_WORKERS: "0",
        JOBS_GATEWAYS: JSON.stringify([
          { name: "gen", url: `${gen.url}/graphql`, apiKey: genGatewayKey, reasonerTypes: ["GENERATION"] },
          {
            name: "agents",
            url: `http://127.0.0.1:${agentsLink.port}/graphql`,
            apiKey: AGENTS_GATEWAY_KEY,
            reasonerTypes: ["AGENT"],
            timeoutMs: 2000,
          },
        ]),
      },
      START_MS,
    );
    front.url = front.url.replace("localhost", "127.0.0.1");
    const frontAdmin = graphqlClient(front.url, ADMIN_KEY);
    aliceKey = await createKey(frontAdmin, "alice", "MEMBER");
    alice = graphqlClient(front.url, aliceKey);
    agentsWorkerKey = await createKey(graphqlClient(agents.url, ADMIN_KEY), "mesher", "WORKER");
    bob = graphqlClient(front.url, await createKey(frontAdmin, "bob", "MEMBER"));
  }, 700_000);

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    await Promise.all([front, gen, agents].filter(Boolean).map((c) => stopChild(c)));
    await agentsLink?.close();
    await pgDatabase?.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("lists every gateway with its families and health", async () => {
    const { gateways } = await alice.request<{
      gateways: { name: string; kind: string; url: string | null; reasonerTypes: string[]; healthy: boolean }[];
    }>(GATEWAYS);
    const byName = Object.fromEntries(gateways.map((g) => [g.name, g]));
    expect(byName.local).toMatchObject({ kind: "local", url: null, healthy: true });
    expect(byName.local!.reasonerTypes).toEqual(
      expect.arrayContaining(["LOGIC", "BATCH", "PRESCRIPTIVE", "PREDICTIVE"]),
    );
    expect(byName.gen).toMatchObject({
      kind: "remote",
      url: `${gen.url}/graphql`,
      reasonerTypes: ["GENERATION"],
      healthy: true,
    });
    expect(byName.agents).toMatchObject({ kind: "remote", reasonerTypes: ["AGENT"], healthy: true });
  });

  it("honours jobs-act-as only from GATEWAY keys", async () => {
    const refused = await fetch(`${gen.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${genGatewayKey}` },
      body: JSON.stringify({ query: "{ viewer { userId role } }" }),
    });
    // A refusal of the caller, not a failure of the server.
    expect(refused.status).toBe(403);
    const asGateway = (await refused.json()) as { errors?: { extensions: { code: string } }[] };
    expect(asGateway.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    const tooLong = await fetch(`${gen.url}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${genGatewayKey}`,
        "jobs-act-as": "x".repeat(300),
      },
      body: JSON.stringify({ query: "{ viewer { userId role } }" }),
    });
    expect(tooLong.status).toBe(400);
    await tooLong.body?.cancel();
    const acting = await fetch(`${gen.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${genGatewayKey}`, "jobs-act-as": "carol" },
      body: JSON.stringify({ query: "{ viewer { userId role } }" }),
    }).then((r) => r.json() as Promise<{ data: { viewer: { userId: string; role: string } } }>);
    expect(acting.data.viewer).toEqual({ userId: "carol", role: "MEMBER" });
    const member = await createKey(genAdmin, "dave", "MEMBER");
    const ignored = await fetch(`${gen.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${member}`, "jobs-act-as": "admin" },
      body: JSON.stringify({ query: "{ viewer { userId role } }" }),
    }).then((r) => r.json() as Promise<{ data: { viewer: { userId: string; role: string } } }>);
    expect(ignored.data.viewer).toEqual({ userId: "dave", role: "MEMBER" });

    // The acting user's role comes from their keys there; a revocation takes effect on the very
    // next request, though the upstream remembers a checked GATEWAY key and its acting user.
    const asErin = () =>
      fetch(`${gen.url}/graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${genGatewayKey}`,
          "jobs-act-as": "erin",
        },
        body: JSON.stringify({ query: "{ viewer { userId role } }" }),
      }).then((r) => r.json() as Promise<{ data: { viewer: { userId: string; role: string } } }>);
    const erinAdmin = await genAdmin.request<{ createApiKey: { apiKey: { id: string } } }>(
      `mutation { createApiKey(userId: "erin", role: ADMIN) { apiKey { id } } }`,
    );
    expect((await asErin()).data.viewer).toEqual({ userId: "erin", role: "ADMIN" });
    expect((await asErin()).data.viewer).toEqual({ userId: "erin", role: "ADMIN" });
    await genAdmin.request(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, {
      id: erinAdmin.createApiKey.apiKey.id,
    });
    expect((await asErin()).data.viewer).toEqual({ userId: "erin", role: "MEMBER" });
  });

  it("creates upstream as the caller, passes idempotency keys through, waits, and reads a page with its expansions in one upstream request", async () => {
    const first = await alice.request<{ createGenerationJob: { job: { jobId: string; reasonerType: string } } }>(
      CREATE_GEN,
      { k: "fed-1" },
    );
    const again = await alice.request<{ createGenerationJob: { job: { jobId: string } } }>(CREATE_GEN, { k: "fed-1" });
    expect(again.createGenerationJob.job.jobId).toBe(first.createGenerationJob.job.jobId);
    const jobId = first.createGenerationJob.job.jobId;

    // The upstream holds it, created by alice (acting through the front's key).
    const upstream = await genAdmin.request<{ job: { createdBy: string } | null }>(
      `query($id: ID!) { job(reasonerType: GENERATION, jobId: $id) { createdBy } }`,
      { id: jobId },
    );
    expect(upstream.job?.createdBy).toBe("alice");
    // Bob cannot see alice's job through the front (the upstream applies bob's visibility).
    const asBob = await bob.request<{ job: unknown }>(
      `query($id: ID!) { job(reasonerType: GENERATION, jobId: $id) { jobId } }`,
      { id: jobId },
    );
    expect(asBob.job).toBeNull();

    const waited = await alice.request<{ waitForJob: { state: string } }>(
      `query($id: ID!) { waitForJob(reasonerType: GENERATION, jobId: $id, timeoutS: 60) { state } }`,
      { id: jobId },
    );
    expect(waited.waitForJob.state).toBe("SUCCEEDED");

    const ready = await alice.request<{ createJobReady: { reasonerType: string; state: string } }>(
      `mutation($p: JSON!) { createJobReady(input: { reasonerType: GENERATION, reasonerName: "mock", payload: $p }, timeoutS: 60) { reasonerType state } }`,
      { p: { kind: "MOCK", rows: 5, seed: 1 } },
    );
    expect(ready.createJobReady).toEqual({ reasonerType: "GENERATION", state: "SUCCEEDED" });

    const EXPANDED = `query { jobs(filter: { reasonerType: GENERATION }, first: 50) { totalCount edges { node { jobId state
      statusHistory { state nativeState } events(first: 5) { edges { node { cursor data } } pageInfo { hasNextPage } }
      logs(first: 3) { edges { node { cursor message } } } artifacts { name contentHash sizeBytes } } } } }`;
    const before = await graphqlRequestsServed(gen.url);
    const viaFront = await alice.request<{ jobs: { totalCount: number; edges: { node: Record<string, unknown> }[] } }>(
      EXPANDED,
    );
    const after = await graphqlRequestsServed(gen.url);
    // The list with its count and every selected expansion of every job in one request (the
    // client's query, forwarded: src/schema/pass-through.ts).
    expect(after - before).toBe(1);
    expect(viaFront.jobs.totalCount).toBe(2);
    expect(viaFront.jobs.edges).toHaveLength(2);

    // The same page read at the upstream directly (as alice there) is the same answer.
    const aliceUpstream = graphqlClient(gen.url, await createKey(genAdmin, "alice", "MEMBER"));
    const direct = await aliceUpstream.request<typeof viaFront>(EXPANDED);
    expect(viaFront).toEqual(direct);
    const node = viaFront.jobs.edges.find((e) => e.node.jobId === jobId)!.node as {
      statusHistory: { state: string }[];
      artifacts: unknown[];
    };
    expect(node.statusHistory.map((s) => s.state)).toContain("SUCCEEDED");
    expect(node.artifacts.length).toBeGreaterThan(0);
    // A single-job read with expansions is one upstream request too, and the same as at the upstream.
    const SINGLE = `query($id: ID!) { job(reasonerType: GENERATION, jobId: $id) { jobId state statusHistory { state }
      artifacts { name sizeBytes } events(first: 2) { edges { node { cursor } } pageInfo { hasNextPage } } } }`;
    const beforeOne = await graphqlRequestsServed(gen.url);
    const one = await alice.request<{ job: { statusHistory: { state: string }[] } }>(SINGLE, { id: jobId });
    expect((await graphqlRequestsServed(gen.url)) - beforeOne).toBe(1);
    expect(one).toEqual(await aliceUpstream.request(SINGLE, { id: jobId }));
    // Its evidence and seal are the upstream's, checked there.
    const evidence = await alice.request<{
      job: { evidence: { verified: boolean; files: { name: string }[] }; seal: { sealHash: string } | null };
    }>(
      `query($id: ID!) { job(reasonerType: GENERATION, jobId: $id) { ... on GenerationJob { evidence { verified files { name } } seal { sealHash } } } }`,
      { id: jobId },
    );
    expect(evidence.job.evidence.verified).toBe(true);
    expect(evidence.job.evidence.files.length).toBeGreaterThan(0);
    expect(evidence.job.seal?.sealHash).toMatch(/^sha256:|^[0-9a-f]{64}$/);

    // Its artifact downloads from the front (streamed through from the upstream), for alice only.
    const { job } = await alice.request<{
      job: { artifacts: { downloadUrl: string; contentHash: string; sizeBytes: number }[] };
    }>(
      `query($id: ID!) { job(reasonerType: GENERATION, jobId: $id) { artifacts { downloadUrl contentHash sizeBytes } } }`,
      { id: jobId },
    );
    const artifact = job.artifacts[0]!;
    expect(artifact.downloadUrl.startsWith(front.url)).toBe(true);
    genArtifactUrl = artifact.downloadUrl;
    const download = await fetch(artifact.downloadUrl, { headers: { authorization: `Bearer ${aliceKey}` } });
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.length).toBe(artifact.sizeBytes);
    expect(`sha256:${createHash("sha256").update(bytes).digest("hex")}`).toBe(artifact.contentHash);
    const asBobDownload = await fetch(artifact.downloadUrl, { headers: { authorization: `Bearer ${bob.key}` } });
    expect(asBobDownload.status).toBe(404);
    // node(id:) reads it by its id as the upstream would (and, as there, not for bob).
    const ids = await alice.request<{ job: { artifacts: { id: string; name: string }[] } }>(
      `query($id: ID!) { job(reasonerType: GENERATION, jobId: $id) { artifacts { id name } } }`,
      { id: jobId },
    );
    const NODE = `query($id: ID!) { node(id: $id) { ... on Artifact { name downloadUrl contentHash } } }`;
    const byId = { id: ids.job.artifacts[0]!.id };
    expect((await alice.request<{ node: unknown }>(NODE, byId)).node).toEqual({
      name: ids.job.artifacts[0]!.name,
      downloadUrl: artifact.downloadUrl,
      contentHash: artifact.contentHash,
    });
    expect((await bob.request<{ node: unknown }>(NODE, byId)).node).toBeNull();
  }, 120_000);

  it("relays one tenant of the front: another tenant's users, whatever their ids, see and touch none of its upstream jobs", async () => {
    const frontAdmin = graphqlClient(front.url, ADMIN_KEY);
    const ownJob = await alice.request<{ createGenerationJob: { job: { jobId: string } } }>(CREATE_GEN, {
      k: "tenant-key",
    });
    const jobId = ownJob.createGenerationJob.job.jobId;
    const agentJob = await bob.request<{ addAgentJob: { job: { jobId: string } } }>(ADD_AGENT, { n: "bob's" });
    const acme = (
      await frontAdmin.request<{ createTenant: { id: string } }>(`mutation { createTenant(name: "acme") { id } }`)
    ).createTenant.id;
    const acmeKey = async (userId: string, role: string) =>
      (
        await frontAdmin.request<{ createApiKey: { secret: string } }>(
          `mutation($u: String!, $r: Role!, $t: ID!) { createApiKey(userId: $u, role: $r, tenantId: $t) { secret } }`,
          { u: userId, r: role, t: acme },
        )
      ).createApiKey.secret;
    // Same user ids as the first tenant's alice, and as the upstream's admin: neither may borrow them.
    const acmeAliceKey = await acmeKey("alice", "MEMBER");
    const acmeAlice = graphqlClient(front.url, acmeAliceKey);
    const acmeAdmin = graphqlClient(front.url, await acmeKey("admin", "ADMIN"));

    for (const [client, allUsers] of [
      [acmeAlice, false],
      [acmeAdmin, true],
    ] as const) {
      const lists = await client.request<{
        gen: { totalCount: number; edges: unknown[] };
        agents: { totalCount: number };
        all: { edges: { node: { jobId: string } }[] };
      }>(
        `query($all: Boolean) { gen: jobs(filter: { reasonerType: GENERATION, allUsers: $all }) { totalCount edges { node { jobId } } }
           agents: jobs(filter: { reasonerType: AGENT, allUsers: $all }) { totalCount }
           all: jobs(first: 100, filter: { allUsers: $all }) { edges { node { jobId } } } }`,
        { all: allUsers },
      );
      expect(lists.gen).toEqual({ totalCount: 0, edges: [] });
      expect(lists.agents.totalCount).toBe(0);
      expect(lists.all.edges.map((e) => e.node.jobId)).not.toContain(jobId);
      const one = await client.request<{ job: unknown; node: unknown }>(
        `query($id: ID!, $g: ID!) { job(reasonerType: GENERATION, jobId: $id) { jobId } node(id: $g) { id } }`,
        { id: jobId, g: Buffer.from(`GenerationJob:GENERATION:${jobId}`).toString("base64") },
      );
      expect(one).toEqual({ job: null, node: null });
      const cancel = await client.raw(`mutation($id: ID!) { cancelJob(reasonerType: AGENT, jobId: $id) { jobId } }`, {
        id: agentJob.addAgentJob.job.jobId,
      });
      expect(cancel.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    }
    // Its idempotency key is acme alice's own, not a way to the first tenant's job: the create is refused.
    const create = await acmeAlice.raw(CREATE_GEN, { k: "tenant-key" });
    expect(create.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", gateway: "gen" });
    expect(create.errors?.[0]?.message).toContain("another tenant");
    // Downloads and live updates read as not found.
    expect(genArtifactUrl).toBeDefined();
    const download = await fetch(genArtifactUrl!, { headers: { authorization: `Bearer ${acmeAliceKey}` } });
    expect(download.status).toBe(404);
    await download.body?.cancel();
    const socket = liveClient(front.url, acmeAliceKey);
    sockets.push(socket);
    const updates = socket.subscribe<{ jobUpdated: JobView }>(JOB_UPDATED, { t: "GENERATION", id: jobId });
    expect(await updates.errorCode()).toBe("NOT_FOUND");
    // The first tenant's alice still sees her job.
    const mine = await alice.request<{ job: { jobId: string } | null }>(
      `query($id: ID!) { job(reasonerType: GENERATION, jobId: $id) { jobId } }`,
      { id: jobId },
    );
    expect(mine.job?.jobId).toBe(jobId);
  }, 120_000);

  it("names users outside ASCII to the upstream exactly, and refuses control characters in user ids", async () => {
    const frontAdmin = graphqlClient(front.url, ADMIN_KEY);
    for (const userId of ["zoë", "日本", "a b%20c"]) {
      const user = graphqlClient(front.url, await createKey(frontAdmin, userId));
      const created = await user.request<{ createGenerationJob: { job: { jobId: string } } }>(CREATE_GEN, {
        k: null,
      });
      const jobId = created.createGenerationJob.job.jobId;
      const read = await user.request<{ job: { createdBy: string } | null; jobs: { totalCount: number } }>(
        `query($id: ID!, $u: String) { job(reasonerType: GENERATION, jobId: $id) { createdBy }
           jobs(filter: { reasonerType: GENERATION, createdBy: $u }) { totalCount } }`,
        { id: jobId, u: userId },
      );
      expect(read).toEqual({ job: { createdBy: userId }, jobs: { totalCount: 1 } });
      // The upstream stored that very user: its admin finds the job by the same id.
      const upstream = await genAdmin.request<{ jobs: { edges: { node: { jobId: string } }[] } }>(
        `query($u: String) { jobs(filter: { reasonerType: GENERATION, createdBy: $u, allUsers: true }) { edges { node { jobId } } } }`,
        { u: userId },
      );
      expect(upstream.jobs.edges.map((e) => e.node.jobId)).toEqual([jobId]);
    }
    const refused = await frontAdmin.raw(`mutation($u: String!) { createApiKey(userId: $u) { secret } }`, {
      u: "a\r\nx-evil: 1",
    });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "userId" });
  }, 120_000);

  it("merges every gateway newest first under one cursor, with no gap and no repeat while jobs are created", async () => {
    const created: string[] = [];
    for (let i = 0; i < 3; i++) {
      created.push(
        (await alice.request<{ addAgentJob: { job: { jobId: string } } }>(ADD_AGENT, { n: `a${i}` })).addAgentJob.job
          .jobId,
      );
      created.push(
        (await alice.request<{ createJob: { job: { jobId: string } } }>(CREATE_LOGIC, { n: `l${i}` })).createJob.job
          .jobId,
      );
    }
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: {
        jobs: {
          edges: { node: { jobId: string; createdOn: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      } = await alice.request(PAGE, { after, first: 3 });
      seen.push(...page.jobs.edges.map((e) => e.node.jobId));
      const times = page.jobs.edges.map((e) => Date.parse(e.node.createdOn));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      // Jobs created meanwhile are newer than the cursor: later pages must not repeat or skip.
      if (pages === 0) await alice.request(ADD_AGENT, { n: "during" });
      after = page.jobs.pageInfo.hasNextPage ? page.jobs.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of created) expect(seen).toContain(id);
  }, 60_000);

  it("forwards the agent extras, cancel, rerun and estimateCredits to the upstream as the caller", async () => {
    const jobId = (await alice.request<{ addAgentJob: { job: { jobId: string } } }>(ADD_AGENT, { n: "extras" }))
      .addAgentJob.job.jobId;
    const comment = await alice.request<{ addJobComment: { content: string; createdById: string } }>(
      `mutation($id: ID!) { addJobComment(jobId: $id, content: "looks right") { content createdById } }`,
      { id: jobId },
    );
    expect(comment.addJobComment).toEqual({ content: "looks right", createdById: "alice" });
    const archived = await alice.request<{
      archiveJob: { archiveStatus: string; archiveStatusHistory: { status: string }[] };
    }>(
      `mutation($id: ID!) { archiveJob(jobId: $id, reason: "done") { archiveStatus archiveStatusHistory { status } } }`,
      { id: jobId },
    );
    expect(archived.archiveJob.archiveStatus).toBe("ARCHIVED");
    const read = `query($id: ID!) { job(reasonerType: AGENT, jobId: $id) { ... on AgentJob { jobId comments { content } access { subjectId relation } } } }`;
    expect((await bob.request<{ job: unknown }>(read, { id: jobId })).job).toBeNull();
    await alice.request(
      `mutation($id: ID!) { createJobAccess(jobId: $id, subjectId: "bob", relation: VIEWER) { subjectId } }`,
      { id: jobId },
    );
    // The upstream now lets bob see it: the grant lives there.
    const asBob = await bob.request<{
      job: { comments: { content: string }[]; access: { subjectId: string; relation: string }[] };
    }>(read, { id: jobId });
    expect(asBob.job.comments).toEqual([{ content: "looks right" }]);
    expect(asBob.job.access).toContainEqual({ subjectId: "bob", relation: "VIEWER" });
    const denied = await bob.raw(`mutation($id: ID!) { addJobComment(jobId: $id, content: "me too") { id } }`, {
      id: jobId,
    });
    expect(denied.errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|NOT_FOUND/);

    const canceled = await alice.request<{ cancelJob: { state: string } }>(
      `mutation($id: ID!) { cancelJob(reasonerType: AGENT, jobId: $id) { state } }`,
      { id: jobId },
    );
    expect(canceled.cancelJob.state).toBe("CANCELED");

    const estimate = `{ estimateCredits(kind: MOCK, rows: 2500000) { estimatedCredits trainingTier } }`;
    expect(await alice.request(estimate)).toEqual(await genAdmin.request(estimate));

    const source = (
      await alice.request<{ createGenerationJob: { job: { jobId: string } } }>(CREATE_GEN, { k: "fed-rerun" })
    ).createGenerationJob.job.jobId;
    // Only a finished job can be rerun: waited for through the front.
    const finished = await alice.request<{ waitForJob: { state: string } }>(
      `query($id: ID!) { waitForJob(reasonerType: GENERATION, jobId: $id, timeoutS: 60) { state } }`,
      { id: source },
    );
    expect(finished.waitForJob.state).toBe("SUCCEEDED");
    const rerun = await alice.request<{ rerunJob: { job: { jobId: string; reasonerType: string } } }>(
      `mutation($id: ID!) { rerunJob(jobId: $id) { job { jobId reasonerType } } }`,
      { id: source },
    );
    expect(rerun.rerunJob.job.reasonerType).toBe("GENERATION");
    expect(rerun.rerunJob.job.jobId).not.toBe(source);
    const upstreamRerun = await genAdmin.request<{ job: { createdBy: string } | null }>(
      `query($id: ID!) { job(reasonerType: GENERATION, jobId: $id) { createdBy } }`,
      {
        id: rerun.rerunJob.job.jobId,
      },
    );
    expect(upstreamRerun.job?.createdBy).toBe("alice");
  }, 60_000);

  it("relays the worker protocol: an SDK worker pointed at the front runs upstream jobs to completion", async () => {
    // "mesher" is a WORKER at the front and at the upstream (which applies its own role for it).
    const frontWorkerKey = await createKey(graphqlClient(front.url, ADMIN_KEY), "mesher", "WORKER");
    const jobId = (await alice.request<{ addAgentJob: { job: { jobId: string } } }>(ADD_AGENT, { n: "via-front" }))
      .addAgentJob.job.jobId;
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
    const worker = new Worker({
      url: front.url,
      apiKey: frontWorkerKey,
      name: "front-mesher",
      reasonerTypes: ["AGENT"],
      logger: quiet,
    });
    const registration = await worker.register();
    // Handles the upstream gave out come back naming their gateway, so later calls find it.
    expect(registration.id).toMatch(/^@agents\//);
    const tokens = new Map<string, string>();
    const finished = new Map<string, string | null>();
    const stop = new AbortController();
    let ran: () => void = () => undefined;
    const ranIt = new Promise<void>((resolve) => (ran = resolve));
    const running = worker.run(
      async (ctx) => {
        tokens.set(ctx.job.jobId, ctx.lease.token);
        await ctx.status("RUNNING");
        await ctx.event({ n: 1 });
        await ctx.log("meshing");
        await ctx.progress({ percent: 50 });
        // The produced file, streamed through the front to the upstream under the relayed lease.
        await ctx.upload({ name: "mesh.obj", mimeType: "model/obj", body: Buffer.from("v 0 0 0\n") });
        return {};
      },
      {
        signal: stop.signal,
        concurrency: 2,
        onJobFinished: (f) => {
          finished.set(f.job.jobId, f.final?.state ?? null);
          if (f.job.jobId === jobId) ran();
        },
      },
    );
    await ranIt;
    stop.abort();
    await running;
    expect(tokens.get(jobId)).toMatch(/^@agents\//);
    expect(finished.get(jobId)).toBe("SUCCEEDED");
    // The upstream holds what the worker reported, done under its lease there.
    const upstream = await graphqlClient(agents.url, ADMIN_KEY).request<{
      job: {
        state: string;
        events: { edges: { node: { data: unknown } }[] };
        logs: { edges: { node: { message: string } }[] };
      };
    }>(
      `query($id: ID!) { job(reasonerType: AGENT, jobId: $id) { state events { edges { node { data } } } logs { edges { node { message } } } } }`,
      { id: jobId },
    );
    expect(upstream.job.state).toBe("SUCCEEDED");
    expect(upstream.job.events.edges.map((e) => e.node.data)).toContainEqual({ n: 1 });
    expect(upstream.job.logs.edges.map((e) => e.node.message)).toContain("meshing");
    // The worker that ran it is named as the front named it to the worker, wherever the front shows
    // it: the history (forwarded as written, read with a page, read by id) and the job's agentId.
    const bare = registration.id.slice("@agents/".length);
    const direct = await graphqlClient(agents.url, ADMIN_KEY).request<{
      job: {
        statusHistory: { state: string; agentId: string | null }[];
        agentId: string | null;
        raw: { workerId: string | null };
      };
    }>(
      `query($id: ID!) { job(reasonerType: AGENT, jobId: $id) { statusHistory { state agentId } raw ... on AgentJob { agentId } } }`,
      { id: jobId },
    );
    expect(direct.job.statusHistory.map((s) => s.agentId)).toContain(bare);
    const relayed = (id: string | null) => (id === null ? null : `@agents/${id}`);
    const named = direct.job.statusHistory.map((s) => ({ state: s.state, agentId: relayed(s.agentId) }));
    const HISTORY = `statusHistory { state agentId }`;
    const reads = [
      `query($id: ID!) { job(reasonerType: AGENT, jobId: $id) { ${HISTORY} } }`,
      `query($id: ID!) { job(reasonerType: AGENT, jobId: $id) { ${HISTORY} raw ... on AgentJob { agentId } } }`,
      `query($id: ID!) { jobs(filter: { reasonerType: AGENT, jobId: $id }) { edges { node { ${HISTORY} } } } }`,
      `query($id: ID!) { jobs(filter: { reasonerType: AGENT, jobId: $id }) { edges { node { ${HISTORY} raw } } } }`,
    ];
    for (const read of reads) {
      const answer = await alice.request<{
        job?: { statusHistory: unknown; agentId?: string | null; raw?: { workerId: string | null } };
        jobs?: { edges: { node: { statusHistory: unknown } }[] };
      }>(read, { id: jobId });
      const job = answer.job ?? answer.jobs!.edges[0]!.node;
      expect(job.statusHistory, read).toEqual(named);
      if (answer.job?.raw) {
        expect(answer.job.agentId).toBe(relayed(direct.job.agentId));
        expect(answer.job.raw.workerId).toBe(relayed(direct.job.raw.workerId));
      }
    }
    // The file is the job's artifact there, and alice downloads it through the front.
    const { job: seen } = await alice.request<{ job: { artifacts: { name: string; downloadUrl: string }[] } }>(
      `query($id: ID!) { job(reasonerType: AGENT, jobId: $id) { artifacts { name downloadUrl } } }`,
      { id: jobId },
    );
    expect(seen.artifacts.map((a) => a.name)).toEqual(["mesh.obj"]);
    const file = await fetch(seen.artifacts[0]!.downloadUrl, { headers: { authorization: `Bearer ${aliceKey}` } });
    expect(file.status).toBe(200);
    expect(await file.text()).toBe("v 0 0 0\n");
    // A forged relayed token is a lost lease, not something the front serves itself.
    const forged = await graphqlClient(front.url, frontWorkerKey).raw(
      `mutation($t: String!) { heartbeat(leaseToken: $t) { expiresOn } }`,
      { t: "@agents/not-a-token" },
    );
    expect(forged.errors?.[0]?.extensions?.code).toBe("LEASE_LOST");
    // An upload under the finished job's lease: the upstream's refusal, as the front answers it.
    const late = await fetch(`${front.url}/artifacts?name=late.obj`, {
      method: "PUT",
      headers: { authorization: `Bearer ${frontWorkerKey}`, "x-lease-token": tokens.get(jobId)! },
      body: "v 1 1 1\n",
    });
    expect(late.status).toBeGreaterThanOrEqual(400);
    const refusal = (await late.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(refusal.errors[0]!.extensions).toMatchObject({ code: "LEASE_LOST", gateway: "agents" });
  }, 120_000);

  it("answers within 5 s without a dead upstream, shows it unhealthy, and recovers when it returns; relayed streams resume with no gap and no repeat", async () => {
    const agentJob = (await alice.request<{ addAgentJob: { job: { jobId: string } } }>(ADD_AGENT, { n: "survivor" }))
      .addAgentJob.job.jobId;
    await alice.request(CREATE_LOGIC, { n: "local" });
    // A worker at the upstream runs an agent job; alice follows it through the front.
    let worker = await agentWorker(graphqlClient(agents.url, agentsWorkerKey));
    const lease = await worker.claim();
    const socket = liveClient(front.url, aliceKey);
    sockets.push(socket);
    const events = socket.subscribe<{ jobEvents: EventView }>(JOB_EVENTS, { t: "AGENT", id: lease.jobId });
    const updates = socket.subscribe<{ jobUpdated: JobView }>(JOB_UPDATED, { t: "AGENT", id: lease.jobId });
    await updates.take(1);
    await worker.status(lease.token, "RUNNING");
    await worker.events(lease.token, [{ n: 1 }, { n: 2 }, { n: 3 }]);
    await events.take(3);
    await updates.until(() => updates.items.some((u) => u.jobUpdated.state === "RUNNING"), "RUNNING");

    await stopChild(agents, "SIGKILL");

    const started = Date.now();
    const partial = await alice.raw<{ jobs: { edges: { node: { reasonerType: string } }[] } }>(PAGE, { first: 50 });
    expect(Date.now() - started).toBeLessThan(5000);
    const types = new Set(partial.data!.jobs.edges.map((e) => e.node.reasonerType));
    expect(types.has("LOGIC")).toBe(true);
    expect(types.has("AGENT")).toBe(false);
    expect(partial.errors).toHaveLength(1);
    expect(partial.errors![0]!.extensions).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", gateway: "agents" });
    expect(partial.errors![0]!.path).toEqual(["jobs"]);

    const single = await alice.raw(`query($id: ID!) { job(reasonerType: AGENT, jobId: $id) { jobId } }`, {
      id: agentJob,
    });
    expect(single.errors?.[0]?.extensions).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", gateway: "agents" });
    // A new subscription is told too, within the gateway's timeout (2 s), not left waiting in silence;
    // the ones opened before keep waiting for the upstream to return (below).
    const late = socket.subscribe<{ jobUpdated: JobView }>(JOB_UPDATED, { t: "AGENT", id: agentJob });
    expect(await late.errorCode(15_000)).toBe("UPSTREAM_UNAVAILABLE");
    // createJobs: the local family's job is made; each of the away upstream's items answers why not.
    const bulk = await alice.request<{
      createJobs: { job: { reasonerType: string } | null; error: { code: string; message: string } | null }[];
    }>(
      `mutation($inputs: [CreateJobInput!]!) { createJobs(inputs: $inputs) { job { reasonerType } error { code message } } }`,
      { inputs: [createJobInput("AGENT", 1), createJobInput("LOGIC", 2), createJobInput("AGENT", 3)] },
    );
    expect(bulk.createJobs.map((r) => r.job?.reasonerType ?? r.error?.code)).toEqual([
      "UPSTREAM_UNAVAILABLE",
      "LOGIC",
      "UPSTREAM_UNAVAILABLE",
    ]);
    expect(bulk.createJobs[0]!.error!.message).toContain("agents");

    // Downloads from the healthy upstream still stream through ("agents" is asked first, by family order).
    expect(genArtifactUrl).toBeDefined();
    const download = await fetch(genArtifactUrl!, { headers: { authorization: `Bearer ${aliceKey}` } });
    expect(download.status).toBe(200);
    expect((await download.arrayBuffer()).byteLength).toBeGreaterThan(0);

    const { gateways } = await alice.request<{
      gateways: { name: string; healthy: boolean; lastError: string | null }[];
    }>(GATEWAYS);
    const down = gateways.find((g) => g.name === "agents")!;
    expect(down.healthy).toBe(false);
    expect(down.lastError).toMatch(/ECONNREFUSED|unreachable|no answer/);

    agents = await startServerProcess(agentsEnv, START_MS);
    agents.url = agents.url.replace("localhost", "127.0.0.1");
    worker = await agentWorker(graphqlClient(agents.url, agentsWorkerKey));
    await worker.events(lease.token, [{ n: 4 }, { n: 5 }]);
    await worker.events(lease.token, [{ n: 6 }]);
    await worker.complete(lease.token);
    // The relayed streams resumed after the restart from their last cursor: every event once, in order.
    await events.until(() => events.items.length >= 6, "six events", 30_000);
    expect(events.items.map((e) => e.jobEvents.data.n)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(events.items.map((e) => e.jobEvents.cursor)).size).toBe(6);
    await updates.until(() => updates.items.some((u) => u.jobUpdated.state === "SUCCEEDED"), "SUCCEEDED", 30_000);
    const states = updates.items.map((u) => u.jobUpdated.state);
    // Every move in order (appended events are changes too, so RUNNING may come more than once).
    expect(moves(states)).toEqual(["CLAIMED", "RUNNING", "SUCCEEDED"]);
    // Back: the breaker lets a trial call through (after 1 s) and the list is whole again.
    let whole: Awaited<ReturnType<typeof alice.raw<{ jobs: { edges: { node: { jobId: string } }[] } }>>>;
    do whole = await alice.raw(PAGE, { first: 50 });
    while (whole.errors?.length);
    expect(whole.data!.jobs.edges.map((e) => e.node.jobId)).toContain(agentJob);
    const back = await alice.request<{ gateways: { name: string; healthy: boolean }[] }>(GATEWAYS);
    expect(back.gateways.find((g) => g.name === "agents")!.healthy).toBe(true);
  }, 300_000);
  it("jobsChanged through the front misses nothing while the upstream link is down: what changed meanwhile comes once when it is back", async () => {
    const socket = liveClient(front.url, aliceKey);
    sockets.push(socket);
    const relayed = await openSubscriptions(agents.url, "jobsChanged");
    const changes = socket.subscribe<{ jobsChanged: ChangedView }>(JOBS_CHANGED, { f: { reasonerType: "AGENT" } });
    // jobsChanged sends nothing first: wait until the front's relay has its operation open upstream.
    while ((await openSubscriptions(agents.url, "jobsChanged")) <= relayed)
      await new Promise((resolve) => setTimeout(resolve, 100));
    // The changes are made at the upstream itself (alice has a key there too): the relay is what is tested.
    const aliceThere = graphqlClient(
      agents.url,
      await createKey(graphqlClient(agents.url, ADMIN_KEY), "alice", "MEMBER"),
    );
    const followed = (
      await aliceThere.request<{ addAgentJob: { job: { jobId: string } } }>(ADD_AGENT, { n: "followed" })
    ).addAgentJob.job.jobId;
    await changes.until(() => changes.items.some((c) => c.jobsChanged.jobId === followed), "the new job");

    agentsLink.cut();
    // While the front cannot reach "agents": the followed job runs to the end there, and a job is created there.
    const worker = await agentWorker(graphqlClient(agents.url, agentsWorkerKey));
    let lease = await worker.claim();
    while (lease.jobId !== followed) {
      await worker.complete(lease.token);
      lease = await worker.claim();
    }
    await worker.status(lease.token, "RUNNING");
    await worker.complete(lease.token);
    const created = (
      await aliceThere.request<{ addAgentJob: { job: { jobId: string } } }>(ADD_AGENT, { n: "meanwhile" })
    ).addAgentJob.job.jobId;
    agentsLink.restore();

    const of = (id: string) => changes.items.filter((c) => c.jobsChanged.jobId === id).map((c) => c.jobsChanged.state);
    await changes.until(
      () => of(followed).includes("SUCCEEDED") && of(created).length > 0,
      "the changes made meanwhile",
      30_000,
    );
    // Live again: a change after the gap comes once too, and nothing of the gap is sent twice.
    await aliceThere.request(`mutation($id: ID!) { cancelJob(reasonerType: AGENT, jobId: $id) { state } }`, {
      id: created,
    });
    await changes.until(() => of(created).includes("CANCELED"), "the cancel", 30_000);
    expect(of(followed).filter((s) => s === "SUCCEEDED")).toHaveLength(1);
    expect(of(created).filter((s) => s !== "CANCELED")).toHaveLength(1);
    expect(of(created).filter((s) => s === "CANCELED")).toHaveLength(1);
  }, 120_000);

  // Last: it leaves the front without a working key for "gen".
  it("shows a gateway whose key the upstream revoked as unhealthy, saying why", async () => {
    const { apiKeys } = await genAdmin.request<{ apiKeys: { id: string; userId: string; role: string }[] }>(
      `{ apiKeys { id userId role } }`,
    );
    const key = apiKeys.find((k) => k.userId === "front" && k.role === "GATEWAY")!;
    await genAdmin.request(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: key.id });
    const refused = await alice.raw(`{ jobs(filter: { reasonerType: GENERATION }) { totalCount } }`);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", gateway: "gen" });
    expect(refused.errors?.[0]?.message).toContain("refused the gateway's key");
    const { gateways } = await alice.request<{
      gateways: { name: string; healthy: boolean; lastError: string | null }[];
    }>(GATEWAYS);
    expect(gateways.find((g) => g.name === "gen")).toMatchObject({
      healthy: false,
      lastError: "the upstream refused the gateway's key",
    });
  });
});
