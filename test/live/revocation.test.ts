// Streams end when access ends, on PGlite and PostgreSQL: a revoked key's sockets close with 4401
// within 2 s (also when the revocation is made through another server process on the same
// PostgreSQL), and a member whose grant on a job is removed receives nothing more from jobUpdated,
// jobEvents or jobLogs (the streams end with NOT_FOUND, as subscribing then answers) while the job's
// owner still does. A user acting through a front (a GATEWAY key) has their own keys' role: when a
// revocation or a new key changes it (lower, or higher), their subscriptions end with FORBIDDEN, and
// the front's socket stays open.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { ADMIN_KEY, graphqlClient, startTestServer, type TestServer } from "../helpers/server.ts";
import { type Child, startServerProcess, stopChild } from "../execution/processes.ts";
import { newTenant } from "../http/tenant.ts";
import {
  addAgentJob,
  agentWorker,
  type EventView,
  JOB_EVENTS,
  JOB_LOGS,
  JOB_UPDATED,
  JOBS_CHANGED,
  type LogView,
} from "./driver.ts";
import { type LiveClient, liveClient } from "./ws-client.ts";
import { CloseCode } from "@jobs-api/client";

const REVOCATION_LIMIT_MS = 2000;
const GATEWAY_KEY = "jobs_test-revocation-gateway-key-0123";

async function keyIdOf(t: TestServer, userId: string, tenantId: string): Promise<string> {
  const rows = await t.server.services.db.query<{ id: string }>(
    `select "id"::text as "id" from "api_keys" where "userId" = $1 and "tenantId" = $2::uuid and "revokedOn" is null`,
    [userId, tenantId],
  );
  return rows[0]!.id;
}

/** Opens the three kinds of stream a key may hold on a job and waits for each to be live. */
async function openStreams(socket: LiveClient, jobId: string) {
  const updates = socket.subscribe(JOB_UPDATED, { t: "AGENT", id: jobId });
  const events = socket.subscribe(JOB_EVENTS, { t: "AGENT", id: jobId });
  const changed = socket.subscribe(JOBS_CHANGED, {});
  await updates.take(1);
  return [updates, events, changed];
}

