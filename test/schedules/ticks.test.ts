// Real ticks, real processes, PostgreSQL, no clock faking: three servers (`src/main.ts`, as
// `npm start` runs it) over two ticks of a 15-second schedule make exactly one job per tick, fired
// once (one "scheduleTick" audit entry each); and, on three other servers and database, with every
// server down across a tick, two servers coming up make exactly one catch-up job for a ONCE schedule
// and none for a SKIP one. The servers take six-field expressions (JOBS_SCHEDULE_SECONDS), so the
// wall clock has to reach ticks seconds away rather than minute boundaries: about half a minute
// each, the two side by side.
import pg from "pg";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type Child, startServerProcess, stopChild } from "../execution/processes.ts";
import { backends, createPgDatabase } from "../helpers/backends.ts";
import { ADMIN_KEY, graphqlClient } from "../helpers/server.ts";
import { liveClient, type LiveClient } from "../live/ws-client.ts";
import { pollUntil } from "../helpers/poll.ts";

const postgres = backends.find((b) => b.name === "postgres");
const MISFIRE_S = 2;
/** The first test's schedule: every 15 seconds. */
const EVERY_15_S = "*/15 * * * * *";
const PERIOD_MS = 15_000;
/** How far ahead the second test's tick is: time to stop every server before it comes. */
const LEAD_MS = 15_000;

const CREATE = `mutation($input: CreateScheduleInput!) { createSchedule(input: $input) { id nextRunOn catchUp } }`;

