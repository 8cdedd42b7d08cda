// Human output: tables and short summaries of jobs, artifacts and checks. --json bypasses all of it.
import Table from "cli-table3";
import type { Artifact, Job, JobSummary, Schedule } from "../client/job-types.ts";

const plain = { head: [], border: [] };
/** Lists as columns without borders, like `docker ps`. */
const columns = {
  chars: { top: "", "top-mid": "", "top-left": "", "top-right": "", bottom: "", "bottom-mid": "", "bottom-left": "", "bottom-right": "", left: "", "left-mid": "", mid: "", "mid-mid": "", right: "", "right-mid": "", middle: "" },
  style: { head: [], border: [], "padding-left": 0, "padding-right": 2 },
};
/** No rule between rows: a compact box. */
const compact = { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" };

export function jobsTable(jobs: readonly JobSummary[]): string {
  const table = new Table({ head: ["JOB ID", "TYPE", "STATE", "NATIVE", "NAME", "CREATED BY", "CREATED", "DURATION"], ...columns });
  for (const j of jobs) table.push([j.jobId, j.reasonerType, j.state, j.nativeState, j.name ?? "", j.createdBy, j.createdOn, duration(j.durationMs)]);
  return trimLines(table.toString());
}

export function jobDetails(job: Job): string {
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
  if (job.__typename === "GenerationJob") {
    rows.push(
      ["Kind", `${job.kind}${job.rows === null ? "" : `, ${job.rows} rows`}, seed ${job.seed}`],
      ["Queue", `${job.queue} (${job.planTier})`],
      ["Credits", `${job.chargedCredits} charged, ${job.estimatedCredits} estimated`],
    );
    if (job.rerunOf) rows.push(["Rerun of", job.rerunOf.jobId]);
    if (job.evidence) rows.push(["Evidence", `${job.evidence.verified ? "verified" : "NOT verified"} by the server, root ${job.evidence.rootHash}`]);
    if (job.seal) rows.push(["Seal", job.seal.sealHash]);
  }
  const table = new Table({ style: plain, chars: compact });
  for (const [k, v] of rows) table.push({ [k]: v });
  const parts = [table.toString()];
  if (job.artifacts.length) parts.push(artifactsTable(job.artifacts));
  return parts.join("\n");
}

export function artifactsTable(artifacts: readonly Artifact[]): string {
  const table = new Table({ head: ["ARTIFACT", "TYPE", "SIZE", "CONTENT HASH"], ...columns });
  for (const a of artifacts) table.push([a.name, a.artifactType, bytes(a.sizeBytes), a.contentHash]);
  return trimLines(table.toString());
}

export function schedulesTable(schedules: readonly Schedule[]): string {
  const table = new Table({ head: ["SCHEDULE ID", "NAME", "CRON", "TIME ZONE", "STATE", "NEXT RUN", "LAST RUN", "LAST JOB"], ...columns });
  for (const s of schedules) {
    table.push([s.id, s.name, s.cron, s.timezone, s.paused ? "paused" : "active", s.nextRunOn ?? "", s.lastRunOn ?? "", s.lastJob?.jobId ?? ""]);
  }
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

const trimLines = (text: string) => text.split("\n").map((l) => l.trimEnd()).join("\n");
