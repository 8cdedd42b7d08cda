// Fires due schedules: one job per tick, however many server processes run on one database.
//
// Who fires: the database. A pass claims due rows with FOR UPDATE SKIP LOCKED and marks them
// claimed (`firingUntil`), so two servers never fire the same tick at once. The job is created through
// JobService.create (the createJob path: validation, notifications for jobsChanged) as the schedule's
// creator, with an idempotency key made of the schedule and the tick; then the tick is recorded and the
// next armed. A server that dies between the two leaves its claim to lapse, and the next server's
// retry of that tick returns the same job: none lost, none twice.
//
// Missed ticks (every server was down): the stored next tick is in the past. Catch-up ONCE fires it
// once and arms the first tick after now (never one job per missed tick); SKIP fires it only if it
// is at most `misfireMs` late. A tick fired a little late by a busy server is not a missed one.
//
// Waking: a server sleeps until the earliest armed tick (by the database's clock), re-armed at once
// when any server changes a schedule (NOTIFY on SCHEDULES_CHANNEL, and after the LISTEN connection is
// remade). While a schedule is armed it never sleeps longer than MAX_SLEEP_MS, a safety net for a
// lost notification; with none armed it waits for a notification only (nothing else can arm one).
import type { Database } from "../db/database.ts";
import { isJobsError } from "../errors.ts";
import { creatorViewer } from "../executors/creator.ts";
import type { JobService } from "../jobs/service.ts";
import type { Logger } from "../logger.ts";
import { AUDIT_OK, type AuditLog } from "../security/audit.ts";
import { nextRunAfter } from "./cron.ts";
import { SCHEDULES_CHANNEL } from "./model.ts";
import { newScheduledJob, tickKey } from "./scheduled-job.ts";
import { claimDueSchedules, type DueSchedule } from "./sql/claimDueSchedules.ts";
import { finishTick } from "./sql/finishTick.ts";
import { msUntilNextTick } from "./sql/nextWake.ts";

/** Schedules claimed per statement; a pass claims again while it fills a batch. */
const CLAIM_BATCH = 20;
/** How long a claim keeps other servers off a tick: creating one job takes milliseconds. */
const DEFAULT_CLAIM_SECONDS = 30;
const MAX_SLEEP_MS = 60_000;
/** Least sleep when a due row was left unclaimed (another server holds its row lock for a moment). */
const BUSY_SLEEP_MS = 50;
const RETRY_AFTER_ERROR_MS = 1000;
/** Refusals that will not change on retry: the tick is recorded as making no job, with the reason. */
const PERMANENT = ["BAD_USER_INPUT", "FORBIDDEN", "CONFLICT", "NOT_FOUND"] as const;

/** Who a tick's audit row says acted: the scheduler, for this schedule, as its creator. */
const schedulerActor = (scheduleId: string, createdBy: string) =>
  `scheduler (schedule ${scheduleId}, for ${createdBy})`;

export interface SchedulerOptions {
  /** How late a tick may fire and still count as on time (catch-up SKIP drops later ones). */
  misfireMs: number;
  /** How long a server's claim on a tick keeps others off it (after a crash, the delay before another fires it). */
  claimSeconds?: number;
}

