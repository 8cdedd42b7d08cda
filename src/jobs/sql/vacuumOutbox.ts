// Every change's outbox row is deleted moments after it is written, and each send walks the outbox's
// id index from its oldest entry. Dead entries stay in that walk until a vacuum removes them, and
// autovacuum visits a database about once a minute: at a few thousand changes a second every send
// stepped over tens of thousands of them, and the sends cost more than the changes' own writes.
// The notifier vacuums the (small) table itself after every few thousand sent changes. SKIP_LOCKED:
// when another process is vacuuming it already, this one does not wait.
import type { Sql } from "../../db/database.ts";
import { CHANGE_OUTBOX } from "./notify.ts";

export async function vacuumOutbox(sql: Sql): Promise<void> {
  await sql.query(`vacuum (skip_locked) "${CHANGE_OUTBOX}"`);
}
