// One job: state, timeline, live logs and events, artifacts, family extras, Cancel and Rerun.
import { useState } from "react";
import { Link, useLocation } from "wouter";
import { gql } from "../api/graphql.ts";
import {
  CancelJobMutation,
  JobEventsSubscription,
  JobLogsSubscription,
  JobLookupQuery,
  JobQuery,
  JobUpdatedSubscription,
  RerunJobMutation,
} from "../api/documents.ts";
import { ConfirmButton, DownloadLink, ErrorBox, JsonBlock, Section, StateBadge } from "../components/common.tsx";
import { LineChart } from "../components/charts.tsx";
import { isPreviewable, OutputPreview } from "../components/OutputPreview.tsx";
import { AgentExtras } from "./job-agent.tsx";
import { bytes, duration, TERMINAL_STATES, time } from "../format.ts";
import type { ArtifactFieldsFragment, JobPageFragment, ReasonerType } from "../gql/graphql.ts";
import { useAction, useNow, useQuery, useSubscription } from "../hooks.ts";
import { useSession } from "../session-context.tsx";
import { FAMILIES } from "./jobs-filter.ts";
import { jobPath } from "./Jobs.tsx";

type Family<T extends string> = Extract<JobPageFragment, { __typename?: T }>;

export function JobPage({ type, jobId }: { type: string; jobId: string }) {
  const known = (FAMILIES as string[]).includes(type);
  if (!known) return <JobLookup jobId={jobId} />;
  return <JobView reasonerType={type as ReasonerType} jobId={jobId} />;
}

/** /jobs/any/<id> (a batch step's child): finds the job's family, then shows it. */
function JobLookup({ jobId }: { jobId: string }) {
  const session = useSession();
  const lookup = useQuery(JobLookupQuery, { jobId, allUsers: session.isAdmin });
  const found = lookup.data?.jobs.edges[0]?.node;
  if (found) return <JobView reasonerType={found.reasonerType} jobId={found.jobId} />;
  if (lookup.error) return <ErrorBox error={lookup.error} what="Could not find the job" />;
  if (lookup.loading) return <p role="status">Loading…</p>;
  return <NotFound jobId={jobId} />;
}

function NotFound({ jobId }: { jobId: string }) {
  return (
    <>
      <h1>Job not found</h1>
      <p>
        There is no job {jobId} that you may see. <Link href="/jobs">Back to the jobs</Link>
      </p>
    </>
  );
}

function JobView({ reasonerType, jobId }: { reasonerType: ReasonerType; jobId: string }) {
  const query = useQuery(JobQuery, { reasonerType, jobId });
  const liveError = useSubscription(
    JobUpdatedSubscription,
    { reasonerType, jobId },
    (data) => query.setData(() => ({ job: data.jobUpdated })),
    query.data?.job != null,
  );
  const job = query.data?.job;
  if (query.error) return <ErrorBox error={query.error} what="Could not load the job" />;
  if (!query.data) return <p role="status">Loading…</p>;
  if (!job) return <NotFound jobId={jobId} />;
  return (
    <JobDetails
      job={job}
      reload={query.reload}
      liveError={liveError}
      onChanged={(j) => query.setData(() => ({ job: j }))}
    />
  );
}

