// Live updates benchmark (issue #4):
//  1. commit-to-client latency with 1,000 subscribers of one job on one server process: a worker
//     appends events one at a time; each subscriber's receipt time minus the event's createdOn (the
//     database's clock at the inserting statement, on this same machine) is one sample.
//  2. memory per idle subscription with 5,000: the server process's resident memory (from /proc)
//     before and after 5,000 connections, each with one jobUpdated subscription, divided by 5,000.
// The server runs as a child process (`node dist/main.js`, bench/child-server.ts) on a fresh PostgreSQL
// database; the clients run here, so their memory is not counted.
//
//   npx tsx bench/subscriptions.ts [--quick] [--only latency|memory] [--connections N]
//     --quick           200 subscribers, 1,000 idle connections
//     --only memory     only the idle-memory part (--only latency: only the latency part)
//     --connections N   idle connections for the memory part (default 5,000; 1,000 with --quick)
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { type BenchCase, boundEntry, type CaseOptions, type ResultEntry } from "./case.ts";
import { startChildServer } from "./child-server.ts";
import { ADMIN_KEY } from "./ours.ts";
import { percentile, round } from "./stats.ts";

export interface SubscriptionsBenchOptions {
  quick: boolean;
  /** Only one of the two parts (both when absent). */
  only?: "latency" | "memory";
  /** Idle connections for the memory part (default: 5,000, or 1,000 when quick). */
  connections?: number;
  log(message: string): void;
}

async function gql<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join("; "));
  return body.data!;
}

async function addAgentJob(url: string): Promise<string> {
  const data = await gql<{ addAgentJob: { job: { jobId: string } } }>(
    url,
    `mutation { addAgentJob(input: { functionName: "bench" }) { job { jobId } } }`,
  );
  return data.addAgentJob.job.jobId;
}

/** Claims the job (the only one queued) and returns a function appending one event under the lease. */
async function leaseOf(url: string): Promise<(data: unknown) => Promise<void>> {
  const worker = await gql<{ registerWorker: { id: string } }>(
    url,
    `mutation { registerWorker(input: { name: "bench", reasonerTypes: [AGENT] }) { id } }`,
  );
  const claim = await gql<{ claimJob: { token?: string } }>(
    url,
    `mutation($w: ID!) { claimJob(workerId: $w) { ... on Lease { token } } }`,
    { w: worker.registerWorker.id },
  );
  const token = claim.claimJob.token;
  if (!token) throw new Error("nothing to claim");
  return async (data) => {
    await gql(url, `mutation($t: String!, $e: [JSON!]!) { appendJobEvents(leaseToken: $t, events: $e) }`, {
      t: token,
      e: [data],
    });
  };
}

function connect(url: string): Client {
  return createClient({
    url: `${url.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${ADMIN_KEY}` },
    retryAttempts: 0,
    lazy: false,
  });
}

/** Opens `count` connections, `batch` at a time, each with one subscription; resolves when each has its first message. */
async function openSubscribers(
  url: string,
  count: number,
  query: string,
  variables: (i: number) => Record<string, unknown>,
  onMessage: (i: number, data: Record<string, any>, receivedMs: number) => void,
  batch = 100,
): Promise<Client[]> {
  const clients: Client[] = [];
  for (let start = 0; start < count; start += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, count - start) }, (_, k) => {
        const i = start + k;
        const client = connect(url);
        clients.push(client);
        return new Promise<void>((resolve, reject) => {
          let first = true;
          client.subscribe(
            { query, variables: variables(i) },
            {
              next: (message) => {
                const receivedMs = Date.now();
                if (message.errors?.length) return reject(new Error(JSON.stringify(message.errors)));
                onMessage(i, message.data as Record<string, any>, receivedMs);
                if (first) {
                  first = false;
                  resolve();
                }
              },
              error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
              complete: () => undefined,
            },
          );
        });
      }),
    );
  }
  return clients;
}

async function closeAll(clients: Client[]): Promise<void> {
  await Promise.all(clients.map((c) => c.dispose()));
}

/** Commit-to-client latency of events to `subscribers` subscribers of one job. */
async function measureLatency(subscribers: number, events: number, log: (m: string) => void): Promise<number[]> {
  const server = await startChildServer("live_latency");
  try {
    const jobId = await addAgentJob(server.url);
    const append = await leaseOf(server.url);
    await append({ i: 0 }); // each subscriber's first message (history): proves it is subscribed
    const received = new Map<number, number>(); // event index -> receipts so far
    const samples: number[] = [];
    let waiting: { i: number; done: () => void } | null = null;
    log(`  opening ${subscribers} subscribers of one job`);
    const clients = await openSubscribers(
      server.url,
      subscribers,
      `subscription($id: ID!) { jobEvents(reasonerType: AGENT, jobId: $id) { cursor createdOn data } }`,
      () => ({ id: jobId }),
      (_subscriber, data, receivedMs) => {
        const event = data.jobEvents as { createdOn: string; data: { i: number } };
        const i = event.data.i;
        if (i > 0) samples.push(receivedMs - Date.parse(event.createdOn));
        const n = (received.get(i) ?? 0) + 1;
        received.set(i, n);
        if (waiting && waiting.i === i && n === subscribers) waiting.done();
      },
    );
    log(`  ${clients.length} subscribed; appending ${events} events one at a time`);
    for (let i = 1; i <= events; i++) {
      const all = new Promise<void>((resolve) => (waiting = { i, done: resolve }));
      await append({ i });
      await all;
    }
    await closeAll(clients);
    return samples;
  } finally {
    await server.stop();
  }
}

