// Case 1, job throughput: N no-op jobs inserted in one statement, then drained with the same
// number of jobs in flight by every system; jobs/s from the moment the workers start until the
// database records every job as done. Every system's tables are ANALYZEd after the bulk insert, as
// autovacuum would have done by then in a running deployment: planning with the statistics of an
// empty table, our claim sorted every waiting job (23 ms a claim with 50,000 waiting, not 3 ms). Systems run interleaved, each run on a fresh database.
import pg from "pg";
import { Worker } from "@jobs-api/client/node";
import { type BenchCase, type CaseOptions, ratioEntry, type ResultEntry } from "../case.ts";
import { until, withFreshDatabase } from "../db.ts";
import {
  countNoopJobs,
  insertNoopJobs,
  NOOP_QUEUE,
  NOOP_TYPE,
  noopRunner,
  ProtocolDrain,
  startOurServer,
} from "../ours.ts";
import {
  graphileInsert,
  graphileMigrate,
  graphileRemaining,
  graphileRun,
  LOCAL_QUEUE_PER_SLOT,
  PGBOSS_QUEUE,
  pgBossCompleted,
  pgBossInsert,
  pgBossStart,
} from "../peers.ts";
import { PgCostLog, startPgCost } from "../pg-cost.ts";
import { median, msSince } from "../stats.ts";

type Drain = (jobs: number, concurrency: number) => Promise<number>;

const perSecond = (jobs: number, ms: number) => (jobs * 1000) / ms;

/**
 * PostgreSQL's CPU and WAL per job during each drain, by `system@jobs in flight`: what a job costs the
 * database is what a rate follows on this shared machine, so each ratio's note carries both sides'.
 */
export const pgCostPerJob = new PgCostLog();

/**
 * Our real in-process Runner (the one JOBS_WORKERS starts), a no-op executor; `batched`: with a
 * local queue of as many jobs as graphile-worker's batched mode keeps (completions coalesce always).
 */
const oursRunner =
  (batched: boolean): Drain =>
  async (jobs, concurrency) => {
    const ours = await startOurServer(batched ? "tp_runner_batched" : "tp_runner");
    try {
      await insertNoopJobs(ours.server.services.db, ours.admin, jobs);
      await ours.server.services.db.query("analyze");
      let done = 0;
      let finish: () => void = () => undefined;
      const finished = new Promise<void>((resolve) => (finish = resolve));
      const cost = await startPgCost();
      const start = process.hrtime.bigint();
      const runner = noopRunner(
        ours.server,
        concurrency,
        { onComplete: () => ++done === jobs && finish() },
        batched ? concurrency * LOCAL_QUEUE_PER_SLOT : 0,
      ).start();
      await finished;
      const ms = msSince(start);
      pgCostPerJob.add(`${batched ? "ours-runner-batched" : "ours-runner"}@${concurrency}`, await cost.stop(jobs));
      await runner.stop();
      const succeeded = await countNoopJobs(ours.server.services.db, "SUCCEEDED");
      if (succeeded !== jobs) throw new Error(`runner: ${succeeded} of ${jobs} jobs succeeded`);
      return perSecond(jobs, ms);
    } finally {
      await ours.stop();
    }
  };

/** WorkerProtocol.claim / complete in `concurrency` slots: the runner's work without its bookkeeping. */
const oursProtocolLoop: Drain = async (jobs, concurrency) => {
  const ours = await startOurServer("tp_loop");
  try {
    const db = ours.server.services.db;
    await insertNoopJobs(db, ours.admin, jobs);
    await db.query("analyze");
    let done = 0;
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const start = process.hrtime.bigint();
    const drain = new ProtocolDrain(ours.server, concurrency, { onComplete: () => ++done === jobs && finish() });
    await finished;
    const ms = msSince(start);
    await drain.stop();
    const succeeded = await countNoopJobs(db, "SUCCEEDED");
    if (succeeded !== jobs) throw new Error(`protocol loop: ${succeeded} of ${jobs} jobs succeeded`);
    return perSecond(jobs, ms);
  } finally {
    await ours.stop();
  }
};

