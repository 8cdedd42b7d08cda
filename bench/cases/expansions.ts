// Case 4, expansions: a page of 50 jobs with events, artifacts and status history costs the same
// number of SQL statements as a page of 5 (DataLoader batching), and its latency stays within 2x of
// fetching one job with the same selection. Statements are counted by the server's own counter
// (Database.statementCount), with the sweeper and LISTEN probes off so nothing else is counted.
import { type BenchCase, boundEntry, type CaseOptions, ratioEntry, type ResultEntry } from "../case.ts";
import { insertNoopJobs, NOOP_TYPE, startOurServer, ADMIN_KEY } from "../ours.ts";
import { median, msSince } from "../stats.ts";
import type { Sql } from "../../src/db/database.ts";

const SELECTION = `jobId state statusHistory { state nativeState createdOn } events { edges { node { cursor data } } } artifacts { id name sizeBytes contentHash }`;
const PAGE = `query Page($n: Int!) { jobs(first: $n, filter: { reasonerType: ${NOOP_TYPE} }) { edges { node { ${SELECTION} } } } }`;
const ONE = `query One($id: ID!) { job(reasonerType: ${NOOP_TYPE}, jobId: $id) { ${SELECTION} } }`;

const EVENTS_PER_JOB = 3;
const ARTIFACTS_PER_JOB = 2;

/** Gives every job events and artifacts (rows as the worker protocol writes them) and a third history row. */
async function furnish(sql: Sql, tenantId: string): Promise<void> {
  await sql.query(
    `with ev as (
       insert into "job_events" ("jobId", "seq", "stream", "data")
       select j."id", s, 'progress', jsonb_build_object('step', s, 'of', ${EVENTS_PER_JOB}) from "jobs" j, generate_series(1, ${EVENTS_PER_JOB}) s
     ), art as (
       insert into "artifacts" ("id", "tenantId", "jobId", "name", "artifactType", "mimeType", "sizeBytes", "contentHash")
       select gen_random_uuid(), $1::uuid, j."id", 'part-' || s || '.csv', 'file', 'text/csv', 1000 + s, 'sha256:' || encode(sha256(convert_to(j."id"::text || s, 'UTF8')), 'hex')
       from "jobs" j, generate_series(1, ${ARTIFACTS_PER_JOB}) s
     ), hist as (
       insert into "job_status_changes" ("jobId", "seq", "state", "nativeState", "message", "createdById")
       select j."id", 3, 'RUNNING', 'RUNNING', 'started', 'admin' from "jobs" j
     )
     update "jobs" set "eventSeq" = ${EVENTS_PER_JOB}, "statusSeq" = 3, "state" = 'RUNNING', "nativeState" = 'RUNNING', "startedOn" = now()`,
    [tenantId],
  );
}

export const expansionsCase: BenchCase = {
  id: "expansions",
  title: "Expansions",
  async run(o: CaseOptions): Promise<ResultEntry[]> {
    const ours = await startOurServer("exp", { JOBS_SWEEP_INTERVAL_MS: "0", JOBS_LISTEN_PROBE_MS: "0" });
    try {
      const db = ours.server.services.db;
      const ids = await insertNoopJobs(db, ours.admin, 50);
      await furnish(db, ours.admin.tenantId);
      const post = async (query: string, variables: Record<string, unknown>) => {
        const res = await fetch(`${ours.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
        if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
        return body.data!;
      };
      const page = async (n: number) => {
        const data = (await post(PAGE, { n })) as { jobs: { edges: { node: { events: { edges: unknown[] }; artifacts: unknown[]; statusHistory: unknown[] } }[] } };
        const nodes = data.jobs.edges.map((e) => e.node);
        // The expansions must really be there, or counting statements proves nothing.
        if (nodes.length !== n || nodes.some((j) => j.events.edges.length !== EVENTS_PER_JOB || j.artifacts.length !== ARTIFACTS_PER_JOB || j.statusHistory.length !== 3)) {
          throw new Error(`page of ${n}: expansions missing`);
        }
      };
      const one = async (id: string) => {
        const data = (await post(ONE, { id })) as { job: { artifacts: unknown[] } | null };
        if (data.job?.artifacts.length !== ARTIFACTS_PER_JOB) throw new Error(`job ${id}: expansions missing`);
      };
      const statementsOf = async (call: () => Promise<void>) => {
        const before = db.statementCount();
        await call();
        return db.statementCount() - before;
      };
      await page(5); // the first request records the key's lastUsedOn; count after it
      const counts = { one: await statementsOf(() => one(ids[0]!)), five: await statementsOf(() => page(5)), fifty: await statementsOf(() => page(50)) };
      o.log(`expansions statements: one job ${counts.one}, page of 5 ${counts.five}, page of 50 ${counts.fifty}`);

      const requests = o.quick ? 40 : 300;
      for (let i = 0; i < 20; i++) await Promise.all([page(50), one(ids[i % ids.length]!)]); // warm-up
      const pageMs: number[] = [];
      const oneMs: number[] = [];
      for (let r = 0; r < o.runs; r++) {
        const p: number[] = [];
        const s: number[] = [];
        for (let i = 0; i < requests; i++) {
          let t = process.hrtime.bigint();
          await page(50);
          p.push(msSince(t));
          t = process.hrtime.bigint();
          await one(ids[i % ids.length]!);
          s.push(msSince(t));
        }
        pageMs.push(median(p));
        oneMs.push(median(s));
        o.log(`expansions run ${r + 1}/${o.runs}: page of 50 ${median(p).toFixed(2)} ms, one job ${median(s).toFixed(2)} ms (medians of ${requests})`);
      }
      const common = { runs: o.runs };
      return [
        boundEntry({
          ...common,
          name: "expansions: statements for a page of 50 minus a page of 5 (constant = 0)",
          ours: counts.fifty - counts.five,
          max: 0,
          unit: "statements",
          better: "lower",
          target: "= 0 (constant per request)",
          note: `one job ${counts.one}, page of 5 ${counts.five}, page of 50 ${counts.fifty} statements (auth included)`,
        }),
        ratioEntry({
          ...common,
          name: "expansions: page of 50 jobs vs one job, same selection (latency)",
          ours: pageMs,
          peer: oneMs,
          unit: "ms",
          better: "lower",
          maxRatio: 2,
          target: "<= 2x",
          note: `sequential requests, ${requests} of each per run, medians; ${EVENTS_PER_JOB} events, ${ARTIFACTS_PER_JOB} artifacts, 3 history rows per job`,
        }),
      ];
    } finally {
      await ours.stop();
    }
  },
};
