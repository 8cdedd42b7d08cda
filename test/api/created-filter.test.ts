// jobs(filter: { createdAfter, createdBefore }): a half-open window [createdAfter, createdBefore) over
// createdOn, applied alike to the page and its totalCount, on PGlite and PostgreSQL. The jobs' creation
// times are set in the database to fixed hours, so every edge is exact.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createJob, createKey, type ReasonerType } from "../helpers/fixtures.ts";
import { type GraphQLClient, startTestServer, type TestServer } from "../helpers/server.ts";

const HOUR = 3_600_000;
const T0 = Date.parse("2026-03-01T00:00:00.000Z");
const at = (hours: number) => new Date(T0 + hours * HOUR).toISOString();
/** The families of the jobs created at hours 0..3: two LOGIC, so one family's own statement is read too. */
const FAMILIES: ReasonerType[] = ["LOGIC", "AGENT", "LOGIC", "GENERATION"];

type Listed = { jobs: { totalCount: number; edges: { node: { jobId: string } }[] } };
const LIST = `query($f: JobFilter) { jobs(filter: $f, first: 50) { totalCount edges { node { jobId } } } }`;

describe.each(backends)("jobs(filter: createdAfter/createdBefore) on $name", (backend) => {
  let t: TestServer;
  let clock: GraphQLClient;
  /** jobIds by the hour (after T0) each was created at. */
  const byHour: string[] = [];

  beforeAll(async () => {
    t = await startTestServer(backend);
    clock = t.client(await createKey(t.admin, "clock"));
    for (const [hour, type] of FAMILIES.entries()) {
      const job = await createJob(clock, type, hour);
      await t.server.services.db.query(`update "jobs" set "createdOn" = $2::timestamptz where "id" = $1::uuid`, [
        job.jobId,
        at(hour),
      ]);
      byHour.push(job.jobId);
    }
  });
  afterAll(async () => t?.stop());

  /** The page's jobs (newest first) as hours, and its totalCount. */
  async function listed(filter: Record<string, unknown>): Promise<{ hours: number[]; count: number }> {
    const data = await clock.request<Listed>(LIST, { f: filter });
    return {
      hours: data.jobs.edges.map((e) => byHour.indexOf(e.node.jobId)),
      count: data.jobs.totalCount,
    };
  }

  it("createdAfter includes a job created at that very time; createdBefore excludes it", async () => {
    expect(await listed({ createdAfter: at(1) })).toEqual({ hours: [3, 2, 1], count: 3 });
    expect(await listed({ createdBefore: at(2) })).toEqual({ hours: [1, 0], count: 2 });
    // Between two jobs: the bounds' own side does not matter.
    expect(await listed({ createdAfter: at(1.5) })).toEqual({ hours: [3, 2], count: 2 });
    expect(await listed({ createdBefore: at(1.5) })).toEqual({ hours: [1, 0], count: 2 });
    expect(await listed({ createdAfter: at(4) })).toEqual({ hours: [], count: 0 });
  });

  it("both bounds make a window; consecutive windows neither overlap nor skip a job", async () => {
    expect(await listed({ createdAfter: at(1), createdBefore: at(3) })).toEqual({ hours: [2, 1], count: 2 });
    const windows = [
      [-1, 1],
      [1, 2],
      [2, 3],
      [3, 5],
    ] as const;
    const seen: number[] = [];
    for (const [from, to] of windows)
      seen.push(...(await listed({ createdAfter: at(from), createdBefore: at(to) })).hours);
    expect(seen.sort()).toEqual([0, 1, 2, 3]);
  });

  it("combines with the other conditions: one family, oldest first", async () => {
    expect(await listed({ reasonerType: "LOGIC", createdAfter: at(1) })).toEqual({ hours: [2], count: 1 });
    expect(await listed({ reasonerType: "LOGIC", createdBefore: at(2) })).toEqual({ hours: [0], count: 1 });
    const oldestFirst = await clock.request<Listed>(
      `query($f: JobFilter) { jobs(filter: $f, orderBy: { field: CREATED_ON, direction: ASC }) { totalCount edges { node { jobId } } } }`,
      { f: { createdAfter: at(1), createdBefore: at(4) } },
    );
    expect(oldestFirst.jobs.edges.map((e) => byHour.indexOf(e.node.jobId))).toEqual([1, 2, 3]);
  });

  it("refuses an empty window (createdAfter at or after createdBefore), naming filter.createdBefore", async () => {
    for (const [from, to] of [
      [2, 2],
      [3, 1],
    ]) {
      const res = await clock.raw(LIST, { f: { createdAfter: at(from!), createdBefore: at(to!) } });
      expect(res.data?.jobs ?? null).toBeNull();
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "filter.createdBefore" });
    }
  });
});
