// Relay cursor connections as the contract promises them, beyond the merged-list walk in
// test/api/jobs.test.ts: one family's pages, resuming after any edge, filtered pages, pageInfo on
// first, middle, last and empty pages, bounds on `first`, foreign cursors, and the events and logs
// connections of a job. On PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Worker } from "@jobs-api/client/node";
import { backends } from "../helpers/backends.ts";
import { createJob, type ReasonerType } from "../helpers/fixtures.ts";
import { ADMIN_KEY, startTestServer, type GraphQLClient, type TestServer } from "../helpers/server.ts";

interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}
interface Page {
  totalCount: number;
  edges: { cursor: string; node: { id: string; jobId: string } }[];
  pageInfo: PageInfo;
}

const JOBS_PAGE = `query($filter: JobFilter, $first: Int, $after: String) {
  jobs(filter: $filter, first: $first, after: $after) {
    totalCount edges { cursor node { id jobId } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

/** Every page of a list, with its pageInfo checked against its edges on the way. */
async function walk(client: GraphQLClient, filter: Record<string, unknown>, first: number): Promise<Page[]> {
  const pages: Page[] = [];
  let after: string | null = null;
  for (;;) {
    const { jobs }: { jobs: Page } = await client.request(JOBS_PAGE, { filter, first, after });
    expect(jobs.pageInfo.startCursor).toBe(jobs.edges[0]?.cursor ?? null);
    expect(jobs.pageInfo.endCursor).toBe(jobs.edges.at(-1)?.cursor ?? null);
    expect(jobs.pageInfo.hasPreviousPage).toBe(after !== null);
    pages.push(jobs);
    if (!jobs.pageInfo.hasNextPage) return pages;
    after = jobs.pageInfo.endCursor;
    if (pages.length > 100) throw new Error("paging does not end");
  }
}

async function errorCode(client: GraphQLClient, query: string, variables: Record<string, unknown>): Promise<unknown> {
  const r = await client.raw(query, variables);
  return r.errors?.[0]?.extensions?.code;
}

describe.each(backends.map((b) => [b.name, b] as const))("Relay connections on %s", (_name, backend) => {
  let t: TestServer;
  let member: GraphQLClient;
  /** Newest first, as the API lists them. */
  const predictive: string[] = [];
  const all: string[] = [];
  const typeOf = new Map<string, ReasonerType>();

  beforeAll(async () => {
    t = await startTestServer(backend);
    const key = await t.admin.request<{ createApiKey: { secret: string } }>(
      `mutation { createApiKey(userId: "relay", role: MEMBER) { secret } }`,
    );
    member = t.client(key.createApiKey.secret);
    const types: ReasonerType[] = [
      "PREDICTIVE",
      "LOGIC",
      "PREDICTIVE",
      "PREDICTIVE",
      "BATCH",
      "PREDICTIVE",
      "LOGIC",
      "PREDICTIVE",
      "PREDICTIVE",
      "PREDICTIVE",
    ];
    for (const [i, type] of types.entries()) {
      const job = await createJob(member, type, i);
      all.unshift(job.jobId);
      typeOf.set(job.jobId, type);
      if (type === "PREDICTIVE") predictive.unshift(job.jobId);
    }
  });
  afterAll(async () => t?.stop());

  it("one family pages with first/after: every job once, newest first; pageInfo on first, middle and last pages", async () => {
    const pages = await walk(member, { reasonerType: "PREDICTIVE" }, 3);
    expect(pages.map((p) => p.edges.length)).toEqual([3, 3, 1]);
    expect(pages.map((p) => p.pageInfo.hasNextPage)).toEqual([true, true, false]);
    expect(pages.every((p) => p.totalCount === 7)).toBe(true);
    expect(pages.flatMap((p) => p.edges.map((e) => e.node.jobId))).toEqual(predictive);

    // After the last page: an empty page that says so.
    const { jobs: past } = await member.request<{ jobs: Page }>(JOBS_PAGE, {
      filter: { reasonerType: "PREDICTIVE" },
      first: 3,
      after: pages.at(-1)!.pageInfo.endCursor,
    });
    expect(past.edges).toEqual([]);
    expect(past.pageInfo).toMatchObject({ hasNextPage: false, startCursor: null, endCursor: null });
  });

  it("any edge's cursor resumes right after that edge, in one family and across all of them", async () => {
    for (const [filter, expected] of [
      [{ reasonerType: "PREDICTIVE" }, predictive],
      [{}, all],
    ] as const) {
      const { jobs } = await member.request<{ jobs: Page }>(JOBS_PAGE, { filter, first: 500 });
      expect(jobs.edges.map((e) => e.node.jobId)).toEqual(expected);
      for (const [i, edge] of jobs.edges.entries()) {
        const { jobs: next } = await member.request<{ jobs: Page }>(JOBS_PAGE, {
          filter,
          first: 2,
          after: edge.cursor,
        });
        expect(next.edges.map((e) => e.node.jobId)).toEqual(expected.slice(i + 1, i + 3));
        expect(next.pageInfo.hasNextPage).toBe(i + 3 < expected.length);
      }
    }
  });

  it("filtered pages (state, then onlyActive) neither skip nor repeat", async () => {
    const canceled = [all[1]!, all[4]!, all[6]!, all[8]!];
    for (const jobId of canceled) {
      await member.request(
        `mutation($t: ReasonerType!, $id: ID!) { cancelJob(reasonerType: $t, jobId: $id) { state } }`,
        { t: typeOf.get(jobId), id: jobId },
      );
    }
    const byState = await walk(member, { state: "CANCELED" }, 3);
    expect(byState.flatMap((p) => p.edges.map((e) => e.node.jobId))).toEqual(canceled);
    const active = await walk(member, { onlyActive: true }, 4);
    expect(active.flatMap((p) => p.edges.map((e) => e.node.jobId))).toEqual(all.filter((id) => !canceled.includes(id)));
  });

  it("first: 0 gives no edges; first out of range and cursors from elsewhere are BAD_USER_INPUT", async () => {
    const { jobs: none } = await member.request<{ jobs: Page }>(JOBS_PAGE, { first: 0 });
    expect(none.edges).toEqual([]);
    expect(none.totalCount).toBe(all.length);
    expect(await errorCode(member, JOBS_PAGE, { first: 501 })).toBe("BAD_USER_INPUT");
    expect(await errorCode(member, JOBS_PAGE, { first: -1 })).toBe("BAD_USER_INPUT");
    expect(await errorCode(member, JOBS_PAGE, { after: "not-a-cursor" })).toBe("BAD_USER_INPUT");
    // An event-stream cursor ("3") is not a cursor of the jobs list.
    expect(await errorCode(member, JOBS_PAGE, { after: "3" })).toBe("BAD_USER_INPUT");
    // No cursor is null: an empty one is refused, not read as page 1 that claims a page before it.
    for (const filter of [{}, { reasonerType: "PREDICTIVE" }]) {
      const empty = await member.raw(JOBS_PAGE, { filter, after: "" });
      expect(empty.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    }
  });

  it("a job's events and logs page with first/after and pageInfo, without gap or repeat", async () => {
    const job = await createJob(t.admin, "LOGIC", 0, { reasonerName: "relay-engine" });
    const worker = new Worker({
      url: t.url,
      apiKey: ADMIN_KEY,
      name: "relay-worker",
      reasonerTypes: ["LOGIC"],
      reasonerNames: ["relay-engine"],
    });
    const lease = await worker.claim();
    expect(lease?.job.jobId).toBe(job.jobId);
    await worker.appendEvents(
      lease!.token,
      [0, 1, 2, 3, 4].map((n) => ({ n })),
    );
    await worker.appendLogs(
      lease!.token,
      [0, 1, 2, 3, 4].map((n) => ({ message: `m${n}`, timestampMs: 1_000 + n })),
    );

    const EVENTS = `query($id: ID!, $first: Int, $after: String) { job(reasonerType: LOGIC, jobId: $id) {
      events(first: $first, after: $after) { edges { cursor node { cursor data } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;
    const LOGS = `query($id: ID!, $first: Int, $after: String) { job(reasonerType: LOGIC, jobId: $id) {
      logs(first: $first, after: $after) { edges { cursor node { cursor message } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;

    for (const [query, field, item] of [
      [EVENTS, "events", (n: { data?: unknown; message?: string }) => n.data],
      [LOGS, "logs", (n: { data?: unknown; message?: string }) => n.message],
    ] as const) {
      const seen: unknown[] = [];
      const shapes: [number, boolean, boolean][] = [];
      let after: string | null = null;
      for (;;) {
        const data: {
          job: Record<
            string,
            {
              edges: { cursor: string; node: { cursor: string; data?: unknown; message?: string } }[];
              pageInfo: PageInfo;
            }
          >;
        } = await t.admin.request(query, { id: job.jobId, first: 2, after });
        const conn = data.job[field]!;
        for (const e of conn.edges) expect(e.cursor).toBe(e.node.cursor);
        expect(conn.pageInfo.startCursor).toBe(conn.edges[0]?.cursor ?? null);
        expect(conn.pageInfo.endCursor).toBe(conn.edges.at(-1)?.cursor ?? null);
        shapes.push([conn.edges.length, conn.pageInfo.hasNextPage, conn.pageInfo.hasPreviousPage]);
        seen.push(...conn.edges.map((e) => item(e.node)));
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
      }
      expect(shapes).toEqual([
        [2, true, false],
        [2, true, true],
        [1, false, true],
      ]);
      expect(seen).toEqual(field === "events" ? [0, 1, 2, 3, 4].map((n) => ({ n })) : ["m0", "m1", "m2", "m3", "m4"]);
      const empty = await t.admin.raw(query, { id: job.jobId, first: 2, after: "" });
      expect(empty.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    }
    await worker.complete(lease!.token);
  });
});
