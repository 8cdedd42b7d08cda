// Sends the changes recorded in the outbox (src/jobs/sql/notify.ts) as NOTIFYs: right after each
// commit that recorded some, and every `sweepMs` in case another process crashed between its commit
// and its send. One send runs at a time; commits during a send make one more, so under load each
// send carries every change committed meanwhile, and NOTIFY's commit-time lock is taken once per
// batch instead of once per change.
import { setImmediate as restOfTurn } from "node:timers/promises";
import type { Database } from "../db/database.ts";
import type { Logger } from "../logger.ts";
import { RECORD_CHANGE } from "./sql/notify.ts";
import { SEND_BATCH, sendChanges } from "./sql/sendChanges.ts";
import { vacuumOutbox } from "./sql/vacuumOutbox.ts";

/** Outbox rows sent between two vacuums of the outbox (see vacuumOutbox.ts). */
export const VACUUM_EVERY = 2000;

export class ChangeNotifier {
  private sending: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;
  private failing = false;
  private sentSinceVacuum = 0;
  private vacuuming: Promise<void> | null = null;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly sweepMs: number,
  ) {}

  start(): this {
    this.unwatch = this.db.onCommitOf(RECORD_CHANGE, () => this.send());
    if (this.sweepMs > 0) this.timer = setInterval(() => this.send(), this.sweepMs).unref();
    this.send(); // whatever an earlier process left behind
    return this;
  }

  /** Sends what is recorded, now or right after the send in progress. */
  send(): void {
    if (this.stopped) return;
    if (this.sending) {
      this.again = true;
      return;
    }
    // Commits that land in the same turn (a batched request's operations) go in one send.
    this.sending = restOfTurn().then(() => this.sendAll()).finally(() => (this.sending = null));
  }

  /** Resolves when nothing is being sent (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.sending || this.vacuuming) await (this.sending ?? this.vacuuming);
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
    await this.idle();
    this.again = false;
    this.sending = this.sendAll();
    await this.sending;
    this.sending = null;
    this.stopped = true;
  }

  private async sendAll(): Promise<void> {
    do {
      this.again = false;
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
        return;
      }
    } while (this.again);
  }
}
