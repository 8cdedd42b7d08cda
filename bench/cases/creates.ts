// Creating jobs and counting them:
// - bulk: `createJobs` over HTTP, 1,000 inputs per request, against graphile-worker's
//   `WorkerUtils.addJobs` with the same 1,000 jobs per call (target >= 1.0x), both sides warm;
// - single: `createJob` over HTTP from 16 concurrent clients (keep-alive) against graphile-worker's
//   `addJob` from a pool of 16 connections and 16 concurrent callers (target >= 0.5x);
// - totalCount with 100,000 queued jobs against the same on an empty table (target <= 1.5x).
// Each side on its own fresh database; runs alternate which side goes first (ABBA).
import { makeWorkerUtils, type WorkerUtils } from "graphile-worker";
import pg from "pg";
import { type BenchCase, type CaseOptions, ratioEntry, type ResultEntry } from "../case.ts";
import { freshDatabase, type FreshDatabase } from "../db.ts";
import { insertNoopJobs, NOOP_QUEUE, NOOP_TYPE, type OurServer, postGraphql as post, startOurServer } from "../ours.ts";
import { graphileMigrate, GRAPHILE_TASK } from "../peers.ts";
import { PgCostLog, startPgCost } from "../pg-cost.ts";
import { median, msSince } from "../stats.ts";

const BULK_SIZE = 1000;
const CLIENTS = 16;
/**
 * Untimed full-size calls each side makes first (quick runs: one). A fresh server compiles its
 * createJobs path over its first few thousand jobs (requests of 1,000 took ~90 ms each over the
 * first ten, ~55 after); a deployment creates from a warm process, so both sides are measured warm.
 */
const BULK_WARM_UP_CALLS = 5;

const CREATE_JOBS = `mutation($inputs: [CreateJobInput!]!) { createJobs(inputs: $inputs) { job { jobId } error { code } } }`;
const CREATE_JOB = `mutation($input: CreateJobInput!) { createJob(input: $input) { job { jobId } } }`;
const COUNT = `{ jobs(first: 50, filter: { allUsers: true }) { totalCount totalCountIsEstimate } }`;

const input = (i: number) => ({ reasonerType: NOOP_TYPE, reasonerName: NOOP_QUEUE, payload: { i } });

/** Runs `count` calls of `call` from `clients` concurrent callers; resolves with the seconds taken. */
export async function concurrently(
  count: number,
  clients: number,
  call: (i: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = next++; i < count; i = next++) await call(i);
    }),
  );
  return msSince(start) / 1000;
}

/** PostgreSQL's CPU and WAL per created job, by side and kind ("ours-bulk", "peer-single", ...). */
const pgCostPerJob = new PgCostLog();

/** `timed`'s seconds, with PostgreSQL's cost per job over them recorded under `label`. */
async function costed(label: string, jobs: number, timed: () => Promise<number>): Promise<number> {
  const cost = await startPgCost();
  const seconds = await timed();
  pgCostPerJob.add(label, await cost.stop(jobs));
  return seconds;
}

/** Both sides' PostgreSQL cost per job (medians) of one kind of create, for a note. */
const pgCosts = (kind: "bulk" | "single") =>
  pgCostPerJob.compare([
    { name: "ours", label: `ours-${kind}` },
    { name: "graphile-worker", label: `peer-${kind}` },
  ]);

interface Peer {
  utils: WorkerUtils;
  pool: pg.Pool;
  db: FreshDatabase;
  stop(): Promise<void>;
}

async function startPeer(label: string): Promise<Peer> {
  const db = await freshDatabase(label);
  const pool = new pg.Pool({ connectionString: db.url, max: CLIENTS });
  // An idle client's connection ended by the server (57P01 was seen mid-run) must not end the
  // benchmark: the pool drops that client and makes a new one when asked.
  pool.on("error", () => undefined);
  await graphileMigrate(pool);
  const utils = await makeWorkerUtils({ pgPool: pool });
  return {
    utils,
    pool,
    db,
    async stop() {
      await utils.release();
      await pool.end();
      await db.drop();
    },
  };
}

/** One side of one run: a fresh system, measured, stopped. */
async function side<T, R>(
  start: () => Promise<T>,
  stop: (s: T) => Promise<void>,
  measure: (s: T) => Promise<R>,
): Promise<R> {
  const system = await start();
  try {
    return await measure(system);
  } finally {
    await stop(system);
  }
}

