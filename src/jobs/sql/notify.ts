// Change notifications carry keys only: listeners read what changed themselves, from their cursors.
// The payload is "tenantId|reasonerType|jobId|revision|state": the state lets a process skip reading
// a change no subscriber's filter can want (e.g. idle workers watch only their waiting state).
import type { JobState } from "../model.ts";

export const JOBS_CHANNEL = "jobs_changed";

export interface JobChange {
  tenantId: string;
  reasonerType: string;
  jobId: string;
  revision: number;
  /** The job's state after the change; absent in payloads that do not say. */
  state?: JobState;
}

/** SQL expression building the payload from a row alias with the jobs columns (state included). */
export const notifyPayloadSql = (alias: string) =>
  `${alias}."tenantId"::text || '|' || ${alias}."reasonerType"::text || '|' || ${alias}."id"::text || '|' || ${alias}."revision"::text || '|' || ${alias}."state"::text`;

export const notifyPayload = (c: Required<JobChange>) => `${c.tenantId}|${c.reasonerType}|${c.jobId}|${c.revision}|${c.state}`;

export function parseJobChange(payload: string): JobChange | null {
  const [tenantId, reasonerType, jobId, revision, state] = payload.split("|");
  if (!tenantId || !reasonerType || !jobId || revision === undefined) return null;
  return { tenantId, reasonerType, jobId, revision: Number(revision), ...(state ? { state: state as JobState } : {}) };
}
