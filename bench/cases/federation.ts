// Case: federation. A front server whose PRESCRIPTIVE and GENERATION families are served by an
// upstream jobs service (JOBS_GATEWAYS), against the same requests sent to the upstream directly:
// a page of 50 jobs with expansions (events, artifacts, status history), and a create-then-wait
// (createJobReady of a small MOCK generation, run by the upstream's executors). Target: the remote
// hop costs at most 1.5x the direct latency. The upstream and the front are each a server process of
// their own (bench/child-server.ts), as deployed: in one process they would share one event loop and
// the front's work would queue behind the upstream's. Each has its own PostgreSQL database; the
// upstream's is filled here over its own connection. Requests alternate front and direct so drift of
// the machine hits both alike.
import pg from "pg";
import { textOf } from "../../src/db/commit-signals.ts";
import type { Sql } from "../../src/db/database.ts";
import type { Viewer } from "../../src/jobs/model.ts";
import { type BenchCase, type CaseOptions, ratioEntry, type ResultEntry } from "../case.ts";
import { type ChildServer, startChildServer } from "../child-server.ts";
import { ADMIN_KEY, insertNoopJobs, NOOP_TYPE } from "../ours.ts";
import { median, msSince } from "../stats.ts";
import { furnish } from "./expansions.ts";

/** The upstream's 50 furnished no-op jobs, written into its database from here (it runs elsewhere). */
async function fillUpstream(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const sql: Sql = {
      query: async <T>(statement: Parameters<Sql["query"]>[0], values?: readonly unknown[]) =>
        (await client.query(textOf(statement), values as unknown[])).rows as T[],
      queryRecords: () => Promise.reject(new Error("not used by the bench's inserts")),
    };
    const tenants = await sql.query<{ id: string }>(`select "id" from "tenants" order by "createdOn", "id" limit 1`);
    const tenantId = tenants[0]?.id;
    if (!tenantId) throw new Error("the upstream made no first tenant");
    const admin: Viewer = { tenantId, userId: "admin", email: null, role: "ADMIN", apiKeyId: null };
    await insertNoopJobs(sql, admin, 50);
    await furnish(sql, tenantId);
  } finally {
    await client.end();
  }
}

const SELECTION = `jobId state statusHistory { state nativeState createdOn } events { edges { node { cursor data } } } artifacts { id name sizeBytes contentHash }`;
const PAGE = `query Page { jobs(first: 50, filter: { reasonerType: ${NOOP_TYPE} }) { edges { node { ${SELECTION} } } } }`;
const CREATE_READY = `mutation Ready($p: JSON!) { createJobReady(input: { reasonerType: GENERATION, reasonerName: "mock", payload: $p }, timeoutS: 60) { jobId state } }`;

async function post(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ ms: number; data: Record<string, unknown> }> {
  const start = process.hrtime.bigint();
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify({ query, variables }),
  });
  const bytes = await res.arrayBuffer();
  const ms = msSince(start);
  const body = JSON.parse(Buffer.from(bytes).toString("utf8")) as {
    data?: Record<string, unknown>;
    errors?: unknown[];
  };
  if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return { ms, data: body.data! };
}

export const federationCase: BenchCase = {
  id: "federation",
  title: "Federation",
  async run(o: CaseOptions): Promise<ResultEntry[]> {
    const upstream = await startChildServer("fedup", { env: { JOBS_SWEEP_INTERVAL_MS: "0", JOBS_WORKERS: "2" } });
    let front: ChildServer | undefined;
    try {
      await fillUpstream(upstream.databaseUrl);
      const key = await post(upstream.url, `mutation { createApiKey(userId: "front", role: GATEWAY) { secret } }`);
      const apiKey = (key.data as { createApiKey: { secret: string } }).createApiKey.secret;
      front = await startChildServer("fedfront", {
        env: {
          JOBS_SWEEP_INTERVAL_MS: "0",
          JOBS_GATEWAYS: JSON.stringify([
            { name: "upstream", url: `${upstream.url}/graphql`, apiKey, reasonerTypes: [NOOP_TYPE, "GENERATION"] },
          ]),
        },
      });
      const frontUrl = front.url;
      const page = async (url: string) => {
        const { ms, data } = await post(url, PAGE);
        const edges = (data as { jobs: { edges: { node: { artifacts: unknown[] } }[] } }).jobs.edges;
        if (edges.length !== 50 || edges.some((e) => e.node.artifacts.length === 0))
          throw new Error(`${url}: page of 50 with expansions missing`);
        return ms;
      };
      let seed = 0;
      const createReady = async (url: string) => {
        const { ms, data } = await post(url, CREATE_READY, { p: { kind: "MOCK", rows: 10, seed: ++seed } });
        if ((data as { createJobReady: { state: string } }).createJobReady.state !== "SUCCEEDED")
          throw new Error(`${url}: createJobReady did not succeed`);
        return ms;
      };
      for (let i = 0; i < 10; i++)
        await Promise.all([page(frontUrl), page(upstream.url), createReady(frontUrl), createReady(upstream.url)]); // warm-up

      const pages = o.quick ? 30 : 200;
      const creates = o.quick ? 10 : 60;
      const pageFront: number[] = [];
      const pageDirect: number[] = [];
      const readyFront: number[] = [];
      const readyDirect: number[] = [];
      for (let r = 0; r < o.runs; r++) {
        const pf: number[] = [];
        const pd: number[] = [];
        const rf: number[] = [];
        const rd: number[] = [];
        for (let i = 0; i < pages; i++) {
          pf.push(await page(frontUrl));
          pd.push(await page(upstream.url));
        }
        for (let i = 0; i < creates; i++) {
          rf.push(await createReady(frontUrl));
          rd.push(await createReady(upstream.url));
        }
        pageFront.push(median(pf));
        pageDirect.push(median(pd));
        readyFront.push(median(rf));
        readyDirect.push(median(rd));
        o.log(
          `federation run ${r + 1}/${o.runs}: page of 50 ${median(pf).toFixed(2)} ms through the front, ${median(pd).toFixed(2)} ms direct; ` +
            `create-then-wait ${median(rf).toFixed(2)} ms through the front, ${median(rd).toFixed(2)} ms direct`,
        );
      }
      const common = { runs: o.runs, unit: "ms", better: "lower" as const, maxRatio: 1.5, target: "<= 1.5x" };
      return [
        ratioEntry({
          ...common,
          name: "federation: page of 50 jobs with expansions, through a front vs at the upstream (latency)",
          ours: pageFront,
          peer: pageDirect,
          note: `sequential, ${pages} of each per run, alternating, medians; one upstream request per page: the front forwards the client's query as written (pass-through) and answers the upstream's JSON with its cursors and download URLs rewritten; front and upstream are separate processes (one event loop each), sharing the machine's cores with PostgreSQL and the client`,
        }),
        ratioEntry({
          ...common,
          name: "federation: create-then-wait (createJobReady, MOCK 10 rows), through a front vs at the upstream (latency)",
          ours: readyFront,
          peer: readyDirect,
          note: `sequential, ${creates} of each per run, alternating, medians; the front forwards the create, then waits upstream (waitForJob)`,
        }),
      ];
    } finally {
      await front?.stop();
      await upstream.stop();
    }
  },
};
