// Runs sweep() every intervalMs (never two passes at once in this process; other processes may run
// their own: the sweep locks rows with SKIP LOCKED). Returns a stop function that waits for a pass
// in flight, so the database can be closed after it.
import type { Database } from "../../db/database.ts";
import { runEvery } from "../../background/every.ts";
import { sweep, type SweepResult } from "./sql/sweep.ts";

export interface SweeperLogger {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

export function startSweeper(
  db: Database,
  intervalMs: number,
  logger: SweeperLogger,
  onSweep?: (result: SweepResult) => void,
): () => Promise<void> {
  return runEvery(
    intervalMs,
    async () => {
      const r = await sweep(db);
      onSweep?.(r);
      if (r.requeued || r.failed || r.canceled || r.timedOut) logger.info({ ...r }, "sweeper moved jobs");
    },
    (err) => logger.warn({ err }, "sweep failed; retrying next interval"),
  );
}
