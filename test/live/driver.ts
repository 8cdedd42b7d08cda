// Drives jobs through the worker protocol over HTTP, as an external worker does, for the live tests,
// and sets up the server, tenants and live clients a live suite shares.
import { afterAll, beforeAll } from "vitest";
import type { Backend } from "../helpers/backends.ts";
import { type GraphQLClient, NO_BACKGROUND_PASSES, startTestServer, type TestServer } from "../helpers/server.ts";
import { type LiveClient, liveClient } from "./ws-client.ts";

export const JOB_UPDATED = `subscription($t: ReasonerType!, $id: ID!) { jobUpdated(reasonerType: $t, jobId: $id) {
  jobId state nativeState statusHistory { state } } }`;
export const JOB_EVENTS = `subscription($t: ReasonerType!, $id: ID!, $after: String, $stream: String) {
  jobEvents(reasonerType: $t, jobId: $id, after: $after, stream: $stream) { cursor stream data } }`;
export const JOB_LOGS = `subscription($t: ReasonerType!, $id: ID!, $since: Float, $after: String) {
  jobLogs(reasonerType: $t, jobId: $id, sinceMs: $since, after: $after) { cursor timestampMs level message } }`;
export const JOBS_CHANGED = `subscription($f: JobFilter) { jobsChanged(filter: $f) { jobId reasonerType state createdBy } }`;

export type JobView = { jobId: string; state: string; nativeState: string; statusHistory: { state: string }[] };
export type EventView = { cursor: string; stream: string; data: { n: number } };
export type LogView = { cursor: string; timestampMs: number; level: string; message: string };
export type ChangedView = { jobId: string; reasonerType: string; state: string; createdBy: string };

export async function addAgentJob(
  client: GraphQLClient,
  name = "mesh",
  extra: Record<string, unknown> = {},
): Promise<string> {
  const data = await client.request<{ addAgentJob: { job: { jobId: string } } }>(
    `mutation($i: AddAgentJobInput!) { addAgentJob(input: $i) { job { jobId } } }`,
    {
      i: { functionName: name, ...extra },
    },
  );
  return data.addAgentJob.job.jobId;
}

export async function createLogicJob(client: GraphQLClient): Promise<string> {
  const data = await client.request<{ createJob: { job: { jobId: string } } }>(
    `mutation($i: CreateJobInput!) { createJob(input: $i) { job { jobId } } }`,
    {
      i: { reasonerType: "LOGIC", reasonerName: "engine-a", payload: { query: "def output = 1" } },
    },
  );
  return data.createJob.job.jobId;
}

/** A worker registered for agent jobs (with whatever key the client has); `pool`: one in that pool, claiming from its queue. */
export async function agentWorker(client: GraphQLClient, pool?: string) {
  const id = (
    await client.request<{ registerWorker: { id: string } }>(
      `mutation($i: RegisterWorkerInput!) { registerWorker(input: $i) { id } }`,
      {
        i: {
          name: "live-test-agent",
          reasonerTypes: ["AGENT"],
          ...(pool === undefined ? {} : { poolId: pool, reasonerNames: [pool] }),
        },
      },
    )
  ).registerWorker.id;
  return {
    id,
    async claim(): Promise<{ token: string; jobId: string }> {
      const data = await client.request<{
        claimJob: { __typename: string; token?: string; job?: { jobId: string }; message?: string };
      }>(
        `mutation($w: ID!) { claimJob(workerId: $w) { __typename ... on Lease { token job { jobId } } ... on NoJobResponse { message } } }`,
        { w: id },
      );
      if (data.claimJob.__typename !== "Lease") throw new Error(`no job to claim: ${data.claimJob.message}`);
      return { token: data.claimJob.token!, jobId: data.claimJob.job!.jobId };
    },
    status: (token: string, state: string) =>
      client.request(`mutation($t: String!, $s: JobState!) { updateJobStatus(leaseToken: $t, state: $s) { state } }`, {
        t: token,
        s: state,
      }),
    events: (token: string, events: unknown[], stream?: string) =>
      client.request(
        `mutation($t: String!, $e: [JSON!]!, $s: String) { appendJobEvents(leaseToken: $t, events: $e, stream: $s) }`,
        { t: token, e: events, s: stream },
      ),
    logs: (token: string, lines: { timestampMs?: number; level?: string; message: string }[]) =>
      client.request(`mutation($t: String!, $l: [LogLineInput!]!) { appendJobLogs(leaseToken: $t, lines: $l) }`, {
        t: token,
        l: lines,
      }),
    complete: (token: string, result: unknown = { ok: true }) =>
      client.request(`mutation($t: String!, $r: JSON) { completeJob(leaseToken: $t, result: $r) { state } }`, {
        t: token,
        r: result,
      }),
  };
}

