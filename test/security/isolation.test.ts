// Nobody sees or touches what is not theirs, by any path: two tenants, an admin, members and a worker
// each try to read, list, cancel, share, comment on, wait for and download others' jobs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createJob, type CreatedJob } from "../helpers/fixtures.ts";
import { type GraphQLClient, startTestServer, type TestServer } from "../helpers/server.ts";

const JOB = `query($t: ReasonerType!, $id: ID!) { job(reasonerType: $t, jobId: $id) { id } }`;
const NODE = `query($id: ID!) { node(id: $id) { id } }`;
const LIST = `query { jobs(first: 100) { totalCount edges { node { jobId } } } }`;
const CANCEL = `mutation($t: ReasonerType!, $id: ID!, $all: Boolean) { cancelJob(reasonerType: $t, jobId: $id, allUsers: $all) { state } }`;
const WAIT = `query($t: ReasonerType!, $id: ID!) { waitForJob(reasonerType: $t, jobId: $id, timeoutS: 0.2) { state } }`;

describe.each(backends.map((b) => [b.name, b] as const))("tenant isolation and roles on %s", (_name, backend) => {
  let t: TestServer;
  let adminA: GraphQLClient;
  let adminB: GraphQLClient;
  let m1: GraphQLClient;
  let m2: GraphQLClient;
  let workerA: GraphQLClient;
  let workerB: GraphQLClient;
  let m1Job: CreatedJob;
  let m1Agent: CreatedJob;
  let artifactUrl: string;

  const key = async (admin: GraphQLClient, userId: string, role: string, email?: string) =>
    t.client(
      (
        await admin.request<any>(
          `mutation($u: String!, $r: Role, $e: String) { createApiKey(userId: $u, role: $r, email: $e) { secret } }`,
          { u: userId, r: role, e: email },
        )
      ).createApiKey.secret,
    );

  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_RATE_LIMIT: "0" });
    adminA = t.admin;
    const tenantB = (await adminA.request<any>(`mutation { createTenant(name: "tenant-b") { id } }`)).createTenant.id;
    adminB = t.client(
      (
        await adminA.request<any>(
          `mutation($t: ID!) { createApiKey(userId: "boss-b", role: ADMIN, tenantId: $t) { secret } }`,
          { t: tenantB },
        )
      ).createApiKey.secret,
    );
    m1 = await key(adminA, "m1", "MEMBER", "m1@example.com");
    m2 = await key(adminA, "m2", "MEMBER", "m2@example.com");
    workerA = await key(adminA, "wa", "WORKER");
    workerB = await key(adminB, "wb", "WORKER");
    m1Job = await createJob(m1, "LOGIC", 1);
    m1Agent = await createJob(m1, "AGENT", 2);

    // m1's PREDICTIVE job runs on worker A and produces an artifact.
    const predictive = await createJob(m1, "PREDICTIVE", 3);
    const w = (
      await workerA.request<any>(
        `mutation { registerWorker(input: { name: "wa-1", reasonerTypes: [PREDICTIVE] }) { id } }`,
      )
    ).registerWorker.id;
    const claim = (
      await workerA.request<any>(
        `mutation($w: ID!) { claimJob(workerId: $w) { ... on Lease { token job { jobId } } } }`,
        { w },
      )
    ).claimJob;
    expect(claim.job.jobId).toBe(predictive.jobId);
    const put = await fetch(`${t.url}/artifacts?name=out.txt&type=result`, {
      method: "PUT",
      headers: { authorization: `Bearer ${workerA.key}`, "x-lease-token": claim.token, "content-type": "text/plain" },
      body: "secret result",
    });
    expect(put.status).toBe(201);
    const { id } = (await put.json()) as { id: string };
    const done = await workerA.request<any>(
      `mutation($l: String!, $a: [ID!]) { completeJob(leaseToken: $l, artifactIds: $a) { artifacts { downloadUrl } } }`,
      { l: claim.token, a: [id] },
    );
    artifactUrl = done.completeJob.artifacts[0].downloadUrl;
  });
  afterAll(async () => t?.stop());

  const seen = async (c: GraphQLClient, job: CreatedJob) =>
    (await c.request<any>(JOB, { t: job.reasonerType, id: job.jobId })).job !== null;
  const listed = async (c: GraphQLClient) =>
    ((await c.request<any>(LIST)).jobs.edges as { node: { jobId: string } }[]).map((e) => e.node.jobId);

  it("another tenant reads nothing and touches nothing: not found, never forbidden", async () => {
    expect(await seen(adminB, m1Job)).toBe(false);
    expect((await adminB.request<any>(NODE, { id: m1Job.id })).node).toBeNull();
    expect(await listed(adminB)).not.toContain(m1Job.jobId);
    expect((await adminB.request<any>(`{ jobs(filter: { allUsers: true }) { totalCount } }`)).jobs.totalCount).toBe(0);
    for (const [query, vars] of [
      [CANCEL, { t: "LOGIC", id: m1Job.jobId, all: true }],
      [WAIT, { t: "LOGIC", id: m1Job.jobId }],
      [`mutation($id: ID!) { addJobComment(jobId: $id, content: "hi") { id } }`, { id: m1Agent.jobId }],
      [`mutation($id: ID!) { archiveJob(jobId: $id) { id } }`, { id: m1Agent.jobId }],
      [
        `mutation($id: ID!) { createJobAccess(jobId: $id, subjectId: "boss-b", relation: OWNER) { relation } }`,
        { id: m1Agent.jobId },
      ],
      [`mutation($id: ID!) { rerunJob(jobId: $id) { job { id } } }`, { id: m1Job.jobId }],
    ] as const) {
      const r = await adminB.raw(query, vars);
      expect(r.errors?.[0]?.extensions?.code, query).toBe("NOT_FOUND");
    }
    const dl = await fetch(artifactUrl, { headers: { authorization: `Bearer ${adminB.key}` } });
    expect(dl.status).toBe(404);
    // The other tenant's worker never claims this tenant's jobs and cannot use its leases.
    await createJob(m1, "PREDICTIVE", 4);
    const wb = (
      await workerB.request<any>(
        `mutation { registerWorker(input: { name: "wb-1", reasonerTypes: [PREDICTIVE, LOGIC, AGENT] }) { id } }`,
      )
    ).registerWorker.id;
    expect(
      (await workerB.request<any>(`mutation($w: ID!) { claimJob(workerId: $w) { __typename } }`, { w: wb })).claimJob
        .__typename,
    ).toBe("NoJobResponse");
    const waWorker = (
      await workerA.request<any>(
        `mutation { registerWorker(input: { name: "wa-2", reasonerTypes: [PREDICTIVE] }) { id } }`,
      )
    ).registerWorker.id;
    expect(
      (await workerB.raw(`mutation($w: ID!) { claimJob(workerId: $w) { __typename } }`, { w: waWorker })).errors?.[0]
        ?.extensions?.code,
    ).toBe("NOT_FOUND");
    const lease = (
      await workerA.request<any>(`mutation($w: ID!) { claimJob(workerId: $w) { ... on Lease { token } } }`, {
        w: waWorker,
      })
    ).claimJob.token;
    expect(
      (await workerB.raw(`mutation($l: String!) { heartbeat(leaseToken: $l) { cancelRequested } }`, { l: lease }))
        .errors?.[0]?.extensions?.code,
    ).toBe("LEASE_LOST");
    expect(
      (await workerB.raw(`mutation($l: String!) { completeJob(leaseToken: $l) { id } }`, { l: lease })).errors?.[0]
        ?.extensions?.code,
    ).toBe("LEASE_LOST");
    await workerA.request(`mutation($l: String!) { completeJob(leaseToken: $l) { id } }`, { l: lease });
  });

  it("members see their own jobs and what is shared with them, at the granted strength", async () => {
    expect(await seen(m2, m1Job)).toBe(false);
    expect((await m2.request<any>(NODE, { id: m1Agent.id })).node).toBeNull();
    expect(await listed(m2)).not.toContain(m1Job.jobId);
    expect((await m2.raw(CANCEL, { t: "LOGIC", id: m1Job.jobId })).errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect((await m2.raw(CANCEL, { t: "LOGIC", id: m1Job.jobId, all: true })).errors?.[0]?.extensions?.code).toBe(
      "FORBIDDEN",
    );
    expect((await fetch(artifactUrl, { headers: { authorization: `Bearer ${m2.key}` } })).status).toBe(404);
    expect((await fetch(artifactUrl, { headers: { authorization: `Bearer ${m1.key}` } })).status).toBe(200);

    // VIEWER reads; EDITOR also comments and updates the file; OWNER also manages access.
    await m1.request(
      `mutation($id: ID!) { createJobAccess(jobId: $id, email: "m2@example.com", relation: VIEWER) { relation } }`,
      { id: m1Agent.jobId },
    );
    expect(await seen(m2, m1Agent)).toBe(true);
    expect(await listed(m2)).toContain(m1Agent.jobId);
    const comment = `mutation($id: ID!) { addJobComment(jobId: $id, content: "looks good") { id } }`;
    expect((await m2.raw(comment, { id: m1Agent.jobId })).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    await m1.request(
      `mutation($id: ID!) { updateJobAccess(jobId: $id, subjectId: "m2", relation: EDITOR) { relation } }`,
      { id: m1Agent.jobId },
    );
    expect((await m2.request<any>(comment, { id: m1Agent.jobId })).addJobComment.id).toBeTruthy();
    expect(
      (
        await m2.raw(`mutation($id: ID!) { updateJobFile(jobId: $id, input: { displayName: "mesh.obj" }) { id } }`, {
          id: m1Agent.jobId,
        })
      ).errors,
    ).toBeUndefined();
    const share = `mutation($id: ID!) { createJobAccess(jobId: $id, subjectId: "m3", relation: VIEWER) { relation } }`;
    expect((await m2.raw(share, { id: m1Agent.jobId })).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    await m1.request(
      `mutation($id: ID!) { updateJobAccess(jobId: $id, subjectId: "m2", relation: OWNER) { relation } }`,
      { id: m1Agent.jobId },
    );
    expect((await m2.raw(share, { id: m1Agent.jobId })).errors).toBeUndefined();
    await m1.request(`mutation($id: ID!) { removeJobAccess(jobId: $id, subjectId: "m2") }`, { id: m1Agent.jobId });
    expect(await seen(m2, m1Agent)).toBe(false);
  });

  it("admins see the whole tenant; allUsers needs ADMIN", async () => {
    expect(await seen(adminA, m1Job)).toBe(true);
    expect(await listed(adminA)).not.toContain(m1Job.jobId);
    expect(
      (
        await adminA.request<any>(`{ jobs(first: 100, filter: { allUsers: true }) { edges { node { jobId } } } }`)
      ).jobs.edges.map((e: any) => e.node.jobId),
    ).toContain(m1Job.jobId);
    expect((await m1.raw(`{ jobs(filter: { allUsers: true }) { totalCount } }`)).errors?.[0]?.extensions?.code).toBe(
      "FORBIDDEN",
    );
    expect((await adminA.request<any>(CANCEL, { t: "LOGIC", id: m1Job.jobId, all: true })).cancelJob.state).toBe(
      "CANCELED",
    );
  });

  it("worker keys run the worker protocol only", async () => {
    expect(
      (
        await workerA.raw(
          `mutation { createJob(input: { reasonerType: LOGIC, reasonerName: "e", payload: { query: "q", databaseName: "d" } }) { job { id } } }`,
        )
      ).errors?.[0]?.extensions?.code,
    ).toBe("FORBIDDEN");
    expect((await workerA.raw(LIST)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await workerA.raw(CANCEL, { t: "AGENT", id: m1Agent.jobId })).errors?.[0]?.extensions?.code).toBe(
      "FORBIDDEN",
    );
    expect((await workerA.raw(`mutation { createApiKey(userId: "x") { secret } }`)).errors?.[0]?.extensions?.code).toBe(
      "FORBIDDEN",
    );
    // Members cannot run the worker protocol.
    expect(
      (await m1.raw(`mutation { registerWorker(input: { name: "sneaky", reasonerTypes: [LOGIC] }) { id } }`))
        .errors?.[0]?.extensions?.code,
    ).toBe("FORBIDDEN");
  });
});