/** `calls` sequential calls of `call`, each given its chunk of BULK_SIZE jobs numbered from `first`. */
const chunks = (first: number, calls: number, call: (from: number) => Promise<void>) =>
  concurrently(calls, 1, (chunk) => call(first + chunk * BULK_SIZE));

async function bulkOurs(jobs: number, warmUpCalls: number): Promise<number> {
  return side(
    () => startOurServer("bulk"),
    (s) => s.stop(),
    async (s: OurServer) => {
      const createChunk = async (from: number) => {
        const data = await post<{ createJobs: { error: unknown }[] }>(s.url, CREATE_JOBS, {
          inputs: Array.from({ length: BULK_SIZE }, (_, k) => input(from + k)),
        });
        if (data.createJobs.some((r) => r.error)) throw new Error("createJobs refused an item");
      };
      await chunks(-warmUpCalls * BULK_SIZE, warmUpCalls, createChunk);
      const seconds = await costed("ours-bulk", jobs, () => chunks(0, Math.ceil(jobs / BULK_SIZE), createChunk));
      return jobs / seconds;
    },
  );
}

async function bulkPeer(jobs: number, warmUpCalls: number): Promise<number> {
  return side(
    () => startPeer("bulk_gw"),
    (p) => p.stop(),
    async (p) => {
      const addChunk = async (from: number) => {
        await p.utils.addJobs(
          Array.from({ length: BULK_SIZE }, (_, k) => ({ identifier: GRAPHILE_TASK, payload: { i: from + k } })),
        );
      };
      await chunks(-warmUpCalls * BULK_SIZE, warmUpCalls, addChunk);
      const seconds = await costed("peer-bulk", jobs, () => chunks(0, Math.ceil(jobs / BULK_SIZE), addChunk));
      return jobs / seconds;
    },
  );
}

async function singleOurs(jobs: number): Promise<number> {
  return side(
    () => startOurServer("single"),
    (s) => s.stop(),
    async (s) => {
      await concurrently(CLIENTS, CLIENTS, (i) => post(s.url, CREATE_JOB, { input: input(i) }).then(() => undefined));
      return (
        jobs /
        (await costed("ours-single", jobs, () =>
          concurrently(jobs, CLIENTS, (i) => post(s.url, CREATE_JOB, { input: input(i) }).then(() => undefined)),
        ))
      );
    },
  );
}

async function singlePeer(jobs: number): Promise<number> {
  return side(
    () => startPeer("single_gw"),
    (p) => p.stop(),
    async (p) => {
      await concurrently(CLIENTS, CLIENTS, (i) => p.utils.addJob(GRAPHILE_TASK, { i }).then(() => undefined));
      return (
        jobs /
        (await costed("peer-single", jobs, () =>
          concurrently(jobs, CLIENTS, (i) => p.utils.addJob(GRAPHILE_TASK, { i }).then(() => undefined)),
        ))
      );
    },
  );
}

/** Median ms of `samples` totalCount requests with `queued` waiting jobs in the table. */
async function countLatency(queued: number, samples: number): Promise<{ ms: number; estimated: boolean }> {
  return side(
    () => startOurServer(`count_${queued}`),
    (s) => s.stop(),
    async (s) => {
      const db = s.server.services.db;
      for (let done = 0; done < queued; done += 10_000)
        await insertNoopJobs(db, s.admin, Math.min(10_000, queued - done));
      await db.query(`analyze "jobs"`);
      const times: number[] = [];
      let estimated = false;
      for (let i = 0; i < samples + 5; i++) {
        const start = process.hrtime.bigint();
        const data = await post<{ jobs: { totalCount: number; totalCountIsEstimate: boolean } }>(s.url, COUNT);
        if (i >= 5) times.push(msSince(start));
        estimated = data.jobs.totalCountIsEstimate;
      }
      return { ms: median(times), estimated };
    },
  );
}

const QUEUED = 100_000;

/** The totalCount part, run by `creates` and alone by `counts`: loaded and empty sides alternate per run. */
class CountRuns {
  private readonly loaded: number[] = [];
  private readonly empty: number[] = [];
  private estimated = false;