/** Consecutive repeats removed: a job's states as a reader sees them move. */
export function moves(states: string[]): string[] {
  return states.filter((s, i) => i === 0 || s !== states[i - 1]);
}

export async function historyOf(client: GraphQLClient, jobId: string, type = "AGENT"): Promise<string[]> {
  const data = await client.request<{ job: { statusHistory: { state: string }[] } }>(
    `query($t: ReasonerType!, $id: ID!) { job(reasonerType: $t, jobId: $id) { statusHistory { state } } }`,
    { t: type, id: jobId },
  );
  return data.job.statusHistory.map((s) => s.state);
}

/** A fresh tenant with keys of each role, made by the first tenant's admin. */
export async function newTenant(admin: GraphQLClient, name: string, makeClient: (key: string) => GraphQLClient) {
  const tenant = await admin.request<{ createTenant: { id: string } }>(
    `mutation($n: String!) { createTenant(name: $n) { id } }`,
    { n: name },
  );
  const key = async (userId: string, role: string) =>
    (
      await admin.request<{ createApiKey: { secret: string } }>(
        `mutation($u: String!, $r: Role!, $t: ID!) { createApiKey(userId: $u, role: $r, tenantId: $t) { secret } }`,
        { u: userId, r: role, t: tenant.createTenant.id },
      )
    ).createApiKey.secret;
  const keys = {
    admin: await key("boss", "ADMIN"),
    alice: await key("alice", "MEMBER"),
    bob: await key("bob", "MEMBER"),
    worker: await key("agent-1", "WORKER"),
  };
  return {
    tenantId: tenant.createTenant.id,
    keys,
    admin: makeClient(keys.admin),
    alice: makeClient(keys.alice),
    bob: makeClient(keys.bob),
    worker: makeClient(keys.worker),
  };
}

/** What a live suite shares: its server (started before its tests), fresh tenants, live clients. */
export interface LiveSuite {
  /** The suite's server; read inside tests and hooks only. */
  readonly t: TestServer;
  /** A graphql-ws client of the suite's server, disposed after the suite. */
  live(key: string | null): LiveClient;
  /** A new tenant named `<prefix>-<n>`, with its members' keys and clients. */
  tenant(): ReturnType<typeof newTenant>;
  /** jobsChanged has no first message: wait until the server holds this many of them. */
  untilWatching(n: number): Promise<void>;
  jobsWatchers(): number;
}

/**
 * One server per suite (no background passes, so counts and streams are the tests' own; no rate
 * limit), with its live clients disposed and the server stopped after the suite. Call it at the top
 * of a describe block: it registers that block's beforeAll and afterAll.
 */
export function liveSuite(backend: Backend, prefix: string): LiveSuite {
  let server: TestServer | undefined;
  let tenants = 0;
  const clients: LiveClient[] = [];
  beforeAll(async () => {
    server = await startTestServer(backend, { ...NO_BACKGROUND_PASSES, JOBS_RATE_LIMIT: "0" });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await server?.stop();
  });
  const suite: LiveSuite = {
    get t() {
      if (!server) throw new Error("the live suite's server is read before its beforeAll ran");
      return server;
    },
    live(key) {
      const c = liveClient(suite.t.url, key);
      clients.push(c);
      return c;
    },
    tenant: () => newTenant(suite.t.admin, `${prefix}-${++tenants}`, (key) => suite.t.client(key)),
    untilWatching: (n) => suite.t.server.services.live.untilJobsWatchers(n),
    jobsWatchers: () => suite.t.server.services.live.stats().jobsWatchers,
  };
  return suite;
}
