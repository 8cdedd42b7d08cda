// Moves a job to a new state: the row, its status-history entry and the recorded change notification
// in one statement, so they commit together or not at all.
import type { Sql } from "../../db/database.ts";
import type { JobState, ReasonerType } from "../model.ts";
import { nativeStateOf, TERMINAL_STATES } from "../states.ts";
import { recordingChanges } from "./notify.ts";

/** Columns a transition may set besides the state itself. */
export interface TransitionSet {
  result?: unknown;
  errorCode?: string | null;
  errorMessage?: string | null;
  leaseToken?: string | null;
  leaseExpiresOn?: Date | null;
  workerId?: string | null;
  cancelRequested?: boolean;
  runAfter?: Date;
  attempts?: number;
  handBacks?: number;
}

export interface Transition {
  jobId: string;
  reasonerType: ReasonerType;
  to: JobState;
  /** Only move from one of these states; the statement changes nothing otherwise. */
  from: readonly JobState[];
  /** Only move while this lease token holds the job. */
  leaseToken?: string;
  /** What the native word should be when it differs from the family's usual one. */
  nativeState?: string;
  message?: string | null;
  agentId?: string | null;
  by?: string | null;
  set?: TransitionSet;
}

export interface TransitionedRow {
  id: string;
  tenantId: string;
  state: JobState;
  revision: number;
}

const jsonColumns = new Set(["result"]);

export async function transitionJob(sql: Sql, t: Transition): Promise<TransitionedRow | null> {
  const nativeState = t.nativeState ?? nativeStateOf(t.reasonerType, t.to);
  if (nativeState === undefined) throw new Error(`${t.reasonerType} jobs have no ${t.to} state`);
  const terminal = TERMINAL_STATES.includes(t.to);
  const values: unknown[] = [t.jobId, t.to, nativeState, t.from, t.message ?? null, t.agentId ?? null, t.by ?? null];
  const sets: string[] = [];
  for (const [column, value] of Object.entries(t.set ?? {})) {
    if (value === undefined) continue;
    values.push(jsonColumns.has(column) ? JSON.stringify(value) : value);
    sets.push(`"${column}" = $${values.length}${jsonColumns.has(column) ? "::jsonb" : ""}`);
  }
  if (terminal) sets.push(`"leaseToken" = null`, `"leaseExpiresOn" = null`);
  let guard = `"id" = $1 and "state" = any($4::text[]::"JobState"[])`;
  if (t.leaseToken !== undefined) {
    values.push(t.leaseToken);
    guard += ` and "leaseToken" = $${values.length}`;
  }
  const rows = await sql.query<TransitionedRow>(
    recordingChanges(
      (record) => `with moved as (
       update "jobs" set "state" = $2::"JobState", "nativeState" = $3, "revision" = "revision" + 1,
         "statusSeq" = "statusSeq" + 1, "updatedOn" = now(),
         "startedOn" = case when $2 in ('CLAIMED', 'RUNNING', 'VALIDATING', 'UPLOADING') then coalesce("startedOn", now()) else "startedOn" end,
         "finishedOn" = case when ${terminal ? "true" : "false"} then now() else "finishedOn" end
         ${sets.length ? ", " + sets.join(", ") : ""}
       where ${guard}
       returning "id", "tenantId", "reasonerType", "state", "nativeState", "revision", "statusSeq"
     ), history as (
       insert into "job_status_changes" ("jobId", "seq", "state", "nativeState", "message", "agentId", "createdById")
       select "id", "statusSeq", "state", "nativeState", $5, $6, $7 from moved
     ), ${record.job("moved")}
     select m."id", m."tenantId", m."state", m."revision" from moved m`,
    ),
    values,
  );
  return rows[0] ?? null;
}

/** Records a change that is not a state move (events, logs, progress, metadata, evidence) for watchers. */
export async function touchJob(sql: Sql, jobId: string): Promise<void> {
  await sql.query(
    recordingChanges(
      (record) => `with touched as (
       update "jobs" set "revision" = "revision" + 1, "updatedOn" = now() where "id" = $1::uuid
       returning "id", "tenantId", "reasonerType", "state", "revision"
     ), ${record.job("touched")}
     select 1`,
    ),
    [jobId],
  );
}
