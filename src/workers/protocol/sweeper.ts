// Runs sweep() every intervalMs (never two passes at once in this process; other processes may run
// their own: the sweep locks rows with SKIP LOCKED). Returns a stop function that waits for a pass
// in flight, so the database can be closed after it.
import type { Database } from "../../db/database.ts";
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
  if (!(intervalMs > 0)) return async () => undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;

  const schedule = () => {
    timer = setTimeout(tick, intervalMs);
    timer.unref();
  };
  const tick = () => {
    inFlight = sweep(db)
      .then((r: SweepResult) => {
        onSweep?.(r);
        if (r.requeued || r.failed || r.canceled || r.timedOut) logger.info({ ...r }, "sweeper moved jobs");
      })
      .catch((err: unknown) => {
        if (!stopped) logger.warn({ err }, "sweep failed; retrying next interval");
      })
      .finally(() => {
        inFlight = undefined;
        if (!stopped) schedule();
      });
  };
  schedule();

  return async () => {
    stopped = true;
    clearTimeout(timer);
    await inFlight;
  };
}
