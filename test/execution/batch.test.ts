// Batch pipelines on the running server (JOBS_WORKERS=2), on PGlite and PostgreSQL: steps run in
// order as child jobs, a step reads an earlier step's output through "$steps.<name>.artifacts[0]",
// a failing step is skipped with ignoreChunkError and fails the batch without it, every step logs
// under its name, a canceled batch cancels its running child, and a batch whose executor lost it
// resumes by awaiting the step's existing child instead of making another.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STEPS_BY_CHILD } from "../../src/jobs/local/expansions.ts";
import { sweep } from "../../src/workers/protocol/sql/sweep.ts";
import { backends } from "../helpers/backends.ts";
import { startTestServer, type GraphQLClient, type TestServer } from "../helpers/server.ts";
import { agentWorker } from "../live/driver.ts";
import { tenantAdmin, terminalEntries, waitForGeneration } from "./helpers.ts";

const BATCH_FIELDS = `jobId state nativeState execTimeMs startedOn finishedOn error { code message }
  statusHistory { state message }
  operation { result }
  logs(first: 500) { edges { node { level message step timestampMs } } }
  ... on BatchJob { steps { name state ignoreChunkError startedOn finishedOn childJobId } }`;

interface BatchView {
  jobId: string;
  state: string;
  nativeState: string;
  execTimeMs: number | null;
  startedOn: string | null;
  finishedOn: string | null;
  error: { code: string; message: string } | null;
  statusHistory: { state: string; message: string | null }[];
  operation: {
    result: { steps: { name: string; state: string; jobId: string | null; artifactIds: string[] }[] } | null;
  };
  logs: { edges: { node: { level: string; message: string; step: string | null; timestampMs: number } }[] };
  steps: {
    name: string;
    state: string;
    ignoreChunkError: boolean;
    startedOn: string | null;
    finishedOn: string | null;
    childJobId: string | null;
  }[];
}

async function runBatch(client: GraphQLClient, input: Record<string, unknown>): Promise<string> {
  const data = await client.request<{ runBatchJob: { job: { jobId: string } } }>(
    `mutation($i: RunBatchJobInput!) { runBatchJob(input: $i) { job { jobId } } }`,
    { i: input },
  );
  return data.runBatchJob.job.jobId;
}

async function waitForBatch(client: GraphQLClient, jobId: string): Promise<BatchView> {
  const data = await client.request<{ waitForJob: BatchView }>(
    `query($id: ID!) { waitForJob(reasonerType: BATCH, jobId: $id, timeoutS: 120) { ${BATCH_FIELDS} } }`,
    { id: jobId },
  );
  return data.waitForJob;
}

const mockStep = (name: string, rows: number) => ({
  name,
  run: {
    reasonerType: "GENERATION",
    payload: {
      kind: "MOCK",
      rows,
      seed: 11,
      spec: {
        columns: [
          { name: "n", type: "int" },
          { name: "label", type: "category" },
        ],
      },
    },
  },
});
const CHILD_FIELDS = `state error { code message } statusHistory { state message }`;
interface ChildView {
  state: string;
  error: { code: string; message: string } | null;
  statusHistory: { state: string; message: string | null }[];
}

const NO_SUCH_ARTIFACT = "0190f5a4-0000-7000-8000-00000000dead";

/** A PRESCRIPTIVE payload: no built-in executor runs it, so a step running it waits for an external worker. */
const LP = { problem: { maximize: "x + y", constraints: ["x <= 4", "y <= 3"] } };

