// The Runner's local queue: one claim statement takes the free slots and the queue's room; the
// queued jobs wait leased, their leases renewed while they wait; a cancel reaches a queued job
// without running it; stop hands the queued jobs back unstarted. And a process killed with jobs in
// its queue loses none: they come back when their leases expire and run once.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { HttpPort } from "../../src/executors/ports/http.ts";
import { InProcessPort } from "../../src/executors/ports/in-process.ts";
import { type Executor, Runner } from "../../src/executors/runner.ts";
import { backends } from "../helpers/backends.ts";
import { createJob } from "../helpers/fixtures.ts";
import { ADMIN_KEY, graphqlClient, startTestServer, type TestServer } from "../helpers/server.ts";
import { terminalEntries } from "./helpers.ts";
import { serverProcesses, stopChild } from "./processes.ts";

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A promise with its resolver, to hold a run until the test lets it go. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

interface Row {
  id: string;
  state: string;
  attempts: number;
  leaseExpiresOn: Date | null;
}

describe.each(backends)("the Runner's local queue on $name", (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    // A sweeper that looks often: a queued lease that was not renewed would be requeued quickly.
    t = await startTestServer(backend, { JOBS_SWEEP_INTERVAL_MS: "200" });
  });
  afterAll(async () => t?.stop());

  /** A runner of PRESCRIPTIVE jobs, one slot; its first run waits for `hold`, the rest finish at once. */
  function runner(localQueue: number, leaseSeconds: number, hold: Promise<void>, started: string[]) {
    const s = t.server.services;
    const executor: Executor = {
      name: "test-local-queue",
      filter: { reasonerTypes: ["PRESCRIPTIVE"] },
      async run(ctx) {
        started.push(ctx.job.id);
        if (started.length === 1) await hold;
        return { result: null, artifactIds: [] };
      },
    };
    const port = new InProcessPort(s);
    return new Runner(port, executor, { concurrency: 1, leaseSeconds, logger: silent, localQueue });
  }

  const rows = async (ids: string[]) =>
    new Map(
      (
        await t.server.services.db.query<Row>(
          `select "id", "state", "attempts", "leaseExpiresOn" from "jobs" where "id" = any($1::uuid[])`,
          [ids],
        )
      ).map((r) => [r.id, r]),
    );
  const history = async (id: string) =>
    t.server.services.db.query<{ state: string; message: string | null; createdOn: Date }>(
      `select "state", "message", "createdOn" from "job_status_changes" where "jobId" = $1::uuid order by "seq"`,
      [id],
    );

  it("claims the slot and the queue in one statement; stop hands the queued jobs back unstarted", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await createJob(t.admin, "PRESCRIPTIVE", i)).jobId);
    const hold = gate();
    const started: string[] = [];
    const r = runner(3, 60, hold.opened, started).start();
    await vi.waitFor(async () => {
      expect(started).toHaveLength(1);
      expect([...(await rows(ids)).values()].map((j) => j.state)).toEqual(["RUNNING", "RUNNING", "RUNNING", "RUNNING"]);
    });
    // One claim took all four: their claim rows were written at one statement's now().
    const claims = await Promise.all(ids.map(async (id) => (await history(id)).find((h) => h.state === "RUNNING")!));
    expect(new Set(claims.map((c) => c.createdOn.getTime())).size).toBe(1);

    const stopping = r.stop();
    hold.open();
    await stopping;
    expect(started).toEqual([ids[0]]);
    const after = await rows(ids);
    expect(after.get(ids[0]!)!.state).toBe("SUCCEEDED");
    for (const id of ids.slice(1)) {
      expect(after.get(id)!.state, id).toBe("QUEUED");
      expect(after.get(id)!.attempts, id).toBe(0); // handed back: the attempt does not count
      expect((await history(id)).at(-1)!.message, id).toMatch(/^handed back unfinished/);
    }

    // Another runner runs them, each once.
    const rest: string[] = [];
    const next = runner(3, 60, Promise.resolve(), rest).start();
    await vi.waitFor(async () =>
      expect([...(await rows(ids)).values()].every((j) => j.state === "SUCCEEDED")).toBe(true),
    );
    await next.stop();
    expect(rest.sort()).toEqual(ids.slice(1).sort());
    for (const id of ids) expect(terminalEntries(await history(id)), id).toBe(1);
  });

  it("over HTTP (the port of `npm run worker`) too, stop hands the running and queued jobs back uncounted", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await createJob(t.admin, "PRESCRIPTIVE", 30 + i)).jobId);
    let running!: () => void;
    const isRunning = new Promise<void>((resolve) => (running = resolve));
    const executor: Executor = {
      name: "test-http-hand-back",
      filter: { reasonerTypes: ["PRESCRIPTIVE"] },
      async run(ctx) {
        running();
        await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve(), { once: true }));
        throw new Error("stopped");
      },
    };
    const port = new HttpPort({ url: t.url, apiKey: ADMIN_KEY });
    const r = new Runner(port, executor, {
      concurrency: 1,
      leaseSeconds: 60,
      logger: silent,
      localQueue: 2,
      shutdownGraceMs: 0,
    }).start();
    await isRunning;
    await vi.waitFor(async () =>
      expect([...(await rows(ids)).values()].map((j) => j.state)).toEqual(["RUNNING", "RUNNING", "RUNNING"]),
    );
    await r.stop();
    for (const [id, job] of await rows(ids)) {
      expect(job, id).toMatchObject({ state: "QUEUED", attempts: 0 });
      expect((await history(id)).at(-1)!.message, id).toMatch(/^handed back unfinished \(WORKER_STOPPED: /);
    }
    // Waiting again, they would be the next test's runner's first claims: end them.
    for (const id of ids)
      await t.admin.request(`mutation($id: ID!) { cancelJob(reasonerType: PRESCRIPTIVE, jobId: $id) { state } }`, {
        id,
      });
  });

  it("renews a queued job's lease while it waits, past the lease's length", { timeout: 30_000 }, async () => {
    const [first, queued] = [
      await createJob(t.admin, "PRESCRIPTIVE", 10),
      await createJob(t.admin, "PRESCRIPTIVE", 11),
    ];
    const ids = [first.jobId, queued.jobId];
    const hold = gate();
    const started: string[] = [];
    const leaseSeconds = 2;
    const r = runner(1, leaseSeconds, hold.opened, started).start();
    let claimedUntil = 0;
    await vi.waitFor(async () => {
      const job = (await rows(ids)).get(queued.jobId)!;
      expect(job.state).toBe("RUNNING");
      claimedUntil = job.leaseExpiresOn!.getTime();
    });
    // Still leased (renewed) well after the lease it was claimed with ran out.
    await vi.waitFor(
      async () => {
        const job = (await rows(ids)).get(queued.jobId)!;
        expect(job.state).toBe("RUNNING");
        expect(job.leaseExpiresOn!.getTime()).toBeGreaterThan(claimedUntil + leaseSeconds * 1000);
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(started).toEqual([first.jobId]);
    hold.open();
    await vi.waitFor(async () => expect((await rows(ids)).get(queued.jobId)!.state).toBe("SUCCEEDED"), {
      timeout: 10_000,
    });
    await r.stop();
    const h = await history(queued.jobId);
    expect(h.some((e) => e.message?.includes("lease expired"))).toBe(false);
    expect(terminalEntries(h)).toBe(1);
  });

  it("ends a job canceled while queued without running it", { timeout: 30_000 }, async () => {
    const [first, queued] = [
      await createJob(t.admin, "PRESCRIPTIVE", 20),
      await createJob(t.admin, "PRESCRIPTIVE", 21),
    ];
    const hold = gate();
    const started: string[] = [];
    const r = runner(1, 2, hold.opened, started).start();
    await vi.waitFor(async () => expect((await rows([queued.jobId])).get(queued.jobId)!.state).toBe("RUNNING"));
    await t.admin.request(`mutation($id: ID!) { cancelJob(reasonerType: PRESCRIPTIVE, jobId: $id) { state } }`, {
      id: queued.jobId,
    });
    // The next renewal of its lease learns of the cancel: the job ends CANCELED, never started.
    await vi.waitFor(async () => expect((await rows([queued.jobId])).get(queued.jobId)!.state).toBe("CANCELED"), {
      timeout: 10_000,
    });
    expect(started).toEqual([first.jobId]);
    hold.open();
    await r.stop();
    expect(terminalEntries(await history(queued.jobId))).toBe(1);
  });
});

