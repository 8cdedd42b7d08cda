// Agents of an upstream, through a front: the front names them `@<gateway>/<id>` wherever it shows
// one (registerWorker's answer, a job's assigned agent and the agent that holds it, a lease's job)
// and takes that name wherever an input names one (an agent job's assignment, assignJobAgent, the
// jobs filter), passing the upstream its own id. The upstream is a real server on each backend, the
// front one on PGlite.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createKey } from "../helpers/fixtures.ts";
import { type Federation, startFederation } from "../helpers/federation.ts";
import type { GraphQLClient, TestServer } from "../helpers/server.ts";

const AGENT_FIELDS = `jobId state ... on AgentJob { assignedAgentId agentId details }`;
interface AgentView {
  jobId: string;
  state: string;
  assignedAgentId: string | null;
  agentId: string | null;
  details: { assignedAgentId: string | null; agentId: string | null };
}

describe.each(backends)("an upstream's agents through a front, upstream on $name", (backend) => {
  let federation: Federation;
  let upstream: TestServer;
  let front: TestServer;
  let alice: GraphQLClient;
  /** "mesher" at the front: a WORKER there and at the upstream, which applies its own role for it. */
  let mesher: GraphQLClient;
  let mesherThere: GraphQLClient;
  /** The agent as the front names it, and as the upstream knows it. */
  let agentId: string;
  let bareAgentId: string;

  beforeAll(async () => {
    federation = await startFederation(backend, { families: ["AGENT"] });
    ({ upstream, front } = federation);
    alice = front.client(await createKey(front.admin, "alice", "MEMBER"));
    mesher = front.client(await createKey(front.admin, "mesher", "WORKER"));
    mesherThere = upstream.client(await createKey(upstream.admin, "mesher", "WORKER"));
    agentId = (
      await mesher.request<{ registerWorker: { id: string } }>(
        `mutation { registerWorker(input: { name: "mesher-1", reasonerTypes: [AGENT] }) { id } }`,
      )
    ).registerWorker.id;
    expect(agentId).toMatch(/^@up\//);
    bareAgentId = agentId.slice("@up/".length);
  }, 120_000);

  afterAll(() => federation?.stop());

  /** The job as the upstream holds it (its admin's read): the agent it is assigned, by the upstream's own id. */
  const atUpstream = async (jobId: string) =>
    (
      await upstream.admin.request<{ job: AgentView }>(
        `query($id: ID!) { job(reasonerType: AGENT, jobId: $id) { ${AGENT_FIELDS} } }`,
        { id: jobId },
      )
    ).job;

  it("takes an agent named @<gateway>/<id> in every input that assigns one, and shows it so", async () => {
    const added = (
      await alice.request<{ addAgentJob: { job: AgentView } }>(
        `mutation($a: ID) { addAgentJob(input: { functionName: "mesh", assignedAgentId: $a }) { job { ${AGENT_FIELDS} } } }`,
        { a: agentId },
      )
    ).addAgentJob.job;
    const created = (
      await alice.request<{ createJob: { job: AgentView } }>(
        `mutation($p: JSON!) { createJob(input: { reasonerType: AGENT, reasonerName: "agents", payload: $p }) { job { ${AGENT_FIELDS} } } }`,
        { p: { functionName: "mesh", assignedAgentId: agentId } },
      )
    ).createJob.job;
    const [many] = (
      await alice.request<{ createJobs: { job: AgentView | null; error: unknown }[] }>(
        `mutation($p: JSON!) { createJobs(inputs: [{ reasonerType: AGENT, reasonerName: "agents", payload: $p }]) { job { ${AGENT_FIELDS} } error { code message field } } }`,
        { p: { functionName: "mesh", assignedAgentId: agentId } },
      )
    ).createJobs;
    expect(many!.error).toBeNull();
    const unassigned = (
      await alice.request<{ addAgentJob: { job: AgentView } }>(
        `mutation { addAgentJob(input: { functionName: "mesh" }) { job { ${AGENT_FIELDS} } } }`,
      )
    ).addAgentJob.job;
    expect(unassigned.assignedAgentId).toBeNull();
    const reassigned = (
      await alice.request<{ assignJobAgent: AgentView }>(
        `mutation($id: ID!, $a: ID) { assignJobAgent(jobId: $id, agentId: $a) { ${AGENT_FIELDS} } }`,
        { id: unassigned.jobId, a: agentId },
      )
    ).assignJobAgent;

    const assigned = [added, created, many!.job!, reassigned];
    for (const job of assigned) {
      expect(job.assignedAgentId).toBe(agentId);
      expect(job.details.assignedAgentId).toBe(agentId);
      // The upstream was sent its own id.
      expect((await atUpstream(job.jobId)).assignedAgentId).toBe(bareAgentId);
    }
    // The filter takes the front's name too (whether the front reads the page or forwards it).
    for (const fields of [`jobId`, `jobId ... on AgentJob { assignedAgentId }`]) {
      const listed = await alice.request<{ jobs: { edges: { node: { jobId: string } }[] } }>(
        `query($a: ID) { jobs(filter: { reasonerType: AGENT, assignedAgentId: $a }, first: 50) { edges { node { ${fields} } } } }`,
        { a: agentId },
      );
      expect(listed.jobs.edges.map((e) => e.node.jobId).sort()).toEqual(assigned.map((j) => j.jobId).sort());
    }
    // An agent the upstream does not know is its refusal, as the front relays it.
    const unknown = await alice.raw(
      `mutation($a: ID) { addAgentJob(input: { functionName: "mesh", assignedAgentId: $a }) { job { jobId } } }`,
      { a: "@up/00000000-0000-4000-8000-000000000000" },
    );
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.assignedAgentId" });

    // The agent claims them through the front: the lease's job names it as the front does.
    const leases = await mesher.request<{
      claimJobs: { token: string; job: AgentView & { raw: { workerId: string | null } } }[];
    }>(`mutation($w: ID!) { claimJobs(workerId: $w, limit: 10) { token job { ${AGENT_FIELDS} raw } } }`, {
      w: agentId,
    });
    expect(leases.claimJobs.length).toBeGreaterThanOrEqual(assigned.length);
    for (const lease of leases.claimJobs) {
      expect(lease.token).toMatch(/^@up\//);
      expect(lease.job.agentId).toBe(agentId);
      expect(lease.job.raw.workerId).toBe(agentId);
      if (assigned.some((j) => j.jobId === lease.job.jobId)) expect(lease.job.assignedAgentId).toBe(agentId);
    }
    // Read back through the front, the same.
    const read = (
      await alice.request<{ job: AgentView }>(
        `query($id: ID!) { job(reasonerType: AGENT, jobId: $id) { ${AGENT_FIELDS} } }`,
        { id: added.jobId },
      )
    ).job;
    expect(read).toMatchObject({ assignedAgentId: agentId, agentId });
    expect((await atUpstream(added.jobId)).agentId).toBe(bareAgentId);
    // Done, so the next test's claim finds only its own job.
    for (const lease of leases.claimJobs)
      await mesher.request(`mutation($t: String!) { completeJob(leaseToken: $t, result: {}) { jobId } }`, {
        t: lease.token,
      });
  }, 60_000);

  it("releaseJob through the front hands a relayed lease back upstream: waiting again, the attempt not counted, the history saying why", async () => {
    const RELEASE = `mutation($t: String!, $r: String) { releaseJob(leaseToken: $t, reason: $r) { jobId state error { code } } }`;
    const CLAIM = `mutation($w: ID!) { claimJob(workerId: $w) { ... on Lease { token job { jobId } } } }`;
    // Waiting, as an agent job waits (its state when added).
    const { jobId, state: waiting } = (
      await alice.request<{ addAgentJob: { job: AgentView } }>(
        `mutation { addAgentJob(input: { functionName: "mesh", displayName: "handed back" }) { job { ${AGENT_FIELDS} } } }`,
      )
    ).addAgentJob.job;
    const claimed = await mesher.request<{ claimJob: { token: string; job: { jobId: string } } }>(CLAIM, {
      w: agentId,
    });
    expect(claimed.claimJob.job.jobId).toBe(jobId);
    const token = claimed.claimJob.token;
    expect(token).toMatch(/^@up\//);

    const back = await mesher.request<{ releaseJob: unknown }>(RELEASE, { t: token, r: "rolling restart" });
    expect(back.releaseJob).toEqual({ jobId, state: waiting, error: null });
    // Upstream: waiting again, unheld, the attempt not counted, the history saying why.
    const HANDED_BACK = "handed back unfinished (WORKER_STOPPED: rolling restart); waiting again";
    const there = await upstream.admin.request<{
      job: {
        state: string;
        raw: { attempts: number; workerId: string | null };
        statusHistory: { message: string | null }[];
      };
    }>(`query($id: ID!) { job(reasonerType: AGENT, jobId: $id) { state raw statusHistory { message } } }`, {
      id: jobId,
    });
    expect(there.job.state).toBe(waiting);
    expect(there.job.raw).toMatchObject({ attempts: 0, workerId: null });
    expect(there.job.statusHistory.at(-1)!.message).toBe(HANDED_BACK);
    const seen = await alice.request<{ job: { statusHistory: { message: string | null; agentId: string | null }[] } }>(
      `query($id: ID!) { job(reasonerType: AGENT, jobId: $id) { statusHistory { message agentId } } }`,
      { id: jobId },
    );
    expect(seen.job.statusHistory.at(-1)!.message).toBe(HANDED_BACK);

    // A token that is no lease (the released one, a forged one) is refused as the upstream refuses it directly.
    const codeOf = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.[0]?.extensions?.code;
    const forged = `${jobId}.${"A".repeat(43)}`;
    for (const bare of [token.slice("@up/".length), forged]) {
      const direct = codeOf(await mesherThere.raw(RELEASE, { t: bare }));
      expect(direct).toBe("LEASE_LOST");
      expect(codeOf(await mesher.raw(RELEASE, { t: `@up/${bare}` }))).toBe(direct);
    }
    // Claimable again at once, through the front.
    const again = await mesher.request<{ claimJob: { token: string; job: { jobId: string } } }>(CLAIM, {
      w: agentId,
    });
    expect(again.claimJob.job.jobId).toBe(jobId);
    await mesher.request(RELEASE, { t: again.claimJob.token });
  }, 60_000);

  it("relays createJobs item refusals as the upstream says them, naming the caller's inputs", async () => {
    const aliceThere = upstream.client(await createKey(upstream.admin, "alice", "MEMBER"));
    const logic = { reasonerType: "LOGIC", reasonerName: "engine-a", payload: { query: "def output = 1" } };
    const agent = (payload: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
      reasonerType: "AGENT",
      reasonerName: "agents",
      payload: { functionName: "mesh", ...payload },
      ...extra,
    });
    // The key is taken (as alice, through the front): the same key with another request is a CONFLICT.
    await alice.request(`mutation($i: CreateJobInput!) { createJob(input: $i) { job { jobId } } }`, {
      i: agent({ displayName: "first" }, { idempotencyKey: "relayed-conflict" }),
    });
    const inputs = [
      logic,
      // Refused by whoever reads it first (the front, here): no function.
      { reasonerType: "AGENT", reasonerName: "agents", payload: {} },
      agent({ assignedAgentId: "00000000-0000-4000-8000-000000000000" }),
      logic,
      agent({ assignedAgentPoolId: "no-such-pool" }),
      agent({ displayName: "second" }, { idempotencyKey: "relayed-conflict" }),
    ];
    type Item = {
      job: { jobId: string } | null;
      error: { code: string; message: string; field: string | null } | null;
    };
    const CREATE_MANY = `mutation($i: [CreateJobInput!]!) { createJobs(inputs: $i) { job { jobId } error { code message field } } }`;
    const viaFront = (await alice.request<{ createJobs: Item[] }>(CREATE_MANY, { i: inputs })).createJobs;
    const direct = (await aliceThere.request<{ createJobs: Item[] }>(CREATE_MANY, { i: inputs })).createJobs;
    expect(viaFront.map((r) => r.error === null)).toEqual([true, false, false, true, false, false]);
    expect(viaFront.map((r) => r.error)).toEqual(direct.map((r) => r.error));
    // Named by their place in the call, wherever they were judged.
    expect(viaFront[2]!.error).toMatchObject({ code: "BAD_USER_INPUT", field: expect.stringMatching(/^inputs\.2\./) });
    expect(viaFront[2]!.error!.message).toMatch(/^inputs\.2\./);
    expect(viaFront[4]!.error).toMatchObject({ code: "BAD_USER_INPUT", field: expect.stringMatching(/^inputs\.4\./) });
    expect(viaFront[5]!.error!.code).toBe("CONFLICT");
  }, 60_000);

  it("names the assigned agent @<gateway>/<id> in the job's payload too, read and listed, forwarded as written or not", async () => {
    const PAYLOAD = `jobId payload ... on AgentJob { assignedAgentId }`;
    type Seen = { jobId: string; payload: { assignedAgentId: string; functionName: string }; assignedAgentId: string };
    const made = (
      await alice.request<{ createJob: { job: Seen } }>(
        `mutation($p: JSON!) { createJob(input: { reasonerType: AGENT, reasonerName: "agents", payload: $p }) { job { ${PAYLOAD} } } }`,
        { p: { functionName: "payload-mesh", assignedAgentId: agentId } },
      )
    ).createJob.job;
    expect(made.payload).toMatchObject({ functionName: "payload-mesh", assignedAgentId: agentId });
    // The upstream stores its own id.
    const there = await upstream.admin.request<{ job: { payload: { assignedAgentId: string } } }>(
      `query($id: ID!) { job(reasonerType: AGENT, jobId: $id) { payload } }`,
      { id: made.jobId },
    );
    expect(there.job.payload.assignedAgentId).toBe(bareAgentId);
    // A job and a list whose fields are forwarded as written (Job fields only), and the same with
    // fields the front answers itself.
    for (const fields of ["jobId payload", `${PAYLOAD} raw`]) {
      const one = await alice.request<{ job: Seen & { raw?: { payload: { assignedAgentId: string } } } }>(
        `query($id: ID!) { job(reasonerType: AGENT, jobId: $id) { ${fields} } }`,
        { id: made.jobId },
      );
      expect(one.job.payload.assignedAgentId).toBe(agentId);
      if (one.job.raw) expect(one.job.raw.payload.assignedAgentId).toBe(agentId);
      const listed = await alice.request<{ jobs: { edges: { node: Seen }[] } }>(
        `query { jobs(filter: { reasonerType: AGENT, name: "payload-mesh" }, first: 5) { edges { node { ${fields} } } } }`,
      );
      expect(listed.jobs.edges.map((e) => e.node.payload.assignedAgentId)).toEqual([agentId]);
    }
  }, 60_000);
});
