// Cost as the work grows (issue #26; opt-in: `--only growth`, it loads many rows): the same
// measurements on a database holding 0, 100,000 and N finished jobs (`--jobs N`; 1,000,000 by
// default, 100,000 with --quick), each with its status history, events, log lines and owner grant,
// bulk-loaded with generate_series straight into the tables. Measured on each:
// - claim + dispatch latency: one job added with its change notification, until the real Runner
//   (one slot) has started it (the latency case's method);
// - create latency: one createJob over HTTP;
// - a page of 50 jobs with expansions (status history, events, artifacts) over HTTP;
// - one sweep (the sweeper's pass, with nothing to move).
// Each figure is reported as the ratio to the empty database (target <= 1.5x). Every size gets its
// own fresh server and database; the order of sizes alternates per run.
import { uuidv7 } from "uuidv7";
import type { Sql } from "../../src/db/database.ts";
import type { Viewer } from "../../src/jobs/model.ts";
import { initialStates, nativeStateOf } from "../../src/jobs/states.ts";
import { sweep } from "../../src/workers/protocol/sql/sweep.ts";
import { type BenchCase, type CaseOptions, ratioEntry, type ResultEntry } from "../case.ts";
import { insertNoopJobs, NOOP_QUEUE, NOOP_TYPE, noopRunner, postGraphql, startOurServer } from "../ours.ts";
import { median, msSince } from "../stats.ts";

const CHUNK = 50_000;
const SAMPLES = 200;
const CREATE_JOB = `mutation($input: CreateJobInput!) { createJob(input: $input) { job { jobId } } }`;
const PAGE = `{ jobs(first: 50, filter: { reasonerType: ${NOOP_TYPE} }) { edges { node { jobId state statusHistory { state createdOn } events { edges { node { cursor data } } } artifacts { id name } } } } }`;

/** A uuidv7 (time-ordered, as the API makes them) from a timestamp and a number, in SQL. */
const uuidv7Sql = (at: string, n: string) =>
  `(lpad(to_hex((extract(epoch from ${at}) * 1000)::bigint), 12, '0') || '7' || substr(md5(${n}::text), 1, 3) || '8' || substr(md5(${n}::text), 4, 15))::uuid`;

/**
 * Loads `count` no-op jobs finished a day ago, each with the four status-history entries a run
 * leaves (the first ones implied by the job's row, the rest stored), three events, three log lines
 * and the owner grant, CHUNK jobs per statement.
 */
async function loadFinished(sql: Sql, viewer: Viewer, count: number): Promise<void> {
  const implied = initialStates(NOOP_TYPE).length;
  const states = [...initialStates(NOOP_TYPE), "RUNNING", "SUCCEEDED"] as const;
  const history = states
    .map((s, i) => `(${i + 1}, '${s}', '${nativeStateOf(NOOP_TYPE, s)}')`)
    .slice(implied)
    .join(", ");
  for (let from = 1; from <= count; from += CHUNK) {
    await sql.query(
      `with made as (
         insert into "jobs" ("id", "tenantId", "reasonerType", "reasonerName", "state", "nativeState", "createdBy",
           "payload", "queue", "priority", "attempts", "statusSeq", "impliedHistory", "eventSeq", "logSeq", "revision",
           "createdOn", "updatedOn", "startedOn", "finishedOn")
         select ${uuidv7Sql("g.t", "g.i")}, $1::uuid, '${NOOP_TYPE}', '${NOOP_QUEUE}', 'SUCCEEDED', '${nativeStateOf(NOOP_TYPE, "SUCCEEDED")}', $2,
           jsonb_build_object('i', g.i), '${NOOP_QUEUE}', 0, 1, ${states.length}, ${implied}, 3, 3, 4, g.t, g.t, g.t, g.t
         from (select i, now() - interval '1 day' + i * interval '1 ms' as t from generate_series($3::int, $4::int) i) g
         returning "id", "createdOn"
       ), history as (
         insert into "job_status_changes" ("jobId", "seq", "state", "nativeState", "createdById", "createdOn")
         select m."id", s.seq, s.state::"JobState", s.native, $2, m."createdOn"
         from made m cross join (values ${history}) as s(seq, state, native)
       ), events as (
         insert into "job_events" ("jobId", "seq", "stream", "data", "createdOn")
         select m."id", s, 'progress', jsonb_build_object('step', s, 'of', 3), m."createdOn" from made m, generate_series(1, 3) s
       ), logs as (
         insert into "job_log_lines" ("jobId", "seq", "timestampMs", "level", "message")
         select m."id", s, s, 'info', 'line ' || s from made m, generate_series(1, 3) s
       ), grants as (
         insert into "access_grants" ("jobId", "subjectId", "email", "relation")
         select m."id", $2, $5::text, 'OWNER' from made m
       )
       select count(*)::int as n from made`,
      [viewer.tenantId, viewer.userId, from, Math.min(count, from + CHUNK - 1), viewer.email],
    );
  }
  await sql.query("vacuum analyze");
}

