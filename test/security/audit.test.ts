// The audit log writes beside the response, one insert at a time: entries recorded in one turn (a
// batched request's operations) share an insert, those recorded while a write is in flight share the
// next, and none is lost.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { NO_BACKGROUND_PASSES, startTestServer, type TestServer } from "../helpers/server.ts";

describe.each(backends)("audit log on $name", (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    // No background passes: the statement count below is the audit log's alone.
    t = await startTestServer(backend, NO_BACKGROUND_PASSES);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("coalesces entries recorded during a write into one insert, and writes every one", async () => {
    const { audit, db } = t.server.services;
    await audit.idle();
    const entry = (n: number) => ({
      tenantId: null,
      actor: "tester",
      actorId: "tester",
      role: null,
      operation: "auditTest",
      target: `t-${n}`,
      outcome: "OK",
      requestId: null,
    });
    const before = db.statementCount();
    const writes = Array.from({ length: 10 }, (_, n) => audit.record([entry(n)]));
    // The next turn: the first ten are being inserted (one statement); these ten wait for the next.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(db.statementCount() - before).toBe(1);
    writes.push(...Array.from({ length: 10 }, (_, n) => audit.record([entry(10 + n)])));
    await Promise.all(writes);
    await audit.idle();
    expect(db.statementCount() - before).toBe(2);
    const rows = await db.query<{ target: string }>(
      `select "target" from "audit_log" where "operation" = 'auditTest' order by "id"`,
    );
    expect(rows.map((r) => r.target)).toEqual(Array.from({ length: 20 }, (_, n) => `t-${n}`));
  });
});