  async run(r: number, o: CaseOptions): Promise<void> {
    for (const which of r % 2 === 0 ? (["loaded", "empty"] as const) : (["empty", "loaded"] as const)) {
      const c = await countLatency(which === "loaded" ? QUEUED : 0, o.quick ? 20 : 100);
      this[which].push(c.ms);
      if (which === "loaded") this.estimated = c.estimated;
    }
    o.log(
      `run ${r + 1}/${o.runs} totalCount: ${this.loaded.at(-1)!.toFixed(2)} ms at ${QUEUED} queued, ${this.empty.at(-1)!.toFixed(2)} ms empty`,
    );
  }

  entry(o: CaseOptions): ResultEntry {
    return ratioEntry({
      name: `creates: totalCount with ${QUEUED} queued jobs vs an empty table`,
      ours: this.loaded,
      peer: this.empty,
      unit: "ms",
      better: "lower",
      maxRatio: 1.5,
      target: "<= 1.5x",
      runs: o.runs,
      note: `median of ${o.quick ? 20 : 100} requests of jobs(first: 50) { totalCount } (admin, allUsers); ${this.estimated ? "past JOBS_EXACT_COUNT_LIMIT: an estimate, flagged" : "exact"}`,
    });
  }
}

/** Only the totalCount entry of `creates` (opt-in: `--only counts`). */
export const countsCase: BenchCase = {
  id: "counts",
  title: "Counting jobs",
  async run(o: CaseOptions): Promise<ResultEntry[]> {
    const count = new CountRuns();
    for (let r = 0; r < o.runs; r++) await count.run(r, o);
    return [count.entry(o)];
  },
};

export const createsCase: BenchCase = {
  id: "creates",
  title: "Creating and counting jobs",
  async run(o: CaseOptions): Promise<ResultEntry[]> {
    const bulkJobs = o.jobs ?? (o.quick ? 5_000 : 50_000);
    const singleJobs = o.quick ? 1_000 : 10_000;
    const warmUp = o.quick ? 1 : BULK_WARM_UP_CALLS;
    const bulk = { ours: [] as number[], peer: [] as number[] };
    const single = { ours: [] as number[], peer: [] as number[] };
    const count = new CountRuns();
    for (let r = 0; r < o.runs; r++) {
      const oursFirst = r % 2 === 0;
      for (const who of oursFirst ? (["ours", "peer"] as const) : (["peer", "ours"] as const)) {
        bulk[who].push(who === "ours" ? await bulkOurs(bulkJobs, warmUp) : await bulkPeer(bulkJobs, warmUp));
      }
      o.log(
        `creates run ${r + 1}/${o.runs} bulk: ours ${bulk.ours.at(-1)!.toFixed(0)} jobs/s, graphile-worker addJobs ${bulk.peer.at(-1)!.toFixed(0)} jobs/s`,
      );
      for (const who of oursFirst ? (["peer", "ours"] as const) : (["ours", "peer"] as const)) {
        single[who].push(who === "ours" ? await singleOurs(singleJobs) : await singlePeer(singleJobs));
      }
      o.log(
        `creates run ${r + 1}/${o.runs} single: ours ${single.ours.at(-1)!.toFixed(0)} jobs/s, graphile-worker addJob ${single.peer.at(-1)!.toFixed(0)} jobs/s`,
      );
      await count.run(r, o);
    }
    return [
      ratioEntry({
        name: `creates: createJobs (${BULK_SIZE} per request) vs graphile-worker addJobs (${BULK_SIZE} per call)`,
        ours: bulk.ours,
        peer: bulk.peer,
        unit: "jobs/s",
        better: "higher",
        minRatio: 1.0,
        target: ">= 1.0x",
        runs: o.runs,
        note: `${bulkJobs} jobs per run, one request at a time over HTTP, after ${warmUp * BULK_SIZE} untimed (both sides); each job with its change notification, its row implying its first status-history entries (no-op jobs are PRESCRIPTIVE: no grant row, which only agent jobs get); ${pgCosts("bulk")}`,
      }),
      ratioEntry({
        name: `creates: createJob from ${CLIENTS} concurrent clients vs graphile-worker addJob from a pool of ${CLIENTS}`,
        ours: single.ours,
        peer: single.peer,
        unit: "jobs/s",
        better: "higher",
        minRatio: 0.5,
        target: ">= 0.5x",
        runs: o.runs,
        note: `${singleJobs} jobs per run, keep-alive HTTP, load generated in the benchmark process; ${pgCosts("single")}`,
      }),
      count.entry(o),
    ];
  },
};
