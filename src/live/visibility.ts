// Who may see a job, decided in memory from a snapshot the process read once for every subscriber:
// the one rule of src/jobs/visibility.ts rendered as a predicate, as jobs/local/visibility.ts renders
// it to SQL (test/api/visibility-rule.test.ts checks the two agree).
import type { AccessGrantRecord } from "../jobs/gateway.ts";
import type { JobFilter, JobRecord, JobState, ReasonerType, Viewer } from "../jobs/model.ts";
import { isTerminal } from "../jobs/states.ts";
import { type JobSight, listingSight, readingSight } from "../jobs/visibility.ts";

/** Whether the sight takes in this job, given the job's access grants. */
export function sightIncludes(
  sight: JobSight,
  job: Pick<JobRecord, "tenantId" | "createdBy">,
  grants: readonly AccessGrantRecord[],
): boolean {
  if (job.tenantId !== sight.tenantId) return false;
  if (sight.scope === "tenant") return true;
  return job.createdBy === sight.userId || grants.some((g) => g.subjectId === sight.userId);
}

/** As `job(...)` reads (readingSight). */
export function canSee(viewer: Viewer, job: JobRecord, grants: readonly AccessGrantRecord[]): boolean {
  return sightIncludes(readingSight(viewer), job, grants);
}

export type LiveJobFilter = JobFilter & { reasonerType?: ReasonerType | null };

/** As `jobs(filter)` lists (listingSight), with the filter's conditions. */
export function matchesJobsFilter(
  viewer: Viewer,
  filter: LiveJobFilter,
  job: JobRecord,
  grants: readonly AccessGrantRecord[],
): boolean {
  if (!sightIncludes(listingSight(viewer, filter), job, grants)) return false;
  return (
    matchesKeys(filter, job.reasonerType, job.id) &&
    (!filter.state || job.state === filter.state) &&
    (!filter.name || job.name === filter.name) &&
    (!filter.nameContains || (job.name ?? "").toLowerCase().includes(filter.nameContains.toLowerCase())) &&
    (!filter.createdBy || job.createdBy === filter.createdBy) &&
    (!filter.assignedAgentId || job.agent?.assignedAgentId === filter.assignedAgentId) &&
    (!filter.archiveStatus || (!!job.agent && job.agent.archiveStatus === filter.archiveStatus)) &&
    (!filter.onlyActive || !isTerminal(job.state)) &&
    (!filter.createdAfter || job.createdOn.getTime() >= filter.createdAfter.getTime()) &&
    (!filter.createdBefore || job.createdOn.getTime() < filter.createdBefore.getTime())
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
