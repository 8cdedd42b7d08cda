// Two API processes on one PostgreSQL against one (issue #26): the same load, split across two
// server processes sharing a database, or all of it on one. Servers are child processes (bench
// /child-server.ts); the load generator stays here. Measured for
// - creates: single `createJob` calls from 16 concurrent keep-alive clients (8 per process when two);
// - external workers: two @jobs-api/client Workers of 8 slots each draining no-op jobs (one per
//   process when two).
// Two processes must never do less than one (>= 1.0x). Each side on its own fresh database; the
// order alternates per run (ABBA). Each side's server CPU per job (all its processes together, read
// from /proc where there is one) is in the notes: on a machine the processes share, a rate follows it.
// Both sides are measured warm: every process first serves the same untimed load (WARM_UP_PER_PROCESS
// creates, or as many jobs drained), so a fresh process's compiling and first allocations, which two
// processes pay twice, are not counted against a steady state that a deployment runs in.
import { Worker } from "@jobs-api/client/node";
import { type BenchCase, type CaseOptions, ratioEntry, type ResultEntry } from "../case.ts";
import { type ChildServer, startChildServer } from "../child-server.ts";
import { NOOP_QUEUE, NOOP_TYPE, postGraphql } from "../ours.ts";
import { cpuSeconds } from "../proc-cpu.ts";
import { median, msSince } from "../stats.ts";
import { concurrently } from "./creates.ts";

const CLIENTS = 16;
const WORKERS = 2;
const SLOTS = 8;
/** The untimed load each process serves first (see above); quick runs a tenth. */
const WARM_UP_PER_PROCESS = 2000;

const CREATE_JOB = `mutation($input: CreateJobInput!) { createJob(input: $input) { job { jobId } } }`;
const CREATE_JOBS = `mutation($inputs: [CreateJobInput!]!) { createJobs(inputs: $inputs) { error { code } } }`;

/** A side's rate, and its servers' CPU per job in microseconds (null where /proc is not there). */
interface Reading {
  rate: number;
  cpuUsPerJob: number | null;
}

/** The servers' CPU seconds used so far, together; null where any is unreadable. */
function serversCpu(servers: ChildServer[]): number | null {
  let sum = 0;
  for (const s of servers) {
    const used = cpuSeconds(s.pid);
    if (used === null) return null;
    sum += used;
  }
  return sum;
}

/** fn's rate, with the CPU the servers used meanwhile, per job. */
async function measured(servers: ChildServer[], jobs: number, fn: () => Promise<number>): Promise<Reading> {
  const before = serversCpu(servers);
  const rate = await fn();
  const after = serversCpu(servers);
  return { rate, cpuUsPerJob: before === null || after === null ? null : ((after - before) * 1e6) / jobs };
}

const input = (i: number) => ({ reasonerType: NOOP_TYPE, reasonerName: NOOP_QUEUE, payload: { i } });

/** `processes` servers on one fresh database; fn gets them, they are stopped after. */
async function withServers<T>(processes: 1 | 2, fn: (servers: ChildServer[]) => Promise<T>): Promise<T> {
  const first = await startChildServer(`two_${processes}`);
  const servers = [first];
  try {
    // The second starts once the first has migrated the database.
    if (processes === 2) servers.push(await startChildServer("two_second", { databaseUrl: first.databaseUrl }));
    return await fn(servers);
  } finally {
    // The first owns the database (dropped on its stop): it goes last.
    for (const s of servers.reverse()) await s.stop();
  }
}

/** Creates per second: `jobs` createJob calls from CLIENTS clients, spread over the servers, after `warmUp` per server. */
function creates(processes: 1 | 2, jobs: number, warmUp: number): Promise<Reading> {
  return withServers(processes, async (servers) => {
    const urlOf = (client: number) => servers[client % servers.length]!.url;
    let client = 0;
    const load = (count: number) =>
      concurrently(count, CLIENTS, async (i) => {
        await postGraphql(urlOf(client++ % CLIENTS), CREATE_JOB, { input: input(i) });
      });
    await load(warmUp * servers.length);
    return measured(servers, jobs, async () => jobs / (await load(jobs)));
  });
}

