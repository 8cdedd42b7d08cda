// Two server processes on one PostgreSQL: this test's in-process server and a second one started as
// a child process (`node --import tsx src/main.ts`). A subscriber on one sees what is done through the
// other: every state in order, ten events across the history/live boundary, a resume from the third
// cursor; a bad key is refused by both.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { ADMIN_KEY, type GraphQLClient, graphqlClient, startTestServer, type TestServer } from "../helpers/server.ts";
import {
  addAgentJob,
  agentWorker,
  type EventView,
  JOB_EVENTS,
  JOB_UPDATED,
  JOBS_CHANGED,
  type JobView,
  moves,
} from "./driver.ts";
import { type LiveClient, liveClient } from "./ws-client.ts";
import { CloseCode } from "@jobs-api/client";

const postgres = backends.find((b) => b.name === "postgres");
const repoRoot = new URL("../../", import.meta.url).pathname;

/** Starts `src/main.ts` on a free port against the database; resolves with its URL once it says where to go. */
async function spawnServer(databaseUrl: string, dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      JOBS_DATA_DIR: dataDir,
      JOBS_ADMIN_API_KEY: ADMIN_KEY,
      JOBS_WORKERS: "0",
      JOBS_LOG_LEVEL: "warn",
      NODE_ENV: "test",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready on (http:\/\/\S+)\/graphql/.exec(output);
      if (match) resolve(match[1]!.replace("localhost", "127.0.0.1"));
    };
    // The banner goes to stderr (stdout carries JSON log lines only).
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`second server exited (${code}) before it was ready:\n${output}`)));
  });
  return { url, child };
}

describe.runIf(postgres)("two server processes on one PostgreSQL", () => {
  let a: TestServer;
  let b: { url: string; child: ChildProcess; admin: GraphQLClient };
  let dataDir: string;
  const sockets: LiveClient[] = [];
  const live = (url: string, key: string) => {
    const c = liveClient(url, key);
    sockets.push(c);
    return c;
  };

  beforeAll(async () => {
    a = await startTestServer(postgres!, { JOBS_SWEEP_INTERVAL_MS: "0" });
    dataDir = mkdtempSync(join(tmpdir(), "jobs-second-"));
    const second = await spawnServer(a.server.services.config.databaseUrl!, dataDir);
    b = { ...second, admin: graphqlClient(second.url, ADMIN_KEY) };
  }, 120_000);

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    if (b?.child.exitCode === null) {
      const exited = new Promise((resolve) => b.child.once("exit", resolve));
      b.child.kill("SIGTERM");
      await exited;
    }
    await a?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("a subscriber on one process sees a job claimed, reported on, moved and completed through the other", async () => {
    const jobId = await addAgentJob(b.admin);
    const socket = live(a.url, ADMIN_KEY);
    const updates = socket.subscribe<{ jobUpdated: JobView }>(JOB_UPDATED, { t: "AGENT", id: jobId });
    await updates.take(1);

    const worker = await agentWorker(b.admin);
    const { token } = await worker.claim();
    for (let n = 1; n <= 5; n++) await worker.events(token, [{ n }]);
    // History of five, then live: events appended while the subscription reads its history, and after.
    const events = socket.subscribe<{ jobEvents: EventView }>(JOB_EVENTS, { t: "AGENT", id: jobId });
    await worker.events(token, [{ n: 6 }]);
    await worker.status(token, "VALIDATING");
    await worker.events(token, [{ n: 7 }, { n: 8 }]);
    await worker.status(token, "RUNNING");
    await worker.events(token, [{ n: 9 }]);
    await worker.status(token, "UPLOADING");
    await worker.events(token, [{ n: 10 }]);
    await worker.complete(token);

    await updates.until(() => updates.items.some((u) => u.jobUpdated.state === "SUCCEEDED"), "SUCCEEDED");
    expect(moves(updates.items.map((u) => u.jobUpdated.state))).toEqual([
      "PENDING",
      "CLAIMED",
      "VALIDATING",
      "RUNNING",
      "UPLOADING",
      "SUCCEEDED",
    ]);
    const ten = await events.take(10);
    expect(ten.map((e) => e.jobEvents.data.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    // Resume from the third cursor, on either process.
    const third = ten[2]!.jobEvents.cursor;
    for (const url of [a.url, b.url]) {
      const resumed = live(url, ADMIN_KEY).subscribe<{ jobEvents: EventView }>(JOB_EVENTS, {
        t: "AGENT",
        id: jobId,
        after: third,
      });
      expect((await resumed.take(7)).map((e) => e.jobEvents.data.n)).toEqual([4, 5, 6, 7, 8, 9, 10]);
    }
  });

  it("and the other way round: the child process's subscribers see changes made here", async () => {
    const jobId = await addAgentJob(a.admin);
    const socket = live(b.url, ADMIN_KEY);
    const updates = socket.subscribe<{ jobUpdated: JobView }>(JOB_UPDATED, { t: "AGENT", id: jobId });
    const events = socket.subscribe<{ jobEvents: EventView }>(JOB_EVENTS, { t: "AGENT", id: jobId });
    await updates.take(1);
    const worker = await agentWorker(a.admin);
    const { token } = await worker.claim();
    await worker.status(token, "RUNNING");
    await worker.events(token, [{ n: 1 }, { n: 2 }]);
    await worker.complete(token);
    await updates.until(() => updates.items.some((u) => u.jobUpdated.state === "SUCCEEDED"), "SUCCEEDED");
    expect(moves(updates.items.map((u) => u.jobUpdated.state))).toEqual(["PENDING", "CLAIMED", "RUNNING", "SUCCEEDED"]);
    expect((await events.take(2)).map((e) => e.jobEvents.data.n)).toEqual([1, 2]);
  });

  it("both refuse a bad key", async () => {
    for (const url of [a.url, b.url]) {
      const bad = live(url, "jobs_this-key-does-not-exist-000000");
      expect(await bad.subscribe(JOBS_CHANGED, {}).errorCode()).toBe(CloseCode.Unauthorized);
      expect((await bad.closed).code).toBe(CloseCode.Unauthorized);
    }
  });
});
