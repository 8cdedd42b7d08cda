// totalCount counts exactly up to JOBS_EXACT_COUNT_LIMIT matching jobs and never walks past it: beyond,
// it answers the planner's estimate (at least the limit + 1) and says so; filters and per-user
// visibility apply to both. Past ALWAYS_EXACT_UP_TO jobs, the planner's estimate is asked first.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobsClient } from "@jobs-api/client/node";
import { textOf } from "../../src/db/commit-signals.ts";
import type { Sql } from "../../src/db/database.ts";
import { ALWAYS_EXACT_UP_TO, countListedJobs } from "../../src/jobs/local/read-jobs.ts";
import type { Viewer } from "../../src/jobs/model.ts";
import { backends } from "../helpers/backends.ts";
import { createJobInput } from "../helpers/fixtures.ts";
import { startTestServer, type GraphQLClient, type TestServer } from "../helpers/server.ts";

const LIMIT = 5;
type Count = { totalCount: number; totalCountIsEstimate: boolean };

describe.each(backends)("totalCount on $name", (backend) => {
  let t: TestServer;
  let alice: GraphQLClient;
  let bob: GraphQLClient;
  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_EXACT_COUNT_LIMIT: String(LIMIT), JOBS_RATE_LIMIT: "0" });
    const key = async (userId: string) =>
      t.client(
        (
          await t.admin.request<{ createApiKey: { secret: string } }>(
            `mutation($u: String!) { createApiKey(userId: $u) { secret } }`,
            { u: userId },
          )
        ).createApiKey.secret,
      );
    alice = await key("alice");
    bob = await key("bob");
    // alice: 9 LOGIC, 3 AGENT; bob: 3 LOGIC.
    await alice.request(`mutation($i: [CreateJobInput!]!) { createJobs(inputs: $i) { job { jobId } } }`, {
      i: [
        ...Array.from({ length: 9 }, (_, n) => createJobInput("LOGIC", n)),
        ...Array.from({ length: 3 }, (_, n) => createJobInput("AGENT", n)),
      ],
    });
    await bob.request(`mutation($i: [CreateJobInput!]!) { createJobs(inputs: $i) { job { jobId } } }`, {
      i: Array.from({ length: 3 }, (_, n) => createJobInput("LOGIC", n)),
    });
  });
  afterAll(async () => t?.stop());

  const count = async (client: GraphQLClient, filter: Record<string, unknown> = {}) =>
    (
      await client.request<{ jobs: Count }>(
        `query($f: JobFilter) { jobs(filter: $f, first: 1) { totalCount totalCountIsEstimate } }`,
        { f: filter },
      )
    ).jobs;

  it("is exact up to the limit, for each viewer and filter", async () => {
    expect(await count(bob)).toEqual({ totalCount: 3, totalCountIsEstimate: false });
    expect(await count(alice, { reasonerType: "AGENT" })).toEqual({ totalCount: 3, totalCountIsEstimate: false });
    expect(await count(alice, { name: "logic-1" })).toEqual({ totalCount: 1, totalCountIsEstimate: false });
    expect(await count(bob, { reasonerType: "AGENT" })).toEqual({ totalCount: 0, totalCountIsEstimate: false });
  });

  it("past the limit answers an estimate of at least limit + 1 and says it is one", async () => {
    for (const [client, filter] of [
      [alice, {}],
      [alice, { reasonerType: "LOGIC" }],
      [t.admin, { allUsers: true }],
    ] as const) {
      const c = await count(client, filter);
      expect(c.totalCountIsEstimate).toBe(true);
      expect(c.totalCount).toBeGreaterThanOrEqual(LIMIT + 1);
    }
    // JobsClient.list passes the flag on.
    const client = new JobsClient({ url: t.url, apiKey: alice.key! });
    const page = await client.list({ first: 1 });
    expect(page.totalCountIsEstimate).toBe(true);
    expect(page.totalCount).toBeGreaterThanOrEqual(LIMIT + 1);
    expect((await client.list({ reasonerType: "AGENT" })).totalCountIsEstimate).toBe(false);
    await client.close();
  });

  it("answers a query of the count alone as it answers one with the page, and checks its arguments alike", async () => {
    const withPage = await alice.request<{ jobs: Count & { edges: unknown[] } }>(
      `{ jobs(first: 2, filter: { reasonerType: AGENT }) { totalCount totalCountIsEstimate edges { cursor } } }`,
    );
    expect(withPage.jobs.edges).toHaveLength(2);
    expect(await count(alice, { reasonerType: "AGENT" })).toEqual({
      totalCount: withPage.jobs.totalCount,
      totalCountIsEstimate: withPage.jobs.totalCountIsEstimate,
    });
    const bad = await alice.raw(`{ jobs(first: 1, after: "not a cursor") { totalCount } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("moves from exact to estimated as jobs cross the limit", async () => {
    const carol = t.client(
      (
        await t.admin.request<{ createApiKey: { secret: string } }>(
          `mutation { createApiKey(userId: "carol") { secret } }`,
        )
      ).createApiKey.secret,
    );
    await carol.request(`mutation($i: [CreateJobInput!]!) { createJobs(inputs: $i) { job { jobId } } }`, {
      i: Array.from({ length: LIMIT }, (_, n) => createJobInput("PREDICTIVE", n)),
    });
    expect(await count(carol)).toEqual({ totalCount: LIMIT, totalCountIsEstimate: false });
    await carol.request(`mutation($i: CreateJobInput!) { createJob(input: $i) { job { jobId } } }`, {
      i: createJobInput("PREDICTIVE", 99),
    });
    const after = await count(carol);
    expect(after.totalCountIsEstimate).toBe(true);
    expect(after.totalCount).toBeGreaterThanOrEqual(LIMIT + 1);
  });
});

// Past ALWAYS_EXACT_UP_TO matching jobs the planner's estimate decides whether to count: fresh
// statistics (analyze) make its estimate close, so the answer is exact below the limit and an
// estimate, said to be one, above it, without counting up to the limit.
describe.each(backends)(`totalCount past ${ALWAYS_EXACT_UP_TO} jobs on $name`, (backend) => {
  const limit = ALWAYS_EXACT_UP_TO * 3;
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_EXACT_COUNT_LIMIT: String(limit), JOBS_RATE_LIMIT: "0" });
  });
  afterAll(async () => t?.stop());

  const create = (n: number) =>
    t.admin.request(`mutation($i: [CreateJobInput!]!) { createJobs(inputs: $i) { job { jobId } } }`, {
      i: Array.from({ length: n }, (_, k) => createJobInput("LOGIC", k)),
    });
  const count = async () => {
    await t.server.services.db.query(`analyze "jobs"`);
    return (
      await t.admin.request<{ jobs: Count }>(
        `{ jobs(first: 1, filter: { allUsers: true }) { totalCount totalCountIsEstimate } }`,
      )
    ).jobs;
  };

  it("counts exactly what the planner expects to be within the limit", async () => {
    await create(ALWAYS_EXACT_UP_TO * 2);
    expect(await count()).toEqual({ totalCount: ALWAYS_EXACT_UP_TO * 2, totalCountIsEstimate: false });
  });

  it("answers the planner's estimate, flagged, when it expects more than the limit, counting no further", async () => {
    await create(ALWAYS_EXACT_UP_TO * 2);
    const c = await count();
    expect(c.totalCountIsEstimate).toBe(true);
    expect(c.totalCount).toBeGreaterThanOrEqual(limit + 1);
    // The same count through the server's handle, noting each count's cap (its last parameter).
    const db = t.server.services.db;
    const caps: number[] = [];
    const noting: Sql = {
      query: (statement, values) => {
        if (textOf(statement).startsWith("select count(*)")) caps.push(values?.at(-1) as number);
        return db.query(statement, values);
      },
      queryRecords: (statement, values, read) => db.queryRecords(statement, values, read),
    };
    const tenant = await t.server.services.auth.firstTenant();
    const admin: Viewer = { tenantId: tenant!.id, userId: "admin", email: null, role: "ADMIN", apiKeyId: null };
    expect(await countListedJobs(noting, { allUsers: true }, admin, limit)).toEqual({
      value: c.totalCount,
      estimated: true,
    });
    expect(caps).toEqual([ALWAYS_EXACT_UP_TO + 1]);
  });

  /** The statements one request runs, in the order it issues them. */
  const statementsOf = async (query: string): Promise<{ answer: Count; statements: string[] }> => {
    const statements: string[] = [];
    const unwatch = t.server.services.db.watchStatements((text) => statements.push(text));
    try {
      const answer = (await t.admin.request<{ jobs: Count }>(query)).jobs;
      return { answer, statements };
    } finally {
      unwatch();
    }
  };
  const isPlan = (text: string) => text.startsWith("explain");
  const isWalk = (text: string) => text.startsWith("select count(*)");

  it("reuses an estimate it answered for the same list shown again, planning it once", async () => {
    // More than the limit by now (the tests above): the answer is the estimate.
    await t.server.services.db.query(`analyze "jobs"`);
    const query = `{ jobs(first: 1, filter: { allUsers: true, reasonerType: LOGIC }) { totalCount totalCountIsEstimate } }`;
    const first = await statementsOf(query);
    expect(first.answer.totalCountIsEstimate).toBe(true);
    expect(first.statements.filter(isPlan)).toHaveLength(1);
    const again = await statementsOf(query);
    expect(again.answer).toEqual(first.answer);
    expect(again.statements.filter(isPlan)).toHaveLength(0);
    expect(again.statements.filter(isWalk)).toHaveLength(1);
  });

  it("counts beside the page instead of after it", async () => {
    const { statements } = await statementsOf(
      `{ jobs(first: 3, filter: { allUsers: true }) { totalCount edges { node { jobId } } } }`,
    );
    const walk = statements.findIndex(isWalk);
    const page = statements.findIndex((text) => text.includes(`order by j."createdOn" desc`));
    expect(walk).toBeGreaterThanOrEqual(0);
    expect(page).toBeGreaterThanOrEqual(0);
    // Issued before the page's statement answered (with the page awaited first, it came after).
    expect(walk).toBeLessThan(page);
  });
});
