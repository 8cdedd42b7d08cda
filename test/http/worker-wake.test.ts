// Idle workers wait on the jobsChanged subscription instead of polling claimJob.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { jobsChangedWake } from "@jobs-api/client/node";
import { backends } from "../helpers/backends.ts";
import { createJob } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

describe.each(backends.map((b) => [b.name, b] as const))("waiting for work on %s", (_name, backend) => {
  let t: TestServer;
  let workerKey: string;
  beforeAll(async () => {
    t = await startTestServer(backend);
    workerKey = (await t.admin.request<any>(`mutation { createApiKey(userId: "waker", role: WORKER) { secret } }`))
      .createApiKey.secret;
  });
  afterAll(async () => t?.stop());

  it("wakes when a job of its types becomes claimable, without a timer", async () => {
    // The fallback is far beyond the test's timeout: only a notification can end these waits.
    const wake = jobsChangedWake({
      url: t.url,
      apiKey: workerKey,
      reasonerTypes: ["AGENT"],
      webSocketImpl: WebSocket,
      fallbackMs: 10 * 60_000,
    });
    const signal = new AbortController().signal;
    try {
      await t.server.services.live.untilJobsWatchers(1);
      // The connection itself counts as news (jobs may have been created before it): one free pass.
      await wake.waitForWork({ emptyClaims: 1, signal });

      let woken = false;
      const waiting = wake.waitForWork({ emptyClaims: 2, signal }).then(() => (woken = true));
      await createJob(t.admin, "PREDICTIVE", 1); // filtered out by the server: not a wake-up
      await createJob(t.admin, "AGENT", 2);
      await waiting;
      expect(woken).toBe(true);

      // A worker that stopped while its claim was in flight does not wait at all.
      const gone = new AbortController();
      gone.abort();
      await wake.waitForWork({ emptyClaims: 3, signal: gone.signal });

      // Aborting a wait (the worker stopping) ends it at once.
      const stop = new AbortController();
      const stopped = wake.waitForWork({ emptyClaims: 3, signal: stop.signal });
      stop.abort();
      await stopped;
    } finally {
      await wake.close();
    }
  });
});
