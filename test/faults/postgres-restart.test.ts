// A real PostgreSQL going down: an immediate-mode stop (a crash: no checkpoint, recovery replays the
// WAL) and a fast restart, on a cluster of this suite's own (test/helpers/private-postgres.ts), with
// the real server on it over HTTP and WebSocket. What was acknowledged is there afterwards; the outage
// answers clear errors and /readyz says so; subscriptions carry on with nothing committed missed; the
// in-process executors claim again, and a job whose claim the crash forgot runs all the same.
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createGeneration, waitForGeneration } from "../execution/helpers.ts";
import { postgresBinDir, type PrivatePostgres, startPrivatePostgres } from "../helpers/private-postgres.ts";
import { startTestServer, type TestServer, untilReady } from "../helpers/server.ts";
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
} from "../live/driver.ts";
import { type LiveClient, liveClient } from "../live/ws-client.ts";
import { pollUntil } from "../helpers/poll.ts";

const installed = postgresBinDir() !== undefined;
if (!installed && process.env.JOBS_TEST_REQUIRE_PG === "1")
  throw new Error("PostgreSQL's binaries (initdb, pg_ctl) are required for the tests but not installed");

const JOB_STATE = `query($t: ReasonerType!, $id: ID!) { job(reasonerType: $t, jobId: $id) {
  jobId state statusHistory { state message } } }`;

interface JobWithHistory {
  jobId: string;
  state: string;
  statusHistory: { state: string; message: string | null }[];
}