function JobDetails({
  job,
  reload,
  liveError,
  onChanged,
}: {
  job: JobPageFragment;
  reload(): void;
  liveError: ReturnType<typeof useSubscription>;
  onChanged(job: JobPageFragment): void;
}) {
  const now = useNow();
  const running = job.startedOn && !job.finishedOn;
  const generation = job.__typename === "GenerationJob" ? (job as Family<"GenerationJob">) : null;
  const batch = job.__typename === "BatchJob" ? (job as Family<"BatchJob">) : null;
  const agent = job.__typename === "AgentJob" ? (job as Family<"AgentJob">) : null;
  const reasoner = job.__typename === "ReasonerJob" ? (job as Family<"ReasonerJob">) : null;
  return (
    <article className="job">
      <header className="job-head">
        <div>
          <p className="muted">{job.reasonerType} job</p>
          <h1>{job.name || job.jobId}</h1>
        </div>
        <StateBadge state={job.state} />
        <JobActions job={job} onChanged={onChanged} />
      </header>
      <ErrorBox error={liveError} what="Live updates stopped" />
      <dl className="facts">
        <dt>Job id</dt>
        <dd>
          <code>{job.jobId}</code>
        </dd>
        <dt>State</dt>
        <dd>
          {job.state} <span className="muted">({job.nativeState})</span>
        </dd>
        <dt>Runs on</dt>
        <dd>{job.reasonerName}</dd>
        <dt>Created by</dt>
        <dd>{job.createdBy}</dd>
        <dt>Created</dt>
        <dd>{time(job.createdOn)}</dd>
        <dt>Duration</dt>
        <dd>{duration(job.durationMs ?? (running ? now - Date.parse(job.startedOn!) : null))}</dd>
        {job.timeoutMins != null && (
          <>
            <dt>Timeout</dt>
            <dd>{job.timeoutMins} min</dd>
          </>
        )}
        {job.batchStep && (
          <>
            <dt>Made by</dt>
            <dd>
              step {job.batchStep.position + 1}, <em>{job.batchStep.name}</em>, of batch{" "}
              <Link href={jobPath({ reasonerType: "BATCH", jobId: job.batchStep.batchJobId })}>
                {job.batchStep.batch?.name || job.batchStep.batchJobId}
              </Link>
            </dd>
          </>
        )}
      </dl>
      {job.error && (
        <p className="error" role="alert">
          {job.error.code}: {job.error.message}
        </p>
      )}
      {generation && <GenerationFacts job={generation} />}

      <Section title="Status history">
        <ol className="timeline">
          {job.statusHistory.map((s) => (
            <li key={s.id}>
              <StateBadge state={s.state} /> <time dateTime={s.createdOn}>{time(s.createdOn)}</time>
              {s.message && <span className="muted"> {s.message}</span>}
            </li>
          ))}
        </ol>
      </Section>

      <EventsAndProgress job={job} />
      <Logs job={job} />

      <Section title="Artifacts">
        <ArtifactList artifacts={job.artifacts} />
      </Section>

      {generation && <GenerationOutput job={generation} />}
      {batch && <BatchSteps job={batch} />}

      {job.problems.length > 0 && (
        <Section title="Problems">
          <ul className="problems">
            {job.problems.map((p, i) => (
              <li key={i} className={`severity-${p.severity.toLowerCase()}`}>
                <strong>{p.severity}</strong> {p.code}: {p.message}
                <JsonBlock value={p.details} label="Details" />
              </li>
            ))}
          </ul>
        </Section>
      )}

      {agent && <AgentExtras job={agent} reload={reload} />}

      <Section title="Input and result">
        <JsonBlock value={job.payload} label="Payload" />
        {reasoner && <JsonBlock value={reasoner.result} label="Result" />}
      </Section>
    </article>
  );
}

function JobActions({ job, onChanged }: { job: JobPageFragment; onChanged(job: JobPageFragment): void }) {
  const { key } = useSession();
  const [, navigate] = useLocation();
  const cancel = useAction(
    async () => (await gql(key, CancelJobMutation, { reasonerType: job.reasonerType, jobId: job.jobId })).cancelJob,
  );
  const rerun = useAction(async () => (await gql(key, RerunJobMutation, { jobId: job.jobId })).rerunJob.job);
  const cancellable = !TERMINAL_STATES.has(job.state) && job.state !== "CANCELING";
  return (
    <div className="actions">
      {cancellable && (
        <ConfirmButton
          label="Cancel"
          className="danger"
          groupLabel="Confirm cancel"
          question="Cancel this job?"
          yes="Yes, cancel the job"
          no="Keep it"
          busy={cancel.busy}
          onConfirm={async () => {
            const updated = await cancel.act();
            if (updated) onChanged(updated);
          }}
        />
      )}
      {job.reasonerType === "GENERATION" && TERMINAL_STATES.has(job.state) && (
        <button
          type="button"
          disabled={rerun.busy}
          onClick={async () => {
            const next = await rerun.act();
            if (next) navigate(jobPath(next));
          }}
        >
          Rerun
        </button>
      )}
      <ErrorBox error={cancel.error} what="Cancel failed" />
      <ErrorBox error={rerun.error} what="Rerun failed" />
    </div>
  );
}

