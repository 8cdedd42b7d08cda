// Human output: tables and short summaries of jobs, artifacts and checks. -o json|yaml bypasses all of it.
import Table from "cli-table3";
import type { ApiKey, Artifact, BatchJobStep, Job, JobProblem, JobSummary, Schedule } from "@jobs-api/client";

/** How tables are drawn for this run. */
export interface TableStyle {
  /** Every column, full times (-o wide); otherwise columns fitted to `width`, times as ages. */
  wide: boolean;
  /** The terminal's width; undefined when stdout is not a terminal (nothing is cut). */
  width: number | undefined;
  /** ANSI colour: on a terminal, unless NO_COLOR is set (FORCE_COLOR forces it). */
  color: boolean;
  /** "Now" for ages, in ms. */
  now: number;
}

export function tableStyle(
  wide: boolean,
  env: NodeJS.ProcessEnv = process.env,
  stdout: { isTTY?: boolean; columns?: number } = process.stdout,
): TableStyle {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== "";
  return {
    wide,
    width: stdout.isTTY && stdout.columns ? stdout.columns : undefined,
    color: forced || (!noColor && Boolean(stdout.isTTY)),
    now: Date.now(),
  };
}

const plain = { head: [], border: [] };
/** Lists as columns without borders, like `docker ps`. */
const columns = {
  chars: {
    top: "",
    "top-mid": "",
    "top-left": "",
    "top-right": "",
    bottom: "",
    "bottom-mid": "",
    "bottom-left": "",
    "bottom-right": "",
    left: "",
    "left-mid": "",
    mid: "",
    "mid-mid": "",
    right: "",
    "right-mid": "",
    middle: "",
  },
  style: { head: [], border: [], "padding-left": 0, "padding-right": 2 },
};
/** No rule between rows: a compact box. */
const compact = { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" };

type Column = [head: string, cell: (j: JobSummary, style: TableStyle) => string];
const JOB_COLUMNS: Record<string, Column> = {
  id: ["JOB ID", (j) => j.jobId],
  type: ["TYPE", (j) => j.reasonerType],
  state: ["STATE", (j, s) => stateText(j.state, s.color)],
  native: ["NATIVE", (j) => j.nativeState],
  name: ["NAME", (j) => j.name ?? ""],
  createdBy: ["CREATED BY", (j) => j.createdBy],
  created: ["CREATED", (j) => j.createdOn],
  age: ["AGE", (j, s) => age(j.createdOn, s.now)],
  duration: ["DURATION", (j) => duration(j.durationMs)],
};
const WIDE = ["id", "type", "state", "native", "name", "createdBy", "created", "duration"];
const NARROW = ["id", "type", "state", "name", "createdBy", "age", "duration"];
/** What a narrow terminal loses first. */
const DROP_ORDER = ["createdBy", "duration", "type", "name", "age"];

export function jobsTable(jobs: readonly JobSummary[], style: TableStyle = tableStyle(false)): string {
  const draw = (keys: readonly string[]) => {
    const table = new Table({ head: keys.map((k) => JOB_COLUMNS[k]![0]), ...columns });
    for (const j of jobs) table.push(keys.map((k) => JOB_COLUMNS[k]![1](j, style)));
    return trimLines(table.toString());
  };
  let keys = style.wide ? WIDE : NARROW;
  let text = draw(keys);
  for (const drop of DROP_ORDER) {
    if (style.wide || style.width === undefined || widest(text) <= style.width) break;
    keys = keys.filter((k) => k !== drop);
    text = draw(keys);
  }
  return text;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour escapes start with ESC.
const ANSI = /\u001b\[[0-9;]*m/g;
const widest = (text: string) => Math.max(0, ...text.split("\n").map((l) => l.replace(ANSI, "").length));

/** SGR colour codes (util.styleText decides by itself whether stdout may have colour; we decided). */
const STATE_COLORS: Record<string, number> = { SUCCEEDED: 32, FAILED: 31, CANCELED: 33, CANCELING: 33, RUNNING: 36 };

/** Under a page of jobs: how many it shows of how many match, "25 of about 120,000 jobs" for the server's estimate. */
export function pageCount(page: {
  jobs: readonly unknown[];
  totalCount: number;
  totalCountIsEstimate: boolean;
}): string {
  const total = page.totalCount.toLocaleString("en-US");
  return `${page.jobs.length} of ${page.totalCountIsEstimate ? "about " : ""}${total} job${page.totalCount === 1 ? "" : "s"}`;
}

function stateText(state: string, color: boolean): string {
  const c = STATE_COLORS[state];
  return color && c ? `\u001b[${c}m${state}\u001b[39m` : state;
}

/** "5m ago": how long before `now` an ISO time was. */
export function age(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (!Number.isFinite(s)) return iso;
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

export function jobDetails(job: Job, style: TableStyle = tableStyle(false)): string {
  const rows: [string, string][] = [
    ["Job ID", job.jobId],
    ["Type", `${job.reasonerType} (${job.__typename})`],
    ["Reasoner", job.reasonerName],
    ["Name", job.name ?? ""],
    ["State", `${job.state} (${job.nativeState})`],
    ["Created", `${job.createdOn} by ${job.createdBy}`],
    ["Started", job.startedOn ?? ""],
    ["Finished", job.finishedOn ?? ""],
    ["Duration", duration(job.durationMs)],
  ];
  if (job.error) rows.push(["Error", `${job.error.code}: ${job.error.message}`]);
  if (job.problems.length) rows.push(["Problems", problemCounts(job.problems)]);
  if (job.batchStep)
    rows.push([
      "Made by",
      `step ${job.batchStep.position + 1} (${job.batchStep.name}) of batch ${job.batchStep.batchJobId}`,
    ]);
  if (job.__typename === "GenerationJob") {
    rows.push(
      ["Kind", `${job.kind}${job.rows === null ? "" : `, ${job.rows} rows`}, seed ${job.seed}`],
      ["Queue", `${job.queue} (${job.planTier})`],
      ["Credits", `${job.chargedCredits} charged, ${job.estimatedCredits} estimated`],
    );
    if (job.rerunOf) rows.push(["Rerun of", job.rerunOf.jobId]);
    if (job.evidence)
      rows.push([
        "Evidence",
        `${job.evidence.verified ? "verified" : "NOT verified"} by the server, root ${job.evidence.rootHash}`,
      ]);
    if (job.seal) rows.push(["Seal", job.seal.sealHash]);
  }
  const table = new Table({ style: plain, chars: compact });
  for (const [k, v] of rows) table.push({ [k]: v });
  const parts = [table.toString()];
  if (job.__typename === "BatchJob" && job.steps.length) parts.push(stepsTable(job.steps));
  if (job.artifacts.length) parts.push(artifactsTable(job.artifacts));
  if (job.problems.length) parts.push(problemsTable(job.problems, style));
  return parts.join("\n");
}

/** How many problems of each severity, in the order the severities first appear: "2 error, 1 warning". */
function problemCounts(problems: readonly JobProblem[]): string {
  const counts = new Map<string, number>();
  for (const p of problems) counts.set(p.severity, (counts.get(p.severity) ?? 0) + 1);
  return [...counts].map(([severity, n]) => `${n} ${severity.toLowerCase()}`).join(", ");
}

/** A job can report up to 1,000 problems: the table shows the first few, -o wide every one with its details. */
const PROBLEMS_SHOWN = 5;

export function problemsTable(problems: readonly JobProblem[], style: TableStyle = tableStyle(false)): string {
  const shown = style.wide ? problems : problems.slice(0, PROBLEMS_SHOWN);
  const table = new Table({
    head: ["SEVERITY", "CODE", "MESSAGE", ...(style.wide ? ["DETAILS"] : [])],
    ...columns,
  });
  for (const p of shown)
    table.push([
      p.severity,
      p.code,
      p.message,
      ...(style.wide ? [p.details === null || p.details === undefined ? "" : JSON.stringify(p.details)] : []),
    ]);
  const more = problems.length - shown.length;
  const rest = more > 0 ? `\n… ${more} more (-o wide or -o json for all)` : "";
  return `${trimLines(table.toString())}${rest}`;
}

/** A batch's steps in order, each with the job it made (none until it starts) and how long it ran. */
export function stepsTable(steps: readonly BatchJobStep[]): string {
  const table = new Table({ head: ["STEP", "NAME", "STATE", "CHILD JOB", "DURATION"], ...columns });
  for (const step of [...steps].sort((a, b) => a.position - b.position)) {
    const ran = step.startedOn && step.finishedOn ? Date.parse(step.finishedOn) - Date.parse(step.startedOn) : null;
    table.push([String(step.position + 1), step.name, step.state, step.childJobId ?? "", duration(ran)]);
  }
  return trimLines(table.toString());
}

export function artifactsTable(artifacts: readonly Artifact[]): string {
  const table = new Table({ head: ["ARTIFACT", "TYPE", "SIZE", "CONTENT HASH"], ...columns });
  for (const a of artifacts) table.push([a.name, a.artifactType, bytes(a.sizeBytes), a.contentHash]);
  return trimLines(table.toString());
}

export function schedulesTable(schedules: readonly Schedule[]): string {
  const table = new Table({
    head: ["SCHEDULE ID", "NAME", "CRON", "TIME ZONE", "STATE", "NEXT RUN", "LAST RUN", "LAST JOB"],
    ...columns,
  });
  for (const s of schedules) {
    table.push([
      s.id,
      s.name,
      s.cron,
      s.timezone,
      s.paused ? "paused" : "active",
      s.nextRunOn ?? "",
      s.lastRunOn ?? "",
      s.lastJob?.jobId ?? "",
    ]);
  }
  return trimLines(table.toString());
}

/** API keys: ages in a table, full times with -o wide; never a secret (the API has none to give). */
export function apiKeysTable(apiKeys: readonly ApiKey[], style: TableStyle = tableStyle(false)): string {
  const when = (iso: string | null) => (iso === null ? "" : style.wide ? iso : age(iso, style.now));
  const table = new Table({
    head: ["KEY ID", "PREFIX", "USER", "ROLE", "TENANT", "CREATED", "LAST USED", "REVOKED"],
    ...columns,
  });
  for (const k of apiKeys)
    table.push([
      k.id,
      k.prefix,
      k.userId,
      k.role,
      k.tenantId,
      when(k.createdOn),
      when(k.lastUsedOn),
      when(k.revokedOn),
    ]);
  return trimLines(table.toString());
}

export function scheduleDetails(s: Schedule): string {
  const job = s.job as { reasonerType?: string; reasonerName?: string | null; name?: string | null };
  return keyValues({
    "Schedule ID": s.id,
    Name: s.name,
    Cron: `${s.cron} (${s.timezone})`,
    State: s.paused ? "paused" : "active",
    "Catch-up": s.catchUp,
    Job: [job.reasonerType, job.reasonerName, job.name].filter(Boolean).join(" "),
    "Next run": s.nextRunOn,
    "Last run": s.lastRunOn,
    "Last job": s.lastJob ? `${s.lastJob.jobId} (${s.lastJob.state})` : null,
    "Last error": s.lastError,
    "Created by": s.createdBy,
  });
}

export function keyValues(rows: Record<string, string | number | null>): string {
  const table = new Table({ style: plain, chars: compact });
  for (const [k, v] of Object.entries(rows)) table.push({ [k]: v === null ? "" : String(v) });
  return table.toString();
}

export function duration(ms: number | null): string {
  if (ms === null) return "";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

const trimLines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n");
