// DATABASE_POOL_SIZE bounds the server's query connections to PostgreSQL, and a bad value stops the
// server before it starts. The connections run without JIT.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { backends } from "../helpers/backends.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const postgres = backends.find((b) => b.name === "postgres");

describe.skipIf(!postgres)("DATABASE_POOL_SIZE on postgres", () => {
  let ours: TestServer;
  beforeAll(async () => {
    ours = await startTestServer(postgres!, { DATABASE_POOL_SIZE: "3" });
  });
  afterAll(async () => {
    await ours?.stop();
  });

  it("runs concurrent statements on exactly that many connections", async () => {
    const { db } = ours.server.services;
    // Each statement holds its connection until all twelve have been asked for, so the pool opens
    // as many connections as it may.
    const rows = await Promise.all(
      Array.from({ length: 12 }, () => db.query<{ pid: number }>("select pg_backend_pid() as pid, pg_sleep(0.05)")),
    );
    expect(new Set(rows.map((r) => r[0]!.pid)).size).toBe(3);
  });

  it("runs its statements without JIT compilation", async () => {
    // On by default in PostgreSQL: a sorted page of 100,000 jobs spent 550 ms compiling to run 40.
    const rows = await Promise.all(
      Array.from({ length: 6 }, () => ours.server.services.db.query<{ jit: string }>("show jit")),
    );
    expect(rows.map((r) => r[0]!.jit)).toEqual(Array(6).fill("off"));
  });
});

describe("DATABASE_POOL_SIZE validation", () => {
  it("defaults to 10 and rejects a pool too small to run a statement beside a transaction", () => {
    expect(loadConfig({}).databasePoolSize).toBe(10);
    expect(loadConfig({ DATABASE_POOL_SIZE: "16" }).databasePoolSize).toBe(16);
    expect(() => loadConfig({ DATABASE_POOL_SIZE: "1" })).toThrow(/DATABASE_POOL_SIZE/);
    expect(() => loadConfig({ DATABASE_POOL_SIZE: "many" })).toThrow(/DATABASE_POOL_SIZE/);
  });
});