export function ArtifactList({ artifacts }: { artifacts: readonly ArtifactFieldsFragment[] }) {
  if (artifacts.length === 0) return <p className="hint">None yet.</p>;
  return (
    <ul className="artifacts">
      {artifacts.map((a) => (
        <li key={a.id}>
          <DownloadLink url={a.downloadUrl} name={a.name} />{" "}
          <span className="muted">
            {a.artifactType} · {bytes(a.sizeBytes)} · <code title={a.contentHash}>{a.contentHash.slice(0, 19)}…</code>
          </span>
        </li>
      ))}
    </ul>
  );
}

function GenerationFacts({ job }: { job: Family<"GenerationJob"> }) {
  return (
    <dl className="facts">
      <dt>Kind</dt>
      <dd>{job.kind}</dd>
      <dt>Rows</dt>
      <dd>{job.rows ?? "–"}</dd>
      <dt>Seed</dt>
      <dd>{job.seed}</dd>
      <dt>Plan tier</dt>
      <dd>{job.planTier}</dd>
      <dt>Queue</dt>
      <dd>{job.queue}</dd>
      <dt>Credits</dt>
      <dd>
        {job.chargedCredits} charged of {job.estimatedCredits} estimated
      </dd>
      {job.description && (
        <>
          <dt>Description</dt>
          <dd>{job.description}</dd>
        </>
      )}
      {job.rerunOf && (
        <>
          <dt>Rerun of</dt>
          <dd>
            <Link href={jobPath({ reasonerType: "GENERATION", jobId: job.rerunOf.jobId })}>{job.rerunOf.jobId}</Link>
          </dd>
        </>
      )}
    </dl>
  );
}

function GenerationOutput({ job }: { job: Family<"GenerationJob"> }) {
  const dataset = job.artifacts.find(isPreviewable);
  return (
    <>
      <Section title="Evidence">
        {job.evidence ? (
          <>
            <p className={job.evidence.verified ? "ok" : "error"}>
              {job.evidence.verified
                ? "✓ Verified: the bundle's hash chain and signature check out."
                : "✗ Not verified: the bundle does not match its signature."}
            </p>
            <dl className="facts hashes">
              <dt>Root hash</dt>
              <dd>
                <code>{job.evidence.rootHash}</code>
              </dd>
              <dt>Signature</dt>
              <dd>
                <code>{job.evidence.signature}</code>
              </dd>
              <dt>Public key</dt>
              <dd>
                <code>{job.evidence.publicKey}</code>
              </dd>
            </dl>
            <ArtifactList artifacts={job.evidence.files} />
          </>
        ) : (
          <p className="hint">{job.state === "SUCCEEDED" ? "No evidence bundle." : "Made when the job succeeds."}</p>
        )}
      </Section>
      <Section title="Seal">
        {job.seal ? (
          <dl className="facts hashes">
            <dt>Seal hash</dt>
            <dd>
              <code>{job.seal.sealHash}</code>
            </dd>
            <dt>Previous seal</dt>
            <dd>
              <code>{job.seal.previousSealHash ?? "(first in the chain)"}</code>
            </dd>
            <dt>Sealed</dt>
            <dd>{time(job.seal.createdOn)}</dd>
          </dl>
        ) : (
          <p className="hint">Appended to the provenance chain when the job succeeds.</p>
        )}
      </Section>
      {dataset && job.state === "SUCCEEDED" && (
        <Section title="Output preview">
          <OutputPreview artifact={dataset} />
        </Section>
      )}
    </>
  );
}

