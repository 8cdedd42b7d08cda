// The database going away: /readyz fails, requests answer a clear error, and service resumes when it
// returns — including change notifications (waitForJob still wakes up).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { backends, createPgDatabase } from "../helpers/backends.ts";
import { createJob } from "../helpers/fixtures.ts";
import { ADMIN_KEY, startTestServer, type TestServer, untilReady } from "../helpers/server.ts";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.ts";

const hasPg = backends.some((b) => b.name === "postgres");

describe.runIf(hasPg)("PostgreSQL going away and coming back", () => {
  let proxy: TcpProxy;
  let t: TestServer;
  beforeAll(async () => {
    proxy = await startTcpProxy("127.0.0.1", 5432);
    let dropDb: () => Promise<void> = async () => undefined;
    t = await startTestServer({
      name: "postgres",
      async create() {
        const db = await createPgDatabase();
        dropDb = db.drop;
        const url = new URL(db.databaseUrl);
        url.port = String(proxy.port);
        return { databaseUrl: url.toString(), drop: () => dropDb() };
      },
    });
  });
  afterAll(async () => {
    proxy?.restore();
    await t?.stop();
    await proxy?.close();
  });

  it("fails readiness and answers a clear error while away, then resumes", async () => {
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
    const job = await createJob(t.admin, "PREDICTIVE", 1);

    proxy.cut();
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: "database unreachable" });
    const away = await t.admin.raw(`query($id: ID!) { job(reasonerType: PREDICTIVE, jobId: $id) { state } }`, {
      id: job.jobId,
    });
    expect(away.status).toBeLessThan(600);
    expect(away.errors?.[0]?.message).toMatch(/database is unavailable/);
    expect(away.errors?.[0]?.extensions).toMatchObject({ reason: "DATABASE_UNAVAILABLE", retryable: true });
    expect(JSON.stringify(away)).not.toMatch(/ECONNREFUSED|node_modules|at .*\(/);
    // The answer names the request; the log has the cause under the same id.
    const warned: unknown[] = [];
    const warn = vi
      .spyOn(t.server.services.logger, "warn")
      .mockImplementation(((obj: unknown) => void warned.push(obj)) as never);
    try {
      const res = await fetch(`${t.url}/graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${ADMIN_KEY}`,
          "x-request-id": "db-away-1",
        },
        // A read of the database (the key itself was checked a moment ago and is remembered).
        body: JSON.stringify({ query: `{ jobs(first: 1) { edges { node { jobId } } } }` }),
      });
      const answer = (await res.json()) as { errors: { extensions: Record<string, unknown> }[] };
      expect(answer.errors[0]!.extensions).toMatchObject({ reason: "DATABASE_UNAVAILABLE", requestId: "db-away-1" });
      expect(warned).toContainEqual(expect.objectContaining({ requestId: "db-away-1" }));
    } finally {
      warn.mockRestore();
    }
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);

    proxy.restore();
    await untilReady(t.url);
    const back = await t.admin.request<any>(`query($id: ID!) { job(reasonerType: PREDICTIVE, jobId: $id) { state } }`, {
      id: job.jobId,
    });
    expect(back.job.state).toBe(job.state);

    // Notifications flow again after the listener reconnected: a wait is woken by a cancel.
    const waiting = t.admin.request<any>(
      `query($id: ID!) { waitForJob(reasonerType: PREDICTIVE, jobId: $id, timeoutS: 30) { state } }`,
      { id: job.jobId },
    );
    await t.admin.request(`mutation($id: ID!) { cancelJob(reasonerType: PREDICTIVE, jobId: $id) { state } }`, {
      id: job.jobId,
    });
    expect((await waiting).waitForJob.state).toBe("CANCELED");
  });
});