/**
 * CPU of this process (client and server together) per job during external drains, in µs, by jobs in
 * flight: the rate follows it on this shared machine.
 */
export const externalCpuPerJob = new Map<number, number[]>();

/** Our server with no executors, drained by external workers over GraphQL (the @jobs-api/client Worker). */
const oursExternal: Drain = async (jobs, concurrency) => {
  const ours = await startOurServer("tp_external");
  try {
    const s = ours.server.services;
    await insertNoopJobs(s.db, ours.admin, jobs);
    await s.db.query("analyze");
    const { secret } = await s.auth.createApiKey({ userId: "bench-worker", role: "WORKER" }, ours.admin);
    const worker = new Worker({
      url: ours.url,
      apiKey: secret,
      name: "bench",
      reasonerTypes: [NOOP_TYPE],
      reasonerNames: [NOOP_QUEUE],
    });
    await worker.register();
    const stop = new AbortController();
    let done = 0;
    let failed = 0;
    const pgCost = await startPgCost();
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    await worker.run(async () => ({ result: null }), {
      concurrency,
      signal: stop.signal,
      onJobFinished: (f) => {
        if (f.final?.state !== "SUCCEEDED") failed++;
        if (++done === jobs) stop.abort();
      },
    });
    const ms = msSince(start);
    const { user, system } = process.cpuUsage(cpu);
    pgCostPerJob.add(`ours-external@${concurrency}`, await pgCost.stop(jobs));
    externalCpuPerJob.set(concurrency, [...(externalCpuPerJob.get(concurrency) ?? []), (user + system) / jobs]);
    const succeeded = await countNoopJobs(s.db, "SUCCEEDED");
    if (failed || succeeded !== jobs)
      throw new Error(`external workers: ${succeeded} of ${jobs} jobs succeeded (${failed} not)`);
    return perSecond(jobs, ms);
  } finally {
    await ours.stop();
  }
};

function graphile(batched: boolean): Drain {
  return (jobs, concurrency) =>
    withFreshDatabase(batched ? "tp_gw_batched" : "tp_gw", async (db) => {
      const pool = new pg.Pool({ connectionString: db.url, max: 10 });
      pool.on("error", () => undefined); // connections the drop ends after the run
      try {
        await graphileMigrate(pool);
        await graphileInsert(pool, jobs);
        await pool.query("analyze");
        let started = 0;
        let allStarted: () => void = () => undefined;
        const handed = new Promise<void>((resolve) => (allStarted = resolve));
        const cost = await startPgCost();
        const start = process.hrtime.bigint();
        const runner = await graphileRun(pool, {
          concurrency,
          batched,
          onStart: () => ++started === jobs && allStarted(),
        });
        await handed;
        // graphile-worker acknowledges after the task resolved (and batches acks when batched):
        // the run ends when its table is empty.
        await until(async () => (await graphileRemaining(pool)) === 0, "graphile-worker to finish");
        const ms = msSince(start);
        pgCostPerJob.add(
          `${batched ? "graphile-worker-batched" : "graphile-worker"}@${concurrency}`,
          await cost.stop(jobs),
        );
        await runner.stop();
        return perSecond(jobs, ms);
      } finally {
        await pool.end();
      }
    });
}

/** pg-boss's own fetch / complete in `concurrency` loops (its work() sleeps a poll interval after every fetch). */
const pgBossLoop: Drain = (jobs, concurrency) =>
  withFreshDatabase("tp_pgboss", async (db) => {
    const boss = await pgBossStart(db.url);
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    pool.on("error", () => undefined);
    try {
      await pgBossInsert(boss, jobs);
      await pool.query("analyze");
      const loop = async () => {
        for (;;) {
          const [job] = await boss.fetch(PGBOSS_QUEUE, { batchSize: 1 });
          if (!job) return;
          await boss.complete(PGBOSS_QUEUE, job.id);
        }
      };
      const start = process.hrtime.bigint();
      await Promise.all(Array.from({ length: concurrency }, loop));
      const ms = msSince(start);
      const completed = await pgBossCompleted(pool);
      if (completed !== jobs) throw new Error(`pg-boss: ${completed} of ${jobs} jobs completed`);
      return perSecond(jobs, ms);
    } finally {
      await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
      await pool.end();
    }
  });