describe.each(backends.map((b) => [b.name, b] as const))("batch pipelines on %s", (_name, backend) => {
  let t: TestServer;
  let tenants = 0;
  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_WORKERS: "2", JOBS_LEASE_SECONDS: "30" });
  });
  afterAll(async () => t?.stop());

  const db = () => t.server.services.db;
  const tenant = () => tenantAdmin(t.admin, t.client, `batch-${++tenants}`);

  it("runs three steps in order; a failing step marked ignoreChunkError is skipped; the last reads the first's output", async () => {
    const admin = await tenant();
    const batchId = await runBatch(admin, {
      name: "pipeline",
      steps: [
        mockStep("make", 400),
        {
          name: "broken",
          run: { reasonerType: "GENERATION", payload: { kind: "ANALYZE", spec: { input: NO_SUCH_ARTIFACT } } },
          ignoreChunkError: true,
        },
        {
          name: "profile",
          run: {
            reasonerType: "GENERATION",
            payload: { kind: "ANALYZE", spec: { input: "$steps.make.artifacts[0]" } },
          },
        },
      ],
    });
    const batch = await waitForBatch(admin, batchId);
    expect(batch.state).toBe("SUCCEEDED");
    expect(batch.nativeState).toBe("succeeded");
    expect(terminalEntries(batch.statusHistory)).toBe(1);
    expect(batch.steps.map((s) => [s.name, s.state])).toEqual([
      ["make", "SUCCEEDED"],
      ["broken", "FAILED"],
      ["profile", "SUCCEEDED"],
    ]);
    for (const s of batch.steps) {
      expect(s.childJobId).toMatch(/^[0-9a-f-]{36}$/);
      expect(s.startedOn).not.toBeNull();
      expect(s.finishedOn).not.toBeNull();
    }
    // In order: each step started after the one before it finished.
    for (let i = 1; i < batch.steps.length; i++) {
      expect(Date.parse(batch.steps[i]!.startedOn!)).toBeGreaterThanOrEqual(
        Date.parse(batch.steps[i - 1]!.finishedOn!),
      );
    }

    const [make, broken, profile] = await Promise.all(batch.steps.map((s) => waitForGeneration(admin, s.childJobId!)));
    expect(make!.state).toBe("SUCCEEDED");
    expect(broken!.state).toBe("FAILED");
    expect(broken!.error?.code).toBe("INPUT_NOT_FOUND");
    expect(profile!.state).toBe("SUCCEEDED");
    expect(profile!.operation.result).toMatchObject({ kind: "ANALYZE", rows: 400 });
    // The reference became the first step's first artifact.
    const makeArtifact = make!.operation.result!.artifacts[0].id as string;
    const payloads = await db().query<{ id: string; input: string; parentJobId: string; createdBy: string }>(
      `select "id", "payload"->'spec'->>'input' as "input", "parentJobId", "createdBy" from "jobs" where "parentJobId" = $1::uuid`,
      [batchId],
    );
    expect(payloads).toHaveLength(3);
    expect(payloads.find((p) => p.id === profile!.jobId)!.input).toBe(makeArtifact);
    expect(new Set(payloads.map((p) => p.createdBy))).toEqual(new Set(["owner"]));
    expect(batch.operation.result!.steps.map((s) => s.state)).toEqual(["SUCCEEDED", "FAILED", "SUCCEEDED"]);

    // Every step logged to the batch under its name; execTimeMs is the run the server measured.
    const lines = batch.logs.edges.map((e) => e.node);
    for (const step of ["make", "broken", "profile"]) expect(lines.some((l) => l.step === step)).toBe(true);
    expect(lines.find((l) => l.step === "broken" && l.level === "error")?.message).toContain("INPUT_NOT_FOUND");
    expect(batch.execTimeMs).toBe(Date.parse(batch.finishedOn!) - Date.parse(batch.startedOn!));
    expect(batch.execTimeMs).toBeGreaterThan(0);
  });

  it("fails the batch on a failed step without ignoreChunkError, and never starts the steps after it", async () => {
    const admin = await tenant();
    const batchId = await runBatch(admin, {
      name: "strict",
      steps: [
        mockStep("make", 10),
        {
          name: "broken",
          run: { reasonerType: "GENERATION", payload: { kind: "ANALYZE", spec: { input: NO_SUCH_ARTIFACT } } },
        },
        mockStep("never", 10),
      ],
    });
    const batch = await waitForBatch(admin, batchId);
    expect(batch.state).toBe("FAILED");
    expect(batch.error?.code).toBe("STEP_FAILED");
    expect(batch.error?.message).toContain("broken");
    expect(batch.error?.message).toContain("INPUT_NOT_FOUND");
    expect(batch.steps.map((s) => s.state)).toEqual(["SUCCEEDED", "FAILED", "CANCELED"]);
    expect(batch.steps[2]!.childJobId).toBeNull();
    const children = await db().query<{ n: number }>(
      `select count(*)::int as n from "jobs" where "parentJobId" = $1::uuid`,
      [batchId],
    );
    expect(children[0]!.n).toBe(2);
    expect(batch.statusHistory.filter((h) => h.state === "RUNNING")).toHaveLength(1); // failed for good, not retried
  });

  it("refuses at creation a reference to a step that is not before it; fails at run one to an output that is not there", async () => {
    const admin = await tenant();
    const read = (ref: string) => ({
      name: "read",
      run: { reasonerType: "GENERATION", payload: { kind: "LIFT", spec: { input: ref } } },
    });
    const refusals = [
      {
        steps: [read("$steps.nope.artifacts[0]")],
        field: "input.steps.0.run.payload",
        ref: "$steps.nope.artifacts[0]",
      },
      // A later step's output does not exist yet when this one runs.
      {
        steps: [read("x $steps.make.jobId y"), mockStep("make", 10)],
        field: "input.steps.0.run.payload",
        ref: "$steps.make.jobId",
      },
      {
        steps: [mockStep("make", 10), read("$steps.read.jobId")],
        field: "input.steps.1.run.payload",
        ref: "$steps.read.jobId",
      },
    ];
    for (const { steps, field, ref } of refusals) {
      const answer = await admin.raw(`mutation($i: RunBatchJobInput!) { runBatchJob(input: $i) { job { jobId } } }`, {
        i: { name: "dangling", steps },
      });
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
      expect(answer.errors?.[0]?.message).toContain(ref);
    }
    const made = await db().query<{ n: number }>(
      `select count(*)::int as n from "jobs" where "reasonerType" = 'BATCH' and "name" = 'dangling'`,
    );
    expect(made[0]!.n).toBe(0);

    // An earlier step that made fewer artifacts is only known once it has run.
    const batch = await waitForBatch(
      admin,
      await runBatch(admin, { name: "short", steps: [mockStep("make", 10), read("$steps.make.artifacts[99]")] }),
    );
    expect(batch.state).toBe("FAILED");
    expect(batch.error?.message).toContain('step "make" produced');
    expect(batch.steps[1]!.childJobId).toBeNull();
  });

  it("refuses at creation a step that could never start, naming the step's field; references still read as ids", async () => {
    const admin = await tenant();
    const cases: [Record<string, unknown>, string][] = [
      [{ reasonerType: "GENERATION", payload: { kind: "MOCK" } }, "input.steps.1.run.payload.rows"],
      [{ reasonerType: "GENERATION", payload: { kind: "NOPE", rows: 1 } }, "input.steps.1.run.payload.kind"],
      [{ reasonerType: "LOGIC", payload: [] }, "input.steps.1.run.payload"],
    ];
    for (const [run, field] of cases) {
      const answer = await admin.raw(`mutation($i: RunBatchJobInput!) { runBatchJob(input: $i) { job { jobId } } }`, {
        i: { name: "never-starts", steps: [mockStep("make", 10), { name: "bad", run }] },
      });
      expect(answer.errors?.[0]?.extensions, JSON.stringify(run)).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
    // The same through createJob names the step under input.payload.
    const generic = await admin.raw(
      `mutation($p: JSON!) { createJob(input: { reasonerType: BATCH, reasonerName: "batch", name: "never-starts", payload: $p }) { job { jobId } } }`,
      { p: { steps: [{ name: "bad", run: { reasonerType: "GENERATION", payload: { kind: "MOCK" } } }] } },
    );
    expect(generic.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "input.payload.steps.0.run.payload.rows",
    });
    const made = await db().query<{ n: number }>(`select count(*)::int as n from "jobs" where "name" = 'never-starts'`);
    expect(made[0]!.n).toBe(0);
    // A reference where an id is due is an id once the step runs: accepted.
    const ok = await admin.request<{ runBatchJob: { job: { jobId: string } } }>(
      `mutation($i: RunBatchJobInput!) { runBatchJob(input: $i) { job { jobId } } }`,
      {
        i: {
          name: "fine",
          steps: [
            mockStep("make", 10),
            {
              name: "read",
              run: {
                reasonerType: "GENERATION",
                payload: { kind: "ANALYZE", spec: { input: "$steps.make.artifacts[0]" } },
              },
            },
          ],
        },
      },
    );
    expect((await waitForBatch(admin, ok.runBatchJob.job.jobId)).state).toBe("SUCCEEDED");
  });

  it("refuses at creation an agent step assigned to an agent or pool nobody registered, as createJob does", async () => {
    const admin = await tenant();
    const agentStep = (payload: Record<string, unknown>) => ({
      name: "a",
      run: { reasonerType: "AGENT", payload: { functionName: "f", ...payload } },
    });
    const cases: [Record<string, unknown>, string][] = [
      [{ assignedAgentId: "bogus" }, "input.steps.1.run.payload.assignedAgentId"],
      [{ assignedAgentPoolId: "no-pool" }, "input.steps.1.run.payload.assignedAgentPoolId"],
    ];
    for (const [payload, field] of cases) {
      const answer = await admin.raw(`mutation($i: RunBatchJobInput!) { runBatchJob(input: $i) { job { jobId } } }`, {
        i: { name: "unassignable", steps: [mockStep("make", 10), agentStep(payload)] },
      });
      expect(answer.errors?.[0]?.extensions, JSON.stringify(payload)).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
    const generic = await admin.raw(
      `mutation($p: JSON!) { createJob(input: { reasonerType: BATCH, reasonerName: "batch", name: "unassignable", payload: $p }) { job { jobId } } }`,
      { p: { steps: [agentStep({ assignedAgentId: "bogus" })] } },
    );
    expect(generic.errors?.[0]?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "input.payload.steps.0.run.payload.assignedAgentId",
    });
    const made = await db().query<{ n: number }>(`select count(*)::int as n from "jobs" where "name" = 'unassignable'`);
    expect(made[0]!.n).toBe(0);
  });

  it("queues an agent step assigned to a pool in the pool's queue, where the pool's agent claims it", async () => {
    const admin = await tenant();
    const agent = await agentWorker(admin, "iso");
    const batchId = await runBatch(admin, {
      name: "pooled",
      steps: [
        { name: "a", run: { reasonerType: "AGENT", payload: { functionName: "f", assignedAgentPoolId: "iso" } } },
      ],
    });
    const childId = await childOf(batchId, 0);
    const lease = await agent.claim();
    expect(lease.jobId).toBe(childId);
    await agent.complete(lease.token);
    expect((await waitForBatch(admin, batchId)).state).toBe("SUCCEEDED");
  });

  it("names the batch step that made each child, in pages too; none for other jobs, nor for a reader who may not see the batch", async () => {
    const admin = await tenant();
    const agent = await agentWorker(admin, "linked");
    const batchId = await runBatch(admin, {
      name: "linked",
      steps: [
        mockStep("make", 10),
        { name: "hand", run: { reasonerType: "AGENT", payload: { functionName: "f", assignedAgentPoolId: "linked" } } },
      ],
    });
    const makeId = await childOf(batchId, 0);
    const handId = await childOf(batchId, 1);
    const STEP = `batchStep { name position batchJobId batch { jobId name } }`;
    /** Step lookups by child the server made while `request` ran (other statements run meanwhile: executors, sweeps). */
    const lookupsDuring = async (request: () => Promise<unknown>) => {
      let n = 0;
      const unwatch = db().watchStatements((text) => {
        if (text === STEPS_BY_CHILD) n++;
      });
      try {
        await request();
      } finally {
        unwatch();
      }
      return n;
    };
    const read = async (c: GraphQLClient, type: string, id: string) =>
      (
        await c.request<{ job: { batchStep: unknown } | null }>(
          `query($t: ReasonerType!, $id: ID!) { job(reasonerType: $t, jobId: $id) { ${STEP} } }`,
          { t: type, id },
        )
      ).job;
    const batch = { jobId: batchId, name: "linked" };
    expect(await read(admin, "GENERATION", makeId)).toEqual({
      batchStep: { name: "make", position: 0, batchJobId: batchId, batch },
    });
    expect(await read(admin, "AGENT", handId)).toEqual({
      batchStep: { name: "hand", position: 1, batchJobId: batchId, batch },
    });
    expect(await read(admin, "BATCH", batchId)).toEqual({ batchStep: null });
    // A job no batch made (no parent) costs no lookup: a client's every create answer selects the field.
    expect(await lookupsDuring(() => read(admin, "BATCH", batchId))).toBe(0);

    // A page reads every job's step with one statement, whatever its size.
    let page: { jobs: { edges: { node: { jobId: string; batchStep: { name: string } | null } }[] } } | undefined;
    const lookups = await lookupsDuring(async () => {
      page = await admin.request(`{ jobs(first: 10) { edges { node { jobId ${STEP} } } } }`);
    });
    const named = Object.fromEntries(page!.jobs.edges.map((e) => [e.node.jobId, e.node.batchStep?.name ?? null]));
    expect(named).toEqual({ [batchId]: null, [makeId]: "make", [handId]: "hand" });
    expect(lookups).toBe(1);

    // Someone the agent child is shared with sees the child, but not the batch, so not the step either.
    const friend = t.client(
      (
        await admin.request<{ createApiKey: { secret: string } }>(
          `mutation { createApiKey(userId: "friend", email: "friend@example.com", role: MEMBER) { secret } }`,
        )
      ).createApiKey.secret,
    );
    expect(await read(friend, "AGENT", handId)).toBeNull();
    await admin.request(
      `mutation($id: ID!) { createJobAccess(jobId: $id, email: "friend@example.com", relation: VIEWER) { subjectId } }`,
      { id: handId },
    );
    expect(await read(friend, "AGENT", handId)).toEqual({ batchStep: null });
    expect(await read(friend, "BATCH", batchId)).toBeNull();

    const lease = await agent.claim();
    expect(lease.jobId).toBe(handId);
    await agent.complete(lease.token);
    expect((await waitForBatch(admin, batchId)).state).toBe("SUCCEEDED");
  });

  it("cancels the running child when the batch is canceled", async () => {
    const admin = await tenant();
    // PRESCRIPTIVE has no built-in executor: the child waits in its queue, so the batch is surely mid-step.
    const batchId = await runBatch(admin, {
      name: "to-cancel",
      steps: [{ name: "solve", run: { reasonerType: "PRESCRIPTIVE", payload: LP } }, mockStep("after", 5)],
    });
    const childId = await childOf(batchId, 0);
    await admin.request(`mutation($id: ID!) { cancelJob(reasonerType: BATCH, jobId: $id) { state } }`, { id: batchId });
    const batch = await waitForBatch(admin, batchId);
    expect(batch.state).toBe("CANCELED");
    expect(terminalEntries(batch.statusHistory)).toBe(1);
    expect(batch.steps.map((s) => s.state)).toEqual(["CANCELED", "CANCELED"]);
    const child = await admin.request<{ job: ChildView }>(
      `query($id: ID!) { job(reasonerType: PRESCRIPTIVE, jobId: $id) { ${CHILD_FIELDS} } }`,
      { id: childId },
    );
    // The child says why it was canceled, not that the batch's creator canceled it.
    expect(child.job).toMatchObject({
      state: "CANCELED",
      error: { code: "CANCELED", message: `canceled: batch ${batchId} was canceled` },
    });
    expect(child.job.statusHistory.at(-1)?.message).toBe(`canceled before it started: batch ${batchId} was canceled`);
  });

  it("closes the open steps of a batch that times out, and cancels its running child", async () => {
    const admin = await tenant();
    const batchId = await runBatch(admin, {
      name: "too-slow",
      timeoutMins: 1,
      steps: [{ name: "solve", run: { reasonerType: "PRESCRIPTIVE", payload: LP } }, mockStep("after", 5)],
    });
    const childId = await childOf(batchId, 0);
    // Its minute is up (as if made two minutes ago), and the sweeper ends it, taking its lease.
    await db().query(`update "jobs" set "createdOn" = now() - interval '2 minutes' where "id" = $1::uuid`, [batchId]);
    await sweep(db());
    const closed = await t.server.services.changes.waitUntil(batchId, 30_000, async () => {
      const rows = await db().query<{ state: string }>(
        `select "state"::text as "state" from "batch_steps" where "jobId" = $1::uuid order by "position"`,
        [batchId],
      );
      return rows.every((r) => ["SUCCEEDED", "FAILED", "CANCELED"].includes(r.state))
        ? rows.map((r) => r.state)
        : undefined;
    });
    expect(closed).toEqual(["CANCELED", "CANCELED"]);
    const batch = await waitForBatch(admin, batchId);
    expect(batch).toMatchObject({ state: "FAILED", error: { code: "TIMEOUT" } });
    const child = await admin.request<{ waitForJob: ChildView }>(
      `query($id: ID!) { waitForJob(reasonerType: PRESCRIPTIVE, jobId: $id, timeoutS: 30) { ${CHILD_FIELDS} } }`,
      { id: childId },
    );
    expect(child.waitForJob).toMatchObject({
      state: "CANCELED",
      error: { code: "CANCELED", message: `canceled: batch ${batchId} timed out` },
    });
    expect(child.waitForJob.statusHistory.at(-1)?.message).toBe(
      `canceled before it started: batch ${batchId} timed out`,
    );
  });

  it("asks the running child of a batch that times out to stop, saying why", async () => {
    const admin = await tenant();
    const batchId = await runBatch(admin, {
      name: "too-slow-running",
      timeoutMins: 1,
      steps: [{ name: "solve", run: { reasonerType: "PRESCRIPTIVE", payload: LP } }],
    });
    const childId = await childOf(batchId, 0);
    // An external worker holds the child, so the batch's cancel is a request the worker hears.
    const workerId = (
      await admin.request<{ registerWorker: { id: string } }>(
        `mutation { registerWorker(input: { name: "slow-solver", reasonerTypes: [PRESCRIPTIVE] }) { id } }`,
      )
    ).registerWorker.id;
    const claim = await admin.request<{ claimJob: { token?: string; job?: { jobId: string } } }>(
      `mutation($w: ID!) { claimJob(workerId: $w) { ... on Lease { token job { jobId } } } }`,
      { w: workerId },
    );
    expect(claim.claimJob.job?.jobId).toBe(childId);
    await db().query(`update "jobs" set "createdOn" = now() - interval '2 minutes' where "id" = $1::uuid`, [batchId]);
    await sweep(db());
    const requested = await t.server.services.changes.waitUntil(childId, 30_000, async () => {
      const rows = await db().query<{ message: string | null }>(
        `select "message" from "job_status_changes" where "jobId" = $1::uuid and "state" = 'CANCELING'`,
        [childId],
      );
      return rows[0];
    });
    expect(requested.message).toBe(`cancel requested: batch ${batchId} timed out`);
    const beat = await admin.request<{ heartbeat: { cancelRequested: boolean } }>(
      `mutation($t: String!) { heartbeat(leaseToken: $t) { cancelRequested } }`,
      { t: claim.claimJob.token },
    );
    expect(beat.heartbeat.cancelRequested).toBe(true);
    const stopped = await admin.request<{ completeJob: { state: string; error: { message: string } | null } }>(
      `mutation($t: String!) { completeJob(leaseToken: $t) { state error { message } } }`,
      { t: claim.claimJob.token },
    );
    expect(stopped.completeJob.state).toBe("CANCELED");
    // Its error says why, as a child canceled before it started does.
    expect(stopped.completeJob.error?.message).toBe(`canceled: batch ${batchId} timed out`);
  });

  it("resumes a batch whose lease was lost: the step's existing child is awaited, not made again", async () => {
    const admin = await tenant();
    const batchId = await runBatch(admin, {
      name: "resumable",
      steps: [{ name: "solve", run: { reasonerType: "PRESCRIPTIVE", payload: LP } }, mockStep("after", 5)],
    });
    const childId = await childOf(batchId, 0);

    // As if the executor's process died: its lease runs out and the sweeper requeues the batch.
    // (Retried only if the live executor's heartbeat renewed the lease between the two statements.)
    const requeued = async () =>
      (
        await db().query<{ n: number }>(
          `select count(*)::int as n from "job_status_changes" where "jobId" = $1::uuid and "message" like 'lease expired%'`,
          [batchId],
        )
      )[0]!.n > 0;
    for (let attempt = 0; !(await requeued()); attempt++) {
      expect(attempt).toBeLessThan(20);
      await db().query(
        `update "jobs" set "leaseExpiresOn" = now() - interval '1 second' where "id" = $1::uuid and "leaseToken" is not null`,
        [batchId],
      );
      await sweep(db());
    }

    // An external worker runs the PRESCRIPTIVE child (the built-in executors have no code for it).
    const workerId = (
      await admin.request<{ registerWorker: { id: string } }>(
        `mutation { registerWorker(input: { name: "solver", reasonerTypes: [PRESCRIPTIVE] }) { id } }`,
      )
    ).registerWorker.id;
    const claim = await admin.request<{ claimJob: { token?: string; job?: { jobId: string } } }>(
      `mutation($w: ID!) { claimJob(workerId: $w) { ... on Lease { token job { jobId } } } }`,
      { w: workerId },
    );
    expect(claim.claimJob.job?.jobId).toBe(childId);
    await admin.request(`mutation($t: String!) { completeJob(leaseToken: $t, result: { solved: true }) { state } }`, {
      t: claim.claimJob.token,
    });

    const batch = await waitForBatch(admin, batchId);
    expect(batch.state).toBe("SUCCEEDED");
    expect(batch.steps.map((s) => s.state)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    expect(batch.steps[0]!.childJobId).toBe(childId);
    expect(batch.statusHistory.filter((h) => h.state === "RUNNING").length).toBeGreaterThanOrEqual(2); // claimed again
    expect(terminalEntries(batch.statusHistory)).toBe(1);
    const children = await db().query<{ n: number }>(
      `select count(*)::int as n from "jobs" where "parentJobId" = $1::uuid`,
      [batchId],
    );
    expect(children[0]!.n).toBe(2);
    expect(
      batch.logs.edges.some((e) => e.node.step === "solve" && e.node.message.includes("again after a restart")),
    ).toBe(true);
  });

  /** The child job of a batch step, once the batch has made it (woken by the batch's notifications). */
  async function childOf(batchId: string, position: number): Promise<string> {
    return t.server.services.changes.waitUntil(batchId, 30_000, async () => {
      const rows = await db().query<{ childJobId: string | null }>(
        `select "childJobId" from "batch_steps" where "jobId" = $1::uuid and "position" = $2`,
        [batchId, position],
      );
      return rows[0]?.childJobId ?? undefined;
    });
  }
});
