// The audit log writes beside the response, one insert at a time: entries recorded while a write is
// in flight share the next insert, and none is lost.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

describe.each(backends)("audit log on $name", (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    // No sweeper in the background: the statement count below is the audit log's alone.
    t = await startTestServer(backend, { JOBS_SWEEP_INTERVAL_MS: "0" });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("coalesces entries recorded during a write into one insert, and writes every one", async () => {
    const { audit, db } = t.server.services;
    await audit.idle();
    const entry = (n: number) => ({ tenantId: null, actor: "tester", operation: "auditTest", target: `t-${n}`, outcome: "ok" });
    const before = db.statementCount();
    const writes = Array.from({ length: 20 }, (_, n) => audit.record([entry(n)]));
    await Promise.all(writes);
    await audit.idle();
    // The first entry's insert starts at once; the 19 recorded meanwhile go in the next one.
    expect(db.statementCount() - before).toBe(2);
    const rows = await db.query<{ target: string }>(`select "target" from "audit_log" where "operation" = 'auditTest' order by "id"`);
    expect(rows.map((r) => r.target)).toEqual(Array.from({ length: 20 }, (_, n) => `t-${n}`));
  });
});