/** pg-boss's work() with batches, its documented way to go fast; informational. */
const pgBossWork: Drain = (jobs, concurrency) =>
  withFreshDatabase("tp_pgboss_work", async (db) => {
    const boss = await pgBossStart(db.url);
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    pool.on("error", () => undefined);
    try {
      await pgBossInsert(boss, jobs);
      await pool.query("analyze");
      let handled = 0;
      let allHandled: () => void = () => undefined;
      const handedOut = new Promise<void>((resolve) => (allHandled = resolve));
      const start = process.hrtime.bigint();
      // One worker per slot; each fetches a batch per poll (pg-boss sleeps ≥ 0.5 s between fetches).
      const batchSize = 100;
      for (let i = 0; i < concurrency; i++) {
        await boss.work(PGBOSS_QUEUE, { batchSize, pollingIntervalSeconds: 0.5 }, async (batch) => {
          handled += batch.length;
          if (handled === jobs) allHandled();
        });
      }
      await handedOut;
      await until(async () => (await pgBossCompleted(pool)) === jobs, "pg-boss to finish");
      const ms = msSince(start);
      return perSecond(jobs, ms);
    } finally {
      await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
      await pool.end();
    }
  });

export const SYSTEMS: Record<string, Drain> = {
  "ours-runner": oursRunner(false),
  "ours-runner-batched": oursRunner(true),
  "ours-loop": oursProtocolLoop,
  "ours-external": oursExternal,
  "graphile-worker": graphile(false),
  "graphile-worker-batched": graphile(true),
  "pg-boss": pgBossLoop,
  "pg-boss-work": pgBossWork,
};

