// Operations on fields that servers built before them lack (schedules, the audit log): plain
// strings with hand-written result types, so codegen (which checks documents against this
// repository's schema.graphql) does not refuse them. The pages say "not available on this server"
// when the server answers that the field does not exist (ApiError.unknownField).
import type { Doc } from "./graphql.ts";

export interface ScheduleRow {
  id: string;
  name: string;
  cron: string;
  timezone: string;
  paused: boolean;
  job: unknown;
  nextRunOn: string | null;
  lastRunOn: string | null;
  lastJob: { jobId: string; reasonerType: string; state: string } | null;
}

export const SchedulesQuery: Doc<{ schedules: { edges: { node: ScheduleRow }[] } }, { first: number }> = `
  query DashboardSchedules($first: Int) {
    schedules(first: $first) {
      edges { node { id name cron timezone paused job nextRunOn lastRunOn lastJob { jobId reasonerType state } } }
    }
  }
`;

export const PauseScheduleMutation: Doc<{ pauseSchedule: { id: string } }, { id: string }> =
  `mutation DashboardPauseSchedule($id: ID!) { pauseSchedule(id: $id) { id } }`;
export const ResumeScheduleMutation: Doc<{ resumeSchedule: { id: string } }, { id: string }> =
  `mutation DashboardResumeSchedule($id: ID!) { resumeSchedule(id: $id) { id } }`;

export interface AuditRow {
  id: string;
  createdOn: string;
  actorId: string | null;
  role: string | null;
  operation: string;
  target: string | null;
  outcome: string;
  requestId: string | null;
}

export const AuditLogQuery: Doc<
  { auditLog: { edges: { node: AuditRow }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } },
  { filter: { actorId?: string; operation?: string }; after: string | null }
> = `
  query DashboardAuditLog($filter: AuditFilter, $after: String) {
    auditLog(filter: $filter, first: 50, after: $after) {
      edges { node { id createdOn actorId role operation target outcome requestId } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;
