// Schedules the viewer may see, newest first (ids are UUIDv7, so id order is creation order).
import type { Sql } from "../../db/database.ts";
import { SCHEDULE_COLUMNS, type ScheduleRecord } from "../model.ts";
import { VISIBLE_SCHEDULE_SQL, viewerParams } from "./visible.ts";

type ViewerLike = Parameters<typeof viewerParams>[0];

/** `limit` rows after the schedule `beforeId` (exclusive), or from the newest. */
export function selectSchedulePage(
  sql: Sql,
  viewer: ViewerLike,
  beforeId: string | null,
  limit: number,
): Promise<ScheduleRecord[]> {
  return sql.query<ScheduleRecord>(
    `select ${SCHEDULE_COLUMNS} from "schedules" s
     where ${VISIBLE_SCHEDULE_SQL} and ($4::uuid is null or s."id" < $4::uuid)
     order by s."id" desc limit $5`,
    [...viewerParams(viewer), beforeId, limit],
  );
}

export async function selectSchedule(sql: Sql, viewer: ViewerLike, id: string): Promise<ScheduleRecord | null> {
  const rows = await sql.query<ScheduleRecord>(
    `select ${SCHEDULE_COLUMNS} from "schedules" s where ${VISIBLE_SCHEDULE_SQL} and s."id" = $4::uuid`,
    [...viewerParams(viewer), id],
  );
  return rows[0] ?? null;
}