/** Jobs per second drained by WORKERS external Workers of SLOTS slots, spread over the servers, after `warmUp` per server. */
function drains(processes: 1 | 2, jobs: number, warmUp: number): Promise<Reading> {
  return withServers(processes, async (servers) => {
    const url = servers[0]!.url;
    const { createApiKey } = await postGraphql<{ createApiKey: { secret: string } }>(
      url,
      `mutation { createApiKey(userId: "bench-worker", role: WORKER) { secret } }`,
    );
    const workers = Array.from(
      { length: WORKERS },
      (_, w) =>
        new Worker({
          url: servers[w % servers.length]!.url,
          apiKey: createApiKey.secret,
          name: `bench-${w}`,
          reasonerTypes: [NOOP_TYPE],
          reasonerNames: [NOOP_QUEUE],
        }),
    );
    for (const w of workers) await w.register();
    const queue = async (count: number) => {
      for (let done = 0; done < count; done += 1000) {
        const inputs = Array.from({ length: Math.min(1000, count - done) }, (_, k) => input(done + k));
        await postGraphql(url, CREATE_JOBS, { inputs });
      }
    };
    /** Drains `count` queued jobs with every worker: the drain's seconds. */
    const drain = async (count: number): Promise<number> => {
      const stop = new AbortController();
      let finished = 0;
      let failed = 0;
      const start = process.hrtime.bigint();
      await Promise.all(
        workers.map((w) =>
          w.run(async () => ({ result: null }), {
            concurrency: SLOTS,
            signal: stop.signal,
            onJobFinished: (f) => {
              if (f.final?.state !== "SUCCEEDED") failed++;
              if (++finished === count) stop.abort();
            },
          }),
        ),
      );
      const seconds = msSince(start) / 1000;
      if (failed || finished < count) throw new Error(`two processes: ${finished - failed} of ${count} jobs succeeded`);
      return seconds;
    };
    await queue(warmUp * servers.length);
    await drain(warmUp * servers.length);
    await queue(jobs);
    return measured(servers, jobs, async () => jobs / (await drain(jobs)));
  });
}

export const twoProcessesCase: BenchCase = {
  id: "two-processes",
  title: "Two API processes on one PostgreSQL vs one",
  async run(o: CaseOptions): Promise<ResultEntry[]> {
    const createJobs = o.quick ? 500 : 10_000;
    const drainJobs = o.jobs ?? (o.quick ? 1_000 : 10_000);
    const warmUp = o.quick ? WARM_UP_PER_PROCESS / 10 : WARM_UP_PER_PROCESS;
    const made = { two: [] as Reading[], one: [] as Reading[] };
    const drained = { two: [] as Reading[], one: [] as Reading[] };
    const rate = (readings: Reading[]) => readings.map((r) => r.rate);
    const last = (readings: Reading[]) => {
      const { rate, cpuUsPerJob } = readings.at(-1)!;
      return `${rate.toFixed(0)} jobs/s (${cpuUsPerJob === null ? "?" : cpuUsPerJob.toFixed(0)} µs server CPU/job)`;
    };
    /** The servers' CPU per job of each side, median over runs. */
    const cpuNote = (side: { two: Reading[]; one: Reading[] }) => {
      const us = (readings: Reading[]) => {
        const known = readings.flatMap((r) => (r.cpuUsPerJob === null ? [] : [r.cpuUsPerJob]));
        return known.length ? `${median(known).toFixed(0)} µs` : "unknown";
      };
      return `server CPU per job (every process of the side): two ${us(side.two)}, one ${us(side.one)}`;
    };
    for (let r = 0; r < o.runs; r++) {
      const order = r % 2 === 0 ? ([1, 2] as const) : ([2, 1] as const);
      for (const n of order) (n === 2 ? made.two : made.one).push(await creates(n, createJobs, warmUp));
      o.log(`two processes run ${r + 1}/${o.runs} creates: two ${last(made.two)}, one ${last(made.one)}`);
      for (const n of [...order].reverse() as (1 | 2)[])
        (n === 2 ? drained.two : drained.one).push(await drains(n, drainJobs, warmUp));
      o.log(
        `two processes run ${r + 1}/${o.runs} external workers: two ${last(drained.two)}, one ${last(drained.one)}`,
      );
    }
    const machine =
      "both processes, PostgreSQL and the load generator share this machine's cores (2 here), so the second process adds no CPU";
    return [
      ratioEntry({
        name: `two processes: createJob from ${CLIENTS} clients, two API processes vs one`,
        ours: rate(made.two),
        peer: rate(made.one),
        unit: "jobs/s",
        better: "higher",
        minRatio: 1.0,
        target: ">= 1.0x",
        runs: o.runs,
        note: `${createJobs} jobs per run after ${warmUp} untimed per process, clients split evenly over the processes; ${cpuNote(made)}; ${machine}`,
      }),
      ratioEntry({
        name: `two processes: external workers (${WORKERS} x ${SLOTS} slots), two API processes vs one`,
        ours: rate(drained.two),
        peer: rate(drained.one),
        unit: "jobs/s",
        better: "higher",
        minRatio: 1.0,
        target: ">= 1.0x",
        runs: o.runs,
        note: `${drainJobs} no-op jobs per run after ${warmUp} untimed per process, one Worker per process when two; ${cpuNote(drained)}; ${machine}`,
      }),
    ];
  },
};
