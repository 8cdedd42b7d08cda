// A runner's slot frees when its job's run ends, not when the outcome's report is acknowledged: the
// next claim overlaps the report. Shutdown still waits for every report. Reports are held back here
// by a gate in the port, so the order of events is forced, not hoped for. An idle runner starts
// a job its own process created at the creation's commit, not after the NOTIFY's round trip. And a
// job's abort signal, made only when first read, is aborted however late the executor reads it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessPort } from "../../src/executors/ports/in-process.ts";
import type { JobChangeHub } from "../../src/jobs/changes.ts";
import { type Executor, Runner } from "../../src/executors/runner.ts";
import { backends } from "../helpers/backends.ts";
import { createJob } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A promise with its resolver, to wait for an event or hold one back. */
function signal<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe.each(backends)("runner slots on $name", (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend);
  });
  afterAll(async () => t?.stop());

  it("claims the next job while the last one's completion is still being reported; stop waits for the report", async () => {
    const s = t.server.services;
    const gate = signal();
    const reporting: string[] = [];
    const secondReport = signal();
    class GatedPort extends InProcessPort {
      override async complete(token: string, result: unknown, artifactIds: readonly string[]) {
        reporting.push(token.split(".")[0]!);
        if (reporting.length === 2) secondReport.resolve();
        await gate.promise;
        return super.complete(token, result, artifactIds);
      }
    }
    const started: string[] = [];
    const secondStarted = signal();
    const executor: Executor = {
      name: "test-slots",
      filter: { reasonerTypes: ["PRESCRIPTIVE"] }, // this server's only jobs are the two below
      async run(ctx) {
        started.push(ctx.job.id);
        if (started.length === 2) secondStarted.resolve();
        return { result: { n: started.length }, artifactIds: [] };
      },
    };
    const first = await createJob(t.admin, "PRESCRIPTIVE", 0);
    const second = await createJob(t.admin, "PRESCRIPTIVE", 1);
    const port = new GatedPort(s);
    const runner = new Runner(port, executor, { concurrency: 1, leaseSeconds: 60, logger: silent }).start();

    // One slot: the second job starts although the first one's report has not gone through.
    await secondStarted.promise;
    await secondReport.promise;
    expect(started).toEqual([first.jobId, second.jobId]);
    const states = async () =>
      Object.fromEntries(
        (
          await s.db.query<{ id: string; state: string }>(
            `select "id", "state" from "jobs" where "id" = any($1::uuid[])`,
            [[first.jobId, second.jobId]],
          )
        ).map((r) => [r.id, r.state]),
      );
    expect(await states()).toEqual({ [first.jobId]: "RUNNING", [second.jobId]: "RUNNING" });

    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    // Everything the stop could do without the reports has been done once another round trip to
    // the database has completed; it still waits.
    await s.db.query("select 1");
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    expect(await states()).toEqual({ [first.jobId]: "SUCCEEDED", [second.jobId]: "SUCCEEDED" });
  });

  it("a cancel that lands before the executor first reads its signal finds the signal aborted, and the job ends CANCELED", {
    timeout: 20_000,
  }, async () => {
    const s = t.server.services;
    const sawCancel = signal();
    class WatchedPort extends InProcessPort {
      override async heartbeat(token: string) {
        const status = await super.heartbeat(token);
        if (status.cancelRequested) sawCancel.resolve();
        return status;
      }
    }
    const port = new WatchedPort(s);
    const started = signal<string>();
    const release = signal();
    const seen: { aborted: boolean; reason: unknown }[] = [];
    const executor: Executor = {
      name: "test-late-signal",
      filter: { reasonerTypes: ["PRESCRIPTIVE"] }, // the first test's jobs have all succeeded
      async run(ctx) {
        started.resolve(ctx.job.id);
        await release.promise; // the signal is not read before the cancel has been handled
        seen.push({ aborted: ctx.signal.aborted, reason: ctx.signal.reason });
        ctx.signal.throwIfAborted();
        return { result: null, artifactIds: [] };
      },
    };
    const { jobId } = await createJob(t.admin, "PRESCRIPTIVE", 2);
    const runner = new Runner(port, executor, { concurrency: 1, leaseSeconds: 60, logger: silent }).start();
    try {
      expect(await started.promise).toBe(jobId);
      await t.admin.request(`mutation($id: ID!) { cancelJob(reasonerType: PRESCRIPTIVE, jobId: $id) { state } }`, {
        id: jobId,
      });
      // The job's change prompts a heartbeat, whose answer carries the cancel request; the loop
      // interrupts the job in the microtasks after that answer, all done by the next turn.
      await sawCancel.promise;
      await new Promise((resolve) => setImmediate(resolve));
      release.resolve();
    } finally {
      await runner.stop(); // waits for the job's report
    }
    expect(seen).toEqual([{ aborted: true, reason: "cancel" }]);
    const [row] = await s.db.query<{ state: string }>(`select "state" from "jobs" where "id" = $1::uuid`, [jobId]);
    expect(row!.state).toBe("CANCELED");
  });

  it("an idle runner starts a job created by its own process at the commit, with no notification at all", {
    timeout: 10_000,
  }, async () => {
    const s = t.server.services;
    // A hub that never delivers anything: only the commit of the creation can wake the runner (its
    // idle sleep is 30 s, beyond the test's timeout).
    const deaf = { subscribe: () => () => undefined, onResync: () => () => undefined } as unknown as JobChangeHub;
    const asleep = signal();
    class WatchedPort extends InProcessPort {
      override async idleDelayMs(filter: Parameters<InProcessPort["idleDelayMs"]>[0]) {
        const ms = await super.idleDelayMs(filter);
        asleep.resolve(); // the runner sleeps for `ms` (30 s: no job is backing off) right after this
        return ms;
      }
    }
    const port = new WatchedPort({ ...s, changes: deaf });
    const started = signal<string>();
    const executor: Executor = {
      name: "test-wake",
      filter: { reasonerTypes: ["PREDICTIVE"] },
      async run(ctx) {
        started.resolve(ctx.job.id);
        return { result: null, artifactIds: [] };
      },
    };
    const runner = new Runner(port, executor, { concurrency: 1, leaseSeconds: 60, logger: silent }).start();
    try {
      await asleep.promise;
      const { jobId } = await createJob(t.admin, "PREDICTIVE", 0);
      expect(await started.promise).toBe(jobId);
    } finally {
      await runner.stop();
    }
  });
});
