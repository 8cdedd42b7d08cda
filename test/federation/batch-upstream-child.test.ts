// A front's batch whose step runs upstream: the child is made there, and when the batch is canceled
// while that upstream cannot be reached, the child is canceled once it can be (the ended-batch pass
// tries again each JOBS_SWEEP_INTERVAL_MS), its step staying open until then, for up to
// JOBS_UPSTREAM_CANCEL_RETRY_S after the batch ended. The upstream is a real server on each backend,
// reached through a TCP proxy the test cuts; the front runs on PGlite (the front that gives up, on
// each backend).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createKey } from "../helpers/fixtures.ts";
import { type Federation, GATEWAY_KEY, startFederation } from "../helpers/federation.ts";
import { type GraphQLClient, startTestServer, type TestServer } from "../helpers/server.ts";
import type { TcpProxy } from "../helpers/tcp-proxy.ts";
import { agentWorker, JOB_LOGS, type LogView } from "../live/driver.ts";
import { type LiveClient, liveClient } from "../live/ws-client.ts";

const BATCH_UPDATES = `subscription($id: ID!) { jobUpdated(reasonerType: BATCH, jobId: $id) {
  state ... on BatchJob { steps { name state childJobId } } } }`;

interface BatchView {
  jobUpdated: { state: string; steps: { name: string; state: string; childJobId: string | null }[] };
}
interface ChildView {
  state: string;
  createdBy: string;
  statusHistory: { state: string }[];
}

