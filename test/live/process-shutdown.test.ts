// SIGTERM and SIGINT to the real server process (`src/main.ts`, NODE_ENV=production), on PGlite and
// PostgreSQL: with a subscription open, a waitForJob pending over HTTP and an in-process job running,
// the process exits 0 within 10 s; the socket closes with 1001 (going away); the wait is answered
// (JOB_TIMEOUT, reason SHUTTING_DOWN); the running job is handed back (waiting again, the attempt not
// counted), as a fresh start on the same database shows. And `npm start` in its own process group
// ends, every process of it, on the group's Ctrl-C.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { ADMIN_KEY, graphqlClient } from "../helpers/server.ts";
import { ROOT, startServerProcess } from "../execution/processes.ts";
import { JOB_UPDATED, type JobView } from "./driver.ts";
import { liveClient } from "./ws-client.ts";
import { CloseCode } from "@jobs-api/client";
import { pollUntil } from "../helpers/poll.ts";

const SHUTDOWN_LIMIT_MS = 10_000;

describe.each(backends)("process shutdown on $name", (backend) => {
  // Two server starts (each applying migrations) on a shared machine: the test's own budget is generous;
  // the shutdown's is asserted (10 s).
  it("exits 0 within 10 s on SIGTERM, closing sockets with 1001, answering waits and handing back running jobs", {
    timeout: 180_000,
  }, async () => {
    const database = await backend.create();
    const dataDir = mkdtempSync(join(tmpdir(), "jobs-shutdown-"));
    const env = {
      NODE_ENV: "production",
      JOBS_DATA_DIR: dataDir,
      JOBS_ADMIN_API_KEY: ADMIN_KEY,
      JOBS_WORKERS: "1",
      JOBS_LOG_LEVEL: "info",
      ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    };
    const child = await startServerProcess(env);
    try {
      const admin = graphqlClient(child.url, ADMIN_KEY);
      // A batch whose step is an agent job: the batch runs in-process, waiting on a step no agent takes.
      const { runBatchJob } = await admin.request<{ runBatchJob: { job: { jobId: string } } }>(
        `mutation($input: RunBatchJobInput!) { runBatchJob(input: $input) { job { jobId } } }`,
        {
          input: {
            name: "held",
            steps: [{ name: "mesh", run: { reasonerType: "AGENT", payload: { modelId: "m1", functionName: "mesh" } } }],
          },
        },
      );
      const jobId = runBatchJob.job.jobId;
      const socket = liveClient(child.url, ADMIN_KEY);
      const updates = socket.subscribe<{ jobUpdated: JobView }>(JOB_UPDATED, { t: "BATCH", id: jobId });
      await updates.until(
        () => updates.items.some((u) => u.jobUpdated.state === "RUNNING"),
        "the batch to run in-process",
      );
      const waiting = admin.raw(
        `query($id: ID!) { waitForJob(reasonerType: BATCH, jobId: $id, timeoutS: 600) { state } }`,
        { id: jobId },
      );
      // The wait is pending once a change reaches it: it is, as soon as the server answered a later request.
      await admin.request(`{ __typename }`);

      const signalledAt = Date.now();
      child.proc.kill("SIGTERM");
      const [exit, closed, waited] = await Promise.all([child.exited, socket.closed, waiting]);
      const tookMs = Date.now() - signalledAt;
      expect(exit, child.output()).toEqual({ code: 0, signal: null });
      expect(tookMs).toBeLessThan(SHUTDOWN_LIMIT_MS);
      expect(closed.code).toBe(CloseCode.ShuttingDown);
      expect(waited.errors?.[0]?.extensions).toMatchObject({
        code: "JOB_TIMEOUT",
        reason: "SHUTTING_DOWN",
        retryable: true,
      });
      await socket.dispose();

      // A fresh start on the same database (no executors, so nothing claims it again): waiting again, uncounted.
      const again = await startServerProcess({ ...env, JOBS_WORKERS: "0" });
      try {
        const view = await graphqlClient(again.url, ADMIN_KEY).request<{
          job: { state: string; statusHistory: { state: string; message: string | null }[] };
        }>(`query($id: ID!) { job(reasonerType: BATCH, jobId: $id) { state statusHistory { state message } } }`, {
          id: jobId,
        });
        expect(view.job.state).toBe("PENDING"); // a batch's waiting state
        expect(view.job.statusHistory.at(-1)?.message).toMatch(/handed back unfinished/);
        if (database.databaseUrl) {
          const pg = (await import("pg")).default;
          const c = new pg.Client({ connectionString: database.databaseUrl });
          await c.connect();
          const { rows } = await c.query(`select "attempts", "leaseToken" from "jobs" where "id" = $1`, [jobId]);
          await c.end();
          expect(rows[0]).toEqual({ attempts: 0, leaseToken: null });
        }
      } finally {
        again.proc.kill("SIGTERM");
        expect((await again.exited).code).toBe(0);
      }
    } finally {
      if (child.proc.exitCode === null) child.proc.kill("SIGKILL");
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("npm start", () => {
  it("ends every process of its group on Ctrl-C (SIGINT to the group)", { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "jobs-npm-start-"));
    const proc = spawn("npm", ["start", "--silent"], {
      cwd: ROOT,
      detached: true, // its own process group, as a terminal's foreground job
      env: {
        ...process.env,
        PORT: "0",
        HOST: "127.0.0.1",
        JOBS_DATA_DIR: dataDir,
        JOBS_ADMIN_API_KEY: ADMIN_KEY,
        JOBS_WORKERS: "1",
        DATABASE_URL: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
    const groupAlive = () => {
      try {
        process.kill(-proc.pid!, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      const url = await new Promise<string>((resolve, reject) => {
        // The banner is on stderr (stdout carries JSON log lines only).
        const onData = (d: Buffer) => {
          output += d.toString();
          const found = /ready on (http:\/\/\S+)\/graphql/.exec(output);
          if (found) resolve(found[1]!);
        };
        proc.stdout!.on("data", onData);
        proc.stderr!.on("data", onData);
        void exited.then((code) => reject(new Error(`npm start exited (${code}) before it was ready:\n${output}`)));
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);

      const signalledAt = Date.now();
      process.kill(-proc.pid!, "SIGINT");
      await exited;
      // npm exits once its child has; every other process of the group is gone by then, or moments after.
      await pollUntil(() => !groupAlive(), "the process group to be empty", {
        timeoutMs: SHUTDOWN_LIMIT_MS,
        intervalMs: 50,
      });
      expect(Date.now() - signalledAt, output).toBeLessThan(SHUTDOWN_LIMIT_MS);
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      if (groupAlive()) process.kill(-proc.pid!, "SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
