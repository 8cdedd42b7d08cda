// totalCount counts exactly up to JOBS_EXACT_COUNT_LIMIT matching jobs and never walks past it: beyond,
// it answers the planner's estimate (at least the limit + 1) and says so; filters and per-user
// visibility apply to both.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobsClient } from "@jobs-api/client/node";
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