describe.runIf(installed)("PostgreSQL restarted and crashed under the server (a private cluster)", () => {
  let cluster: PrivatePostgres;
  let t: TestServer;
  let socket: LiveClient;

  beforeAll(async () => {
    cluster = await startPrivatePostgres();
    t = await startTestServer(cluster.backend, {
      JOBS_WORKERS: "1",
      JOBS_CPU_THREADS: "0",
      JOBS_LEASE_SECONDS: "2",
      JOBS_SWEEP_INTERVAL_MS: "200",
    });
    socket = liveClient(t.url, t.admin.key);
  });
  afterAll(async () => {
    await socket?.dispose();
    await t?.stop();
    await cluster?.remove();
  });

  const readJob = async (id: string, type = "AGENT") =>
    (await t.admin.request<{ job: JobWithHistory }>(JOB_STATE, { t: type, id })).job;

  it("keeps every acknowledged job through a crash, and answers clear errors while the database is down", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await addAgentJob(t.admin, `durable-${i}`));
    const worker = await agentWorker(t.admin);
    for (let i = 0; i < 2; i++) {
      const { token } = await worker.claim();
      await worker.status(token, "VALIDATING");
      await worker.status(token, "RUNNING");
      await worker.complete(token);
    }
    const before = await Promise.all(ids.map((id) => readJob(id)));
    expect(before.filter((j) => j.state === "SUCCEEDED")).toHaveLength(2);

    await cluster.stop("immediate");
    const ready = await answerWithin(fetch(`${t.url}/readyz`));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: "database unreachable" });
    // A read, a write, the same over the WebSocket, and a subscription started meanwhile: each a
    // GraphQL error saying what is wrong.
    const dark = socket.subscribe<{ jobUpdated: JobView }>(JOB_UPDATED, { t: "AGENT", id: ids[0] });
    for (const away of [
      await answerWithin(t.admin.raw(JOB_STATE, { t: "AGENT", id: ids[0] })),
      await answerWithin(t.admin.raw(`mutation { addAgentJob(input: { functionName: "dark" }) { job { jobId } } }`)),
      await answerWithin(socket.request(JOB_STATE, { t: "AGENT", id: ids[0] })),
      await answerWithin(dark.errorCode().then(() => dark.messages[0]!)),
    ]) {
      expect(away.errors?.[0]?.extensions).toMatchObject({
        code: "INTERNAL_SERVER_ERROR",
        reason: "DATABASE_UNAVAILABLE",
        retryable: true,
      });
      expect(JSON.stringify(away)).not.toMatch(/ECONNREFUSED|node_modules|at .*\(/);
    }

    await cluster.start();
    await untilReady(t.url);
    expect(await Promise.all(ids.map((id) => readJob(id)))).toEqual(before);
  });

  it("keeps open subscriptions through a restart, with every change committed before and after it", async () => {
    // In a pool of its own: the first test's unclaimed jobs are not this worker's.
    const worker = await agentWorker(t.admin, "restart");
    const pool = { assignedAgentPoolId: "restart" };
    const jobId = await addAgentJob(t.admin, "through-restart", pool);
    const updates = socket.subscribe<{ jobUpdated: JobView }>(JOB_UPDATED, { t: "AGENT", id: jobId });
    const events = socket.subscribe<{ jobEvents: EventView }>(JOB_EVENTS, { t: "AGENT", id: jobId });
    const watching = t.server.services.live.stats().jobsWatchers;
    const changed = socket.subscribe<{ jobsChanged: ChangedView }>(JOBS_CHANGED, {});
    await t.server.services.live.untilJobsWatchers(watching + 1);
    await updates.take(1);

    const { token } = await worker.claim();
    await worker.status(token, "VALIDATING");
    await worker.events(token, [{ n: 1 }]);
    // Committed just before the restart: its notification may or may not have gone out.
    const justBefore = await addAgentJob(t.admin, "just-before");
    await cluster.restart();

    await untilReady(t.url);
    await worker.status(token, "RUNNING");
    await worker.events(token, [{ n: 2 }, { n: 3 }]);
    await worker.complete(token);
    const after = await addAgentJob(t.admin, "after-restart");

    await updates.until(() => updates.items.some((u) => u.jobUpdated.state === "SUCCEEDED"), "SUCCEEDED");
    expect(moves(updates.items.map((u) => u.jobUpdated.state))).toEqual([
      "PENDING",
      "CLAIMED",
      "VALIDATING",
      "RUNNING",
      "SUCCEEDED",
    ]);
    expect((await events.take(3)).map((e) => e.jobEvents.data.n)).toEqual([1, 2, 3]);
    for (const [id, what] of [
      [justBefore, "the job created just before the restart"],
      [after, "the job created after it"],
    ] as const)
      await changed.until(() => changed.items.some((c) => c.jobsChanged.jobId === id), what);
    await changed.until(
      () => changed.items.some((c) => c.jobsChanged.jobId === jobId && c.jobsChanged.state === "SUCCEEDED"),
      "the finished job",
    );
    expect(updates.error ?? events.error ?? changed.error).toBeNull();
  });

  const mock = (seed: number) =>
    createGeneration(t.admin, { kind: "MOCK", rows: 50, seed, description: "orders with amount and country" });
  const claimsOf = (history: { message: string | null }[]) =>
    history.filter((s) => s.message?.startsWith("claimed by")).length;

  it("requeues a job running at a crash when its lease expires, and resumes at once when the database is back", async () => {
    expect((await waitForGeneration(t.admin, await mock(1), 30)).state).toBe("SUCCEEDED");
    const worker = await agentWorker(t.admin, "outage");
    const watched = await addAgentJob(t.admin, "watched", { assignedAgentPoolId: "outage" });
    const updates = socket.subscribe<{ jobUpdated: JobView }>(JOB_UPDATED, { t: "AGENT", id: watched });
    await updates.take(1);

    // The executor held at its first write after the claim (its start log line), the claim made durable.
    const locker = await lockTables(["job_log_lines"]);
    const running = await mock(2);
    await pollUntil(() => waitingOn(["job_log_lines"]), "the executor blocked on its first log line");
    await locker.query("checkpoint");

    // Down long enough for the retries to back off: after five failed claims in a row the executor's
    // next one is 8 s away, and the LISTEN connection's tries are 5 s apart by then.
    const warn = vi.spyOn(t.server.services.logger, "warn");
    try {
      await cluster.stop("immediate");
      await pollUntil(
        async () =>
          warn.mock.calls.filter(
            ([obj, msg]) =>
              msg === "claim failed; retrying" && (obj as { executor?: string }).executor === "generation",
          ).length >= 5,
        "five failed claims",
      );
    } finally {
      warn.mockRestore();
    }
    await cluster.start();
    await untilReady(t.url);

    // Back: a change reaches the open subscription at once (not at the LISTEN connection's next try) ...
    await worker.claim();
    await updates.until(() => updates.items.some((u) => u.jobUpdated.state === "CLAIMED"), "the claim", 1500);
    // ... and a new job, and the one whose lease expired meanwhile, both run.
    const after = await mock(3);
    expect((await waitForGeneration(t.admin, after, 30)).state).toBe("SUCCEEDED");

    const done = await waitForGeneration(t.admin, running, 30);
    expect(done.state).toBe("SUCCEEDED");
    expect(done.statusHistory.map((s) => s.message)).toContain("lease expired on attempt 1 of 3; requeued");
    expect(claimsOf(done.statusHistory)).toBe(2);
    // The executor's first claim since the database came back (of the new job, or of the one the
    // sweeper requeued meanwhile) came at once, not at the end of its backoff.
    expect(Math.min(...(await claimTimes([after, running]))) - (await queuedAt(after))).toBeLessThan(1000);
  });

  it("runs a job whose claim the crash forgot (committed without waiting for its WAL flush)", async () => {
    // The claim held back until the job's creation (and its audit entry) are durable ...
    const claims = await lockTables(["job_status_changes"]);
    const forgotten = await mock(4);
    await pollUntil(() => waitingOn(["job_status_changes"]), "the claim blocked");
    await t.server.services.audit.idle();
    // ... then let through with nothing to write its WAL, and nothing else written after it: the
    // executor is held at its first write and its heartbeats wait on the jobs table.
    await cluster.pauseWalWriter();
    const writes = await lockTables(["job_log_lines"]);
    const jobsLocked = writes.query(`lock table "jobs" in exclusive mode`);
    await pollUntil(() => waitingOn(["jobs"], "locker"), "the jobs lock queued behind the claim");
    await claims.query("commit");
    await jobsLocked;
    await pollUntil(() => waitingOn(["jobs", "job_log_lines"]), "the executor blocked after its claim");
    expect((await writes.query(`select "state" from "jobs" where "id" = $1`, [forgotten])).rows).toEqual([
      { state: "RUNNING" },
    ]);
    await cluster.crash();
    await untilReady(t.url);

    const done = await waitForGeneration(t.admin, forgotten, 30);
    expect(done.state).toBe("SUCCEEDED");
    // One claim in its history: the first one is gone with the crash, not expired.
    expect(claimsOf(done.statusHistory)).toBe(1);
    expect(done.statusHistory.map((s) => s.state)).toEqual(["CREATED", "QUEUED", "RUNNING", "SUCCEEDED"]);
  });

  /** The jobs' status histories (times by the database's clock). */
  async function histories(ids: string[]): Promise<{ state: string; createdOn: string }[][]> {
    return Promise.all(
      ids.map(
        async (id) =>
          (
            await t.admin.request<{ job: { statusHistory: { state: string; createdOn: string }[] } }>(
              `query($id: ID!) { job(reasonerType: GENERATION, jobId: $id) { statusHistory { state createdOn } } }`,
              { id },
            )
          ).job.statusHistory,
      ),
    );
  }
  /** When each job was last claimed. */
  const claimTimes = async (ids: string[]) =>
    (await histories(ids)).map((h) => Date.parse(h.findLast((s) => s.state === "RUNNING")!.createdOn));
  const queuedAt = async (id: string) =>
    Date.parse((await histories([id]))[0]!.find((s) => s.state === "QUEUED")!.createdOn);

  /** Sessions holding tables in exclusive mode (reads pass, writes wait) until they commit or the crash. */
  const lockers: { client: pg.Client; pid: number }[] = [];
  async function lockTables(tables: string[]): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: t.server.services.config.databaseUrl });
    client.on("error", () => undefined);
    await client.connect();
    const { rows } = await client.query<{ pid: number }>("select pg_backend_pid() as pid");
    lockers.push({ client, pid: rows[0]!.pid });
    await client.query("begin");
    for (const table of tables) await client.query(`lock table "${table}" in exclusive mode`);
    return client;
  }
  afterEach(async () => {
    await Promise.all(lockers.splice(0).map(({ client }) => client.end().catch(() => undefined)));
    // A test that failed while the database was down leaves it up for the next.
    if (!cluster.running) await cluster.start();
  });

  /** Whether a session of the server's (else: one of the lockers) waits for a lock on one of the tables. */
  async function waitingOn(tables: string[], who: "server" | "locker" = "server"): Promise<boolean> {
    const observer = new pg.Client({ connectionString: t.server.services.config.databaseUrl });
    await observer.connect();
    try {
      const { rows } = await observer.query(
        `select 1 from pg_locks where not granted and (pid = any($1::int[])) = $3 and relation = any($2::regclass[])`,
        [lockers.map((l) => l.pid), tables.map((name) => `"${name}"`), who === "locker"],
      );
      return rows.length > 0;
    } finally {
      await observer.end();
    }
  }
});

/** The answer, or a failure if it takes longer than `ms`: an outage must be answered, not hang. */
async function answerWithin<T>(answer: Promise<T>, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms while the database is down`)), ms);
  });
  try {
    return await Promise.race([answer, hang]);
  } finally {
    clearTimeout(timer);
  }
}
