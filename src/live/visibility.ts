// Who may see a job, decided in memory from a snapshot the process read once for every subscriber.
// These mirror the SQL rules of src/jobs/local/visibility.ts (visibleJobs, listedJobs); a test holds
// the two together (test/live/subscriptions.test.ts: a member does not receive another's job).
import type { AccessGrantRecord } from "../jobs/gateway.ts";
import type { JobFilter, JobRecord, JobState, ReasonerType, Viewer } from "../jobs/model.ts";
import { isTerminal } from "../jobs/states.ts";

/** As `job(...)` reads: admins and workers the whole tenant, members their own and those shared with them. */
export function canSee(viewer: Viewer, job: JobRecord, grants: readonly AccessGrantRecord[]): boolean {
  if (job.tenantId !== viewer.tenantId) return false;
  if (viewer.role !== "MEMBER") return true;
  return ownOrShared(viewer, job, grants);
}

function ownOrShared(viewer: Viewer, job: JobRecord, grants: readonly AccessGrantRecord[]): boolean {
  return job.createdBy === viewer.userId || grants.some((g) => g.subjectId === viewer.userId);
}

export type LiveJobFilter = JobFilter & { reasonerType?: ReasonerType | null };

/**
 * As `jobs(filter)` lists: the caller's own jobs and those shared with them; admins everyone's with
 * allUsers. Workers (agents waiting for work) see every job of their tenant, as their claims do.
 */
export function matchesJobsFilter(
  viewer: Viewer,
  filter: LiveJobFilter,
  job: JobRecord,
  grants: readonly AccessGrantRecord[],
): boolean {
  if (job.tenantId !== viewer.tenantId) return false;
  const everyone = viewer.role === "WORKER" || (viewer.role === "ADMIN" && !!filter.allUsers);
  if (!everyone && !ownOrShared(viewer, job, grants)) return false;
  return (
    matchesKeys(filter, job.reasonerType, job.id) &&
    (!filter.state || job.state === filter.state) &&
    (!filter.name || job.name === filter.name) &&
    (!filter.createdBy || job.createdBy === filter.createdBy) &&
    (!filter.assignedAgentId || job.agent?.assignedAgentId === filter.assignedAgentId) &&
    (!filter.archiveStatus || (!!job.agent && job.agent.archiveStatus === filter.archiveStatus)) &&
    (!filter.onlyActive || !isTerminal(job.state))
  );
}

/** The part of a filter a notification alone can answer: type, id and (when it says) state. */
export function matchesKeys(filter: LiveJobFilter, reasonerType: string, jobId: string, state?: JobState): boolean {
  return (
    (!filter.reasonerType || filter.reasonerType === reasonerType) &&
    (!filter.jobId || filter.jobId === jobId) &&
    (!(filter.assignedAgentId || filter.archiveStatus) || reasonerType === "AGENT") &&
    (!filter.state || state === undefined || filter.state === state)
  );
}
