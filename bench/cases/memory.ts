// Memory of one server process (issue #26), the server a child process so the load generator's
// memory is not counted, each reading taken after full garbage collections (bench/memory-probe.mjs):
// - `memory`: RSS and heap of an idle server (warmed up), and with 10,000 queued jobs;
// - `soak` (opt-in, `--soak-minutes N`, default 10): creates and completes jobs for N minutes and
//   compares the memory of the last minute with the first (no growth: <= 1.1x).
import { Worker } from "@jobs-api/client/node";
import { type BenchCase, boundEntry, type CaseOptions, ratioEntry, type ResultEntry } from "../case.ts";
import { type ChildServer, startChildServer } from "../child-server.ts";
import { NOOP_QUEUE, NOOP_TYPE, postGraphql } from "../ours.ts";
import { median } from "../stats.ts";

const MiB = 2 ** 20;
const QUEUED = 10_000;
const PER_REQUEST = 1000;

const CREATE_JOBS = `mutation($inputs: [CreateJobInput!]!) { createJobs(inputs: $inputs) { error { code } } }`;
const PAGE = `{ jobs(first: 50, filter: { allUsers: true }) { totalCount edges { node { jobId state } } } }`;

/** Creates `count` queued no-op jobs over HTTP, `per` per createJobs call. */
async function createNoopJobs(url: string, count: number, per = PER_REQUEST): Promise<void> {
  for (let done = 0; done < count; done += per) {
    const inputs = Array.from({ length: Math.min(per, count - done) }, (_, k) => ({
      reasonerType: NOOP_TYPE,
      reasonerName: NOOP_QUEUE,
      payload: { i: done + k },
    }));
    const data = await postGraphql<{ createJobs: { error: unknown }[] }>(url, CREATE_JOBS, { inputs });
    if (data.createJobs.some((r) => r.error)) throw new Error("createJobs refused an item");
  }
}

interface Reading {
  rss: number;
  heap: number;
}

const reading = (m: NodeJS.MemoryUsage): Reading => ({ rss: m.rss / MiB, heap: (m.heapUsed + m.external) / MiB });

/** One run: the idle server's memory (after a warm-up of every path measured), then with QUEUED jobs. */
async function idleAndQueued(): Promise<{ idle: Reading; queued: Reading }> {
  const server = await startChildServer("memory");
  try {
    await createNoopJobs(server.url, 200, 100);
    await postGraphql(server.url, PAGE);
    const idle = reading(await server.memory());
    await createNoopJobs(server.url, QUEUED - 200);
    await postGraphql(server.url, PAGE);
    return { idle, queued: reading(await server.memory()) };
  } finally {
    await server.stop();
  }
}

export const memoryCase: BenchCase = {
  id: "memory",
  title: "Server memory, idle and with queued jobs",
  async run(o: CaseOptions): Promise<ResultEntry[]> {
    const idle: Reading[] = [];
    const queued: Reading[] = [];
    for (let r = 0; r < o.runs; r++) {
      const m = await idleAndQueued();
      idle.push(m.idle);
      queued.push(m.queued);
      o.log(
        `memory run ${r + 1}/${o.runs}: idle RSS ${m.idle.rss.toFixed(1)} MiB (heap ${m.idle.heap.toFixed(1)}), with ${QUEUED} queued ${m.queued.rss.toFixed(1)} MiB (heap ${m.queued.heap.toFixed(1)})`,
      );
    }
    const heapNote = (rs: Reading[]) => `heap used + external ${median(rs.map((x) => x.heap)).toFixed(1)} MiB`;
    return [
      boundEntry({
        name: "memory: RSS of an idle server",
        ours: median(idle.map((x) => x.rss)),
        unit: "MiB",
        better: "lower",
        runs: o.runs,
        note: `child process (node dist/main.js, JOBS_WORKERS=0) after a warm-up of 200 creates and a page, after full GCs; ${heapNote(idle)}`,
      }),
      boundEntry({
        name: `memory: RSS with ${QUEUED} queued jobs`,
        ours: median(queued.map((x) => x.rss)),
        unit: "MiB",
        better: "lower",
        runs: o.runs,
        note: `the same process after creating ${QUEUED} jobs (createJobs, ${PER_REQUEST} per call) and a page of 50 with totalCount; ${heapNote(queued)}`,
      }),
    ];
  },
};