function BatchSteps({ job }: { job: Family<"BatchJob"> }) {
  return (
    <Section title="Steps">
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">State</th>
              <th scope="col">Started</th>
              <th scope="col">Finished</th>
              <th scope="col">Job</th>
            </tr>
          </thead>
          <tbody>
            {job.steps.map((s) => (
              <tr key={s.name}>
                <td>{s.name}</td>
                <td>
                  <StateBadge state={s.state} />
                </td>
                <td>{time(s.startedOn)}</td>
                <td>{time(s.finishedOn)}</td>
                <td>
                  {s.childJobId ? (
                    <Link href={`/jobs/any/${encodeURIComponent(s.childJobId)}`}>{s.childJobId}</Link>
                  ) : (
                    <span className="muted">not started</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}

interface EventRow {
  cursor: string;
  stream: string;
  createdOn: string;
  data: unknown;
}

/** A fraction done, from the shapes executors report: {rows, totalRows}, {progress}, {percent}, {done, total}. */
export function progressOf(data: unknown): number | null {
  if (!data || typeof data !== "object") return null;
  const d = data as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  const rows = num(d.rows);
  const total = num(d.totalRows) ?? num(d.total);
  const done = rows ?? num(d.done);
  if (done !== null && total) return Math.min(1, done / total);
  const progress = num(d.progress);
  if (progress !== null) return progress > 1 ? progress / 100 : progress;
  const percent = num(d.percent) ?? num(d.pct);
  return percent !== null ? percent / 100 : null;
}

function EventsAndProgress({ job }: { job: JobPageFragment }) {
  const [events, setEvents] = useState<EventRow[]>([]);
  useSubscription(
    JobEventsSubscription,
    { reasonerType: job.reasonerType, jobId: job.jobId, stream: "progress" },
    ({ jobEvents: e }) => setEvents((all) => (all.some((x) => x.cursor === e.cursor) ? all : [...all, e])),
  );
  const reported = events.flatMap((e) => {
    const p = progressOf(e.data);
    return p === null ? [] : [{ x: Date.parse(e.createdOn), y: Math.round(p * 100) }];
  });
  // The job starts at 0 %: a short job that reports only its end still draws a line.
  const started = job.startedOn ? Date.parse(job.startedOn) : null;
  const points =
    reported.length > 0 && started !== null && started < reported[0]!.x
      ? [{ x: started, y: 0 }, ...reported]
      : reported;
  return (
    <Section title="Events">
      {points.length > 0 && (
        <LineChart
          series={[{ name: "progress", points }]}
          label={`Progress of the job over time, last at ${points[points.length - 1]!.y}%`}
          yLabel="% done"
        />
      )}
      {events.length === 0 ? (
        <p className="hint">No events yet.</p>
      ) : (
        // The last hundred, numbered as they came (the 150th event reads 150, not 100).
        <ol className="events" start={Math.max(1, events.length - 99)}>
          {events.slice(-100).map((e) => (
            <li key={e.cursor}>
              <time dateTime={e.createdOn}>{time(e.createdOn)}</time> <code>{JSON.stringify(e.data)}</code>
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}

interface LogRow {
  cursor: string;
  timestampMs: number;
  level: string;
  message: string;
  step?: string | null;
}

const MAX_LOG_LINES = 5000;

function Logs({ job }: { job: JobPageFragment }) {
  const [lines, setLines] = useState<LogRow[]>([]);
  const [filter, setFilter] = useState("");
  const [level, setLevel] = useState("");
  useSubscription(JobLogsSubscription, { reasonerType: job.reasonerType, jobId: job.jobId }, ({ jobLogs: line }) =>
    setLines((all) => (all.some((x) => x.cursor === line.cursor) ? all : [...all, line].slice(-MAX_LOG_LINES))),
  );
  const needle = filter.toLowerCase();
  const shown = lines.filter(
    (l) =>
      (!level || l.level === level) &&
      (!needle || l.message.toLowerCase().includes(needle) || (l.step ?? "").toLowerCase().includes(needle)),
  );
  const levels = [...new Set(lines.map((l) => l.level))];
  return (
    <Section title="Logs">
      <div className="log-tools">
        <label>
          Filter logs
          <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </label>
        <label>
          Level
          <select value={level} onChange={(e) => setLevel(e.target.value)}>
            <option value="">Any level</option>
            {levels.map((l) => (
              <option key={l}>{l}</option>
            ))}
          </select>
        </label>
        <span className="muted" aria-live="polite">
          {shown.length} of {lines.length} lines{!TERMINAL_STATES.has(job.state) ? " · tailing" : ""}
        </span>
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable to scroll by keyboard. */}
      {/* biome-ignore lint/a11y/useAriaPropsSupportedByRole: the label names the scrollable region for screen readers. */}
      <pre className="logs" tabIndex={0} aria-label="Log lines">
        {shown.map((l) => (
          <div key={l.cursor} className={`log log-${l.level}`}>
            <span className="muted">{new Date(l.timestampMs).toLocaleTimeString()}</span>{" "}
            <span className="level">{l.level}</span>
            {l.step ? <span className="muted"> [{l.step}]</span> : null} {l.message}
          </div>
        ))}
      </pre>
    </Section>
  );
}
