// A job's Relay node id: `<ReasonerType>:<jobId>` inside the global id, under its family's type name
// (Transaction, ReasonerJob, ...). Written and read here only.
import { JOB_TYPE_NAMES, type JobKey, type JobRecord, type ReasonerType } from "../jobs/model.ts";
import { isUuid } from "../jobs/validation.ts";

/** The id part of a job's global id. */
export const jobNodeId = (job: JobRecord): string => `${job.reasonerType}:${job.id}`;

/** The job an id part names, or undefined when it is not `<ReasonerType>:<uuid>` (the type is the caller's to check). */
export function jobKeyOfNodeId(part: string): JobKey | undefined {
  const [reasonerType, jobId] = part.split(":") as [ReasonerType, string | undefined];
  return jobId && isUuid(jobId) ? { reasonerType, jobId } : undefined;
}

/** The job a decoded Relay global id names (its type name the family's), or undefined for anything else. */
export function jobKeyOfGlobalId(id: { typename: string; id: string }): JobKey | undefined {
  const key = jobKeyOfNodeId(id.id);
  return key && JOB_TYPE_NAMES[key.reasonerType] === id.typename ? key : undefined;
}
