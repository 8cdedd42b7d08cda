// Records a fired (or skipped) tick and arms the next one, releasing the claim. Only if the schedule
// still waits on that tick: paused, resumed or deleted meanwhile, it is left as its owner set it.
import type { Sql } from "../../db/database.ts";

export interface TickOutcome {
  id: string;
  tick: Date;
  nextRunOn: Date | null;
  /** The job the tick created; null when it made none (skipped or refused: see `error`). */
  jobId: string | null;
  error: string | null;
}

export async function finishTick(sql: Sql, o: TickOutcome): Promise<boolean> {
  const rows = await sql.query(
    `update "schedules" set "nextRunOn" = $3::timestamptz, "firingUntil" = null, "updatedOn" = now(),
       "lastRunOn" = case when $4::uuid is null then "lastRunOn" else now() end,
       "lastJobId" = coalesce($4::uuid, "lastJobId"),
       "lastError" = $5
     where "id" = $1::uuid and "nextRunOn" = $2::timestamptz and not "paused"
     returning "id"`,
    [o.id, o.tick, o.nextRunOn, o.jobId, o.error],
  );
  return rows.length > 0;
}
