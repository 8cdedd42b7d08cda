// Rate limits on PostgreSQL are one budget per key across every API process on the database: this
// test's in-process server and a second server process (`src/main.ts`) share JOBS_RATE_LIMIT=10, so
// ten requests alternating between them pass and the next is refused by either, with 429 and
// retryAfterSeconds. A batched request spends one per operation from the same budget, in one
// statement on the store. (On PGlite, one process, the budget is in memory:
// test/security/limits.test.ts, test/security/batch-rate-limit.test.ts.)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { ADMIN_KEY, graphqlClient, startTestServer, type TestServer } from "../helpers/server.ts";
import { type Child, startServerProcess, stopChild } from "../execution/processes.ts";

const postgres = backends.find((b) => b.name === "postgres");
const LIMIT = 10;

describe.runIf(postgres)("rate limits shared by two processes on one PostgreSQL", () => {
  let a: TestServer;
  let b: Child & { url: string };
  let dataDir: string;
  const env = { JOBS_RATE_LIMIT: String(LIMIT), JOBS_RATE_LIMIT_WINDOW_S: "600" };

  beforeAll(async () => {
    a = await startTestServer(postgres!, env);
    dataDir = mkdtempSync(join(tmpdir(), "jobs-rate-"));
    b = await startServerProcess({
      ...env,
      DATABASE_URL: a.server.services.config.databaseUrl!,
      JOBS_DATA_DIR: dataDir,
      JOBS_ADMIN_API_KEY: ADMIN_KEY,
      JOBS_WORKERS: "0",
      JOBS_LOG_LEVEL: "warn",
    });
  });
  afterAll(async () => {
    if (b) await stopChild(b);
    await a?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("lets a key make its budget once across both processes, then refuses it on either", async () => {
    const { createApiKey } = await a.admin.request<{ createApiKey: { secret: string } }>(
      `mutation { createApiKey(userId: "busy", role: MEMBER) { secret } }`,
    );
    const onA = graphqlClient(a.url, createApiKey.secret);
    const onB = graphqlClient(b.url, createApiKey.secret);
    for (let n = 0; n < LIMIT; n++) {
      const answer = await (n % 2 ? onB : onA).raw(`{ viewer { userId } }`);
      expect(answer.status, `request ${n + 1}`).toBe(200);
      expect(answer.data).toEqual({ viewer: { userId: "busy" } });
    }
    for (const client of [onA, onB]) {
      const refused = await client.raw(`{ viewer { userId } }`);
      expect(refused.status).toBe(429);
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "RATE_LIMITED" });
      expect(refused.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    }
    // Another key has its own budget.
    expect((await graphqlClient(b.url, ADMIN_KEY).raw(`{ viewer { userId } }`)).status).toBe(200);
    const rows = await a.server.services.db.query<{ n: number }>(`select count(*)::int as n from "rate_limits"`);
    expect(rows[0]!.n).toBeGreaterThanOrEqual(2);
  });

  it("spends a batch's operations from the shared budget in one store statement", async () => {
    const key = await a.admin.request<{ createApiKey: { secret: string } }>(
      `mutation { createApiKey(userId: "batching", role: MEMBER) { secret } }`,
    );
    const batch = async (url: string, n: number) => {
      const res = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key.createApiKey.secret}` },
        body: JSON.stringify(Array.from({ length: n }, () => ({ query: "{ viewer { userId } }" }))),
      });
      await res.body?.cancel();
      return res.status;
    };
    const onStore: string[] = [];
    const unwatch = a.server.services.db.watchStatements((text) => {
      if (text.includes("rate_limits")) onStore.push(text);
    });
    try {
      expect(await batch(a.url, 6)).toBe(200);
    } finally {
      unwatch();
    }
    expect(onStore).toHaveLength(1);
    // 4 left across both processes: 5 do not fit on B (and spend nothing), 4 do, then A refuses one.
    expect(await batch(b.url, 5)).toBe(429);
    expect(await batch(b.url, 4)).toBe(200);
    expect(await batch(a.url, 1)).toBe(429);
  });
});