interface Figures {
  dispatchMs: number;
  createMs: number;
  pageMs: number;
  sweepMs: number;
}

async function timed(fn: () => Promise<unknown>, samples: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < samples + 10; i++) {
    const start = process.hrtime.bigint();
    await fn();
    if (i >= 10) times.push(msSince(start));
  }
  return median(times);
}

/** The four figures on a fresh database holding `finished` finished jobs. */
async function measureAt(finished: number, log: (m: string) => void): Promise<Figures> {
  const s = await startOurServer(`growth_${finished}`, {
    JOBS_SWEEP_INTERVAL_MS: "0",
    JOBS_RETENTION_INTERVAL_MS: "0",
  });
  try {
    const db = s.server.services.db;
    const loadStart = process.hrtime.bigint();
    if (finished > 0) await loadFinished(db, s.admin, finished);
    log(`  growth: ${finished} finished jobs loaded in ${(msSince(loadStart) / 1000).toFixed(1)} s`);
    // Claim + dispatch: one job added with its notification, until the Runner's executor starts it.
    const starts = new Map<string, () => void>();
    const runner = noopRunner(s.server, 1, { onStart: (jobId) => starts.get(jobId)?.() }).start();
    let dispatchMs: number;
    try {
      dispatchMs = await timed(async () => {
        const id = uuidv7();
        const started = new Promise<void>((resolve) => starts.set(id, resolve));
        await insertNoopJobs(db, s.admin, 1, { notify: true, ids: [id] });
        await started;
        starts.delete(id);
      }, SAMPLES);
    } finally {
      await runner.stop();
    }
    let n = 0;
    const createMs = await timed(
      () =>
        postGraphql(s.url, CREATE_JOB, {
          input: { reasonerType: NOOP_TYPE, reasonerName: NOOP_QUEUE, payload: { n: n++ } },
        }),
      SAMPLES,
    );
    const pageMs = await timed(() => postGraphql(s.url, PAGE), SAMPLES);
    const sweepMs = await timed(() => sweep(db), 50);
    return { dispatchMs, createMs, pageMs, sweepMs };
  } finally {
    await s.stop();
  }
}

const FIGURES: [keyof Figures, string][] = [
  ["dispatchMs", "claim + dispatch latency"],
  ["createMs", "createJob latency"],
  ["pageMs", "a page of 50 jobs with expansions"],
  ["sweepMs", "one sweep"],
];

export const growthCase: BenchCase = {
  id: "growth",
  title: "Cost as finished jobs accumulate",
  async run(o: CaseOptions): Promise<ResultEntry[]> {
    const largest = o.jobs ?? (o.quick ? 100_000 : 1_000_000);
    const sizes = [...new Set([0, Math.min(100_000, largest), largest])];
    const at = new Map<number, Figures[]>(sizes.map((n) => [n, []]));
    for (let r = 0; r < o.runs; r++) {
      for (const size of r % 2 === 0 ? sizes : [...sizes].reverse()) {
        const f = await measureAt(size, o.log);
        at.get(size)!.push(f);
        o.log(
          `growth run ${r + 1}/${o.runs} at ${size}: dispatch ${f.dispatchMs.toFixed(2)} ms, create ${f.createMs.toFixed(2)} ms, page ${f.pageMs.toFixed(2)} ms, sweep ${f.sweepMs.toFixed(2)} ms`,
        );
      }
    }
    const empty = at.get(0)!;
    return sizes
      .filter((size) => size > 0)
      .flatMap((size) =>
        FIGURES.map(([key, what]) =>
          ratioEntry({
            name: `growth: ${what} with ${size} finished jobs vs an empty database`,
            ours: at.get(size)!.map((f) => f[key]),
            peer: empty.map((f) => f[key]),
            unit: "ms",
            better: "lower",
            maxRatio: 1.5,
            target: "<= 1.5x",
            runs: o.runs,
            note: `median of ${key === "sweepMs" ? 50 : SAMPLES} sequential samples; finished jobs with 4 history rows, 3 events, 3 log lines and an owner grant each`,
          }),
        ),
      );
  },
};
