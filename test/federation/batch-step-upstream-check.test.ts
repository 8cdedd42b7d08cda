// A front's batch whose steps run upstream: each such step is checked there (validateJobs, as the
// caller) when the batch is created, so a step the upstream would refuse (an agent or pool it does
// not have) refuses the batch at once, naming the step's field, and nothing is written on either
// side; a batch whose steps the upstream takes is created and runs as before; an upstream that
// cannot be reached refuses the batch as it refuses a create (UPSTREAM_UNAVAILABLE). The upstream
// is a real server on each backend, reached through a TCP proxy the test cuts; the front on PGlite.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createKey } from "../helpers/fixtures.ts";
import { type Federation, GATEWAY_KEY, startFederation } from "../helpers/federation.ts";
import { pollUntil } from "../helpers/poll.ts";
import { type GraphQLClient, startTestServer, type TestServer } from "../helpers/server.ts";

const CREATE = `mutation($input: CreateJobInput!) { createJob(input: $input) { job { jobId } } }`;
const CREATE_MANY = `mutation($inputs: [CreateJobInput!]!) { createJobs(inputs: $inputs) { job { jobId reasonerType } error { code message field } } }`;
const RUN_BATCH = `mutation($i: RunBatchJobInput!) { runBatchJob(input: $i) { job { jobId } } }`;

/** An agent that no one registered upstream, named as the front names the upstream's agents. */
const UNKNOWN_AGENT = "@up/00000000-0000-4000-8000-000000000000";
/** A step the front runs itself (GENERATION is the front's own). */
const LOCAL_STEP = { name: "make", run: { reasonerType: "GENERATION", payload: { kind: "MOCK", rows: 5 } } };
const agentStep = (payload: Record<string, unknown>) => ({
  name: "agent",
  run: { reasonerType: "AGENT", payload: { functionName: "mesh", ...payload } },
});
/**
 * An upstream older than validateJob: the real upstream behind a stand-in that answers a document
 * naming validateJob or validateJobs as a server without them does (graphql-js's validation error),
 * and passes everything else on.
 */
async function olderUpstream(url: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const field = /\b(validateJobs?)\(/.exec(body)?.[1];
    if (field) {
      const message = `Cannot query field "${field}" on type "Query".`;
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ errors: [{ message, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }] }));
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (typeof v === "string" && k !== "host" && k !== "content-length" && k !== "connection") headers[k] = v;
    const answer = await fetch(`${url}/graphql`, { method: "POST", headers, body });
    res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const batchInput = (name: string, steps: unknown[]) => ({
  reasonerType: "BATCH",
  reasonerName: "batch",
  name,
  payload: { steps },
});

