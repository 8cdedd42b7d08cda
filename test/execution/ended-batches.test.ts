// A batch that ends with no executor there: its executor's process was killed while a step's child
// ran on an external worker, and the batch was canceled before any process took it back. The pass
// every process runs (src/executors/ended-batches.ts) cancels the child and closes the open steps,
// as the batch's executor does when a batch ends under it. The second server runs no executors, so
// nothing else could. A batch canceled before any executor took it has its steps closed the same way.
import { describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { ADMIN_KEY, graphqlClient } from "../helpers/server.ts";
import { liveClient } from "../live/ws-client.ts";
import { serverProcesses, stopChild } from "./processes.ts";

const LP = { problem: { maximize: "x + y", constraints: ["x <= 4", "y <= 3"] } };

interface BatchView {
  jobUpdated: { state: string; steps: { name: string; state: string; childJobId: string | null }[] };
}
interface ChildView {
  jobUpdated: { state: string; statusHistory: { state: string; message: string | null }[] };
}
const BATCH_UPDATES = `subscription($id: ID!) { jobUpdated(reasonerType: BATCH, jobId: $id) {
  state ... on BatchJob { steps { name state childJobId } } } }`;
const CHILD_UPDATES = `subscription($id: ID!) { jobUpdated(reasonerType: PRESCRIPTIVE, jobId: $id) {
  state statusHistory { state message } } }`;
const TERMINAL = ["SUCCEEDED", "FAILED", "CANCELED"];

describe.each(backends.map((b) => [b.name, b] as const))(
  "a batch that ends with no executor, on %s",
  (_name, backend) => {
    const servers = serverProcesses("jobs-ended-batch-");

    it("has its running child canceled and its open steps closed", { timeout: 120_000 }, async () => {
      const env = await servers.environment(backend, {
        JOBS_WORKERS: "1",
        JOBS_LEASE_SECONDS: "2",
        JOBS_SWEEP_INTERVAL_MS: "300",
      });
      const first = await servers.start(env);
      let api = graphqlClient(first.url, ADMIN_KEY);
      const workerId = (
        await api.request<{ registerWorker: { id: string } }>(
          `mutation { registerWorker(input: { name: "solver", reasonerTypes: [PRESCRIPTIVE] }) { id } }`,
        )
      ).registerWorker.id;
      const batchId = (
        await api.request<{ runBatchJob: { job: { jobId: string } } }>(
          `mutation($i: RunBatchJobInput!) { runBatchJob(input: $i) { job { jobId } } }`,
          {
            i: {
              name: "orphaned",
              steps: [
                { name: "solve", run: { reasonerType: "PRESCRIPTIVE", payload: LP } },
                { name: "after", run: { reasonerType: "GENERATION", payload: { kind: "MOCK", rows: 5 } } },
              ],
            },
          },
        )
      ).runBatchJob.job.jobId;

      // The executor makes the first step's child; an external worker holds it, with a long lease.
      let live = liveClient(first.url, ADMIN_KEY);
      const started = live.subscribe<BatchView>(BATCH_UPDATES, { id: batchId });
      await started.until(() => started.items.some((b) => b.jobUpdated.steps[0]?.childJobId), "the step's child");
      const childId = started.items.find((b) => b.jobUpdated.steps[0]?.childJobId)!.jobUpdated.steps[0]!.childJobId!;
      await live.dispose();
      const claim = await api.request<{ claimJob: { token?: string; job?: { jobId: string } } }>(
        `mutation($w: ID!) { claimJob(workerId: $w, leaseSeconds: 300) { ... on Lease { token job { jobId } } } }`,
        { w: workerId },
      );
      expect(claim.claimJob.job?.jobId).toBe(childId);
      // A claim commits without waiting for its WAL flush (README: a database crash may forget it, and
      // embedded PGlite dies with the process); a creation waits for its own, which carries the claim's.
      await api.request(`mutation { createGenerationJob(input: { kind: MOCK, rows: 5 }) { job { jobId } } }`);

      // The batch's executor dies with it; a server without executors takes over, and the batch is
      // canceled: CANCELING, then CANCELED by the sweeper once the dead executor's lease lapses.
      await stopChild(first, "SIGKILL");
      const second = await servers.start({ ...env, JOBS_WORKERS: "0" });
      api = graphqlClient(second.url, ADMIN_KEY);
      live = liveClient(second.url, ADMIN_KEY);
      const batchUpdates = live.subscribe<BatchView>(BATCH_UPDATES, { id: batchId });
      const childUpdates = live.subscribe<ChildView>(CHILD_UPDATES, { id: childId });
      await api.request(`mutation($id: ID!) { cancelJob(reasonerType: BATCH, jobId: $id) { state } }`, { id: batchId });

      await childUpdates.until(
        () => childUpdates.items.some((c) => c.jobUpdated.state === "CANCELING"),
        "the child's cancel request",
      );
      const requested = childUpdates.items
        .flatMap((c) => c.jobUpdated.statusHistory)
        .find((h) => h.state === "CANCELING");
      expect(requested?.message).toBe(`cancel requested: batch ${batchId} was canceled`);
      const beat = await api.request<{ heartbeat: { cancelRequested: boolean } }>(
        `mutation($t: String!) { heartbeat(leaseToken: $t) { cancelRequested } }`,
        { t: claim.claimJob.token },
      );
      expect(beat.heartbeat.cancelRequested).toBe(true);

      await batchUpdates.until(
        () => batchUpdates.items.some((b) => b.jobUpdated.steps.every((s) => TERMINAL.includes(s.state))),
        "the batch's steps closed",
      );
      const closed = batchUpdates.items.find((b) => b.jobUpdated.steps.every((s) => TERMINAL.includes(s.state)))!;
      expect(closed.jobUpdated.state).toBe("CANCELED");
      expect(closed.jobUpdated.steps.map((s) => s.state)).toEqual(["CANCELED", "CANCELED"]);
      await live.dispose();

      const stopped = await api.request<{ completeJob: { state: string; error: { message: string } | null } }>(
        `mutation($t: String!) { completeJob(leaseToken: $t) { state error { message } } }`,
        { t: claim.claimJob.token },
      );
      expect(stopped.completeJob.state).toBe("CANCELED");
      expect(stopped.completeJob.error?.message).toBe(`canceled: batch ${batchId} was canceled`);
    });
  },
);