describe.each(backends)("access ending on $name", (backend) => {
  let t: TestServer;
  const sockets: LiveClient[] = [];
  const live = (url: string, key: string, options?: { actAs?: string }) => {
    const c = liveClient(url, key, options);
    sockets.push(c);
    return c;
  };
  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_RATE_LIMIT: "0", JOBS_GATEWAY_API_KEY: GATEWAY_KEY });
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    await t?.stop();
  });

  it("closes a revoked key's sockets with 4401 within 2 s, ending every stream", async () => {
    const tn = await newTenant(t);
    const key = await tn.key("leaver", "MEMBER");
    const jobId = await addAgentJob(t.client(key));
    const socket = live(t.url, key);
    const streams = await openStreams(socket, jobId);
    // A second key of the same user is not affected.
    const otherKey = await tn.key("leaver", "MEMBER");
    const kept = live(t.url, otherKey);
    const keptUpdates = kept.subscribe(JOB_UPDATED, { t: "AGENT", id: jobId });
    await keptUpdates.take(1);

    const keyId = (
      await t.server.services.db.query<{ id: string }>(
        `select "id"::text as "id" from "api_keys" where "userId" = 'leaver' order by "createdOn" limit 1`,
      )
    )[0]!.id;
    await tn.admin.request(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedOn } }`, { id: keyId });
    const revokedAt = Date.now();
    // The key was checked over HTTP a moment ago (processes remember checked keys): the revoking
    // process refuses it from the moment the revocation is answered.
    expect((await t.client(key).raw(`{ __typename }`)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const closed = await socket.closed;
    expect(Date.now() - revokedAt).toBeLessThan(REVOCATION_LIMIT_MS);
    expect(closed.code).toBe(CloseCode.Unauthorized);
    for (const s of streams) await s.until(() => s.error !== null || s.completed, "the stream to end");

    // The other key's stream still delivers.
    await tn.admin.request(`mutation($j: ID!) { cancelJob(reasonerType: AGENT, jobId: $j) { state } }`, { j: jobId });
    await keptUpdates.until(() => keptUpdates.items.length >= 2, "the cancel on the unrevoked key's stream");
  });

  it("ends an acting user's subscriptions with FORBIDDEN when a revocation lowers their role; other users on the front's socket keep theirs", async () => {
    // The GATEWAY key belongs to the first tenant: its users act there.
    const adminKeyOf = async (userId: string) =>
      (
        await t.admin.request<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
          `mutation($u: String!) { createApiKey(userId: $u, role: ADMIN) { secret apiKey { id } } }`,
          { u: userId },
        )
      ).createApiKey;
    const demoted = await adminKeyOf("acting-demoted");
    await adminKeyOf("acting-kept");
    const memberKey = (
      await t.admin.request<{ createApiKey: { secret: string } }>(
        `mutation { createApiKey(userId: "acting-others", role: MEMBER) { secret } }`,
      )
    ).createApiKey.secret;
    const othersJob = await addAgentJob(t.client(memberKey));
    const asDemoted = live(t.url, GATEWAY_KEY, { actAs: "acting-demoted" });
    const everyone = asDemoted.subscribe<{ jobsChanged: { jobId: string } }>(JOBS_CHANGED, { f: { allUsers: true } });
    const othersUpdates = asDemoted.subscribe(JOB_UPDATED, { t: "AGENT", id: othersJob });
    await othersUpdates.take(1);
    const asKept = live(t.url, GATEWAY_KEY, { actAs: "acting-kept" });
    const keptUpdates = asKept.subscribe(JOB_UPDATED, { t: "AGENT", id: othersJob });
    await keptUpdates.take(1);

    // Their only ADMIN key revoked, the user acts as a MEMBER: another user's jobs are not theirs to see.
    await t.admin.request(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedOn } }`, { id: demoted.apiKey.id });
    expect(await everyone.errorCode(REVOCATION_LIMIT_MS)).toBe("FORBIDDEN");
    expect(await othersUpdates.errorCode(REVOCATION_LIMIT_MS)).toBe("FORBIDDEN");
    const later = await addAgentJob(t.client(memberKey));
    await t.admin.request(`mutation($j: ID!) { cancelJob(reasonerType: AGENT, jobId: $j) { state } }`, {
      j: othersJob,
    });
    await keptUpdates.until(() => keptUpdates.items.length >= 2, "the cancel on the kept user's stream");
    expect(everyone.items.map((i) => i.jobsChanged.jobId)).not.toContain(later);
    expect(othersUpdates.items).toHaveLength(1);
    // Subscribing again answers as for a member now.
    const again = asDemoted.subscribe(JOBS_CHANGED, { f: { allUsers: true } });
    expect(await again.errorCode()).toBe("FORBIDDEN");
    const againUpdates = asDemoted.subscribe(JOB_UPDATED, { t: "AGENT", id: othersJob });
    expect(await againUpdates.errorCode()).toBe("NOT_FOUND");
  });

  it("ends an acting user's subscriptions with FORBIDDEN when a new key changes their role: a WORKER-only user given a MEMBER key no longer sees the tenant's jobs", async () => {
    const keyOf = async (userId: string, role: string) =>
      (
        await t.admin.request<{ createApiKey: { secret: string } }>(
          `mutation($u: String!, $r: Role!) { createApiKey(userId: $u, role: $r) { secret } }`,
          { u: userId, r: role },
        )
      ).createApiKey.secret;
    // Acting with their only key's role, WORKER, the user sees every job of the tenant.
    await keyOf("acting-worker", "WORKER");
    const owner = t.client(await keyOf("acting-job-owner", "MEMBER"));
    const othersJob = await addAgentJob(owner);
    const watchers = t.server.services.live.stats().jobsWatchers;
    const asWorker = live(t.url, GATEWAY_KEY, { actAs: "acting-worker" });
    const updates = asWorker.subscribe<{ jobUpdated: { state: string } }>(JOB_UPDATED, { t: "AGENT", id: othersJob });
    const changed = asWorker.subscribe<{ jobsChanged: { jobId: string } }>(JOBS_CHANGED, {});
    await updates.take(1);
    await t.server.services.live.untilJobsWatchers(watchers + 1);

    // A MEMBER key makes them act as a MEMBER: another user's job is no longer theirs to see.
    await keyOf("acting-worker", "MEMBER");
    expect(await updates.errorCode(REVOCATION_LIMIT_MS)).toBe("FORBIDDEN");
    expect(await changed.errorCode(REVOCATION_LIMIT_MS)).toBe("FORBIDDEN");
    expect(updates.messages.at(-1)?.errors?.[0]?.message ?? JSON.stringify(updates.error)).toMatch(
      /from WORKER to MEMBER/,
    );
    await owner.request(`mutation($j: ID!) { cancelJob(reasonerType: AGENT, jobId: $j) { state } }`, { j: othersJob });
    const later = await addAgentJob(owner);
    expect(updates.items).toHaveLength(1);
    expect(changed.items.map((i) => i.jobsChanged.jobId)).not.toContain(later);
    expect(await asWorker.subscribe(JOB_UPDATED, { t: "AGENT", id: othersJob }).errorCode()).toBe("NOT_FOUND");
  });

  it("ends an acting user's subscriptions when a new ADMIN key promotes them; subscribed again, they have the admin's sight", async () => {
    const owner = t.client(
      (
        await t.admin.request<{ createApiKey: { secret: string } }>(
          `mutation { createApiKey(userId: "acting-promoted-owner", role: MEMBER) { secret } }`,
        )
      ).createApiKey.secret,
    );
    const othersJob = await addAgentJob(owner);
    // With no key of their own, the user acts as a MEMBER.
    const asPromoted = live(t.url, GATEWAY_KEY, { actAs: "acting-promoted" });
    expect(await asPromoted.subscribe(JOB_UPDATED, { t: "AGENT", id: othersJob }).errorCode()).toBe("NOT_FOUND");
    const watchers = t.server.services.live.stats().jobsWatchers;
    const own = asPromoted.subscribe(JOBS_CHANGED, {});
    await t.server.services.live.untilJobsWatchers(watchers + 1);

    await t.admin.request(`mutation { createApiKey(userId: "acting-promoted", role: ADMIN) { secret } }`);
    expect(await own.errorCode(REVOCATION_LIMIT_MS)).toBe("FORBIDDEN");
    const updates = asPromoted.subscribe<{ jobUpdated: { state: string } }>(JOB_UPDATED, { t: "AGENT", id: othersJob });
    await updates.take(1);
    await owner.request(`mutation($j: ID!) { cancelJob(reasonerType: AGENT, jobId: $j) { state } }`, { j: othersJob });
    await updates.until(() => updates.items.at(-1)?.jobUpdated.state === "CANCELED", "the cancel");
  });

  it("ends jobUpdated, jobEvents and jobLogs with NOT_FOUND for a member whose grant is removed; the owner still receives", async () => {
    const tn = await newTenant(t);
    const jobId = await addAgentJob(tn.member);
    await tn.member.request(
      `mutation($j: ID!) { createJobAccess(jobId: $j, subjectId: "m2", relation: VIEWER) { subjectId } }`,
      { j: jobId },
    );
    const worker = await agentWorker(tn.worker);
    const { token } = await worker.claim();
    await worker.events(token, [{ n: 1 }]);
    await worker.logs(token, [{ message: "one" }]);

    const viewer = live(t.url, tn.otherMember.key!);
    const events = viewer.subscribe<{ jobEvents: EventView }>(JOB_EVENTS, { t: "AGENT", id: jobId });
    const logs = viewer.subscribe<{ jobLogs: LogView }>(JOB_LOGS, { t: "AGENT", id: jobId });
    const updates = viewer.subscribe<{ jobUpdated: { state: string } }>(JOB_UPDATED, { t: "AGENT", id: jobId });
    await events.take(1);
    await logs.take(1);
    await updates.take(1);
    const owner = live(t.url, tn.member.key!);
    const ownerEvents = owner.subscribe<{ jobEvents: EventView }>(JOB_EVENTS, { t: "AGENT", id: jobId });
    await ownerEvents.take(1);

    await tn.member.request(`mutation($j: ID!) { removeJobAccess(jobId: $j, subjectId: "m2") }`, { j: jobId });
    await worker.events(token, [{ n: 2 }]);
    await worker.logs(token, [{ message: "two" }]);
    await ownerEvents.take(2);
    for (const stream of [events, logs, updates]) expect(await stream.errorCode()).toBe("NOT_FOUND");
    expect(events.items.map((e) => e.jobEvents.data.n)).toEqual([1]);
    expect(logs.items.map((l) => l.jobLogs.message)).toEqual(["one"]);
    expect(updates.items).toHaveLength(1);
    // A new subscription is refused as for a job that does not exist.
    const again = viewer.subscribe(JOB_EVENTS, { t: "AGENT", id: jobId });
    expect(await again.errorCode()).toBe("NOT_FOUND");
  });
});