interface IdleMemory {
  /** Resident bytes gained per connection, after a full garbage collection before both readings. */
  rssPerConnection: number;
  /** V8 heap (plus external buffers) gained per connection. */
  heapPerConnection: number;
  baselineRss: number;
  loadedRss: number;
}

/** What the server process keeps per idle connection with one subscription. */
async function measureIdleMemory(connections: number, log: (m: string) => void): Promise<IdleMemory> {
  const server = await startChildServer("live_memory");
  try {
    const jobs = await Promise.all(Array.from({ length: 20 }, () => addAgentJob(server.url)));
    const query = `subscription($id: ID!) { jobUpdated(reasonerType: AGENT, jobId: $id) { jobId state } }`;
    // Warm the code paths (and the JIT) so the baseline is a running server, not a cold one.
    await closeAll(
      await openSubscribers(
        server.url,
        200,
        query,
        (i) => ({ id: jobs[i % jobs.length] }),
        () => undefined,
      ),
    );
    const before = await server.memory();
    log(`  opening ${connections} idle connections with one subscription each`);
    const clients = await openSubscribers(
      server.url,
      connections,
      query,
      (i) => ({ id: jobs[i % jobs.length] }),
      () => undefined,
    );
    const after = await server.memory();
    log(`  server memory before ${JSON.stringify(before)}\n  after ${JSON.stringify(after)}`);
    await closeAll(clients);
    const heap = (m: NodeJS.MemoryUsage) => m.heapUsed + m.external;
    return {
      rssPerConnection: (after.rss - before.rss) / connections,
      heapPerConnection: (heap(after) - heap(before)) / connections,
      baselineRss: before.rss,
      loadedRss: after.rss,
    };
  } finally {
    await server.stop();
  }
}

export async function runSubscriptionsBench(options: SubscriptionsBenchOptions): Promise<ResultEntry[]> {
  const subscribers = options.quick ? 200 : 1000;
  const events = options.quick ? 10 : 30;
  const idle = options.connections ?? (options.quick ? 1000 : 5000);
  const entries: ResultEntry[] = [];

  if (options.only !== "memory") {
    options.log(`subscriptions: latency with ${subscribers} subscribers`);
    const samples = await measureLatency(subscribers, events, options.log);
    const note = `${subscribers} subscribers x ${events} events = ${samples.length} samples; receipt time minus the event's createdOn`;
    entries.push(
      boundEntry({
        name: `subscriptions: commit-to-client latency p50 (${subscribers} subscribers, one process)`,
        ours: round(percentile(samples, 0.5), 1),
        unit: "ms",
        better: "lower",
        note,
      }),
      boundEntry({
        name: `subscriptions: commit-to-client latency p99 (${subscribers} subscribers, one process)`,
        ours: round(percentile(samples, 0.99), 1),
        unit: "ms",
        better: "lower",
        target: "<= 100 ms",
        max: 100,
        note,
      }),
    );
  }
  if (options.only !== "latency") {
    options.log(`subscriptions: memory with ${idle} idle connections`);
    const memory = await measureIdleMemory(idle, options.log);
    entries.push(
      boundEntry({
        name: `subscriptions: server memory per idle subscription (${idle} connections)`,
        ours: round(memory.rssPerConnection / 1024, 1),
        unit: "KB",
        better: "lower",
        target: "<= 50 KB",
        max: 50,
        note: `server RSS after a full GC ${round(memory.baselineRss / 2 ** 20, 1)} MiB -> ${round(memory.loadedRss / 2 ** 20, 1)} MiB; V8 heap + external ${round(memory.heapPerConnection / 1024, 1)} KB per connection; one connection, one jobUpdated subscription each`,
      }),
    );
  }
  return entries;
}

export const subscriptionsCase: BenchCase = {
  id: "subscriptions",
  title: "Live updates: latency with 1,000 subscribers, memory per idle subscription",
  run: (options: CaseOptions) => runSubscriptionsBench({ quick: options.quick, log: options.log }),
};

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const args = process.argv.slice(2);
  const flagValue = (flag: string) => {
    const i = args.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
    if (i < 0) return undefined;
    return args[i]!.includes("=") ? args[i]!.slice(flag.length + 1) : args[i + 1];
  };
  if (args.includes("--help")) {
    process.stdout.write("npx tsx bench/subscriptions.ts [--quick] [--only latency|memory] [--connections N]\n");
    process.exit(0);
  }
  const only = flagValue("--only");
  if (only !== undefined && only !== "latency" && only !== "memory")
    throw new Error(`--only: latency or memory, not ${only}`);
  const connections = flagValue("--connections");
  const entries = await runSubscriptionsBench({
    quick: args.includes("--quick"),
    only: only as "latency" | "memory" | undefined,
    connections: connections === undefined ? undefined : Number(connections),
    log: (m) => process.stderr.write(`${m}\n`),
  });
  process.stdout.write(JSON.stringify(entries, null, 2) + "\n");
}
