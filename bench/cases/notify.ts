// Case 6, NOTIFY cost: 16 writers commit job transitions (QUEUED -> RUNNING through transitionJob,
// one statement each, autocommit) as fast as they can, through the server's own database handle (its
// pool, 16 connections for the writers and 2 for the server's own sends and reads, prepares each
// statement once per connection, as it does for every statement the server runs):
//   with     the statement as the server runs it (the change recorded in the outbox); the handle pokes
//            the server's ChangeNotifier after each such commit, as it always does;
//            the clock stops when the server's hub has heard every change, not just at the last commit;
//   without  the same statement minus the recorded change, and nothing sent.
// For information, the design it replaced: pg_notify inside the statement, i.e. in the transaction.
// The server's JobChangeHub LISTENs throughout, as in production.
import { textOf } from "../../src/db/commit-signals.ts";
import type { Sql } from "../../src/db/database.ts";
import { JOBS_CHANNEL, notifyPayloadSql } from "../../src/jobs/sql/notify.ts";
import { transitionJob } from "../../src/jobs/sql/transitionJob.ts";
import { type BenchCase, type CaseOptions, ratioEntry, type ResultEntry } from "../case.ts";
import { insertNoopJobs, NOOP_TYPE, startOurServer } from "../ours.ts";
import { msSince } from "../stats.ts";

const WRITERS = 16;
/** The CTE recordingChanges' record.jobs adds to a statement (it is the last CTE, before the final select). */
const RECORDED_CHANGE = /, "recorded_change" as \(insert into [^\n]*?\)\n/;
const FINAL_FROM = `from moved m`;

/** The same statements without the recorded change (and proof that it was there), so signalling nothing. */
function withoutNotification(sql: Sql): Sql {
  return {
    query(statement, values) {
      const text = textOf(statement);
      if (!RECORDED_CHANGE.test(text))
        throw new Error("the transition statement no longer records its change as expected");
      return sql.query(text.replace(RECORDED_CHANGE, "\n"), values);
    },
    queryRecords: () => Promise.reject(new Error("the transition statement reads no records")),
  };
}

/** The design the outbox replaced: no recorded change, a pg_notify in the statement's own transaction. */
function notifyInTransaction(sql: Sql): Sql {
  const bare = withoutNotification(sql);
  return {
    query(statement, values) {
      const text = textOf(statement);
      if (!text.includes(FINAL_FROM)) throw new Error("the transition statement's final select changed");
      return bare.query(
        text.replace(
          FINAL_FROM,
          `, pg_notify('${JOBS_CHANNEL}', ${notifyPayloadSql("m")}) as "notified" ${FINAL_FROM}`,
        ),
        values,
      );
    },
    queryRecords: bare.queryRecords,
  };
}

async function commitsPerSecond(sql: Sql, ids: string[], allHeard: Promise<void> | null): Promise<number> {
  let next = 0;
  const writer = async () => {
    for (let i = next++; i < ids.length; i = next++) {
      const moved = await transitionJob(sql, {
        jobId: ids[i]!,
        reasonerType: NOOP_TYPE,
        from: ["QUEUED"],
        to: "RUNNING",
        message: "bench",
      });
      if (!moved) throw new Error(`job ${ids[i]} did not move`);
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: WRITERS }, writer));
  await allHeard;
  return (ids.length * 1000) / msSince(start);
}

export const notifyCase: BenchCase = {
  id: "notify",
  title: "NOTIFY cost",
  async run(o: CaseOptions): Promise<ResultEntry[]> {
    const perRun = o.quick ? 1_000 : 30_000;
    const ours = await startOurServer("notify", { DATABASE_POOL_SIZE: String(WRITERS + 2) });
    const { db: sql, changes } = ours.server.services;
    // Resolves when the hub has heard a RUNNING change of every id.
    const hearAll = (ids: string[]): Promise<void> =>
      new Promise((resolve) => {
        const waiting = new Set(ids);
        const stop = changes.subscribe("*", (change) => {
          if (change.state === "RUNNING" && waiting.delete(change.jobId) && waiting.size === 0) {
            stop();
            resolve();
          }
        });
      });
    const sides = {
      with: { sql, heard: true },
      without: { sql: withoutNotification(sql), heard: false },
      inTransaction: { sql: notifyInTransaction(sql), heard: true },
    };
    type Side = keyof typeof sides;
    try {
      const rates: Record<Side, number[]> = { with: [], without: [], inTransaction: [] };
      const warmUp = await insertNoopJobs(sql, ours.admin, 500); // connections, plans
      await commitsPerSecond(sql, warmUp, hearAll(warmUp));
      for (let r = 0; r < o.runs; r++) {
        for (const side of r % 2
          ? (["without", "inTransaction", "with"] as const)
          : (["with", "inTransaction", "without"] as const)) {
          const ids = await insertNoopJobs(sql, ours.admin, perRun);
          const s = sides[side];
          const rate = await commitsPerSecond(s.sql, ids, s.heard ? hearAll(ids) : null);
          rates[side].push(rate);
          o.log(`notify run ${r + 1}/${o.runs} ${side}: ${rate.toFixed(0)} commits/s`);
        }
      }
      return [
        ratioEntry({
          name: `NOTIFY cost: transition commits/s with change notifications vs without, ${WRITERS} writers`,
          ours: rates.with,
          peer: rates.without,
          unit: "commits/s",
          better: "higher",
          minRatio: 0.9,
          target: ">= 0.9x",
          runs: o.runs,
          note: `${perRun} transitions per run; ours: each change recorded in the outbox and sent (batched) by the server's notifier, timed until the server heard every one; "peer": the same statement recording nothing`,
        }),
        ratioEntry({
          name: `NOTIFY cost (info): pg_notify inside each transition's transaction (the design the outbox replaced) vs without, ${WRITERS} writers`,
          ours: rates.inTransaction,
          peer: rates.without,
          unit: "commits/s",
          better: "higher",
          runs: o.runs,
          note: "PostgreSQL's commit-time NOTIFY lock makes notifying commits go one at a time",
        }),
      ];
    } finally {
      await ours.stop();
    }
  },
};
