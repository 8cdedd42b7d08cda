// A front's batch whose step runs upstream: the child is made there, and when the batch is canceled
// while that upstream cannot be reached, the child is canceled once it can be (the ended-batch pass
// tries again each JOBS_SWEEP_INTERVAL_MS), its step staying open until then. The upstream is a real
// server on each backend, reached through a TCP proxy the test cuts; the front runs on PGlite.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createKey } from "../helpers/fixtures.ts";
import { type GraphQLClient, startTestServer, type TestServer } from "../helpers/server.ts";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.ts";
import { type LiveClient, liveClient } from "../live/ws-client.ts";

const GATEWAY_KEY = "jobs_test-gateway-key-batch-child-0123";
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
  let upstream: TestServer;
  let front: TestServer;
  let link: TcpProxy;
  let alice: GraphQLClient;
  let aliceKey: string;
  let live: LiveClient | undefined;

  beforeAll(async () => {
    // No executors upstream: the child waits there until it is canceled.
    upstream = await startTestServer(backend, { JOBS_GATEWAY_API_KEY: GATEWAY_KEY });
    link = await startTcpProxy("127.0.0.1", Number(new URL(upstream.url).port));
    front = await startTestServer(backends[0]!, {
      JOBS_WORKERS: "1",
      JOBS_SWEEP_INTERVAL_MS: "200",
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
    aliceKey = await createKey(front.admin, "alice", "MEMBER");
    alice = front.client(aliceKey);
  }, 120_000);

  afterAll(async () => {
    await live?.dispose();
    await front?.stop();
    await link?.close();
    await upstream?.stop();
  });

  const childThere = async (jobId: string) =>
    (
      await upstream.admin.request<{ job: ChildView | null }>(
        `query($id: ID!) { job(reasonerType: PREDICTIVE, jobId: $id) { state createdBy statusHistory { state } } }`,
        { id: jobId },
      )
    ).job;

  it("cancels the child once its upstream is back, when the batch was canceled while it was away", async () => {
    const batchId = (
      await alice.request<{ runBatchJob: { job: { jobId: string } } }>(
        `mutation($i: RunBatchJobInput!) { runBatchJob(input: $i) { job { jobId } } }`,
        {
          i: {
            name: "upstream-step",
            steps: [{ name: "predict", run: { reasonerType: "PREDICTIVE", payload: { model: "churn", rows: 10 } } }],
          },
        },
      )
    ).runBatchJob.job.jobId;
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

  it("waits for the child upstream: the batch succeeds when a worker there completes it", async () => {
    const worker = upstream.client(await createKey(upstream.admin, "predictor", "WORKER"));
    const workerId = (
      await worker.request<{ registerWorker: { id: string } }>(
        `mutation { registerWorker(input: { name: "predictor", reasonerTypes: [PREDICTIVE] }) { id } }`,
      )
    ).registerWorker.id;
    const batchId = (
      await alice.request<{ runBatchJob: { job: { jobId: string } } }>(
        `mutation($i: RunBatchJobInput!) { runBatchJob(input: $i) { job { jobId } } }`,
        {
          i: {
            name: "upstream-success",
            steps: [{ name: "predict", run: { reasonerType: "PREDICTIVE", payload: { model: "churn", rows: 10 } } }],
          },
        },
      )
    ).runBatchJob.job.jobId;
    const updates = live!.subscribe<BatchView>(BATCH_UPDATES, { id: batchId });
    const step = () => updates.items.at(-1)?.jobUpdated.steps[0];
    await updates.until(() => step()?.childJobId != null, "the step's child");
    const lease = await worker.request<{ claimJob: { token: string; job: { jobId: string } } }>(
      `mutation($w: ID!) { claimJob(workerId: $w) { ... on Lease { token job { jobId } } } }`,
      { w: workerId },
    );
    expect(lease.claimJob.job.jobId).toBe(step()!.childJobId);
    await worker.request(`mutation($t: String!) { completeJob(leaseToken: $t, result: { churn: 0.1 }) { jobId } }`, {
      t: lease.claimJob.token,
    });
    const done = await alice.request<{
      waitForJob: { state: string; raw: { result: { steps: { name: string; state: string; jobId: string }[] } } };
    }>(`query($id: ID!) { waitForJob(reasonerType: BATCH, jobId: $id, timeoutS: 60) { state raw } }`, { id: batchId });
    expect(done.waitForJob.state).toBe("SUCCEEDED");
    expect(done.waitForJob.raw.result.steps).toMatchObject([
      { name: "predict", state: "SUCCEEDED", jobId: lease.claimJob.job.jobId },
    ]);
  }, 120_000);
});
