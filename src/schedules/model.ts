// What a schedule is, as the API and the scheduler see it.
import type { ReasonerType } from "../jobs/model.ts";

export const CatchUpPolicies = ["ONCE", "SKIP"] as const;
export type CatchUpPolicy = (typeof CatchUpPolicies)[number];

/** What each tick creates; for GENERATION, `payload` is a createGenerationJob input. */
export interface ScheduledJob {
  reasonerType: ReasonerType;
  reasonerName: string | null;
  payload: Record<string, unknown>;
  name: string | null;
}

export interface ScheduleRecord {
  id: string;
  tenantId: string;
  createdBy: string;
  name: string;
  cron: string;
  timezone: string;
  catchUp: CatchUpPolicy;
  job: ScheduledJob;
  paused: boolean;
  nextRunOn: Date | null;
  lastRunOn: Date | null;
  lastJobId: string | null;
  lastError: string | null;
  createdOn: Date;
  updatedOn: Date;
}

/** The columns every statement returns, in ScheduleRecord's shape. */
export const SCHEDULE_COLUMNS = `s."id", s."tenantId", s."createdBy", s."name", s."cron", s."timezone", s."catchUp", s."job", s."paused",
  s."nextRunOn", s."lastRunOn", s."lastJobId", s."lastError", s."createdOn", s."updatedOn"`;

/** Channel every server LISTENs on to re-arm its scheduler when any schedule changes. */
export const SCHEDULES_CHANNEL = "jobs_schedules";
export const NOTIFY_SCHEDULES_SQL = `select pg_notify('${SCHEDULES_CHANNEL}', '')`;
