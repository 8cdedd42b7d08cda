// Claims due schedules for this server to fire: rows another server is claiming are skipped (FOR
// UPDATE SKIP LOCKED), and a claimed row is left alone until `firingUntil`, so one server fires each
// tick. A server that dies mid-fire leaves its claim to lapse; the next one fires the same tick (its
// job's idempotency key makes that the same job, never a second).
import type { Sql } from "../../db/database.ts";
import { SCHEDULE_COLUMNS, type ScheduleRecord } from "../model.ts";

export interface DueSchedule extends ScheduleRecord {
  /** The database's clock when claimed: every server judges lateness by the same clock. */
  claimedOn: Date;
  /** The creator still holds a live ADMIN or MEMBER key (revoked users' schedules make no jobs). */
  creatorActive: boolean;
}

export function claimDueSchedules(sql: Sql, limit: number, claimSeconds: number): Promise<DueSchedule[]> {
  return sql.query<DueSchedule>(
    `with due as (
       select "id" from "schedules"
       where not "paused" and "nextRunOn" <= now() and ("firingUntil" is null or "firingUntil" <= now())
       order by "nextRunOn" limit $1
       for update skip locked
     ), s as (
       update "schedules" s set "firingUntil" = now() + make_interval(secs => $2)
       from due where s."id" = due."id"
       returning s.*
     )
     select ${SCHEDULE_COLUMNS}, now() as "claimedOn",
       exists (select 1 from "api_keys" k where k."tenantId" = s."tenantId" and k."userId" = s."createdBy"
                 and k."revokedOn" is null and k."role" <> 'WORKER') as "creatorActive"
     from s order by s."nextRunOn"`,
    [limit, claimSeconds],
  );
}
