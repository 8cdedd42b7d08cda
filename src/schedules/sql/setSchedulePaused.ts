// Pauses (no next tick) or resumes (armed at `nextRunOn`, the first tick from now: ticks missed while
// paused are not caught up) a schedule the viewer may manage. Null when there is none.
import type { Sql } from "../../db/database.ts";
import { NOTIFY_SCHEDULES_SQL, SCHEDULE_COLUMNS, type ScheduleRecord } from "../model.ts";
import { VISIBLE_SCHEDULE_SQL, viewerParams } from "./visible.ts";

export async function setSchedulePaused(
  sql: Sql,
  viewer: Parameters<typeof viewerParams>[0],
  id: string,
  change: { paused: true } | { paused: false; nextRunOn: Date | null },
): Promise<ScheduleRecord | null> {
  const rows = await sql.query<ScheduleRecord>(
    `with s as (
       update "schedules" s set "paused" = $5, "nextRunOn" = $6::timestamptz, "firingUntil" = null, "updatedOn" = now()
       where ${VISIBLE_SCHEDULE_SQL} and s."id" = $4::uuid and s."paused" <> $5
       returning *
     ), notified as (${NOTIFY_SCHEDULES_SQL} from s)
     select ${SCHEDULE_COLUMNS} from s left join notified on true
     union all
     select ${SCHEDULE_COLUMNS} from "schedules" s
     where ${VISIBLE_SCHEDULE_SQL} and s."id" = $4::uuid and s."paused" = $5`,
    [...viewerParams(viewer), id, change.paused, change.paused ? null : change.nextRunOn],
  );
  return rows[0] ?? null;
}