export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly db: Database,
    private readonly jobs: JobService,
    private readonly audit: AuditLog,
    private readonly logger: Logger,
    private readonly options: SchedulerOptions,
  ) {}

  async start(): Promise<this> {
    this.unlisten = await this.db.listen(
      SCHEDULES_CHANNEL,
      () => this.wake(),
      () => this.wake(),
    );
    // The first pass (ticks missed while no server ran) is done before the server takes requests.
    this.wake();
    await this.running;
    return this;
  }

  /** Runs a pass now, or right after the one in flight. */
  wake(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .then((sleepMs) => this.sleep(sleepMs))
      .catch((err: unknown) => {
        this.logger.warn({ err }, "schedule pass failed; retrying");
        this.sleep(RETRY_AFTER_ERROR_MS);
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Stops waking; waits for a pass in flight (a few statements), so the database can close after. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.unlisten?.();
    await this.running;
  }

  private sleep(ms: number | null): void {
    if (this.stopped || this.again || ms === null) return;
    this.timer = setTimeout(() => this.wake(), Math.min(Math.max(ms, 0), MAX_SLEEP_MS));
    this.timer.unref();
  }

  /** Fires everything due; returns how long to sleep (null: until notified). */
  private async pass(): Promise<number | null> {
    let claimed: DueSchedule[];
    let fired = 0;
    do {
      claimed = await claimDueSchedules(this.db, CLAIM_BATCH, this.options.claimSeconds ?? DEFAULT_CLAIM_SECONDS);
      for (const schedule of claimed) {
        if (this.stopped) return 0; // its claim lapses; another server (or the next start) fires it
        // A failure that may pass (the database, say) leaves the claim to lapse; then it is fired again.
        await this.fire(schedule).catch((err: unknown) =>
          this.logger.warn({ err, scheduleId: schedule.id }, "schedule tick failed; retrying"),
        );
        fired++;
      }
    } while (claimed.length === CLAIM_BATCH && !this.stopped);
    const ms = await msUntilNextTick(this.db);
    // Nothing armed: only a schedule change can give work, and it comes with a notification.
    if (ms === null) return null;
    // A few ms past the tick, so the database's clock has surely reached it when we look.
    return Math.max(Math.ceil(ms) + 5, fired === 0 ? BUSY_SLEEP_MS : 0);
  }

  private async fire(s: DueSchedule): Promise<void> {
    const tick = s.nextRunOn!;
    const nextRunOn = nextRunAfter(s, s.claimedOn);
    const late = s.claimedOn.getTime() - tick.getTime() > this.options.misfireMs;
    const finish = (jobId: string | null, error: string | null) =>
      finishTick(this.db, { id: s.id, tick, nextRunOn, jobId, error });
    // A tick that made a job names it, as a create does; one that made none, the schedule. The actor
    // names the schedule either way, so each row says which schedule acted.
    const audit = (outcome: string, jobId: string | null = null) =>
      void this.audit.record([
        {
          tenantId: s.tenantId,
          actor: schedulerActor(s.id, s.createdBy),
          actorId: s.createdBy,
          role: null,
          operation: "scheduleTick",
          target: jobId ?? s.id,
          outcome,
          requestId: null,
        },
      ]);

    if (!s.creatorActive) {
      await finish(null, `tick ${tick.toISOString()} skipped: ${s.createdBy} has no live API key`);
      audit("SKIPPED");
      return;
    }
    if (late && s.catchUp === "SKIP") {
      await finish(null, `missed tick ${tick.toISOString()} skipped (catch-up SKIP)`);
      this.logger.info({ scheduleId: s.id, tick }, "missed schedule tick skipped");
      audit("SKIPPED");
      return;
    }
    try {
      const viewer = await creatorViewer(this.db, s.tenantId, s.createdBy);
      const job = newScheduledJob(s.job, tickKey(s.id, tick), (request) => this.jobs.read(request), s.name);
      const created = await this.jobs.create(job, { schedule: s.id, tick: tick.toISOString(), job: s.job }, viewer);
      await finish(created.id, null);
      this.logger.info({ scheduleId: s.id, tick, jobId: created.id, late }, "schedule fired");
      audit(AUDIT_OK, created.id);
    } catch (error) {
      const code = isJobsError(error) ? String(error.extensions.code) : null;
      if (!code || !(PERMANENT as readonly string[]).includes(code)) throw error; // retried once the claim lapses
      await finish(null, `tick ${tick.toISOString()} refused: ${(error as Error).message}`);
      this.logger.warn({ scheduleId: s.id, tick, code }, "schedule tick refused");
      audit(code);
    }
  }
}
