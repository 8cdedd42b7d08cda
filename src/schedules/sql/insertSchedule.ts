// A new schedule, armed at its first tick; every server's scheduler is told to re-arm.
import type { Sql } from "../../db/database.ts";
import { NOTIFY_SCHEDULES_SQL, SCHEDULE_COLUMNS, type ScheduleRecord } from "../model.ts";

/** What a new schedule is made with; the rest of a ScheduleRecord starts at its defaults. */
export type NewSchedule = Pick<
  ScheduleRecord,
  "id" | "tenantId" | "createdBy" | "name" | "cron" | "timezone" | "catchUp" | "job" | "nextRunOn"
>;

export async function insertSchedule(sql: Sql, s: NewSchedule): Promise<ScheduleRecord> {
  const rows = await sql.query<ScheduleRecord>(
    `with s as (
       insert into "schedules" ("id", "tenantId", "createdBy", "name", "cron", "timezone", "catchUp", "job", "nextRunOn")
       values ($1::uuid, $2::uuid, $3, $4, $5, $6, $7::"ScheduleCatchUp", $8::jsonb, $9::timestamptz)
       returning *
     ), notified as (${NOTIFY_SCHEDULES_SQL} from s)
     select ${SCHEDULE_COLUMNS} from s, notified`,
    [s.id, s.tenantId, s.createdBy, s.name, s.cron, s.timezone, s.catchUp, JSON.stringify(s.job), s.nextRunOn],
  );
  return rows[0]!;
}