describe.each(backends)("a front's batch with a step served upstream, upstream on $name", (backend) => {
  let federation: Federation;
  let upstream: TestServer;
  let front: TestServer;
  let link: TcpProxy;
  let alice: GraphQLClient;
  let aliceKey: string;
  let live: LiveClient | undefined;

  beforeAll(async () => {
    // No executors upstream: the child waits there until it is canceled. Its waits are shorter than
    // the 30 s a batch asks for at first: the batch must wait in shorter turns.
    federation = await startFederation(backend, {
      families: ["PREDICTIVE"],
      upstreamEnv: { JOBS_MAX_WAIT_S: "5" },
      frontEnv: { JOBS_WORKERS: "1", JOBS_SWEEP_INTERVAL_MS: "200" },
      cuttable: true,
      timeoutMs: 1000,
    });
    ({ upstream, front } = federation);
    link = federation.link!;
    aliceKey = await createKey(front.admin, "alice", "MEMBER");
    alice = front.client(aliceKey);
  }, 120_000);

  afterAll(async () => {
    await live?.dispose();
    await federation?.stop();
  });

  const childThere = async (jobId: string) =>
    (
      await upstream.admin.request<{ job: ChildView | null }>(
        `query($id: ID!) { job(reasonerType: PREDICTIVE, jobId: $id) { state createdBy statusHistory { state } } }`,
        { id: jobId },
      )
    ).job;

  const PREDICT_STEP = { name: "predict", run: { reasonerType: "PREDICTIVE", payload: { model: "churn", rows: 10 } } };
  /**
   * A batch of one PREDICTIVE step (a family served upstream), after `before` (steps of the front's
   * own), run as `as` (alice at the front).
   */
  const runBatch = async (name: string, as: GraphQLClient = alice, before: unknown[] = []) =>
    (
      await as.request<{ runBatchJob: { job: { jobId: string } } }>(
        `mutation($i: RunBatchJobInput!) { runBatchJob(input: $i) { job { jobId } } }`,
        { i: { name, steps: [...before, PREDICT_STEP] } },
      )
    ).runBatchJob.job.jobId;

  it("cancels the child once its upstream is back, when the batch was canceled while it was away", async () => {
    const batchId = await runBatch("upstream-step");
    live = liveClient(front.url, aliceKey);
    const updates = live.subscribe<BatchView>(BATCH_UPDATES, { id: batchId });
    const step = () => updates.items.at(-1)?.jobUpdated.steps[0];
    await updates.until(() => step()?.state === "RUNNING" && step()?.childJobId != null, "the step's child");
    const childId = step()!.childJobId!;
    // Made upstream as alice, waiting there.
    const made = await childThere(childId);
    expect(made).toMatchObject({ createdBy: "alice" });
    expect(["QUEUED", "PENDING", "CREATED"]).toContain(made!.state);

    // The upstream goes away (for the front); the batch is canceled meanwhile.
    link.cut();
    await alice.request(`mutation($id: ID!) { cancelJob(reasonerType: BATCH, jobId: $id) { state } }`, {
      id: batchId,
    });
    await updates.until(() => updates.items.at(-1)?.jobUpdated.state === "CANCELED", "the batch canceled");
    // The child could not be canceled: it still waits upstream, and its step is still open.
    expect(step()!.state).toBe("RUNNING");
    expect((await childThere(childId))!.state).toBe(made!.state);

    // Back: a later pass cancels the child, then closes the step.
    link.restore();
    await updates.until(() => step()?.state === "CANCELED", "the step closed", 60_000);
    const canceled = await childThere(childId);
    expect(canceled!.state).toBe("CANCELED");
    expect(canceled!.statusHistory.at(-1)!.state).toBe("CANCELED");
  }, 120_000);

  /** Claims the step's child upstream as a registered worker there and completes it; the batch then succeeds. */
  const completeUpstream = async (batchId: string, childJobId: string) => {
    const worker = upstream.client(await createKey(upstream.admin, "predictor", "WORKER"));
    const workerId = (
      await worker.request<{ registerWorker: { id: string } }>(
        `mutation { registerWorker(input: { name: "predictor", reasonerTypes: [PREDICTIVE] }) { id } }`,
      )
    ).registerWorker.id;
    const lease = await worker.request<{ claimJob: { token: string; job: { jobId: string } } }>(
      `mutation($w: ID!) { claimJob(workerId: $w) { ... on Lease { token job { jobId } } } }`,
      { w: workerId },
    );
    expect(lease.claimJob.job.jobId).toBe(childJobId);
    await worker.request(`mutation($t: String!) { completeJob(leaseToken: $t, result: { churn: 0.1 }) { jobId } }`, {
      t: lease.claimJob.token,
    });
    const done = await alice.request<{
      waitForJob: { state: string; raw: { result: { steps: { name: string; state: string; jobId: string }[] } } };
    }>(`query($id: ID!) { waitForJob(reasonerType: BATCH, jobId: $id, timeoutS: 60) { state raw } }`, { id: batchId });
    expect(done.waitForJob.state).toBe("SUCCEEDED");
    expect(done.waitForJob.raw.result.steps.at(-1)).toMatchObject({
      name: "predict",
      state: "SUCCEEDED",
      jobId: childJobId,
    });
  };

  it("makes the child once its upstream is back, when it could not be reached as the step began", async () => {
    // The upstream checks the step when the batch is made (it must answer then); it goes away while a
    // first step of the front's own (an agent job of the front) holds the batch.
    const agent = await agentWorker(front.admin);
    const batchId = await runBatch("upstream-away-at-start", alice, [
      { name: "hold", run: { reasonerType: "AGENT", payload: { functionName: "hold" } } },
    ]);
    const held = live!.subscribe<BatchView>(BATCH_UPDATES, { id: batchId });
    await held.until(() => held.items.at(-1)?.jobUpdated.steps[0]?.childJobId != null, "the holding step's child");
    link.cut();
    await agent.complete((await agent.claim()).token);
    const logs = live!.subscribe<{ jobLogs: LogView }>(JOB_LOGS, { t: "BATCH", id: batchId });
    await logs.until(
      () => logs.items.some((l) => l.jobLogs.message.includes("trying again until it answers")),
      "the step told it waits for its upstream",
    );
    const updates = live!.subscribe<BatchView>(BATCH_UPDATES, { id: batchId });
    const step = () => updates.items.at(-1)?.jobUpdated.steps[1];
    await updates.until(() => updates.items.length > 0, "the batch");
    expect(updates.items.at(-1)!.jobUpdated.state).toBe("RUNNING");
    expect(step()!.childJobId).toBeNull();

    link.restore();
    await updates.until(() => step()?.childJobId != null, "the step's child, made upstream", 60_000);
    const childId = step()!.childJobId!;
    expect(await childThere(childId)).toMatchObject({ createdBy: "alice" });
    // Made once, however many tries it took.
    const named = await upstream.admin.request<{ jobs: { edges: { node: { jobId: string } }[] } }>(
      `query($f: JobFilter) { jobs(first: 10, filter: $f) { edges { node { jobId } } } }`,
      { f: { reasonerType: "PREDICTIVE", name: "upstream-away-at-start/predict", allUsers: true } },
    );
    expect(named.jobs.edges.map((e) => e.node.jobId)).toEqual([childId]);
    await completeUpstream(batchId, childId);
  }, 120_000);

  it("waits for the child upstream: the batch succeeds when a worker there completes it", async () => {
    const batchId = await runBatch("upstream-success");
    const updates = live!.subscribe<BatchView>(BATCH_UPDATES, { id: batchId });
    const step = () => updates.items.at(-1)?.jobUpdated.steps[0];
    await updates.until(() => step()?.childJobId != null, "the step's child");
    const childId = step()!.childJobId!;
    // Through the front the child names the front's batch step; the upstream knows no batch of it.
    const STEP = `query($id: ID!) { job(reasonerType: PREDICTIVE, jobId: $id) { batchStep { name position batchJobId batch { jobId } } } }`;
    expect((await alice.request<{ job: unknown }>(STEP, { id: childId })).job).toEqual({
      batchStep: { name: "predict", position: 0, batchJobId: batchId, batch: { jobId: batchId } },
    });
    expect((await upstream.admin.request<{ job: unknown }>(STEP, { id: childId })).job).toEqual({ batchStep: null });
    await completeUpstream(batchId, childId);
  }, 120_000);

  // Last: its child is left waiting upstream.
  it("gives up the child's cancel JOBS_UPSTREAM_CANCEL_RETRY_S after the batch ended: the step closes CANCELED, the log names the upstream job, a metric counts it", async () => {
    const impatient = await startTestServer(backend, {
      JOBS_WORKERS: "1",
      JOBS_SWEEP_INTERVAL_MS: "200",
      JOBS_UPSTREAM_CANCEL_RETRY_S: "1.5",
      JOBS_METRICS_PUBLIC: "1",
      JOBS_GATEWAYS: JSON.stringify([
        {
          name: "up",
          url: `http://127.0.0.1:${link.port}/graphql`,
          apiKey: GATEWAY_KEY,
          reasonerTypes: ["PREDICTIVE"],
          timeoutMs: 1000,
        },
      ]),
    });
    let watch: LiveClient | undefined;
    try {
      const aliceKeyThere = await createKey(impatient.admin, "alice", "MEMBER");
      const aliceThere = impatient.client(aliceKeyThere);
      const batchId = await runBatch("upstream-gone-for-good", aliceThere);
      watch = liveClient(impatient.url, aliceKeyThere);
      const updates = watch.subscribe<BatchView>(BATCH_UPDATES, { id: batchId });
      const step = () => updates.items.at(-1)?.jobUpdated.steps[0];
      await updates.until(() => step()?.state === "RUNNING" && step()?.childJobId != null, "the step's child");
      const childId = step()!.childJobId!;
      const waiting = (await childThere(childId))!.state;

      // The upstream goes away for good (for this front); the batch is canceled meanwhile.
      link.cut();
      await aliceThere.request(`mutation($id: ID!) { cancelJob(reasonerType: BATCH, jobId: $id) { state } }`, {
        id: batchId,
      });
      await updates.until(() => updates.items.at(-1)?.jobUpdated.state === "CANCELED", "the batch canceled");
      // Still away: the step is closed anyway once the retries' time is up.
      await updates.until(() => step()?.state === "CANCELED", "the step closed without the cancel", 60_000);
      const batch = (
        await aliceThere.request<{
          job: {
            finishedOn: string;
            steps: { state: string; finishedOn: string }[];
            logs: { edges: { node: { level: string; message: string; step: string | null } }[] };
          };
        }>(
          `query($id: ID!) { job(reasonerType: BATCH, jobId: $id) { finishedOn ... on BatchJob { steps { state finishedOn } }
             logs(first: 100) { edges { node { level message step } } } } }`,
          { id: batchId },
        )
      ).job;
      // Not before the retries' time was up, counted from the batch's end.
      expect(Date.parse(batch.steps[0]!.finishedOn) - Date.parse(batch.finishedOn)).toBeGreaterThanOrEqual(1500);
      const said = batch.logs.edges.map((e) => e.node).filter((l) => l.message.includes("could not be told"));
      expect(said).toEqual([
        {
          level: "warn",
          step: "predict",
          message: expect.stringContaining(`upstream job ${childId} (gateway up)`) as unknown as string,
        },
      ]);
      // The child was never told: it still waits upstream.
      expect((await childThere(childId))!.state).toBe(waiting);
      const metrics = await (await fetch(`${impatient.url}/metrics`)).text();
      expect(metrics).toMatch(/^jobs_batch_upstream_cancels_abandoned_total\{gateway="up"\} 1$/m);
    } finally {
      link.restore();
      await watch?.dispose();
      await impatient.stop();
    }
  }, 120_000);
});
