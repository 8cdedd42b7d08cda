// PostgreSQL only: when the LISTEN connection dies, notifications sent meanwhile are lost. The change
// hub notices (its probe gets no echo), listens again and resyncs; subscribers then get everything
// they missed from their cursors: every state in order, every event, and jobs changed meanwhile.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import {
  addAgentJob,
  agentWorker,
  type ChangedView,
  type EventView,
  JOB_EVENTS,
  JOB_UPDATED,
  JOBS_CHANGED,
  type JobView,
  moves,
} from "./driver.ts";
import { type LiveClient, liveClient } from "./ws-client.ts";

const postgres = backends.find((b) => b.name === "postgres");

describe.runIf(postgres)("subscriptions survive a lost LISTEN connection (PostgreSQL)", () => {
  let t: TestServer;
  let socket: LiveClient;

  beforeAll(async () => {
    t = await startTestServer(postgres!, { JOBS_SWEEP_INTERVAL_MS: "0" });
    socket = liveClient(t.url, t.admin.key);
  });
  afterAll(async () => {
    await socket?.dispose();
    await t?.stop();
  });

  it("re-listens after its connection is killed and delivers what was missed, in order", async () => {
    const jobId = await addAgentJob(t.admin);
    const updates = socket.subscribe<{ jobUpdated: JobView }>(JOB_UPDATED, { t: "AGENT", id: jobId });
    const events = socket.subscribe<{ jobEvents: EventView }>(JOB_EVENTS, { t: "AGENT", id: jobId });
    const watching = t.server.services.live.stats().jobsWatchers;
    const changed = socket.subscribe<{ jobsChanged: ChangedView }>(JOBS_CHANGED, {});
    await t.server.services.live.untilJobsWatchers(watching + 1);
    await updates.take(1);

    const resynced = new Promise<Date>((resolve) => {
      const stop = t.server.services.changes.onResync((since) => {
        stop();
        resolve(since);
      });
    });
    // Kill this server's LISTEN connection from outside, as a database restart or a proxy would.
    const dbUrl = t.server.services.config.databaseUrl!;
    const killer = new pg.Client({ connectionString: dbUrl });
    await killer.connect();
    const killed = await killer.query(
      `select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and query ilike 'LISTEN%'`,
    );
    await killer.end();
    expect(killed.rows.length).toBeGreaterThan(0);

    // Changes made while nobody here hears about them.
    const worker = await agentWorker(t.admin);
    const { token } = await worker.claim();
    await worker.status(token, "VALIDATING");
    await worker.status(token, "RUNNING");
    await worker.events(token, [{ n: 1 }, { n: 2 }]);
    await worker.events(token, [{ n: 3 }]);
    await worker.complete(token);
    const bornInTheDark = await addAgentJob(t.admin);

    await resynced;
    await updates.until(() => updates.items.some((u) => u.jobUpdated.state === "SUCCEEDED"), "SUCCEEDED");
    expect(moves(updates.items.map((u) => u.jobUpdated.state))).toEqual([
      "PENDING",
      "CLAIMED",
      "VALIDATING",
      "RUNNING",
      "SUCCEEDED",
    ]);
    expect((await events.take(3)).map((e) => e.jobEvents.data.n)).toEqual([1, 2, 3]);
    await changed.until(
      () => changed.items.some((c) => c.jobsChanged.jobId === bornInTheDark),
      "the job created meanwhile",
    );
    await changed.until(
      () => changed.items.some((c) => c.jobsChanged.jobId === jobId && c.jobsChanged.state === "SUCCEEDED"),
      "the finished job",
    );

    // And the new connection carries notifications again.
    const after = await addAgentJob(t.admin);
    await changed.until(
      () => changed.items.some((c) => c.jobsChanged.jobId === after),
      "a job created after the resync",
    );
  });
});
