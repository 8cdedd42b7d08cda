// Deletes a schedule the viewer may manage; the jobs it created stay. False when there is none.
import type { Sql } from "../../db/database.ts";
import { NOTIFY_SCHEDULES_SQL } from "../model.ts";
import { VISIBLE_SCHEDULE_SQL, viewerParams } from "./visible.ts";

export async function deleteSchedule(
  sql: Sql,
  viewer: Parameters<typeof viewerParams>[0],
  id: string,
): Promise<boolean> {
  const rows = await sql.query<{ id: string }>(
    `with s as (delete from "schedules" s where ${VISIBLE_SCHEDULE_SQL} and s."id" = $4::uuid returning s."id"),
     notified as (${NOTIFY_SCHEDULES_SQL} from s)
     select s."id" from s left join notified on true`,
    [...viewerParams(viewer), id],
  );
  return rows.length > 0;
}
