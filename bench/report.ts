// The results table of bench/README.md, made from bench/results.json.
import type { ResultEntry } from "./case.ts";

/** A later `--only` run whose entries replaced its cases' entries in a report. */
export interface PartialRun {
  cases: string[];
  runs: number;
  jobs: number;
  finishedOn: string;
  durationS: number;
}

export interface Report {
  mode: string;
  runs: number;
  concurrency: number;
  jobs: number;
  finishedOn: string;
  durationS: number;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; postgres: string };
  peers: Record<string, string>;
  skipped: string[];
  results: ResultEntry[];
  /** Set when `--only` runs updated some cases since: the header above describes the run they amended. */
  partialRuns?: PartialRun[];
}

const num = (v: number | null) =>
  v === null ? "" : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);

export function renderTable(r: Report): string {
  const lines = [
    `Mode **${r.mode}**, medians of ${r.runs} run(s); throughput runs of ${r.jobs} jobs, ${r.concurrency} in flight; finished ${r.finishedOn} after ${r.durationS} s.`,
    ...(r.partialRuns ?? []).map(
      (p) =>
        `Amended by an \`--only ${p.cases.join(",")}\` run (${p.runs} run(s)), finished ${p.finishedOn} after ${p.durationS} s: its entries replace those cases' (their notes say how each was measured).`,
    ),
    `Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGiB} GiB; Node ${r.machine.node}; PostgreSQL ${r.machine.postgres}.`,
    `Peers: ${Object.entries(r.peers)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}.`,
    "",
    "| case | ours | peer | ratio (median of per-run ours/peer) | unit | better | target | met |",
    "|---|---:|---:|---:|---|---|---|---|",
    ...r.results.map(
      (e) =>
        `| ${e.name} | ${num(e.ours)} | ${num(e.peer)} | ${e.ratio === null ? "" : `${e.ratio.toFixed(2)}x`} | ${e.unit} | ${e.better} | ${e.target ?? ""} | ${e.met === undefined ? "" : e.met ? "yes" : "**no**"} |`,
    ),
  ];
  if (r.skipped.length) lines.push("", `Skipped: ${r.skipped.join("; ")}.`);
  return lines.join("\n");
}

/** Replaces what lies between `<!-- name:start -->` and `<!-- name:end -->`; the markers stay. */
export function replaceBetweenMarkers(text: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`markers ${start} … ${end} not found`);
  return `${text.slice(0, i + start.length)}\n${content}\n${text.slice(j)}`;
}