describe.each(backends.map((b) => [b.name, b] as const))(
  "SIGKILL with jobs in the local queue, on %s",
  (_name, backend) => {
    const servers = serverProcesses("jobs-local-queue-");

    it("runs every queued job once after a restart, through its expired lease", { timeout: 480_000 }, async () => {
      const env = await servers.environment(backend, {
        JOBS_WORKERS: "1",
        JOBS_WORKER_LOCAL_QUEUE: "4",
        JOBS_LEASE_SECONDS: "2",
        JOBS_SWEEP_INTERVAL_MS: "500",
      });
      // Starting from the sources takes long on a loaded machine (tsx, then PGlite's first open).
      const startTimeoutMs = 150_000;
      const first = await servers.start(env, startTimeoutMs);
      let api = graphqlClient(first.url, ADMIN_KEY);
      const description = "orders with customer name, email, amount, country and order date";
      // Created in one statement, so that one claim takes them all.
      const created = await api.request<{ createJobs: { job: { jobId: string } | null }[] }>(
        `mutation($i: [CreateJobInput!]!) { createJobs(inputs: $i) { job { jobId } } }`,
        {
          i: Array.from({ length: 5 }, (_, seed) => ({
            reasonerType: "GENERATION",
            reasonerName: "default",
            payload: { kind: "MOCK", rows: 200_000, seed, description },
          })),
        },
      );
      const ids = created.createJobs.map((c) => c.job!.jobId);

      // One slot, four queued: all five leased at once while the first runs.
      const states = async () =>
        (
          await api.request<{ jobs: { edges: { node: { jobId: string; state: string } }[] } }>(
            `{ jobs(first: 100, filter: { reasonerType: GENERATION }) { edges { node { jobId state } } } }`,
          )
        ).jobs.edges.map((e) => e.node);
      await vi.waitFor(async () => expect((await states()).filter((j) => j.state === "RUNNING")).toHaveLength(5), {
        timeout: 60_000,
        interval: 20,
      });
      const killedAt = Date.now();
      first.proc.kill("SIGKILL");
      expect((await first.exited).signal).toBe("SIGKILL");

      const second = await servers.start(env, startTimeoutMs);
      api = graphqlClient(second.url, ADMIN_KEY);
      for (const id of ids) {
        const { waitForJob: job } = await api.request<{
          waitForJob: { state: string; statusHistory: { state: string; message: string | null; createdOn: string }[] };
        }>(
          `query($id: ID!) { waitForJob(reasonerType: GENERATION, jobId: $id, timeoutS: 120) { state statusHistory { state message createdOn } } }`,
          { id },
        );
        expect(job.state, id).toBe("SUCCEEDED");
        expect(terminalEntries(job.statusHistory), id).toBe(1);
        // Every job not finished before the kill came back through its expired lease.
        if (Date.parse(job.statusHistory.at(-1)!.createdOn) < killedAt) continue;
        expect(
          job.statusHistory.some((h) => h.message?.includes("lease expired")),
          id,
        ).toBe(true);
      }
      expect((await stopChild(second)).code).toBe(0);
    });
  },
);
