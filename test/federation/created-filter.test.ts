// A front relays createdAfter/createdBefore to the upstream serving a family: filtering the upstream's
// jobs by creation time through the front answers what the upstream answers directly, both when the
// query is passed through as written (one family) and when the front merges families itself (the
// remote gateway's own upstream request), page and totalCount alike.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { type Federation, startFederation } from "../helpers/federation.ts";
import { createJob, createKey } from "../helpers/fixtures.ts";
import type { GraphQLClient } from "../helpers/server.ts";

const HOUR = 3_600_000;
const T0 = Date.parse("2026-03-01T00:00:00.000Z");
const at = (hours: number) => new Date(T0 + hours * HOUR).toISOString();

type Listed = { jobs: { totalCount: number; edges: { node: { jobId: string } }[] } };
const LIST = `query($f: JobFilter) { jobs(filter: $f, first: 50) { totalCount edges { node { jobId } } } }`;

describe.each(backends)("creation-time filter through a front on $name", (backend) => {
  let federation: Federation;
  let viaFront: GraphQLClient;
  let direct: GraphQLClient;
  /** jobIds by the hour (after T0) each was created at. */
  const byHour: string[] = [];

  beforeAll(async () => {
    federation = await startFederation(backend, { families: ["GENERATION"] });
    const { upstream, front } = federation;
    viaFront = front.client(await createKey(front.admin, "alice"));
    direct = upstream.client(await createKey(upstream.admin, "alice"));
    for (let hour = 0; hour < 4; hour++) {
      const job = await createJob(viaFront, "GENERATION", hour);
      await upstream.server.services.db.query(`update "jobs" set "createdOn" = $2::timestamptz where "id" = $1::uuid`, [
        job.jobId,
        at(hour),
      ]);
      byHour.push(job.jobId);
    }
  }, 120_000);
  afterAll(() => federation?.stop());

  const hoursOf = (data: Listed) => ({
    hours: data.jobs.edges.map((e) => byHour.indexOf(e.node.jobId)),
    count: data.jobs.totalCount,
  });

  it.each([
    ["createdAfter", { createdAfter: at(1) }, [3, 2, 1]],
    ["createdBefore", { createdBefore: at(2) }, [1, 0]],
    ["both", { createdAfter: at(1), createdBefore: at(3) }, [2, 1]],
  ] as const)("%s: the front's page and count are the upstream's", async (_what, window, hours) => {
    const there = hoursOf(await direct.request<Listed>(LIST, { f: { reasonerType: "GENERATION", ...window } }));
    expect(there).toEqual({ hours, count: hours.length });
    // One family: passed through as written.
    expect(hoursOf(await viaFront.request<Listed>(LIST, { f: { reasonerType: "GENERATION", ...window } }))).toEqual(
      there,
    );
    // Every family: the front merges, asking the upstream with the filter it builds.
    expect(hoursOf(await viaFront.request<Listed>(LIST, { f: window }))).toEqual(there);
  });
});
