// npm run bench [-- --quick] [--only throughput,latency] [--runs N] [--jobs N] [--concurrency N] [--soak-minutes N]
// Runs the cases one after another in this process (peers and ours alternate inside each case),
// writes bench/results.json, and rewrites the results table in bench/README.md between its markers.
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import type { BenchCase, ResultEntry } from "./case.ts";
import { countsCase, createsCase } from "./cases/creates.ts";
import { expansionsCase } from "./cases/expansions.ts";
import { generationCase } from "./cases/generation.ts";
import { federationCase } from "./cases/federation.ts";
import { graphqlOverheadCase } from "./cases/graphql-overhead.ts";
import { growthCase } from "./cases/growth.ts";
import { latencyCase } from "./cases/latency.ts";
import { memoryCase, soakCase } from "./cases/memory.ts";
import { notifyCase } from "./cases/notify.ts";
import { retentionCase } from "./cases/retention.ts";
import { throughputCase } from "./cases/throughput.ts";
import { twoProcessesCase } from "./cases/two-processes.ts";
import { assertPostgresReachable, PG_ADMIN_URL } from "./db.ts";
import { type PartialRun, type Report, renderTable, replaceBetweenMarkers } from "./report.ts";

/**
 * Case 5 (live updates) belongs to bench/subscriptions.ts, written alongside; it is loaded when
 * present. HOOK: if that module is missing or exports no `subscriptionsCase`, the case is skipped
 * and reported as such.
 */
async function subscriptionsCase(): Promise<BenchCase | null> {
  try {
    const module = (await import("./subscriptions.ts")) as { subscriptionsCase?: BenchCase };
    return module.subscriptionsCase ?? null;
  } catch (err) {
    if ((err as { code?: string }).code === "ERR_MODULE_NOT_FOUND") return null;
    throw err;
  }
}

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    runs: { type: "string" },
    concurrency: { type: "string" },
    jobs: { type: "string" },
    "soak-minutes": { type: "string" },
  },
  allowPositionals: false,
});

const quick = values.quick ?? false;
const runs = values.runs ? Number(values.runs) : quick ? 1 : 5;
const concurrency = values.concurrency ? Number(values.concurrency) : 8;
const jobs = values.jobs ? Number(values.jobs) : undefined;
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer`);
if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) throw new Error(`--jobs must be a positive integer`);
const soakMinutes = values["soak-minutes"] ? Number(values["soak-minutes"]) : undefined;
if (soakMinutes !== undefined && !(soakMinutes >= 1)) throw new Error(`--soak-minutes must be at least 1`);

const live = await subscriptionsCase();
const all: BenchCase[] = [
  throughputCase,
  latencyCase,
  graphqlOverheadCase,
  expansionsCase,
  ...(live ? [live] : []),
  notifyCase,
  generationCase,
  federationCase,
  createsCase,
  memoryCase,
  twoProcessesCase,
];
/** Long cases that run only when named with --only. */
const optIn: BenchCase[] = [retentionCase, soakCase, growthCase, countsCase];
const only = values.only ? new Set(values.only.split(",").map((s) => s.trim())) : null;
if (only) {
  const known = new Set([...all.map((c) => c.id), ...optIn.map((c) => c.id), "subscriptions"]);
  for (const id of only) if (!known.has(id)) throw new Error(`unknown case "${id}"; cases: ${[...known].join(", ")}`);
}
const selected = [...all, ...optIn].filter((c) => (only ? only.has(c.id) : all.includes(c)));

await assertPostgresReachable();
const started = Date.now();
const log = (message: string) =>
  process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
const results: ResultEntry[] = [];
const skipped: string[] = [];
if (!live && (!only || only.has("subscriptions"))) {
  skipped.push("subscriptions (bench/subscriptions.ts not present)");
  log("subscriptions: bench/subscriptions.ts is not there; case 5 skipped");
}
for (const c of selected) {
  log(`${c.title}: starting`);
  const entries = await c.run({
    quick,
    runs,
    concurrency,
    log,
    ...(jobs ? { jobs } : {}),
    ...(soakMinutes ? { soakMinutes } : {}),
  });
  results.push(...entries);
  for (const e of entries)
    log(
      `  ${e.name}: ${e.ours?.toFixed(2)} ${e.unit}${e.ratio === null ? "" : ` (${e.ratio.toFixed(2)}x)`}${e.met === undefined ? "" : e.met ? " met" : " MISSED"}`,
    );
}

const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
await admin.connect();
const postgres = (await admin.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v;
await admin.end();

const pkg = (name: string) =>
  (
    JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), "utf8")) as {
      version: string;
    }
  ).version;
const report: Report = {
  mode: quick ? "quick" : "full",
  runs,
  concurrency,
  jobs: jobs ?? (quick ? 1_000 : 50_000),
  finishedOn: new Date().toISOString(),
  durationS: Math.round((Date.now() - started) / 1000),
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres,
  },
  peers: {
    "graphile-worker": pkg("graphile-worker"),
    "pg-boss": pkg("pg-boss"),
    "@apollo/server": pkg("@apollo/server"),
    autocannon: pkg("autocannon"),
  },
  skipped,
  results,
};
const resultsUrl = new URL("./results.json", import.meta.url);
// A partial run (--only) keeps the other cases' entries from the last run of the same mode, and
// that run's header: it is listed as an amendment beneath it.
let written = report;
if (only) {
  try {
    const previous = JSON.parse(readFileSync(resultsUrl, "utf8")) as Report;
    if (previous.mode === report.mode) {
      const mine = new Set(results.map((r) => r.name));
      const cases = selected.map((c) => c.id);
      const amendment: PartialRun = {
        cases,
        runs,
        jobs: report.jobs,
        finishedOn: report.finishedOn,
        durationS: report.durationS,
      };
      written = {
        ...previous,
        results: [
          ...previous.results.filter(
            (r) => !mine.has(r.name) && !selected.some((c) => r.name.startsWith(prefixOf(c.id))),
          ),
          ...results,
        ],
        partialRuns: [
          ...(previous.partialRuns ?? []).filter((p) => !p.cases.every((c) => cases.includes(c))),
          amendment,
        ],
      };
    }
  } catch {
    // no previous results
  }
}
writeFileSync(resultsUrl, JSON.stringify(written, null, 2) + "\n");
log(`wrote bench/results.json (${written.results.length} entries)`);

const readmeUrl = new URL("./README.md", import.meta.url);
try {
  const readme = readFileSync(readmeUrl, "utf8");
  writeFileSync(readmeUrl, replaceBetweenMarkers(readme, "results", renderTable(written)));
  log("updated the results table in bench/README.md");
} catch (err) {
  log(`bench/README.md not updated: ${String(err)}`);
}
process.exit(0);

function prefixOf(caseId: string): string {
  return (
    {
      throughput: "throughput",
      latency: "dispatch latency",
      graphql: "GraphQL",
      expansions: "expansions",
      subscriptions: "subscriptions",
      notify: "NOTIFY",
      generation: "generation",
      creates: "creates:",
      counts: "creates: totalCount",
      retention: "retention:",
      memory: "memory:",
      soak: "soak:",
      growth: "growth:",
      "two-processes": "two processes:",
    }[caseId] ?? caseId
  );
}
