// Case 6, NOTIFY cost: 16 writers commit job transitions (QUEUED -> RUNNING through transitionJob,
// one statement each, autocommit) as fast as they can, with the statement's pg_notify and with the
// same statement minus pg_notify. The server's JobChangeHub LISTENs throughout, as in production.
import pg from "pg";
import type { Sql } from "../../src/db/database.ts";
import { JOBS_CHANNEL } from "../../src/jobs/sql/notify.ts";
import { transitionJob } from "../../src/jobs/sql/transitionJob.ts";
import { type BenchCase, type CaseOptions, ratioEntry, type ResultEntry } from "../case.ts";
import { insertNoopJobs, NOOP_TYPE, startOurServer } from "../ours.ts";
import { median, msSince } from "../stats.ts";

const WRITERS = 16;
const NOTIFY_CALL = new RegExp(`pg_notify\\('${JOBS_CHANNEL}', [^\\n]*?\\) as "notified"`);

/** The same statements with the pg_notify call replaced by null (and proof that it was there). */
function withoutNotify(sql: Sql): Sql {
  return {
    query(text, values) {
      if (!NOTIFY_CALL.test(text)) throw new Error("the transition statement no longer has the expected pg_notify call");
      return sql.query(text.replace(NOTIFY_CALL, `null as "notified"`), values);
    },
  };
}

/**
 * For information: the statement without pg_notify, then its notification sent by a second
 * statement after the commit (what moving NOTIFY out of the transaction would buy; not what the
 * server does: ARCHITECTURE.md keeps a change and its notification in one transaction).
 */
function notifyAfterCommit(sql: Sql): Sql {
  const bare = withoutNotify(sql);
  return {
    async query(text, values) {
      const rows = await bare.query<{ id: string; tenantId: string; state: string; revision: number }>(text, values);
      for (const r of rows) await sql.query(`select pg_notify($1, $2)`, [JOBS_CHANNEL, `${r.tenantId}|${NOOP_TYPE}|${r.id}|${r.revision}|${r.state}`]);
      return rows as never[];
    },
  };
}

async function commitsPerSecond(sql: Sql, ids: string[]): Promise<number> {
  let next = 0;
  const writer = async () => {
    for (let i = next++; i < ids.length; i = next++) {
      const moved = await transitionJob(sql, { jobId: ids[i]!, reasonerType: NOOP_TYPE, from: ["QUEUED"], to: "RUNNING", message: "bench" });
      if (!moved) throw new Error(`job ${ids[i]} did not move`);
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: WRITERS }, writer));
  return (ids.length * 1000) / msSince(start);
}

export const notifyCase: BenchCase = {
  id: "notify",
  title: "NOTIFY cost",
  async run(o: CaseOptions): Promise<ResultEntry[]> {
    const perRun = o.quick ? 1_000 : 10_000;
    const ours = await startOurServer("notify");
    const pool = new pg.Pool({ connectionString: ours.server.services.config.databaseUrl, max: WRITERS, ...(process.env.BENCH_ASYNC_COMMIT ? { options: "-c synchronous_commit=off" } : {}) });
    pool.on("error", () => undefined);
    const sql: Sql = { query: async (text, values) => (await pool.query(text, values as unknown[])).rows };
    let notified = 0;
    const unsubscribe = ours.server.services.changes.subscribe("*", () => notified++);
    try {
      const rates = { with: [] as number[], without: [] as number[], after: [] as number[] };
      const sides = { with: sql, without: withoutNotify(sql), after: notifyAfterCommit(sql) };
      await commitsPerSecond(sql, await insertNoopJobs(sql, ours.admin, 500)); // warm-up: connections, plans
      for (let r = 0; r < o.runs; r++) {
        for (const side of r % 2 ? (["without", "after", "with"] as const) : (["with", "after", "without"] as const)) {
          const ids = await insertNoopJobs(sql, ours.admin, perRun);
          const before = notified;
          const rate = await commitsPerSecond(sides[side], ids);
          rates[side].push(rate);
          o.log(`notify run ${r + 1}/${o.runs} ${side} pg_notify: ${rate.toFixed(0)} commits/s (${notified - before} notifications delivered meanwhile)`);
        }
      }
      return [
        ratioEntry({
          name: `NOTIFY cost: transition commits/s with pg_notify vs without, ${WRITERS} writers`,
          ours: median(rates.with),
          peer: median(rates.without),
          unit: "commits/s",
          better: "higher",
          minRatio: 0.8,
          target: ">= 0.8x",
          runs: o.runs,
          note: `${perRun} transitions per run; "peer" is the same statement without pg_notify`,
        }),
        ratioEntry({
          name: `NOTIFY cost (info): the notification sent after the commit instead, vs without, ${WRITERS} writers`,
          ours: median(rates.after),
          peer: median(rates.without),
          unit: "commits/s",
          better: "higher",
          runs: o.runs,
          note: "not what the server does (a change and its notification commit together); shows what PostgreSQL's commit-time NOTIFY lock costs",
        }),
      ];
    } finally {
      unsubscribe();
      await pool.end();
      await ours.stop();
    }
  },
};
