// jobs(orderBy:): paging through every order covers every job the caller may list exactly once, in
// the order's sort (ties broken by id in the same direction, names by their bytes, states in the
// enum's order, unfinished jobs after every finished one), with filters, totalCount and offset
// alike; a cursor belongs to its order, and one from another order is BAD_USER_INPUT.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createJobInput, createKey } from "../helpers/fixtures.ts";
import {
  ALL_ORDERS,
  cancelEach,
  expectedOrder,
  type Listed,
  type Order,
  PAGE,
  type Page,
  pageThrough,
  STATE_ORDER,
} from "../helpers/job-order.ts";
import { type GraphQLClient, startTestServer, type TestServer } from "../helpers/server.ts";

/** Names with ties, none, case, and characters whose UTF-16 order differs from their bytes' (U+FFFD < 😀 in bytes). */
const NAMES = ["b", "B", "a", null, "é", "Z", "😀", "\uFFFD", "a", "b", "a b", "ab"];

describe.each(backends)("jobs(orderBy:) on $name", (backend) => {
  let t: TestServer;
  let alice: GraphQLClient;
  let mine: Listed[];

  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_RATE_LIMIT: "0" });
    alice = t.client(await createKey(t.admin, "alice"));
    const bob = t.client(await createKey(t.admin, "bob"));
    const create = (client: GraphQLClient, inputs: unknown[]) =>
      client.request<{ createJobs: { job: { jobId: string; reasonerType: string } }[] }>(
        `mutation($i: [CreateJobInput!]!) { createJobs(inputs: $i) { job { jobId reasonerType } } }`,
        { i: inputs },
      );
    // Two bulk calls: the jobs of each share their createdOn (ties of CREATED_ON).
    const made = [];
    for (const round of [0, 1]) {
      const inputs = NAMES.map((name, n) =>
        createJobInput(n % 2 ? "AGENT" : "LOGIC", n, { name: name === null ? null : `${name}` }),
      );
      made.push(...(await create(alice, round ? inputs.slice(0, 7) : inputs)).createJobs.map((r) => r.job));
    }
    await create(bob, [createJobInput("LOGIC", 0, { name: "a" })]);
    // Some finished (CANCELED), four of them at one moment (ties of FINISHED_ON); the rest unfinished.
    const canceled = made.filter((_j, n) => n % 3 === 0);
    await cancelEach(alice, canceled);
    await t.server.services.db.query(
      `update "jobs" set "finishedOn" = (select min("finishedOn") from "jobs" where "id" = any($1::uuid[])) where "id" = any($1::uuid[])`,
      [canceled.slice(0, 4).map((j) => j.jobId)],
    );
    mine = (await alice.request<{ jobs: Page }>(PAGE, { first: 500 })).jobs.edges.map((e) => e.node);
    expect(mine).toHaveLength(made.length);
    // The orders' ties are there to break: of createdOn, finishedOn (finished and not), name.
    const tied = (key: (j: Listed) => unknown) =>
      mine.length - new Set(mine.map(key)).size >= 2 && mine.filter((j) => key(j) !== null).length > 0;
    expect([tied((j) => j.createdOn), tied((j) => j.finishedOn), tied((j) => j.name)]).toEqual([true, true, true]);
    expect(new Set(mine.filter((j) => j.finishedOn).map((j) => j.finishedOn)).size).toBeLessThan(
      mine.filter((j) => j.finishedOn).length,
    );
  }, 120_000);
  afterAll(async () => t?.stop());

  it("keeps JobState's order in the database's enum (the merge of gateways' pages compares by it)", async () => {
    const [row] = await t.server.services.db.query<{ states: string }>(
      `select array_to_string(enum_range(null::"JobState"), ',') as "states"`,
    );
    expect(row!.states.split(",")).toEqual(STATE_ORDER);
  });

  it("pages through every order, ties and unfinished jobs included, covering every job exactly once in order", async () => {
    for (const order of ALL_ORDERS) {
      const expected = expectedOrder(mine, order);
      for (const first of [1, 4, 500]) {
        expect(await pageThrough(alice, order, first), `${order.field} ${order.direction} by ${first}`).toEqual(
          expected,
        );
      }
    }
    // Without orderBy: newest first, as before.
    expect(await pageThrough(alice, null, 5)).toEqual(expectedOrder(mine, { field: "CREATED_ON", direction: "DESC" }));
  });

  it("resumes after any edge's cursor, and skips by offset in the order", async () => {
    const order: Order = { field: "NAME", direction: "ASC" };
    const expected = expectedOrder(mine, order);
    const { jobs } = await alice.request<{ jobs: Page }>(PAGE, { o: order, first: 9 });
    const fromFourth = await alice.request<{ jobs: Page }>(PAGE, {
      o: order,
      first: 500,
      after: jobs.edges[3]!.cursor,
    });
    expect(fromFourth.jobs.edges.map((e) => e.node.jobId)).toEqual(expected.slice(4));
    const skipped = await alice.request<{ jobs: Page }>(PAGE, { o: order, first: 5, offset: 6 });
    expect(skipped.jobs.edges.map((e) => e.node.jobId)).toEqual(expected.slice(6, 11));
    expect(skipped.jobs.totalCount).toBe(mine.length);
  });

  it("applies the filter and counts it whatever the order", async () => {
    const canceled = mine.filter((j) => j.state === "CANCELED");
    const agents = (await alice.request<{ jobs: Page }>(PAGE, { f: { reasonerType: "AGENT" }, first: 500 })).jobs.edges;
    for (const order of ALL_ORDERS) {
      const page = await alice.request<{ jobs: Page }>(PAGE, { o: order, f: { state: "CANCELED" }, first: 2 });
      expect(page.jobs.totalCount).toBe(canceled.length);
      expect(await pageThrough(alice, order, 2, { state: "CANCELED" })).toEqual(expectedOrder(canceled, order));
      expect(await pageThrough(alice, order, 3, { reasonerType: "AGENT", nameContains: "B" })).toEqual(
        expectedOrder(
          agents.map((e) => e.node).filter((j) => j.name?.toLowerCase().includes("b")),
          order,
        ),
      );
    }
  });

  it("refuses a cursor of another order, or of no order this list made, as BAD_USER_INPUT naming after", async () => {
    const byName: Order = { field: "NAME", direction: "ASC" };
    const cursorOf = async (order: Order | null) =>
      (await alice.request<{ jobs: Page }>(PAGE, { o: order, first: 2 })).jobs.pageInfo.endCursor!;
    const mismatches: [string, Order | null][] = [
      [await cursorOf(byName), { field: "NAME", direction: "DESC" }],
      [await cursorOf(byName), null],
      [await cursorOf(null), byName],
      [await cursorOf({ field: "CREATED_ON", direction: "ASC" }), null],
      [await cursorOf({ field: "STATE", direction: "ASC" }), { field: "FINISHED_ON", direction: "ASC" }],
    ];
    for (const [after, order] of mismatches) {
      const answer = await alice.raw(PAGE, { o: order, after, first: 2 });
      expect(answer.data).toBeNull();
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
      expect(answer.errors![0]!.message).toMatch(/^after: a cursor of the jobs sorted by \w+ (ASC|DESC), not by/);
    }
    // A made-up position in the right order's shape but with a key the field cannot have.
    const forged = Buffer.from(
      JSON.stringify({
        "@order": "STATE_ASC",
        local: Buffer.from(JSON.stringify({ o: "STATE_ASC", k: "NOPE", i: mine[0]!.jobId })).toString("base64url"),
      }),
    ).toString("base64url");
    const answer = await alice.raw(PAGE, { o: { field: "STATE", direction: "ASC" }, after: forged, first: 2 });
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
  });
});
