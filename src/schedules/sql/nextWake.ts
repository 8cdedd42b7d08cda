// How long until any schedule may be due (its tick, or the end of another server's claim on it), by
// the database's clock. Null when no schedule is armed.
import type { Sql } from "../../db/database.ts";

export async function msUntilNextTick(sql: Sql): Promise<number | null> {
  const rows = await sql.query<{ ms: number | string | null }>(
    `select extract(epoch from (min(greatest("nextRunOn", coalesce("firingUntil", "nextRunOn"))) - now())) * 1000 as "ms"
     from "schedules" where not "paused" and "nextRunOn" is not null`,
  );
  const ms = rows[0]?.ms;
  return ms === null || ms === undefined ? null : Number(ms);
}