export const throughputCase: BenchCase = {
  id: "throughput",
  title: "Job throughput",
  async run(o: CaseOptions): Promise<ResultEntry[]> {
    const jobs = o.jobs ?? (o.quick ? 1_000 : 50_000);
    // External workers are an order of magnitude slower (HTTP round trips): fewer jobs, but enough
    // for drains of seconds. At 2,000 a drain lasted about a second, its ramp-up weighed on both sides
    // (13-18% below their rates at 10,000) and per-run ratios at 8 in flight spread over 0.53-0.84.
    const externalJobs = Math.min(jobs, o.quick ? 300 : 10_000);
    // The bare protocol loop is for information only (the Runner's share of the cost): fewer jobs.
    const loopJobs = Math.min(jobs, 10_000);
    // pg-boss's fetch slows with depth (~50 jobs/s with 30,000 waiting: one 50,000-job drain takes
    // over 15 minutes). It drains at most 10,000, which flatters it: its rate at 50,000 is lower.
    const pgBossJobs = Math.min(jobs, 10_000);
    // Each system at the common concurrency; external workers and their peer also at 8 and 64 jobs in
    // flight (issue #26's target), named `system@N`.
    const EXTERNAL_IN_FLIGHT = [8, 64] as const;
    const runsOf: { name: string; system: string; concurrency: number }[] = [
      ...Object.keys(SYSTEMS).map((system) => ({ name: system, system, concurrency: o.concurrency })),
      ...EXTERNAL_IN_FLIGHT.flatMap((n) =>
        ["ours-external", "graphile-worker"].map((system) => ({ name: `${system}@${n}`, system, concurrency: n })),
      ),
    ];
    const samples: Record<string, number[]> = Object.fromEntries(runsOf.map((r) => [r.name, []]));
    for (let r = 0; r < o.runs; r++) {
      // Rotate the order each run so no system always runs first (cold) or last.
      const order = runsOf.map((_, i) => runsOf[(i + r) % runsOf.length]!);
      for (const { name, system, concurrency } of order) {
        const n =
          system === "ours-external"
            ? externalJobs
            : system === "ours-loop"
              ? loopJobs
              : system.startsWith("pg-boss")
                ? pgBossJobs
                : name.includes("@")
                  ? externalJobs // the peer of an external run drains as many jobs
                  : jobs;
        const rate = await SYSTEMS[system]!(n, concurrency);
        samples[name]!.push(rate);
        o.log(
          `throughput run ${r + 1}/${o.runs} ${name}: ${rate.toFixed(0)} jobs/s (${n} jobs, ${concurrency} in flight)`,
        );
      }
    }
    const m = samples as Record<string, number[]>;
    const common = { unit: "jobs/s", better: "higher" as const, runs: o.runs };
    const drained = `${jobs} jobs, ${o.concurrency} in flight`;
    /** Both sides' PostgreSQL cost per job (medians), for a note. */
    const pgCosts = (ours: string, peer: string, inFlight = o.concurrency) =>
      pgCostPerJob.compare([
        { name: "ours", label: `${ours}@${inFlight}` },
        { name: peer.replace(/-batched$/, ""), label: `${peer}@${inFlight}` },
      ]);
    return [
      ratioEntry({
        ...common,
        name: "throughput: in-process Runner vs graphile-worker (defaults: batching off)",
        ours: m["ours-runner"]!,
        peer: m["graphile-worker"]!,
        minRatio: 1.0,
        target: ">= 1.0x",
        note: `${drained}; ${pgCosts("ours-runner", "graphile-worker")}`,
      }),
      ratioEntry({
        ...common,
        name: "throughput: in-process Runner vs graphile-worker batched (both with a local queue, batched completions)",
        ours: m["ours-runner-batched"]!,
        peer: m["graphile-worker-batched"]!,
        minRatio: 1.0,
        target: ">= 1.0x",
        note: `${drained}; local queue ${o.concurrency * LOCAL_QUEUE_PER_SLOT} each; ${pgCosts("ours-runner-batched", "graphile-worker-batched")}`,
      }),
      ratioEntry({
        ...common,
        name: "throughput: in-process Runner vs pg-boss (fetch/complete loops)",
        ours: m["ours-runner"]!,
        peer: m["pg-boss"]!,
        minRatio: 1.0,
        target: ">= 1.0x",
        note: `${drained}; pg-boss ${pgBossJobs} jobs (it slows with depth)`,
      }),
      ratioEntry({
        ...common,
        name: "throughput: external GraphQL workers vs graphile-worker (batching off)",
        ours: m["ours-external"]!,
        peer: m["graphile-worker"]!,
        minRatio: 0.3,
        target: ">= 0.3x",
        note: `${externalJobs} jobs over HTTP (graphile-worker: ${jobs}), ${o.concurrency} in flight`,
      }),
      ...EXTERNAL_IN_FLIGHT.map((n) =>
        ratioEntry({
          ...common,
          name: `throughput: external GraphQL workers vs graphile-worker (batching off), ${n} in flight`,
          ours: m[`ours-external@${n}`]!,
          peer: m[`graphile-worker@${n}`]!,
          minRatio: 1.0,
          target: ">= 1.0x",
          note: `${externalJobs} jobs each; one claimJobs per free slots, one completeJobs per turn, keep-alive HTTP; CPU per job (client and server, one process) ${(externalCpuPerJob.get(n) ?? []).map((us) => us.toFixed(0)).join(", ")} µs; ${pgCosts("ours-external", "graphile-worker", n)}`,
        }),
      ),
      ratioEntry({
        ...common,
        name: "throughput (info): WorkerProtocol claim/complete loops vs graphile-worker (batching off)",
        ours: m["ours-loop"]!,
        peer: m["graphile-worker"]!,
        note: `${loopJobs} jobs (graphile-worker: ${jobs}), ${o.concurrency} in flight`,
      }),

      ratioEntry({
        ...common,
        name: "throughput (info): in-process Runner vs pg-boss work() (batchSize 100, 0.5 s polls)",
        ours: m["ours-runner"]!,
        peer: m["pg-boss-work"]!,
        note: `${drained}; pg-boss ${pgBossJobs} jobs`,
      }),
    ];
  },
};
