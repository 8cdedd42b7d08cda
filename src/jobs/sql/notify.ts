// Change notifications carry ids only: listeners read what changed themselves, from their cursors.
export const JOBS_CHANNEL = "jobs_changed";

export interface JobChange {
  tenantId: string;
  reasonerType: string;
  jobId: string;
  revision: number;
}

/** SQL expression building the payload from a row alias with the jobs columns. */
export const notifyPayloadSql = (alias: string) =>
  `${alias}."tenantId"::text || '|' || ${alias}."reasonerType"::text || '|' || ${alias}."id"::text || '|' || ${alias}."revision"::text`;

export function parseJobChange(payload: string): JobChange | null {
  const [tenantId, reasonerType, jobId, revision] = payload.split("|");
  if (!tenantId || !reasonerType || !jobId || revision === undefined) return null;
  return { tenantId, reasonerType, jobId, revision: Number(revision) };
}
