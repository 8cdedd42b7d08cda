// Case 4, expansions: a page of 50 jobs with events, artifacts and status history costs the same
// number of SQL statements as a page of 5 (DataLoader batching), and its latency stays within 2x of
// fetching one job with the same selection (each timed to its response's last byte; the in-process
// client's JSON.parse is reported beside it). Statements are counted by the server's own counter
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
export async function furnish(sql: Sql, tenantId: string): Promise<void> {
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
      /**
       * One request, timed to its last byte (the latency: what the server and the wire take), and
       * to its parsed body too: the client shares the server's process here, and parsing a page of
       * 50 (45 kB) is the client's work, reported beside the ratio rather than charged to the server.
       */
      const post = async (query: string, variables: Record<string, unknown>) => {
        const start = process.hrtime.bigint();
        const res = await fetch(`${ours.url}/graphql`, {
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
        const parsedMs = msSince(start);
        if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
        return { data: body.data!, ms, parsedMs };
      };
      const page = async (n: number) => {
        const { data, ms, parsedMs } = await post(PAGE, { n });
        const nodes = (
          data as {
            jobs: {
              edges: { node: { events: { edges: unknown[] }; artifacts: unknown[]; statusHistory: unknown[] } }[];
            };
          }
        ).jobs.edges.map((e) => e.node);
        // The expansions must really be there, or counting statements proves nothing.
        if (
          nodes.length !== n ||
          nodes.some(
            (j) =>
              j.events.edges.length !== EVENTS_PER_JOB ||
              j.artifacts.length !== ARTIFACTS_PER_JOB ||
              j.statusHistory.length !== 3,
          )
        ) {
          throw new Error(`page of ${n}: expansions missing`);
        }
        return { ms, parsedMs };
      };
      const one = async (id: string) => {
        const { data, ms, parsedMs } = await post(ONE, { id });
        if ((data as { job: { artifacts: unknown[] } | null }).job?.artifacts.length !== ARTIFACTS_PER_JOB)
          throw new Error(`job ${id}: expansions missing`);
        return { ms, parsedMs };
      };
      const statementsOf = async (call: () => Promise<unknown>) => {
        const before = db.statementCount();
        await call();
        return db.statementCount() - before;
      };
      await page(5); // the first request records the key's lastUsedOn; count after it
      const counts = {
        one: await statementsOf(() => one(ids[0]!)),
        five: await statementsOf(() => page(5)),
        fifty: await statementsOf(() => page(50)),
      };
      o.log(`expansions statements: one job ${counts.one}, page of 5 ${counts.five}, page of 50 ${counts.fifty}`);

      const requests = o.quick ? 40 : 300;
      for (let i = 0; i < 20; i++) await Promise.all([page(50), one(ids[i % ids.length]!)]); // warm-up
      const pageMs: number[] = [];
      const oneMs: number[] = [];
      const parsedRatios: number[] = [];
      for (let r = 0; r < o.runs; r++) {
        const p: number[] = [];
        const s: number[] = [];
        const pp: number[] = [];
        const sp: number[] = [];
        for (let i = 0; i < requests; i++) {
          const a = await page(50);
          p.push(a.ms);
          pp.push(a.parsedMs);
          const b = await one(ids[i % ids.length]!);
          s.push(b.ms);
          sp.push(b.parsedMs);
        }
        pageMs.push(median(p));
        oneMs.push(median(s));
        parsedRatios.push(median(pp) / median(sp));
        o.log(
          `expansions run ${r + 1}/${o.runs}: page of 50 ${median(p).toFixed(2)} ms, one job ${median(s).toFixed(2)} ms (medians of ${requests}); ` +
            `with the client's parse ${median(pp).toFixed(2)} and ${median(sp).toFixed(2)} ms`,
        );
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
          note:
            `sequential requests, ${requests} of each per run, timed to the last byte, medians; ${EVENTS_PER_JOB} events, ${ARTIFACTS_PER_JOB} artifacts, 3 history rows per job; ` +
            `with the client's JSON.parse inside the clock the ratio is ${median(parsedRatios).toFixed(2)}x`,
        }),
      ];
    } finally {
      await ours.stop();
    }
  },
};