/** Server processes on a PostgreSQL database of their own, and a connection to read it directly. */
function cluster() {
  let database: { databaseUrl: string; drop(): Promise<void> } | undefined;
  let dataDir: string | undefined;
  let sql: pg.Client | undefined;
  const servers: Child[] = [];
  const sockets: LiveClient[] = [];

  const start = async () => {
    const child = await startServerProcess({
      DATABASE_URL: database!.databaseUrl,
      JOBS_DATA_DIR: dataDir!,
      JOBS_ADMIN_API_KEY: ADMIN_KEY,
      JOBS_WORKERS: "0",
      JOBS_LOG_LEVEL: "info",
      JOBS_SCHEDULE_MISFIRE_S: String(MISFIRE_S),
      JOBS_SCHEDULE_SECONDS: "1",
      NODE_ENV: "test",
    });
    servers.push(child);
    return child;
  };
  const query = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => sql!.query<R>(text, values);
  return {
    servers,
    sockets,
    start,
    query,
    /** A fresh database and `n` servers on it. */
    async open(n: number) {
      database = await createPgDatabase();
      dataDir = mkdtempSync(join(tmpdir(), "jobs-schedules-"));
      await start(); // migrates; the others find the database ready
      await Promise.all(Array.from({ length: n - 1 }, start));
      sql = new pg.Client({ connectionString: database.databaseUrl });
      await sql.connect();
    },
    async close() {
      await Promise.all(sockets.map((s) => s.dispose()));
      await Promise.all(servers.map((s) => stopChild(s)));
      await sql?.end();
      await database?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    firedLines: () =>
      servers.flatMap((s) =>
        s
          .output()
          .split("\n")
          .filter((l) => l.includes('"schedule fired"')),
      ),
    /** A schedule's ticks as audited: each names the schedule in its actor, and the job it made as its target. */
    tickAudit: async (scheduleId: string) =>
      (
        await query<{ outcome: string; target: string }>(
          `select "outcome", "target" from "audit_log" where "operation" = 'scheduleTick' and "actor" like $1 order by "id"`,
          [`scheduler (schedule ${scheduleId}, %`],
        )
      ).rows,
    /** The jobs each tick made, from the ticks' idempotency keys (schedule:<id>:<tick>). */
    jobsByTick: async (scheduleId: string) =>
      (
        await query<{ key: string; jobId: string }>(
          `select "key", "jobId" from "idempotency_keys" where "key" like $1 order by "key"`,
          [`schedule:${scheduleId}:%`],
        )
      ).rows,
  };
}

// The two tests mostly wait for the wall clock, each on servers and a database of its own.
describe.runIf(postgres).concurrent("schedules across server processes on one PostgreSQL (real ticks)", () => {
  const ticking = cluster();
  const restarted = cluster();

  beforeAll(() => Promise.all([ticking.open(3), restarted.open(3)]), 180_000);

  afterAll(() => Promise.all([ticking.close(), restarted.close()]));

  it("three servers make exactly one job per tick over two ticks of a 15-second schedule", async ({ expect }) => {
    const [a, b, c] = ticking.servers.map((s) => graphqlClient((s as Child & { url: string }).url, ADMIN_KEY));
    const socket = liveClient((ticking.servers[2] as Child & { url: string }).url, ADMIN_KEY);
    ticking.sockets.push(socket);
    const changes = socket.subscribe<{ jobsChanged: { jobId: string; name: string; createdOn: string } }>(
      `subscription { jobsChanged(filter: { reasonerType: PREDICTIVE }) { jobId name createdOn } }`,
    );
    await socket.request(`{ schedules(first: 1) { edges { cursor } } }`);
    const created = await a!.request<{ createSchedule: { id: string; nextRunOn: string } }>(CREATE, {
      input: {
        name: "quarter-minutely",
        cron: EVERY_15_S,
        job: { reasonerType: "PREDICTIVE", payload: { model: "churn", rows: 10 } },
      },
    });
    const id = created.createSchedule.id;
    const firstTick = Date.parse(created.createSchedule.nextRunOn);

    // Two ticks' jobs arrive as they are made (jobsChanged on a third server), each within seconds of its tick.
    const [one, two] = (await changes.take(2, 2 * PERIOD_MS + 30_000)).map((m) => m.jobsChanged);
    expect(one!.name).toBe("quarter-minutely");
    expect(Date.parse(one!.createdOn) - firstTick).toBeGreaterThanOrEqual(0);
    expect(Date.parse(one!.createdOn) - firstTick).toBeLessThan(10_000);
    expect(Date.parse(two!.createdOn) - (firstTick + PERIOD_MS)).toBeGreaterThanOrEqual(0);
    expect(Date.parse(two!.createdOn) - (firstTick + PERIOD_MS)).toBeLessThan(10_000);
    await a!.request(`mutation($id: ID!) { deleteSchedule(id: $id) }`, { id });

    // Exactly one job per tick: the jobs are those the two ticks' keys name, and nothing else was made.
    const ticks = await ticking.jobsByTick(id);
    expect(ticks.map((t) => t.key)).toEqual([
      `schedule:${id}:${new Date(firstTick).toISOString()}`,
      `schedule:${id}:${new Date(firstTick + PERIOD_MS).toISOString()}`,
    ]);
    expect(ticks.map((t) => t.jobId)).toEqual([one!.jobId, two!.jobId]);
    const jobs = await ticking.query<{ id: string }>(
      `select "id" from "jobs" where "name" = 'quarter-minutely' order by "createdOn"`,
    );
    expect(jobs.rows.map((r) => r.id)).toEqual([one!.jobId, two!.jobId]);
    // Fired once per tick, not once per server (an idempotent second firing would still audit and log).
    await pollUntil(
      () => ticking.tickAudit(id),
      (rows) => rows.length >= 2,
      "the ticks' audit entries",
      { timeoutMs: 30_000 },
    );
    expect(await ticking.tickAudit(id)).toEqual([
      { outcome: "OK", target: one!.jobId },
      { outcome: "OK", target: two!.jobId },
    ]);
    expect(ticking.firedLines().filter((l) => l.includes(id))).toHaveLength(2);
    // Every server answers with the same view of it: gone.
    for (const client of [a!, b!, c!])
      expect(
        (await client.request<{ schedules: { edges: unknown[] } }>(`{ schedules { edges { cursor } } }`)).schedules
          .edges,
      ).toHaveLength(0);
  }, 120_000);

  it("with every server down at a tick, servers coming up make one catch-up job (ONCE) and none (SKIP)", async ({
    expect,
  }) => {
    const a = graphqlClient((restarted.servers[0] as Child & { url: string }).url, ADMIN_KEY);
    const job = { reasonerType: "PREDICTIVE", payload: { model: "catch-up", rows: 1 } };
    // Once a minute, at the second LEAD_MS from now: the restarted.servers are down before that tick, and the
    // next one is a minute later (after the outcome is read).
    const cron = `${new Date(Date.now() + LEAD_MS).getUTCSeconds()} * * * * *`;
    const once = (
      await a.request<{ createSchedule: { id: string; nextRunOn: string } }>(CREATE, {
        input: { name: "once", cron, job },
      })
    ).createSchedule;
    const skip = (
      await a.request<{ createSchedule: { id: string; nextRunOn: string; catchUp: string } }>(CREATE, {
        input: { name: "skip", cron, catchUp: "SKIP", job },
      })
    ).createSchedule;
    expect(skip.nextRunOn).toBe(once.nextRunOn);
    await Promise.all(restarted.servers.splice(0).map((s) => stopChild(s)));
    const armed = await restarted.query<{
      id: string;
      nextRunOn: Date;
      lastRunOn: Date | null;
      lastError: string | null;
    }>(`select "id", "nextRunOn", "lastRunOn", "lastError" from "schedules" order by "name"`);
    // Neither fired before the restarted.servers went down (else this test would prove nothing).
    expect(armed.rows.map((r) => [r.id, r.lastRunOn, r.lastError])).toEqual([
      [once.id, null, null],
      [skip.id, null, null],
    ]);
    const tick = Date.parse(once.nextRunOn);

    // Down across the tick, and past the misfire allowance: the wall clock has to get there.
    await new Promise((r) => setTimeout(r, tick + MISFIRE_S * 1000 + 1000 - Date.now()));
    await Promise.all([restarted.start(), restarted.start()]);

    const caughtUp = await pollUntil(
      () =>
        restarted.query<{ name: string; lastJobId: string | null; lastError: string | null; nextRunOn: Date }>(
          `select "name", "lastJobId", "lastError", "nextRunOn" from "schedules" order by "name"`,
        ),
      (r) => r.rows[0]!.lastJobId !== null && r.rows[1]!.lastError !== null,
      "the catch-up",
      { timeoutMs: 30_000 },
    );
    // Held still (the ONCE schedule would fire again at its next tick) while the outcome is read.
    const b = graphqlClient((restarted.servers[0] as Child & { url: string }).url, ADMIN_KEY);
    for (const id of [once.id, skip.id])
      await b.request(`mutation($id: ID!) { pauseSchedule(id: $id) { id } }`, { id });
    const [onceRow, skipRow] = caughtUp.rows;
    expect(skipRow!.lastError).toContain("skipped (catch-up SKIP)");
    expect(skipRow!.nextRunOn.getTime()).toBeGreaterThan(tick);
    expect(await restarted.jobsByTick(skip.id)).toEqual([]);
    const onceTicks = await restarted.jobsByTick(once.id);
    expect(onceTicks).toEqual([
      { key: `schedule:${once.id}:${new Date(tick).toISOString()}`, jobId: onceRow!.lastJobId },
    ]);
    const jobs = await restarted.query<{ id: string; name: string }>(
      `select "id", "name" from "jobs" where "name" in ('once', 'skip')`,
    );
    expect(jobs.rows).toEqual([{ id: onceRow!.lastJobId, name: "once" }]);
    expect(onceRow!.nextRunOn.getTime()).toBeGreaterThan(tick);
  }, 120_000);
});