/** Creates and completes jobs against `server` until `signal`, a batch at a time (create, then drain). */
async function churn(server: ChildServer, signal: AbortSignal): Promise<number> {
  const { createApiKey } = await postGraphql<{ createApiKey: { secret: string } }>(
    server.url,
    `mutation { createApiKey(userId: "soak-worker", role: WORKER) { secret } }`,
  );
  const worker = new Worker({
    url: server.url,
    apiKey: createApiKey.secret,
    name: "soak",
    reasonerTypes: [NOOP_TYPE],
    reasonerNames: [NOOP_QUEUE],
  });
  await worker.register();
  const stopWorker = new AbortController();
  let finished = 0;
  let failed = 0;
  let waiting: { until: number; resolve: () => void } | null = null;
  const running = worker.run(async () => ({ result: null }), {
    concurrency: 8,
    signal: stopWorker.signal,
    onJobFinished: (f) => {
      if (f.final?.state !== "SUCCEEDED") failed++;
      finished++;
      if (waiting && finished >= waiting.until) waiting.resolve();
    },
  });
  let created = 0;
  try {
    while (!signal.aborted) {
      await createNoopJobs(server.url, 200, 100);
      created += 200;
      if (finished < created) await new Promise<void>((resolve) => (waiting = { until: created, resolve }));
      waiting = null;
    }
  } finally {
    stopWorker.abort();
    await running;
  }
  if (failed) throw new Error(`soak: ${failed} jobs did not succeed`);
  return finished;
}

export const soakCase: BenchCase = {
  id: "soak",
  title: "Soak: creates and completions, memory over time",
  async run(o: CaseOptions): Promise<ResultEntry[]> {
    const minutes = o.soakMinutes ?? 10;
    const server = await startChildServer("soak");
    try {
      const stop = new AbortController();
      const samples: { atS: number; m: Reading }[] = [];
      const start = Date.now();
      const churning = churn(server, stop.signal);
      // A reading every 10 s (each after full GCs, so it is what the process retains).
      while (Date.now() - start < minutes * 60_000) {
        await new Promise((resolve) => setTimeout(resolve, 10_000));
        const m = reading(await server.memory());
        samples.push({ atS: (Date.now() - start) / 1000, m });
        o.log(`soak ${samples.at(-1)!.atS.toFixed(0)} s: RSS ${m.rss.toFixed(1)} MiB, heap ${m.heap.toFixed(1)} MiB`);
      }
      stop.abort();
      const jobs = await churning;
      const first = samples.filter((s) => s.atS <= 60).map((s) => s.m);
      const last = samples.filter((s) => s.atS > minutes * 60 - 60).map((s) => s.m);
      const note = `${minutes} min, ${jobs} jobs created and completed (createJobs of 100, external Worker with 8 slots), medians of 10-s readings after full GCs`;
      return [
        ratioEntry({
          name: "soak: RSS in the last minute vs the first",
          ours: [median(last.map((x) => x.rss))],
          peer: [median(first.map((x) => x.rss))],
          unit: "MiB",
          better: "lower",
          maxRatio: 1.1,
          target: "no growth (<= 1.1x)",
          runs: 1,
          note,
        }),
        ratioEntry({
          name: "soak: heap in the last minute vs the first",
          ours: [median(last.map((x) => x.heap))],
          peer: [median(first.map((x) => x.heap))],
          unit: "MiB",
          better: "lower",
          maxRatio: 1.1,
          target: "no growth (<= 1.1x)",
          runs: 1,
          note: `heap used + external; ${note}`,
        }),
      ];
    } finally {
      await server.stop();
    }
  },
};