const postgres = backends.find((b) => b.name === "postgres");

describe.runIf(postgres)("revocation across two processes on one PostgreSQL", () => {
  let a: TestServer;
  let b: Child & { url: string };
  let dataDir: string;
  let socket: LiveClient | undefined;
  beforeAll(async () => {
    a = await startTestServer(postgres!, { JOBS_RATE_LIMIT: "0" });
    dataDir = mkdtempSync(join(tmpdir(), "jobs-revoke-"));
    b = await startServerProcess({
      DATABASE_URL: a.server.services.config.databaseUrl!,
      JOBS_DATA_DIR: dataDir,
      JOBS_ADMIN_API_KEY: ADMIN_KEY,
      JOBS_WORKERS: "0",
      JOBS_LOG_LEVEL: "warn",
      JOBS_RATE_LIMIT: "0",
    });
  });
  afterAll(async () => {
    await socket?.dispose();
    if (b) await stopChild(b);
    await a?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("closes the key's sockets on the other process with 4401 within 2 s", async () => {
    const tn = await newTenant(a);
    const key = await tn.key("remote-leaver", "MEMBER");
    const jobId = await addAgentJob(graphqlClient(b.url, key));
    socket = liveClient(b.url, key);
    const streams = await openStreams(socket, jobId);
    await a.client(tn.admin.key!).request(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedOn } }`, {
      id: await keyIdOf(a, "remote-leaver", tn.tenantId),
    });
    const revokedAt = Date.now();
    const closed = await socket.closed;
    expect(Date.now() - revokedAt).toBeLessThan(REVOCATION_LIMIT_MS);
    expect(closed.code).toBe(CloseCode.Unauthorized);
    for (const s of streams) await s.until(() => s.error !== null || s.completed, "the stream to end");
    // The other process had checked the key over HTTP a moment ago (and remembers checked keys): the
    // notification that closed the socket made it forget the key too.
    const after = await graphqlClient(b.url, key).raw(`{ __typename }`);
    expect(after.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});
