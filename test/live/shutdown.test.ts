// Graceful shutdown: a query running over WebSocket finishes and is answered; then every socket is
// closed with 1001 (going away) so clients reconnect elsewhere and resume from their cursors.
import { describe, expect, it } from "vitest";
import { IN_PROCESS } from "../../src/workers/protocol/service.ts";
import { backends } from "../helpers/backends.ts";
import { ADMIN_KEY, startTestServer } from "../helpers/server.ts";
import { addAgentJob, agentWorker, JOB_UPDATED, type JobView } from "./driver.ts";
import { liveClient } from "./ws-client.ts";
import { CloseCode } from "@jobs-api/client";

describe("graceful shutdown of the WebSocket endpoint", () => {
  it("answers operations in flight, then closes every socket with 1001", async () => {
    const t = await startTestServer(backends[0]!, { JOBS_SWEEP_INTERVAL_MS: "0" });
    const socket = liveClient(t.url, ADMIN_KEY);
    try {
      const jobId = await addAgentJob(t.admin);
      const worker = await agentWorker(t.admin);
      const { token } = await worker.claim();
      const updates = socket.subscribe<{ jobUpdated: JobView }>(JOB_UPDATED, { t: "AGENT", id: jobId });
      await updates.take(1);
      const waiting = socket.subscribe<{ waitForJob: { state: string } }>(
        `query($id: ID!) { waitForJob(reasonerType: AGENT, jobId: $id, timeoutS: 60) { state } }`,
        { id: jobId },
      );
      await t.server.liveServer.untilOneShotsInFlight(1);

      const stopping = t.stop();
      // The server is draining (no new connections): the wait is still running; the job finishing
      // (reported through the worker protocol in-process, as the built-in executors do) ends it.
      await t.server.services.protocol.complete(token, { ok: true }, [], IN_PROCESS);
      await waiting.until(() => waiting.completed, "the answer to the query in flight");
      expect(waiting.items).toEqual([{ waitForJob: { state: "SUCCEEDED" } }]);

      const closed = await socket.closed;
      expect(closed.code).toBe(CloseCode.ShuttingDown);
      await stopping;
      // The subscription ended with its socket (its client would resume elsewhere from its cursor).
      await updates.until(() => updates.error !== null, "the subscription to end");
      expect((updates.error as { code: number }).code).toBe(CloseCode.ShuttingDown);
    } finally {
      await socket.dispose();
      await t.stop();
    }
  });
});
