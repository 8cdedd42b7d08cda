// Change notifications carry keys only: listeners read what changed themselves, from their cursors.
// A change records its notification in the outbox table within its own transaction (recordingChanges);
// the process that committed it then sends the recorded ones, batched, as NOTIFYs (sendChanges.ts).
// A payload is one change per line, each "tenantId|reasonerType|jobId|revision|state": the state
// lets a process skip reading a change no subscriber's filter can want (idle workers watch only
// their waiting state). A job removed (by retention) has "|removed" after its last state: there is
// nothing left to read, and its subscribers end.
import { CommitSignal, type SignalledStatement, signalled } from "../../db/commit-signals.ts";
import type { JobState } from "../model.ts";

export const JOBS_CHANNEL = "jobs_changed";
/** The table changes are recorded in until they are sent. */
export const CHANGE_OUTBOX = "job_change_outbox";
/** The insert every recorded change goes through (given to statements by recordingChanges only). */
const RECORD_CHANGE = `insert into "${CHANGE_OUTBOX}" ("payload")`;

export interface JobChange {
  tenantId: string;
  reasonerType: string;
  jobId: string;
  revision: number;
  /** The job's state after the change; absent in payloads that do not say. */
  state?: JobState;
  /** The job was removed: `revision` and `state` are its last. */
  removed?: true;
}

const REMOVED = "removed";

/** SQL expression building one change's line from a row alias with the jobs columns (state included). */
export const notifyPayloadSql = (alias: string) =>
  `${alias}."tenantId"::text || '|' || ${alias}."reasonerType"::text || '|' || ${alias}."id"::text || '|' || ${alias}."revision"::text || '|' || ${alias}."state"::text`;

export const notifyPayload = (c: Required<Omit<JobChange, "removed">> & Pick<JobChange, "removed">) =>
  `${c.tenantId}|${c.reasonerType}|${c.jobId}|${c.revision}|${c.state}${c.removed ? `|${REMOVED}` : ""}`;

/** Most change lines one outbox row holds: a statement changing many jobs writes one row per so many. */
export const LINES_PER_ROW = 16;
/** The longest line: two uuids, the longest family and state names, a 10-digit revision, separators, the removal mark. */
export const MAX_LINE_BYTES = 36 + 1 + 12 + 1 + 36 + 1 + 10 + 1 + 10 + 1 + REMOVED.length;

/** The SQL a statement records its changes with; recordingChanges hands it to the statement's text. */
export interface ChangeRecord {
  /**
   * A CTE (named "recorded_change") recording a change for every row of `from`, a CTE or table alias
   * with the jobs columns, optionally filtered by `where`: one outbox row per LINES_PER_ROW changes
   * (a claim or completion of many jobs writes one or two rows, not one per job). Data-modifying
   * CTEs always run, so a statement includes it whether or not it selects from it.
   */
  jobs(from: string, where?: string): string;
  /**
   * jobs() for a statement that changes at most one job: its line as one outbox row, without the
   * packing (a window, a sort and an aggregate per statement, which cost a one-job transition more
   * than the row they save).
   */
  job(from: string, where?: string): string;
  /** jobs() for a statement that deletes jobs: `from` holds the deleted rows, as they were. */
  removedJobs(from: string): string;
  /** `insert into` the outbox's payload column, for a statement that writes its lines itself. */
  readonly insert: string;
}

/** The CTE recording `line` (an SQL expression) for every row of `from`, LINES_PER_ROW lines to an outbox row. */
const packedLines = (line: string, from: string, where: string) =>
  `"recorded_change" as (${RECORD_CHANGE} select string_agg("line", E'\\n' order by "n") from (select ${line} as "line", row_number() over () - 1 as "n" from ${from} ${where ? `where ${where}` : ""}) "lines" group by "n" / ${LINES_PER_ROW})`;

const changeRecord: ChangeRecord = {
  jobs: (from, where = "") => packedLines(notifyPayloadSql(from), from, where),
  removedJobs: (from) => packedLines(`${notifyPayloadSql(from)} || '|${REMOVED}'`, from, ""),
  job: (from, where = "") =>
    `"recorded_change" as (${RECORD_CHANGE} select ${notifyPayloadSql(from)} from ${from}${where ? ` where ${where}` : ""})`,
  insert: RECORD_CHANGE,
};

const CHANGED = [CommitSignal.JobsChanged];
const CREATED = [CommitSignal.JobsChanged, CommitSignal.JobsCreated];

/**
 * The one way to write the change outbox: `build` makes the statement's text with `record`'s SQL,
 * and the statement signals JobsChanged (and JobsCreated when it `createsJobs`) to the transaction
 * that runs it, so its commit has the changes sent (and this process's idle executors look at once,
 * without waiting for the NOTIFY to come back).
 */
export const recordingChanges = (
  build: (record: ChangeRecord) => string,
  options: { createsJobs?: boolean } = {},
): SignalledStatement => signalled(build(changeRecord), options.createsJobs ? CREATED : CHANGED);

/** Records one change given by value (its payload is $1). */
export const recordOneChange = recordingChanges((record) => `${record.insert} values ($1)`);

/** The changes of one notification payload (one per line); lines that do not parse are skipped. */
export function parseJobChanges(payload: string): JobChange[] {
  const changes: JobChange[] = [];
  for (const line of payload.split("\n")) {
    const change = parseJobChange(line);
    if (change) changes.push(change);
  }
  return changes;
}

export function parseJobChange(line: string): JobChange | null {
  const [tenantId, reasonerType, jobId, revision, state, mark] = line.split("|");
  if (!tenantId || !reasonerType || !jobId || revision === undefined) return null;
  return {
    tenantId,
    reasonerType,
    jobId,
    revision: Number(revision),
    ...(state ? { state: state as JobState } : {}),
    ...(mark === REMOVED ? { removed: true as const } : {}),
  };
}
