// JobsClient.wait() rides out a restart of the server: the shutdown answer (JOB_TIMEOUT, reason
// SHUTTING_DOWN) and the refused connections while it is down are waited out until the wait's own
// deadline, and the job's end is seen from the server started again on the same database.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JobsClient, Worker } from "@jobs-api/client/node";
import { backends } from "../helpers/backends.ts";
import { ADMIN_KEY } from "../helpers/server.ts";
import { type Child, startServerProcess, stopChild } from "../execution/processes.ts";

/** A port free now, for both starts of the server. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.each(backends)("wait() across a server restart on $name", (backend) => {
  it("a wait of 150 s outlives the restart and answers the job finished on the new process", {
    timeout: 400_000,
  }, async () => {
    const database = await backend.create();
    const dataDir = mkdtempSync(join(tmpdir(), "jobs-wait-restart-"));
    const env = {
      PORT: String(await freePort()),
      JOBS_DATA_DIR: dataDir,
      JOBS_ADMIN_API_KEY: ADMIN_KEY,
      JOBS_WORKERS: "0",
      JOBS_SHUTDOWN_GRACE_MS: "200",
      JOBS_LOG_LEVEL: "warn",
      ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    };
    const children: Child[] = [];
    try {
      // Starting from the sources takes long on a loaded machine (tsx, then PGlite's first open).
      const first = await startServerProcess(env, 150_000);
      children.push(first);
      const client = new JobsClient({ url: first.url, apiKey: ADMIN_KEY });
      const op = await client.create({
        reasonerType: "PREDICTIVE",
        reasonerName: "default",
        payload: { model: "churn", rows: 10 },
      });
      const waiting = client.wait(op.job, { timeoutS: 150 });
      let settled = false;
      void waiting.then(
        () => (settled = true),
        () => (settled = true),
      );
      // The wait is pending once the server has answered a later request.
      await client.get(op.job);

      expect(await stopChild(first)).toEqual({ code: 0, signal: null });
      const second = await startServerProcess(env, 150_000);
      children.push(second);
      expect(second.url).toBe(first.url);
      expect(settled).toBe(false);

      const worker = new Worker({
        url: second.url,
        apiKey: ADMIN_KEY,
        name: "w-restart",
        reasonerTypes: ["PREDICTIVE"],
      });
      const lease = await worker.claim();
      expect(lease?.job.jobId).toBe(op.jobId);
      await worker.complete(lease!.token, { restarted: true });

      const done = await waiting;
      expect(done).toMatchObject({ jobId: op.jobId, state: "SUCCEEDED" });
      await client.close();
    } finally {
      for (const c of children) await stopChild(c, "SIGKILL");
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