describe.each(backends)(
  "a front's batch with steps served upstream, checked there at creation, upstream on $name",
  (backend) => {
    let federation: Federation;
    let upstream: TestServer;
    let front: TestServer;
    let alice: GraphQLClient;
    let mesher: GraphQLClient;
    /** The upstream's agent, as the front names it. */
    let agentId: string;

    beforeAll(async () => {
      federation = await startFederation(backend, {
        families: ["AGENT"],
        frontEnv: { JOBS_WORKERS: "1" },
        cuttable: true,
        timeoutMs: 1000,
      });
      ({ upstream, front } = federation);
      alice = front.client(await createKey(front.admin, "alice", "MEMBER"));
      mesher = front.client(await createKey(front.admin, "mesher", "WORKER"));
      // A WORKER upstream too: the upstream applies its own role for the user a front acts as.
      await createKey(upstream.admin, "mesher", "WORKER");
      agentId = (
        await mesher.request<{ registerWorker: { id: string } }>(
          `mutation { registerWorker(input: { name: "mesher-1", reasonerTypes: [AGENT] }) { id } }`,
        )
      ).registerWorker.id;
      expect(agentId).toMatch(/^@up\//);
    }, 120_000);

    afterAll(() => federation?.stop());

    /** Batches of that name at the front (alice's). */
    const batchesNamed = async (name: string) =>
      (
        await alice.request<{ jobs: { totalCount: number } }>(
          `query($f: JobFilter) { jobs(first: 0, filter: $f) { totalCount } }`,
          { f: { reasonerType: "BATCH", name } },
        )
      ).jobs.totalCount;
    /** Every AGENT job the upstream holds, whoever made it. */
    const agentJobsUpstream = async () =>
      (
        await upstream.admin.request<{ jobs: { totalCount: number } }>(
          `query { jobs(first: 0, filter: { reasonerType: AGENT, allUsers: true }) { totalCount } }`,
        )
      ).jobs.totalCount;

    it("refuses at creation a batch whose agent step names an agent or pool the upstream does not have, naming the step", async () => {
      const before = await agentJobsUpstream();
      const cases: [Record<string, unknown>, string][] = [
        [{ assignedAgentId: UNKNOWN_AGENT }, "assignedAgentId"],
        [{ assignedAgentPoolId: "no-pool" }, "assignedAgentPoolId"],
      ];
      for (const [payload, named] of cases) {
        const steps = [LOCAL_STEP, agentStep(payload)];
        const field = `input.payload.steps.1.run.payload.${named}`;
        const created = await alice.raw(CREATE, { input: batchInput("unassignable", steps) });
        expect(created.errors?.[0]?.extensions, named).toMatchObject({ code: "BAD_USER_INPUT", field, gateway: "up" });
        expect(created.errors?.[0]?.message.startsWith(`${field}: `), created.errors?.[0]?.message).toBe(true);
        // runBatchJob names the steps as its input spells them.
        const ran = await alice.raw(RUN_BATCH, { i: { name: "unassignable", steps } });
        expect(ran.errors?.[0]?.extensions, named).toMatchObject({
          code: "BAD_USER_INPUT",
          field: `input.steps.1.run.payload.${named}`,
        });
        // validateJob says the same as createJob, and so does the upstream's own answer for the step's run.
        const validated = await alice.raw(`query($input: CreateJobInput!) { validateJob(input: $input) }`, {
          input: batchInput("unassignable", steps),
        });
        expect(validated.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
        // A schedule of such a batch is refused when made, as its ticks would be.
        const scheduled = await alice.raw(
          `mutation($input: CreateScheduleInput!) { createSchedule(input: $input) { id } }`,
          {
            input: {
              name: "nightly",
              cron: "0 3 * * *",
              job: { reasonerType: "BATCH", name: "unassignable", payload: { steps } },
            },
          },
        );
        expect(scheduled.errors?.[0]?.extensions).toMatchObject({
          code: "BAD_USER_INPUT",
          field: `input.job.payload.steps.1.run.payload.${named}`,
        });
      }
      const schedules = await alice.request<{ schedules: { edges: unknown[] } }>(
        `{ schedules { edges { node { id } } } }`,
      );
      expect(schedules.schedules.edges).toEqual([]);
      expect(await batchesNamed("unassignable")).toBe(0);
      expect(await agentJobsUpstream()).toBe(before);
    }, 60_000);

    it("createJobs: the batch with a refused step fails alone, named as the call's item; the others are created", async () => {
      const before = await agentJobsUpstream();
      const answers = (
        await alice.request<{
          createJobs: { job: { jobId: string; reasonerType: string } | null; error: Record<string, unknown> | null }[];
        }>(CREATE_MANY, {
          inputs: [
            batchInput("many-fine", [agentStep({ assignedAgentId: agentId })]),
            batchInput("many-refused", [LOCAL_STEP, agentStep({ assignedAgentId: UNKNOWN_AGENT })]),
            { reasonerType: "GENERATION", reasonerName: "default", payload: { kind: "MOCK", rows: 5 } },
          ],
        })
      ).createJobs;
      expect(answers[0]!.error).toBeNull();
      expect(answers[0]!.job!.reasonerType).toBe("BATCH");
      expect(answers[1]).toMatchObject({
        job: null,
        error: { code: "BAD_USER_INPUT", field: "inputs.1.payload.steps.1.run.payload.assignedAgentId" },
      });
      expect(answers[2]!.job!.reasonerType).toBe("GENERATION");
      expect(await batchesNamed("many-refused")).toBe(0);
      expect(await batchesNamed("many-fine")).toBe(1);
      // The accepted batch's agent step may have started upstream by now; the refused one made nothing.
      expect(await agentJobsUpstream()).toBeLessThanOrEqual(before + 1);
      await alice.request(`mutation($id: ID!) { cancelJob(reasonerType: BATCH, jobId: $id) { state } }`, {
        id: answers[0]!.job!.jobId,
      });
    }, 60_000);

    it("creates a batch whose steps the upstream takes, and runs it as before", async () => {
      const batchId = (
        await alice.request<{ createJob: { job: { jobId: string } } }>(CREATE, {
          input: batchInput("runs", [LOCAL_STEP, agentStep({ assignedAgentId: agentId, description: "runs" })]),
        })
      ).createJob.job.jobId;
      // The agent step's child, made upstream once the local step is done, is claimed and completed by the agent.
      const childId = await pollUntil(
        async () =>
          (
            await alice.request<{ job: { steps: { childJobId: string | null }[] } }>(
              `query($id: ID!) { job(reasonerType: BATCH, jobId: $id) { ... on BatchJob { steps { childJobId } } } }`,
              { id: batchId },
            )
          ).job.steps[1]!.childJobId,
        (id): id is string => id !== null,
        "the agent step's child",
        { timeoutMs: 60_000 },
      );
      const leases = await mesher.request<{ claimJobs: { token: string; job: { jobId: string } }[] }>(
        `mutation($w: ID!) { claimJobs(workerId: $w, limit: 10) { token job { jobId } } }`,
        { w: agentId },
      );
      expect(leases.claimJobs.map((l) => l.job.jobId)).toContain(childId);
      for (const l of leases.claimJobs)
        await mesher.request(`mutation($t: String!) { completeJob(leaseToken: $t, result: {}) { jobId } }`, {
          t: l.token,
        });
      const done = await alice.request<{ waitForJob: { state: string } }>(
        `query($id: ID!) { waitForJob(reasonerType: BATCH, jobId: $id, timeoutS: 60) { state } }`,
        { id: batchId },
      );
      expect(done.waitForJob.state).toBe("SUCCEEDED");
    }, 90_000);

    it("refuses a batch with a step served upstream while that upstream cannot be reached, writing nothing; others are created", async () => {
      federation.link!.cut();
      try {
        const steps = [LOCAL_STEP, agentStep({ assignedAgentId: agentId })];
        const created = await alice.raw(CREATE, { input: batchInput("while-away", steps) });
        expect(created.errors?.[0]?.extensions).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", gateway: "up" });
        const answers = (
          await alice.request<{
            createJobs: { job: { reasonerType: string } | null; error: { code: string } | null }[];
          }>(CREATE_MANY, { inputs: [batchInput("while-away", steps), batchInput("local-only", [LOCAL_STEP])] })
        ).createJobs;
        expect(answers[0]).toMatchObject({ job: null, error: { code: "UPSTREAM_UNAVAILABLE" } });
        expect(answers[1]).toMatchObject({ job: { reasonerType: "BATCH" }, error: null });
        expect(await batchesNamed("while-away")).toBe(0);
        // A batch of the front's own steps asks no upstream.
        expect(await batchesNamed("local-only")).toBe(1);
      } finally {
        federation.link!.restore();
      }
    }, 60_000);

    it("against an upstream older than validateJobs, accepts the batch and leaves its steps to be checked when they run", async () => {
      const older = await olderUpstream(upstream.url);
      const oldFront = await startTestServer(backends[0]!, {
        JOBS_GATEWAYS: JSON.stringify([{ name: "up", url: older.url, apiKey: GATEWAY_KEY, reasonerTypes: ["AGENT"] }]),
      });
      try {
        const bob = oldFront.client(await createKey(oldFront.admin, "bob", "MEMBER"));
        const made = await bob.request<{ createJob: { job: { jobId: string } } }>(CREATE, {
          input: batchInput("unchecked", [agentStep({ assignedAgentId: UNKNOWN_AGENT })]),
        });
        expect(made.createJob.job.jobId).toBeTruthy();
        // validateJob of a family served there makes the front's own checks only.
        const validated = await bob.raw(`query($input: CreateJobInput!) { validateJob(input: $input) }`, {
          input: { reasonerType: "AGENT", payload: { functionName: "mesh", assignedAgentId: UNKNOWN_AGENT } },
        });
        expect(validated.errors).toBeUndefined();
        expect(validated.data).toEqual({ validateJob: true });
      } finally {
        await oldFront.stop();
        await older.close();
      }
    }, 60_000);
  },
);
