// Case 2, dispatch latency, by graphile-worker's own method (perfTest/latencyTest.js): one worker
// slot, 100 warm-up jobs, then samples one after another: note the time, add one job through a
// client connection, and wait until the executor has started it; the sample is the time between.
// Ours: one INSERT with the job's notification, as createJob commits it, and the real Runner.
import pg from "pg";
import type { Sql } from "../../src/db/database.ts";
import { boundEntry, type BenchCase, type CaseOptions, ratioEntry, type ResultEntry } from "../case.ts";
import { until, withFreshDatabase } from "../db.ts";
import { countNoopJobs, insertNoopJobs, noopRunner, ProtocolDrain, startOurServer } from "../ours.ts";
import { GRAPHILE_TASK, graphileMigrate, graphileRemaining, graphileRun } from "../peers.ts";
import { median, msSince, percentile } from "../stats.ts";

/** BENCH_LATENCY_DRAIN=1: the bare protocol loop (ProtocolDrain) instead of the real Runner, to split the Runner's share. */
const USE_DRAIN = process.env.BENCH_LATENCY_DRAIN === "1";

interface Sampler {
  /** Adds one job and resolves once its executor has started it. */
  sample(): Promise<number>;
}

/** Resolves the promise a job's start completes; samples wait on it. */
class Starts {
  private readonly waiting = new Map<string, () => void>();
  expect(key: string): Promise<void> {
    return new Promise((resolve) => this.waiting.set(key, resolve));
  }
  started(key: string): void {
    const resolve = this.waiting.get(key);
    this.waiting.delete(key);
    resolve?.();
  }
}

async function measure(sampler: Sampler, warmUp: () => Promise<void>, samples: number): Promise<number[]> {
  await warmUp();
  const out: number[] = [];
  for (let i = 0; i < samples; i++) out.push(await sampler.sample());
  return out;
}

async function ours(samples: number): Promise<number[]> {
  const server = await startOurServer("lat_ours");
  // Inserted through the server's own database handle, as createJob does: its notifier sends the
  // recorded change right after the commit.
  const sql: Sql = server.server.services.db;
  const starts = new Starts();
  const onStart = (jobId: string) => starts.started(jobId);
  // The real Runner (one slot), as JOBS_WORKERS starts it.
  const runner = USE_DRAIN
    ? new ProtocolDrain(server.server, 1, { onStart })
    : noopRunner(server.server, 1, { onStart }).start();
  try {
    const db = server.server.services.db;
    return await measure(
      {
        async sample() {
          // The id is made before the clock starts, so the wait can be registered first.
          let started!: Promise<void>;
          const begin = process.hrtime.bigint();
          const [id] = await insertNoopJobs(
            {
              query: (text, values) => (
                (started = starts.expect((values![0] as string[])[0]!)), sql.query(text, values)
              ),
              queryRecords: sql.queryRecords,
            },
            server.admin,
            1,
            { notify: true },
          );
          await started;
          const ms = msSince(begin);
          if (!id) throw new Error("no job inserted");
          return ms;
        },
      },
      async () => {
        await insertNoopJobs(sql, server.admin, 100, { notify: true });
        await until(async () => (await countNoopJobs(db, "SUCCEEDED")) === 100, "our warm-up jobs");
      },
      samples,
    );
  } finally {
    await runner.stop();
    await server.stop();
  }
}

function graphile(samples: number): Promise<number[]> {
  return withFreshDatabase("lat_gw", async (db) => {
    const pool = new pg.Pool({ connectionString: db.url, max: 10 });
    pool.on("error", () => undefined);
    await graphileMigrate(pool);
    const starts = new Starts();
    const runner = await graphileRun(pool, {
      concurrency: 1,
      onStart: (payload) => starts.started(String((payload as { id: number }).id)),
    });
    const client = await pool.connect();
    try {
      let next = 0;
      return await measure(
        {
          async sample() {
            const id = ++next;
            const started = starts.expect(String(id));
            const begin = process.hrtime.bigint();
            await client.query(`select graphile_worker.add_job($2::text, json_build_object('id', $1::int))`, [
              id,
              GRAPHILE_TASK,
            ]);
            await started;
            return msSince(begin);
          },
        },
        async () => {
          await client.query(
            `select graphile_worker.add_job($1::text, json_build_object('id', -i)) from generate_series(1, 100) i`,
            [GRAPHILE_TASK],
          );
          await until(async () => (await graphileRemaining(pool)) === 0, "graphile-worker's warm-up jobs");
        },
        samples,
      );
    } finally {
      client.release();
      await runner.stop();
      await pool.end();
    }
  });
}

export const latencyCase: BenchCase = {
  id: "latency",
  title: "Dispatch latency",
  async run(o: CaseOptions): Promise<ResultEntry[]> {
    const samples = o.quick ? 100 : 1000;
    const p50 = { ours: [] as number[], peer: [] as number[] };
    const p99 = { ours: [] as number[], peer: [] as number[] };
    for (let r = 0; r < o.runs; r++) {
      for (const side of r % 2 ? (["peer", "ours"] as const) : (["ours", "peer"] as const)) {
        const s = side === "ours" ? await ours(samples) : await graphile(samples);
        p50[side].push(percentile(s, 0.5));
        p99[side].push(percentile(s, 0.99));
        o.log(
          `latency run ${r + 1}/${o.runs} ${side === "ours" ? "ours" : "graphile-worker"}: p50 ${percentile(s, 0.5).toFixed(2)} ms, p99 ${percentile(s, 0.99).toFixed(2)} ms`,
        );
      }
    }
    const common = {
      unit: "ms",
      better: "lower" as const,
      runs: o.runs,
      note: `${samples} sequential samples per run; medians over runs`,
    };
    return [
      boundEntry({
        ...common,
        name: "dispatch latency p50 (create to executor start)",
        ours: median(p50.ours),
        max: 10,
        target: "<= 10 ms",
      }),
      boundEntry({
        ...common,
        name: "dispatch latency p99 (create to executor start)",
        ours: median(p99.ours),
        max: 50,
        target: "<= 50 ms",
      }),
      ratioEntry({
        ...common,
        name: "dispatch latency p50 vs graphile-worker p50",
        ours: p50.ours,
        peer: p50.peer,
        maxRatio: 2,
        target: "<= 2x",
      }),
      ratioEntry({
        ...common,
        name: "dispatch latency p99 (info) vs graphile-worker p99",
        ours: p99.ours,
        peer: p99.peer,
      }),
    ];
  },
};
