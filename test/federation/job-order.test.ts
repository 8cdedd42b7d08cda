// jobs(orderBy:) at a front: the order is relayed to the upstream (each family's page in it) and the
// front merges its own page and the upstream's by the same key, so paging a merged list through any
// order covers every job exactly once in that order, ties across the two databases included; a
// one-family page passed through to the upstream keeps its order in the front's cursors. The
// upstream is a real server on each backend; the front runs on PGlite and serves LOGIC itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createJobInput } from "../helpers/fixtures.ts";
import {
  ALL_ORDERS,
  cancelEach,
  expectedOrder,
  type Listed,
  PAGE,
  type Page,
  pageThrough,
} from "../helpers/job-order.ts";
import { type GraphQLClient, startTestServer, type TestServer } from "../helpers/server.ts";

const GATEWAY_KEY = "jobs_test-gateway-key-job-order-0123";
const NAMES = ["b", "B", "a", null, "é", "😀", "\uFFFD", "a"];
/** A moment some jobs of both databases are given, as created and as finished: ties across gateways. */
const TIED = "2026-01-02T03:04:05.678Z";

describe.each(backends)("jobs(orderBy:) at a front, upstream on $name", (backend) => {
  let upstream: TestServer;
  let front: TestServer;
  let alice: GraphQLClient;
  let mine: Listed[];

  beforeAll(async () => {
    upstream = await startTestServer(backend, { JOBS_GATEWAY_API_KEY: GATEWAY_KEY, JOBS_RATE_LIMIT: "0" });
    front = await startTestServer(backends[0]!, {
      JOBS_RATE_LIMIT: "0",
      JOBS_GATEWAYS: JSON.stringify([
        { name: "up", url: `${upstream.url}/graphql`, apiKey: GATEWAY_KEY, reasonerTypes: ["AGENT", "PREDICTIVE"] },
      ]),
    });
    alice = front.client(
      (
        await front.admin.request<{ createApiKey: { secret: string } }>(
          `mutation { createApiKey(userId: "alice", role: MEMBER) { secret } }`,
        )
      ).createApiKey.secret,
    );
    const families = ["LOGIC", "AGENT", "PREDICTIVE"] as const;
    const made = (
      await alice.request<{ createJobs: { job: { jobId: string; reasonerType: string } }[] }>(
        `mutation($i: [CreateJobInput!]!) { createJobs(inputs: $i) { job { jobId reasonerType } } }`,
        {
          i: families.flatMap((type) =>
            NAMES.map((name, n) => createJobInput(type, n, { name: name === null ? null : `${name}` })),
          ),
        },
      )
    ).createJobs.map((r) => r.job);
    const canceled = made.filter((_j, n) => n % 3 === 0);
    await cancelEach(alice, canceled);
    // Ties across the two databases: some jobs of each created, and some finished, at one moment.
    for (const server of [front, upstream]) {
      await server.server.services.db.query(`update "jobs" set "createdOn" = $2 where "id" = any($1::uuid[])`, [
        made.filter((_j, n) => n % 4 === 1).map((j) => j.jobId),
        TIED,
      ]);
      await server.server.services.db.query(
        `update "jobs" set "finishedOn" = $2 where "id" = any($1::uuid[]) and "finishedOn" is not null`,
        [canceled.filter((_j, n) => n % 2 === 0).map((j) => j.jobId), TIED],
      );
    }
    mine = (await alice.request<{ jobs: Page }>(PAGE, { first: 500 })).jobs.edges.map((e) => e.node);
    expect(mine).toHaveLength(made.length);
    expect(mine.filter((j) => j.createdOn === TIED).length).toBeGreaterThan(3);
  }, 120_000);

  afterAll(async () => {
    await front?.stop();
    await upstream?.stop();
  });

  it("pages a merged list through every order: every job of both databases once, in the order", async () => {
    for (const order of ALL_ORDERS) {
      const expected = expectedOrder(mine, order);
      for (const first of [1, 4, 500]) {
        expect(await pageThrough(alice, order, first), `${order.field} ${order.direction} by ${first}`).toEqual(
          expected,
        );
      }
      const page = await alice.request<{ jobs: Page }>(PAGE, { o: order, first: 3, offset: 5 });
      expect(page.jobs.edges.map((e) => e.node.jobId)).toEqual(expected.slice(5, 8));
      expect(page.jobs.totalCount).toBe(mine.length);
    }
  });

  it("pages one upstream family, passed through to the upstream, in every order", async () => {
    for (const order of ALL_ORDERS) {
      const filters: { reasonerType: string; state?: string }[] = [
        { reasonerType: "AGENT" },
        { reasonerType: "PREDICTIVE", state: "CANCELED" },
      ];
      for (const filter of filters) {
        const listed = mine.filter(
          (j) => j.reasonerType === filter.reasonerType && (filter.state === undefined || j.state === filter.state),
        );
        expect(await pageThrough(alice, order, 3, filter), `${order.field} ${order.direction}`).toEqual(
          expectedOrder(listed, order),
        );
      }
    }
  });

  it("refuses, merged or passed through, a cursor of another order as BAD_USER_INPUT naming after", async () => {
    for (const filter of [{}, { reasonerType: "AGENT" }]) {
      const byName = await alice.request<{ jobs: Page }>(PAGE, {
        o: { field: "NAME", direction: "ASC" },
        first: 2,
        f: filter,
      });
      for (const order of [{ field: "NAME", direction: "DESC" }, null]) {
        const answer = await alice.raw(PAGE, { o: order, after: byName.jobs.pageInfo.endCursor, first: 2, f: filter });
        expect(answer.errors?.[0]?.extensions, JSON.stringify(filter)).toMatchObject({
          code: "BAD_USER_INPUT",
          field: "after",
        });
      }
    }
  });
});
