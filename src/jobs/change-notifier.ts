// Sends the changes recorded in the outbox (src/jobs/sql/notify.ts) as NOTIFYs: right after each
// commit that recorded some, and every `sweepMs` in case another process crashed between its commit
// and its send. One send runs at a time; commits during a send make one more, so under load each
// send carries every change committed meanwhile, and NOTIFY's commit-time lock is taken once per
// batch instead of once per change. Sends start at least `minIntervalMs` apart: a busy server sends
// fewer, larger batches (each send is a statement that deletes and notifies), while a change after
// a quiet spell still goes at once.
import { WriteCoalescer } from "@jobs-api/client/node";
import { CommitSignal } from "../db/commit-signals.ts";
import type { Database } from "../db/database.ts";
import type { Logger } from "../logger.ts";
import { SEND_BATCH, sendChanges } from "./sql/sendChanges.ts";
import { vacuumOutbox } from "./sql/vacuumOutbox.ts";

/** Outbox rows sent between two vacuums of the outbox (see vacuumOutbox.ts). */
export const VACUUM_EVERY = 2000;

export interface NotifierTiming {
  /** How often to send what nobody sent (a crashed process's changes); 0: never. */
  sweepMs: number;
  /** Least time between the starts of two sends. */
  minIntervalMs: number;
}

export class ChangeNotifier {
  /** Asks for a send: those of one turn, or made while a send runs or waits, are answered by the next one. */
  private readonly sends: WriteCoalescer<void, void>;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;
  private failing = false;
  private sentSinceVacuum = 0;
  private vacuuming: Promise<void> | null = null;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly timing: NotifierTiming,
  ) {
    this.sends = new WriteCoalescer<void, void>(
      async (asks) => {
        await this.sendAll();
        return asks.map(() => undefined);
      },
      Number.POSITIVE_INFINITY,
      { minIntervalMs: timing.minIntervalMs },
    );
  }

  start(): this {
    this.unwatch = this.db.onCommit(CommitSignal.JobsChanged, () => this.send());
    if (this.timing.sweepMs > 0) this.timer = setInterval(() => this.send(), this.timing.sweepMs).unref();
    this.send(); // whatever an earlier process left behind
    return this;
  }

  /** Sends what is recorded, now or right after the send in progress. */
  send(): void {
    if (!this.stopped) void this.sends.submit();
  }

  /** Resolves when nothing is being sent or vacuumed (tests and shutdown). */
  async idle(): Promise<void> {
    await this.sends.idle();
    while (this.vacuuming) await this.vacuuming;
  }

  /** In the background, one at a time: sends go on meanwhile. */
  private vacuum(): void {
    if (this.vacuuming) return;
    this.sentSinceVacuum = 0;
    this.vacuuming = vacuumOutbox(this.db)
      .catch((err: unknown) => this.logger.warn({ err }, "could not vacuum the change outbox; autovacuum will"))
      .finally(() => (this.vacuuming = null));
  }

  /** Stops sending after one last send of what is committed by now. */
  async stop(): Promise<void> {
    this.unwatch?.();
    clearInterval(this.timer);
    await this.sends.submit();
    await this.idle();
    this.stopped = true;
  }

  /** Sends everything recorded; never throws. */
  private async sendAll(): Promise<void> {
    try {
      let sent: number;
      do {
        sent = await sendChanges(this.db);
        this.sentSinceVacuum += sent;
      } while (sent === SEND_BATCH);
      if (this.sentSinceVacuum >= VACUUM_EVERY) this.vacuum();
      if (this.failing) this.logger.info("change notifications are being sent again");
      this.failing = false;
    } catch (err) {
      // The database is away: what is recorded stays recorded; the sweep retries.
      if (!this.failing) this.logger.warn({ err }, "could not send change notifications; retrying");
      this.failing = true;
    }
  }
}
