// The audit log nobody can erase, and admins read, on PGlite and PostgreSQL: what a caller sends
// (NUL, lone surrogates, huge strings) is made storable before it is written, a batch that still fails
// is written entry by entry, and `auditLog(filter, first, after)` gives a tenant's admins its
// entries newest first: revocations, cancels (over HTTP and WebSocket) and downloads included. Each
// entry's target is the id of what a create made or a claim took, the job a lease token stands for
// (never the token), and an API key made in another tenant is in that tenant's log too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storableText } from "../../src/security/audit.ts";
import { backends } from "../helpers/backends.ts";
import { createJob, createJobInput } from "../helpers/fixtures.ts";
import { startTestServer, type GraphQLClient, type TestServer } from "../helpers/server.ts";
import { newTenant } from "../http/tenant.ts";
import { liveClient } from "../live/ws-client.ts";

const AUDIT_LOG = `query($f: AuditFilter, $first: Int, $after: String) {
  auditLog(filter: $f, first: $first, after: $after) {
    edges { cursor node { id createdOn actorId role operation target outcome requestId } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

interface AuditNode {
  id: string;
  createdOn: string;
  actorId: string | null;
  role: string | null;
  operation: string;
  target: string | null;
  outcome: string;
  requestId: string | null;
}
interface AuditPage {
  auditLog: {
    edges: { cursor: string; node: AuditNode }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
  };
}

describe("storableText", () => {
  it("replaces NUL and lone surrogates, keeps pairs, caps the length", () => {
    expect(storableText("a\u0000b", 10)).toBe("a\uFFFDb");
    expect(storableText("x\uD800y\uDC00z", 10)).toBe("x\uFFFDy\uFFFDz");
    expect(storableText("ok \u{1F600}", 10)).toBe("ok \u{1F600}");
    // A cap that splits a pair leaves no lone half behind.
    expect(storableText("ab\u{1F600}", 3)).toBe("ab\uFFFD");
    expect(storableText("y".repeat(1000), 255)).toHaveLength(255);
    expect(storableText(null, 5)).toBeNull();
  });
});

describe.each(backends)("audit log on $name", (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_WORKERS: "1", JOBS_RATE_LIMIT: "0" });
  });
  afterAll(async () => {
    await t?.stop();
  });

  /** Every entry the filter selects, newest first, read page by page. */
  async function readAll(admin: GraphQLClient, filter: Record<string, unknown> = {}, first = 3): Promise<AuditNode[]> {
    await t.server.services.audit.idle();
    const all: AuditNode[] = [];
    let after: string | null = null;
    for (;;) {
      const page: AuditPage = await admin.request<AuditPage>(AUDIT_LOG, { f: filter, first, after });
      all.push(...page.auditLog.edges.map((e) => e.node));
      expect(page.auditLog.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!page.auditLog.pageInfo.hasNextPage) return all;
      after = page.auditLog.pageInfo.endCursor;
    }
  }

  it("stores every entry of a batch that holds NUL, lone surrogates and oversized values, and loses none of the others", async () => {
    const tn = await newTenant(t);
    const hostile = [
      tn.otherMember.raw(`mutation($u: String!) { createApiKey(userId: $u) { secret } }`, { u: "evil\u0000user" }),
      tn.otherMember.raw(`mutation($j: ID!) { cancelJob(reasonerType: AGENT, jobId: $j) { state } }`, {
        j: "\uD800lone",
      }),
      tn.otherMember.raw(`mutation($j: ID!) { cancelJob(reasonerType: AGENT, jobId: $j) { state } }`, {
        j: "z".repeat(100_000),
      }),
      tn.otherMember.raw(`mutation { cancelJob(reasonerType: AGENT, jobId: "\\u0000") { state } }`),
    ];
    const victims = Array.from({ length: 6 }, (_, n) => createJob(tn.member, "LOGIC", n));
    const answers = await Promise.all(hostile);
    for (const a of answers) expect(a.status).toBeLessThan(500);
    await Promise.all(victims);

    const entries = await readAll(tn.admin);
    const mine = entries.filter((e) => e.actorId === "m1");
    expect(mine.map((e) => [e.operation, e.outcome])).toEqual(Array.from({ length: 6 }, () => ["createJob", "OK"]));
    const theirs = entries.filter((e) => e.actorId === "m2");
    expect(theirs).toHaveLength(4);
    for (const e of theirs) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is that no NUL reaches the log.
      expect(e.target ?? "").not.toMatch(/[\u0000\uD800-\uDFFF]/);
      expect((e.target ?? "").length).toBeLessThanOrEqual(255);
      expect(e.outcome).not.toBe("OK");
    }
  });

  it("writes a failed batch entry by entry, so the one bad entry is all that is lost", async () => {
    const { audit, db } = t.server.services;
    const entry = (target: string, tenantId: string | null = null) => ({
      tenantId,
      actor: "tester",
      actorId: "tester",
      role: null,
      operation: "retryTest",
      target,
      outcome: "OK",
      requestId: null,
    });
    // Not a uuid: the column refuses it whatever the text, failing the batch it is in.
    await Promise.all([
      audit.record([entry("a"), entry("b")]),
      audit.record([entry("bad", "not-a-uuid")]),
      audit.record([entry("c")]),
    ]);
    await audit.idle();
    const rows = await db.query<{ target: string }>(
      `select "target" from "audit_log" where "operation" = 'retryTest' order by "id"`,
    );
    expect(rows.map((r) => r.target)).toEqual(["a", "b", "c"]);
  });

  it("gives admins their tenant's entries newest first, filtered and paged; revocations, cancels and downloads included", async () => {
    const tn = await newTenant(t);
    const other = await newTenant(t);
    await createJob(other.member, "LOGIC");

    // A cancel, a revocation and a download, each by someone else.
    const job = await createJob(tn.member, "AGENT");
    await tn.member.request(`mutation($j: ID!) { cancelJob(reasonerType: AGENT, jobId: $j) { state } }`, {
      j: job.jobId,
    });
    const doomed = await tn.key("temp", "MEMBER");
    const { viewer } = await t.client(doomed).request<{ viewer: { userId: string } }>(`{ viewer { userId } }`);
    expect(viewer.userId).toBe("temp");
    const keys = await t.server.services.db.query<{ id: string }>(
      `select "id"::text as "id" from "api_keys" where "userId" = 'temp' and "tenantId" = $1::uuid`,
      [tn.tenantId],
    );
    await tn.admin.request(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedOn } }`, { id: keys[0]!.id });

    const { createGenerationJob } = await tn.member.request<{ createGenerationJob: { job: { jobId: string } } }>(
      `mutation { createGenerationJob(input: { kind: MOCK, rows: 10, seed: 1 }) { job { jobId } } }`,
    );
    const done = await tn.member.request<{
      waitForJob: { state: string; artifacts: { id: string; downloadUrl: string }[] };
    }>(
      `query($j: ID!) { waitForJob(reasonerType: GENERATION, jobId: $j, timeoutS: 120) { state ... on GenerationJob { artifacts { id downloadUrl } } } }`,
      { j: createGenerationJob.job.jobId },
    );
    expect(done.waitForJob.state).toBe("SUCCEEDED");
    const artifact = done.waitForJob.artifacts[0]!;
    const artifactId = new URL(artifact.downloadUrl).pathname.split("/").at(-1)!; // the native id the route names
    const download = await fetch(artifact.downloadUrl, { headers: { authorization: `Bearer ${tn.otherMember.key}` } });
    expect(download.status).toBe(404); // m2 cannot see m1's job: refused, and audited as such
    const allowed = await fetch(artifact.downloadUrl, { headers: { authorization: `Bearer ${tn.member.key}` } });
    expect(allowed.status).toBe(200);
    await allowed.arrayBuffer();

    // Over WebSocket as over HTTP.
    const socket = liveClient(t.url, tn.member.key!);
    const wsJob = await createJob(tn.member, "AGENT", 2);
    const wsCancel = await socket.request(`mutation($j: ID!) { cancelJob(reasonerType: AGENT, jobId: $j) { state } }`, {
      j: wsJob.jobId,
    });
    expect(wsCancel.errors).toBeUndefined();
    await socket.dispose();

    const entries = await readAll(tn.admin);
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actorId: "m1", operation: "cancelJob", target: wsJob.jobId, outcome: "OK" }),
      ]),
    );
    const ids = entries.map((e) => BigInt(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    expect(new Set(ids).size).toBe(ids.length);
    expect(entries.every((e) => e.actorId !== "boss" || e.role === "ADMIN")).toBe(true);
    expect(entries.map((e) => e.target)).not.toContain(other.tenantId);
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          actorId: "m1",
          role: "MEMBER",
          operation: "cancelJob",
          target: job.jobId,
          outcome: "OK",
        }),
        expect.objectContaining({
          actorId: "boss",
          role: "ADMIN",
          operation: "revokeApiKey",
          target: keys[0]!.id,
          outcome: "OK",
        }),
        expect.objectContaining({ actorId: "m1", operation: "GET /artifacts/:id", target: artifactId, outcome: "OK" }),
        expect.objectContaining({
          actorId: "m2",
          operation: "GET /artifacts/:id",
          target: artifactId,
          outcome: "NOT_FOUND",
        }),
      ]),
    );
    expect(entries.every((e) => typeof e.requestId === "string" && e.requestId.length > 0)).toBe(true);

    // Filters: by actor, by operation, both.
    const byM1 = await readAll(tn.admin, { actorId: "m1" });
    expect(byM1.length).toBeGreaterThan(0);
    expect(byM1.every((e) => e.actorId === "m1")).toBe(true);
    expect(byM1).toEqual(entries.filter((e) => e.actorId === "m1"));
    const cancels = await readAll(tn.admin, { operation: "cancelJob", actorId: "m1" }, 50);
    expect(cancels.map((e) => e.target)).toEqual([wsJob.jobId, job.jobId]);

    // Another tenant's admin sees none of it; members and workers are refused; a made-up cursor is bad input.
    const theirs = await readAll(other.admin);
    expect(theirs.some((e) => e.actorId === "m1" && e.target === job.jobId)).toBe(false);
    for (const client of [tn.member, tn.worker]) {
      const refused = await client.raw(AUDIT_LOG, {});
      expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
    for (const after of [
      "nope",
      "",
      Buffer.from('{"audit":"99999999999999999999"}').toString("base64url"),
      Buffer.from('{"audit":"-1"}').toString("base64url"),
    ]) {
      const bad = await tn.admin.raw(AUDIT_LOG, { after });
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    }
  });

  /** The targets of a tenant's `operation` entries, oldest first. */
  async function targetsOf(admin: GraphQLClient, operation: string): Promise<(string | null)[]> {
    return (await readAll(admin, { operation }, 50)).map((e) => e.target).reverse();
  }

  const CREATE_JOBS = `mutation($i: [CreateJobInput!]!) { createJobs(inputs: $i) { job { jobId } error { code } } }`;
  const PAYLOAD_JOB = "job { jobId }";

  it("names what a create made (a job, a batch of jobs, a rerun, a schedule, a worker, a tenant, a key), not its name", async () => {
    const tn = await newTenant(t);
    const job = await createJob(tn.member, "PREDICTIVE", 1);

    // Bulk: the ids of the jobs made, in order; past the cap, the rest counted.
    const ten = await tn.member.request<{ createJobs: { job: { jobId: string } }[] }>(CREATE_JOBS, {
      i: Array.from({ length: 10 }, (_, n) => createJobInput("PREDICTIVE", 10 + n)),
    });
    const tenIds = ten.createJobs.map((r) => r.job.jobId);
    const some = await tn.member.request<{ createJobs: { job: { jobId: string } | null; error: unknown }[] }>(
      CREATE_JOBS,
      {
        i: [
          createJobInput("PREDICTIVE", 30),
          createJobInput("PREDICTIVE", 31, { timeoutMins: -5 }),
          createJobInput("PREDICTIVE", 32),
        ],
      },
    );
    expect(some.createJobs[1]!.job).toBeNull();
    const made = some.createJobs.flatMap((r) => (r.job ? [r.job.jobId] : []));

    const agent = await tn.member.request<{ addAgentJob: { job: { jobId: string } } }>(
      `mutation { addAgentJob(input: { functionName: "mesh", displayName: "agent-name" }) { ${PAYLOAD_JOB} } }`,
    );
    const batch = await tn.member.request<{ runBatchJob: { job: { jobId: string } } }>(
      `mutation($i: RunBatchJobInput!) { runBatchJob(input: $i) { ${PAYLOAD_JOB} } }`,
      { i: { name: "batch-name", steps: [{ name: "one", run: { reasonerType: "PREDICTIVE", payload: {} } }] } },
    );
    const ready = await tn.member.request<{ createJobReady: { jobId: string; state: string } }>(
      `mutation($i: CreateJobInput!) { createJobReady(input: $i, timeoutS: 120) { jobId state } }`,
      {
        i: {
          reasonerType: "GENERATION",
          reasonerName: "default",
          payload: { kind: "MOCK", rows: 5, seed: 2 },
          name: "ready-name",
        },
      },
    );
    expect(ready.createJobReady.state).toBe("SUCCEEDED");
    const generation = await tn.member.request<{ createGenerationJob: { job: { jobId: string } } }>(
      `mutation { createGenerationJob(input: { kind: MOCK, rows: 5, seed: 3, name: "gen-name" }) { ${PAYLOAD_JOB} } }`,
    );
    const rerun = await tn.member.request<{ rerunJob: { job: { jobId: string } } }>(
      `mutation($j: ID!) { rerunJob(jobId: $j) { ${PAYLOAD_JOB} } }`,
      { j: ready.createJobReady.jobId },
    );
    expect(rerun.rerunJob.job.jobId).not.toBe(ready.createJobReady.jobId);
    const schedule = await tn.member.request<{ createSchedule: { id: string } }>(
      `mutation($i: CreateScheduleInput!) { createSchedule(input: $i) { id } }`,
      { i: { name: "schedule-name", cron: "0 3 * * *", job: { reasonerType: "PREDICTIVE", payload: {} } } },
    );
    const worker = await tn.worker.request<{ registerWorker: { id: string } }>(
      `mutation { registerWorker(input: { name: "worker-name", reasonerTypes: [PREDICTIVE] }) { id } }`,
    );
    // Selecting only the secret: the row still names the key, never the secret.
    const key = await tn.admin.request<{ createApiKey: { secret: string } }>(
      `mutation { createApiKey(userId: "someone") { secret } }`,
    );
    const [newKey] = await t.server.services.db.query<{ id: string }>(
      `select "id"::text as "id" from "api_keys" where "userId" = 'someone' and "tenantId" = $1::uuid`,
      [tn.tenantId],
    );

    expect(await targetsOf(tn.admin, "createJob")).toEqual([job.jobId]);
    expect(await targetsOf(tn.admin, "createJobs")).toEqual([
      `${tenIds.slice(0, 6).join(",")} +4 more`,
      made.join(","),
    ]);
    expect(await targetsOf(tn.admin, "addAgentJob")).toEqual([agent.addAgentJob.job.jobId]);
    expect(await targetsOf(tn.admin, "runBatchJob")).toEqual([batch.runBatchJob.job.jobId]);
    expect(await targetsOf(tn.admin, "createJobReady")).toEqual([ready.createJobReady.jobId]);
    expect(await targetsOf(tn.admin, "createGenerationJob")).toEqual([generation.createGenerationJob.job.jobId]);
    expect(await targetsOf(tn.admin, "rerunJob")).toEqual([rerun.rerunJob.job.jobId]);
    expect(await targetsOf(tn.admin, "createSchedule")).toEqual([schedule.createSchedule.id]);
    expect(await targetsOf(tn.admin, "registerWorker")).toEqual([worker.registerWorker.id]);
    const keyRows = (await readAll(tn.admin, { operation: "createApiKey", actorId: "boss" }, 50)).map((e) => e.target);
    expect(keyRows).toEqual([newKey!.id]);
    expect(keyRows).not.toContain(key.createApiKey.secret);
    // The tenant's creation, in the log of the first tenant, whose admin made it.
    const [first] = await t.server.services.db.query<{ target: string }>(
      `select "target" from "audit_log" where "operation" = 'createTenant' and "target" = $1`,
      [tn.tenantId],
    );
    expect(first?.target).toBe(tn.tenantId);
  });

  it("names the job a createJobReady made when its wait times out, as when it succeeds", async () => {
    const tn = await newTenant(t);
    // No worker takes PREDICTIVE jobs here: the job waits in its queue and the wait ends first.
    const timedOut = await tn.member.raw<{ createJobReady: { jobId: string } | null }>(
      `mutation($i: CreateJobInput!) { createJobReady(input: $i, timeoutS: 0) { jobId } }`,
      { i: createJobInput("PREDICTIVE", 1, { name: "ready-timeout" }) },
    );
    expect(timedOut.errors?.[0]?.extensions?.code).toBe("JOB_TIMEOUT");
    const [made] = await t.server.services.db.query<{ id: string }>(
      `select "id"::text as "id" from "jobs" where "tenantId" = $1::uuid and "name" = 'ready-timeout'`,
      [tn.tenantId],
    );
    expect(made).toBeDefined();
    const rows = await readAll(tn.admin, { operation: "createJobReady" }, 50);
    expect(rows.map((e) => [e.target, e.outcome])).toEqual([[made!.id, "JOB_TIMEOUT"]]);
    await tn.member.request(`mutation($j: ID!) { cancelJob(reasonerType: PREDICTIVE, jobId: $j) { state } }`, {
      j: made!.id,
    });
  });

  it("names what a result holds also when the answer has errors: another field failed, or another operation of the batch", async () => {
    const tn = await newTenant(t);
    // The cancel's error nulls the whole answer, yet the job was made: its row names it.
    const mixed = await tn.member.raw(
      `mutation($i: CreateJobInput!) { a: createJob(input: $i) { ${PAYLOAD_JOB} } b: cancelJob(reasonerType: AGENT, jobId: "none") { state } }`,
      { i: createJobInput("PREDICTIVE", 1) },
    );
    expect(mixed.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const [mixedJob] = await t.server.services.db.query<{ id: string }>(
      `select "id"::text as "id" from "jobs" where "tenantId" = $1::uuid and "name" = 'predictive-1'`,
      [tn.tenantId],
    );
    // A claim beside a completion that fails on its own: the claim's row names the job it took.
    const workerId = (
      await tn.worker.request<{ registerWorker: { id: string } }>(
        `mutation { registerWorker(input: { name: "w", reasonerTypes: [PREDICTIVE] }) { id } }`,
      )
    ).registerWorker.id;
    const claimed = await tn.worker.raw<{ a: { job: { jobId: string } }[]; b: unknown[] }>(
      `mutation($w: ID!) { a: claimJobs(workerId: $w, limit: 1) { job { jobId } } b: completeJobs(completions: [{ leaseToken: "bad" }]) { state } }`,
      { w: workerId },
    );
    expect(claimed.errors?.[0]?.extensions?.code).toBe("LEASE_LOST");
    // A batch: the failing operation's row names what it was sent (its name), the other the job it made.
    const create = `mutation($i: CreateJobInput!) { createJob(input: $i) { ${PAYLOAD_JOB} } }`;
    const response = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tn.member.key}` },
      body: JSON.stringify([
        { query: create, variables: { i: createJobInput("PREDICTIVE", 2) } },
        { query: create, variables: { i: createJobInput("PREDICTIVE", 3, { timeoutMins: -5 }) } },
      ]),
    });
    const batch = (await response.json()) as { data?: { createJob: { job: { jobId: string } } }; errors?: unknown[] }[];
    expect(batch[1]!.errors).toBeDefined();

    expect(await targetsOf(tn.admin, "createJob")).toEqual(
      expect.arrayContaining([mixedJob!.id, batch[0]!.data!.createJob.job.jobId, "predictive-3"]),
    );
    expect(await targetsOf(tn.admin, "claimJobs")).toEqual([claimed.data!.a[0]!.job.jobId]);
    expect(await targetsOf(tn.admin, "completeJobs")).toEqual([null]);
  });

  it("names the job a worker's lease token stands for, never the token; a claim names the jobs it took", async () => {
    const tn = await newTenant(t);
    const REGISTER = `mutation { registerWorker(input: { name: "w", reasonerTypes: [AGENT] }) { id } }`;
    const workerId = (await tn.worker.request<{ registerWorker: { id: string } }>(REGISTER)).registerWorker.id;
    const jobs = await Promise.all([1, 2, 3, 4].map((n) => createJob(tn.member, "AGENT", n)));
    type Lease = { token: string; job: { jobId: string } };
    const claimed = await tn.worker.request<{ claimJob: Lease }>(
      `mutation($w: ID!) { claimJob(workerId: $w) { ... on Lease { token job { jobId } } } }`,
      { w: workerId },
    );
    const one = claimed.claimJob;
    const { claimJobs: two } = await tn.worker.request<{ claimJobs: Lease[] }>(
      `mutation($w: ID!) { claimJobs(workerId: $w, limit: 2) { token job { jobId } } }`,
      { w: workerId },
    );
    // Over WebSocket as over HTTP: the last waiting job.
    const socket = liveClient(t.url, tn.worker.key!);
    const overWs = await socket.request<{ claimJobs: Lease[] }>(
      `mutation($w: ID!) { claimJobs(workerId: $w, limit: 5) { token job { jobId } } }`,
      { w: workerId },
    );
    await socket.dispose();
    const last = overWs.data!.claimJobs[0]!;
    const empty = await tn.worker.request<{ claimJobs: Lease[] }>(
      `mutation($w: ID!) { claimJobs(workerId: $w, limit: 5) { token } }`,
      { w: workerId },
    );
    expect(empty.claimJobs).toEqual([]);
    expect(new Set([one, ...two, last].map((l) => l.job.jobId))).toEqual(new Set(jobs.map((j) => j.jobId)));

    await tn.worker.request(`mutation($t: String!) { heartbeat(leaseToken: $t) { expiresOn } }`, { t: one.token });
    await tn.worker.request(`mutation($t: String!) { updateJobStatus(leaseToken: $t, state: RUNNING) { state } }`, {
      t: one.token,
    });
    await tn.worker.request(`mutation($t: String!) { appendJobEvents(leaseToken: $t, events: [{ n: 1 }]) }`, {
      t: one.token,
    });
    await tn.worker.request(`mutation($t: String!) { appendJobLogs(leaseToken: $t, lines: [{ message: "hi" }]) }`, {
      t: one.token,
    });
    await tn.worker.request(`mutation($t: String!) { completeJob(leaseToken: $t, result: { ok: true }) { state } }`, {
      t: one.token,
    });
    await tn.worker.request(`mutation($c: [JobCompletionInput!]!) { completeJobs(completions: $c) { state } }`, {
      c: two.map((l) => ({ leaseToken: l.token, result: {} })),
    });
    await tn.worker.request(
      `mutation($t: String!) { failJob(leaseToken: $t, error: { code: "E", message: "no" }) { state } }`,
      { t: last.token },
    );
    // A finished job's token, and something not shaped like a token: refused, the first still naming its job.
    const stale = await tn.worker.raw(`mutation($t: String!) { heartbeat(leaseToken: $t) { expiresOn } }`, {
      t: one.token,
    });
    expect(stale.errors?.[0]?.extensions?.code).toBe("LEASE_LOST");
    await tn.worker.raw(`mutation { appendJobLogs(leaseToken: "not-a-token", lines: [{ message: "x" }]) }`);

    expect(await targetsOf(tn.admin, "claimJob")).toEqual([one.job.jobId]);
    expect(await targetsOf(tn.admin, "claimJobs")).toEqual([
      two.map((l) => l.job.jobId).join(","),
      last.job.jobId,
      null,
    ]);
    expect(await targetsOf(tn.admin, "heartbeat")).toEqual([one.job.jobId, one.job.jobId]);
    for (const operation of ["updateJobStatus", "appendJobEvents", "completeJob"])
      expect(await targetsOf(tn.admin, operation)).toEqual([one.job.jobId]);
    expect(await targetsOf(tn.admin, "appendJobLogs")).toEqual([one.job.jobId, null]);
    expect(await targetsOf(tn.admin, "completeJobs")).toEqual([two.map((l) => l.job.jobId).join(",")]);
    expect(await targetsOf(tn.admin, "failJob")).toEqual([last.job.jobId]);
    const entries = await readAll(tn.admin, { actorId: "w1" }, 50);
    expect(entries.find((e) => e.operation === "heartbeat" && e.outcome === "LEASE_LOST")?.target).toBe(one.job.jobId);
    const secrets = [one, ...two, last].map((l) => l.token.split(".")[1]!);
    for (const e of entries) for (const secret of secrets) expect(e.target ?? "").not.toContain(secret);
  });

  it("writes an API key made or revoked in another tenant in both tenants' logs, naming the key", async () => {
    const tn = await newTenant(t);
    const made = await t.admin.request<{ createApiKey: { apiKey: { id: string; tenantId: string } } }>(
      `mutation($t: ID!) { createApiKey(userId: "visitor", tenantId: $t) { apiKey { id tenantId } } }`,
      { t: tn.tenantId },
    );
    const keyId = made.createApiKey.apiKey.id;
    expect(made.createApiKey.apiKey.tenantId).toBe(tn.tenantId);
    await t.admin.request(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedOn } }`, { id: keyId });
    const { viewer } = await t.admin.request<{ viewer: { userId: string; tenantId: string } }>(
      `{ viewer { userId tenantId } }`,
    );

    for (const operation of ["createApiKey", "revokeApiKey"]) {
      const theirs = (await readAll(tn.admin, { operation }, 50)).filter((e) => e.target === keyId);
      expect(theirs).toEqual([
        expect.objectContaining({ actorId: viewer.userId, role: "ADMIN", outcome: "OK", target: keyId }),
      ]);
      const ours = (await readAll(t.admin, { operation }, 50)).filter((e) => e.target === keyId);
      expect(ours).toEqual([expect.objectContaining({ actorId: viewer.userId, outcome: "OK", target: keyId })]);
    }
    const [row] = await t.server.services.db.query<{ actor: string }>(
      `select "actor" from "audit_log" where "tenantId" = $1::uuid and "operation" = 'createApiKey' and "target" = $2`,
      [tn.tenantId, keyId],
    );
    expect(row!.actor).toMatch(new RegExp(`^${viewer.userId} \\(key [0-9a-f-]+, tenant ${viewer.tenantId}\\)$`));
    // A key made in the caller's own tenant is in that log once.
    const own = await tn.admin.request<{ createApiKey: { apiKey: { id: string } } }>(
      `mutation { createApiKey(userId: "local") { apiKey { id } } }`,
    );
    await t.server.services.audit.idle();
    const rows = await t.server.services.db.query<{ tenantId: string }>(
      `select "tenantId"::text as "tenantId" from "audit_log" where "target" = $1`,
      [own.createApiKey.apiKey.id],
    );
    expect(rows).toEqual([{ tenantId: tn.tenantId }]);
  });
});
