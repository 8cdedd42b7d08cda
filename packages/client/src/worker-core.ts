// The one worker loop, shared by the SDK's Worker (over HTTP) and the server's in-process Runner:
// claim up to the free slots in one call, run each job with its lease kept alive by heartbeats,
// report its outcome exactly once (complete, or fail as the caller classifies the error), and on stop
// claim no more, let running jobs finish for a grace period, then interrupt them. Everything that
// differs between the two sides (the wire, the job and context shapes, how errors are classified,
// tracing) is the port's or the caller's; the loop itself knows none of it.
//
// With a local queue (option localQueue, for ports whose claims are cheap to make big), one claim
// takes up to the free slots plus the queue's room, and the jobs no slot takes yet wait in memory,
// already leased: a slot that frees starts the next one at once, without a claim, and the queue is
// refilled in one claim once it is down to one job per slot (or to half its size, if that is less):
// a claim's fixed cost dominates, so big claims go fastest, and the jobs left keep the slots busy
// while the claim runs. Their leases are bounded as every lease is, renewed while they wait (a
// heartbeat each, every heartbeat period), and handed back on stop without running.
import { isJobsApiError } from "./errors.ts";
import { heartbeatPeriodMs } from "./lease.ts";
import { sleep, type WaitForWork } from "./wait.ts";

/** A claimed job as the loop sees it: the lease token fences every later call. */
export interface LeaseLike {
  readonly token: string;
}

/** Why a running job was interrupted. */
export type Interruption = "cancel" | "lease-lost" | "stop";

/**
 * What the loop needs from the jobs API. `L` is the port's lease, `O` a run's outcome, `F` a failure
 * report, `S` what the final call answers.
 */
export interface WorkerPort<L extends LeaseLike, O, F, S> {
  /** Up to `max` jobs with their leases, in one call; empty: none waiting. */
  claim(max: number): Promise<L[]>;
  heartbeat(token: string): Promise<{ cancelRequested: boolean }>;
  complete(token: string, outcome: O): Promise<S>;
  fail(token: string, failure: F): Promise<S>;
  /** Whether an error means the lease is gone (the job is someone else's now). */
  isLeaseLost(err: unknown): boolean;
  /**
   * The failure to report when complete() was refused for what the run produced (a result the API
   * cannot store, say): the job fails at once instead of waiting out its lease to be retried into
   * the same refusal. null (or absent): not such a refusal.
   */
  refusedOutcome?(err: unknown): F | null;
  /**
   * How an idle loop waits after a claim found nothing; `signal` aborts when the loop is woken
   * (subscribeWork) or stops, and the wait must then end at once.
   */
  waitForWork: WaitForWork;
  /** Calls wake whenever claimable work may have appeared, where the port can tell. */
  subscribeWork?(wake: () => void): () => void;
  /** Calls onChange when the leased job changes (a cancel request, say), where the port can tell: the loop heartbeats at once. */
  watchJob?(lease: L, onChange: () => void): () => void;
}

/** One job while it runs, as the caller's run() sees it. */
export interface RunningJob<L extends LeaseLike> {
  readonly lease: L;
  /**
   * Aborted on a cancel request, a lost lease or stop, with the caller's `abortReason` of it. Made on
   * first read (Node spends microseconds making a signal, and short jobs mostly never look at it):
   * read it where it is used, not ahead of time.
   */
  readonly signal: AbortSignal;
  /** A call under the lease: a lost lease it reports interrupts the job as a heartbeat's would. */
  guard<T>(call: () => Promise<T>): Promise<T>;
  /** A heartbeat's answer made outside the loop (e.g. one carrying progress): a cancel request interrupts the job. */
  sawStatus(status: { cancelRequested: boolean }): void;
}

export interface JobReport<L extends LeaseLike, S> {
  lease: L;
  /** What the final call answered; null when there was none or it failed (lease lost first, say). */
  final: S | null;
  /** What run() threw, if it did. */
  error?: unknown;
  /** The failure reported for it, if one was. */
  failure?: unknown;
}

export interface WorkerCoreOptions<L extends LeaseLike, O, F, S> {
  port: WorkerPort<L, O, F, S>;
  /** Jobs run at once. */
  concurrency: number;
  leaseSeconds: number;
  /** How long stop() lets running jobs finish before interrupting them; 0: at once. */
  shutdownGraceMs: number;
  /**
   * Claimed jobs kept waiting for a slot (see above); 0 or absent: none, each claim takes only the
   * free slots. Handed-back jobs are reported through `failureOf` with the "stop" interruption.
   */
  localQueue?: number;
  run(job: RunningJob<L>): Promise<O>;
  /** How a job whose run threw is reported; null: not at all (e.g. its lease is gone). */
  failureOf(lease: L, err: unknown, interruption: Interruption | null): F | null;
  /** The value a job's signal aborts with (default: the interruption's name). */
  abortReason?(interruption: Interruption): unknown;
  /** Wraps a job's whole life (run and report), e.g. in a span. */
  around?(lease: L, body: () => Promise<void>): Promise<void>;
  /** Wraps each claim, e.g. in a span. */
  aroundClaim?(free: number, claim: () => Promise<L[]>): Promise<L[]>;
  on?: {
    claimFailed?(err: unknown): void;
    heartbeatFailed?(lease: L, err: unknown): void;
    /** The final call threw (`leaseLost`: because the lease was gone). */
    reportFailed?(lease: L, call: "complete" | "fail", err: unknown, leaseLost: boolean): void;
    /** After each job's final call (or its absence). */
    finished?(report: JobReport<L, S>): void;
    /** The loop itself crashed on a job (a bug): its lease will expire and the job run again. */
    crashed?(lease: L, err: unknown): void;
  };
}

/** How long a RATE_LIMITED refusal asks to wait (its retryAfterSeconds, else none given: 0); null for any other error. */
function rateLimitedFor(err: unknown): number | null {
  if (!isJobsApiError(err, "RATE_LIMITED")) return null;
  const seconds = Number(err.errors[0]?.extensions?.retryAfterSeconds);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

/** Claims after consecutive failed claims back off this far at most. */
const MAX_CLAIM_BACKOFF_MS = 10_000;

/** A claimed job waiting in the local queue for a slot. */
interface Queued<L> {
  lease: L;
  /** When its lease was last taken or renewed (performance.now()). */
  renewedAt: number;
}

/** What a job that waited in the local queue is launched with. */
interface LaunchOptions {
  /** Renew the lease at once instead of a heartbeat period from now (it waited a while). */
  beatFirst: boolean;
}

export class WorkerCore<L extends LeaseLike, O, F, S> {
  private readonly stopping = new AbortController();
  /** Jobs whose run is in progress: they fill the slots (by lease token). */
  private readonly running = new Map<string, { interrupt: (why: Interruption) => void }>();
  /** Every job not finished with yet, its report included (stop waits for them). */
  private readonly unfinished = new Set<Promise<void>>();
  private loop: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;
  /** Ends the idle wait (work may have appeared, or stop). */
  private wake: () => void = () => undefined;
  /** Resolves the wait of a full loop when a slot frees (or on stop). */
  private slotFreed: () => void = () => undefined;
  /** Set by every wake-up; cleared before each claim, so a wake during a claim is never lost. */
  private dirty = true;
  /** Claimed jobs waiting for a slot, oldest first (only with a local queue). */
  private readonly queued: Queued<L>[] = [];
  private readonly localQueue: number;
  /** The local queue is refilled when it holds this many jobs or fewer. */
  private readonly refillAt: number;
  /** Renews the leases of queued jobs while any wait. */
  private renewTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: WorkerCoreOptions<L, O, F, S>) {
    const { concurrency, localQueue = 0 } = options;
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
    if (!Number.isInteger(localQueue) || localQueue < 0)
      throw new RangeError(`localQueue must be a non-negative integer, got ${localQueue}`);
    this.localQueue = localQueue;
    this.refillAt = Math.min(concurrency, Math.floor(localQueue / 2));
  }

  /** Lease tokens of the jobs running now. */
  get active(): string[] {
    return [...this.running.keys()];
  }

  start(): this {
    if (this.loop) return this;
    const unsubscribe = this.options.port.subscribeWork?.(() => this.poke()) ?? (() => undefined);
    this.loop = this.dispatch().finally(unsubscribe);
    return this;
  }

  /** Claims no more; lets running jobs finish for the grace period, then interrupts them; resolves when every job is reported. */
  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    this.stopping.abort();
    this.wake();
    this.slotFreed();
    const grace = this.options.shutdownGraceMs;
    if (grace <= 0) this.interruptAll();
    await this.loop;
    this.handBackQueued();
    const all = Promise.all(this.unfinished);
    if (grace > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, grace)))]);
      clearTimeout(timer);
    }
    this.interruptAll();
    await all;
  }

  private interruptAll(): void {
    for (const r of this.running.values()) r.interrupt("stop");
  }

  private poke(): void {
    this.dirty = true;
    this.wake();
  }

  private async dispatch(): Promise<void> {
    const { port, concurrency } = this.options;
    const stop = this.stopping.signal;
    let emptyClaims = 0;
    let failures = 0;
    while (!stop.aborted) {
      this.startQueued();
      const free = concurrency - this.running.size;
      // Free slots (the queue is empty then), or a local queue down to its refill mark: one claim
      // fills both.
      const want = free + this.localQueue - this.queued.length;
      if (want <= 0 || (free <= 0 && this.queued.length > this.refillAt)) {
        // Full: wait for a slot (a wake-up meanwhile stays noted in `dirty`).
        await new Promise<void>((resolve) => (this.slotFreed = resolve));
        this.slotFreed = () => undefined;
        continue;
      }
      this.dirty = false;
      let claimed: L[];
      try {
        // Every free slot (and the queue's room) in one claim: under load the claims keep pace
        // with the completions. Not aborted by stop: a claim cut off in flight could leave jobs
        // leased to nobody.
        const claim = () => port.claim(want);
        claimed = await (this.options.aroundClaim ? this.options.aroundClaim(want, claim) : claim());
        failures = 0;
      } catch (err) {
        // The database or API is unreachable: back off, capped, and try again; at once when woken
        // (what woke us, a change or a job made, came from the database: it is back). Refused for
        // the key's rate budget: wait what the server said, however often work appears meanwhile.
        failures++;
        if (!stop.aborted) this.options.on?.claimFailed?.(err);
        const backoffMs = Math.min(250 * 2 ** failures, MAX_CLAIM_BACKOFF_MS);
        const retryAfterMs = rateLimitedFor(err);
        if (retryAfterMs === null) await this.wakeable((signal) => sleep(backoffMs, signal));
        else await sleep(Math.max(backoffMs, retryAfterMs), stop);
        continue;
      }
      if (claimed.length) {
        emptyClaims = 0;
        // Jobs claimed as a stop came are run too (interrupted at once when there is no grace), so
        // that each is reported, not left leased until its lease runs out; those beyond the free
        // slots wait in the queue (handed back once the loop ends).
        const now = performance.now();
        for (const lease of claimed) {
          if (this.running.size < concurrency) this.launch(lease, { beatFirst: false });
          else this.queued.push({ lease, renewedAt: now });
        }
        if (this.queued.length) this.scheduleRenewal();
        continue;
      }
      emptyClaims++;
      // Jobs still queued start as slots free; the database had none for the queue's room.
      if (this.dirty) continue;
      await this.idle(emptyClaims);
    }
  }

  /** The port's idle wait, cut short when woken or stopped. */
  private idle(emptyClaims: number): Promise<void> {
    return this.wakeable((signal) => this.options.port.waitForWork({ emptyClaims, signal }));
  }

  /** A wait (resolving at once when its signal aborts), cut short when woken or stopped. */
  private async wakeable(wait: (signal: AbortSignal) => Promise<void>): Promise<void> {
    if (this.dirty || this.stopping.signal.aborted) return;
    const woken = new AbortController();
    const end = () => woken.abort();
    this.wake = end;
    this.stopping.signal.addEventListener("abort", end, { once: true });
    try {
      await wait(woken.signal);
    } finally {
      this.stopping.signal.removeEventListener("abort", end);
      this.wake = () => undefined;
    }
  }

  /** Starts queued jobs in the free slots (not once stopping: they are handed back). */
  private startQueued(): void {
    if (this.stopping.signal.aborted) return;
    const periodMs = heartbeatPeriodMs(this.options.leaseSeconds);
    while (this.queued.length && this.running.size < this.options.concurrency) {
      const { lease, renewedAt } = this.queued.shift()!;
      this.launch(lease, { beatFirst: performance.now() - renewedAt >= periodMs });
    }
  }

  /** Renews the leases of jobs that waited a heartbeat period in the queue, while any wait. */
  private scheduleRenewal(): void {
    if (this.renewTimer || this.stopping.signal.aborted) return;
    const periodMs = heartbeatPeriodMs(this.options.leaseSeconds);
    this.renewTimer = setTimeout(() => {
      this.renewTimer = undefined;
      void this.renewQueued(periodMs).finally(() => {
        if (this.queued.length) this.scheduleRenewal();
      });
    }, periodMs);
  }

  private async renewQueued(periodMs: number): Promise<void> {
    const { port, on } = this.options;
    const due = this.queued.filter((q) => performance.now() - q.renewedAt >= periodMs);
    await Promise.all(
      due.map(async (q) => {
        try {
          const status = await port.heartbeat(q.lease.token);
          q.renewedAt = performance.now();
          // Canceled while it waited: reported as a canceled run, never started.
          if (status.cancelRequested && this.dequeue(q)) this.reportUnstarted(q.lease, "cancel");
        } catch (err) {
          // Lost: the job is someone else's now; it simply leaves the queue.
          if (port.isLeaseLost(err)) this.dequeue(q);
          else on?.heartbeatFailed?.(q.lease, err);
        }
      }),
    );
  }

  /** Takes a queued job out of the queue; false if a slot or the hand-back took it first. */
  private dequeue(q: Queued<L>): boolean {
    const i = this.queued.indexOf(q);
    if (i < 0) return false;
    this.queued.splice(i, 1);
    return true;
  }

  /** On stop: every queued job goes back (failureOf with "stop"), never started. */
  private handBackQueued(): void {
    clearTimeout(this.renewTimer);
    this.renewTimer = undefined;
    for (const { lease } of this.queued.splice(0)) this.reportUnstarted(lease, "stop");
  }

  /** Reports a job that never ran as interrupted by `why`; stop waits for the report. */
  private reportUnstarted(lease: L, why: Interruption): void {
    const { port, on } = this.options;
    const error = new Error(`interrupted (${why}) before it started`);
    const failure = this.options.failureOf(lease, error, why);
    const done = (async () => {
      const final = failure === null ? null : await this.report(lease, "fail", () => port.fail(lease.token, failure));
      on?.finished?.(failure === null ? { lease, final, error } : { lease, final, error, failure });
    })().finally(() => this.unfinished.delete(done));
    this.unfinished.add(done);
  }

  private launch(lease: L, { beatFirst }: LaunchOptions): void {
    // Registered before anything awaits: the next claim counts this slot as taken.
    // The controller's signal is made only when read (RunningJob.signal): the loop itself reads
    // `interruption`, set before the abort.
    const abort = new AbortController();
    let interruption: Interruption | null = null;
    const interrupt = (why: Interruption) => {
      if (interruption !== null) return;
      interruption = why;
      abort.abort(this.options.abortReason ? this.options.abortReason(why) : why);
    };
    this.running.set(lease.token, { interrupt });
    if (this.stopping.signal.aborted && this.options.shutdownGraceMs <= 0) interrupt("stop");
    const body = () => this.execute(lease, abort, interrupt, () => interruption, beatFirst);
    const done = (this.options.around ? this.options.around(lease, body) : body())
      .catch((err: unknown) => this.options.on?.crashed?.(lease, err))
      .finally(() => {
        this.freeSlot(lease.token);
        this.unfinished.delete(done);
      });
    this.unfinished.add(done);
  }

  /**
   * A slot frees when its run ends, not when the outcome's report is acknowledged: the next claim
   * then overlaps the report (and over HTTP travels with it, in one batched request).
   */
  private freeSlot(token: string): void {
    if (!this.running.delete(token)) return;
    // A queued job takes the slot at once, without waiting for the loop's turn.
    if (this.queued.length) this.startQueued();
    this.slotFreed();
  }

  private async execute(
    lease: L,
    abort: AbortController,
    interrupt: (why: Interruption) => void,
    interruption: () => Interruption | null,
    beatFirst: boolean,
  ): Promise<void> {
    const { port, on } = this.options;
    const sawStatus = (status: { cancelRequested: boolean }) => {
      if (status.cancelRequested) interrupt("cancel");
    };
    const leaseLost = (err: unknown) => {
      if (port.isLeaseLost(err)) interrupt("lease-lost");
    };
    const keepAlive = this.keepLeaseAlive(lease, () => interruption() !== null, sawStatus, leaseLost, beatFirst);
    const job: RunningJob<L> = {
      lease,
      get signal() {
        return abort.signal;
      },
      sawStatus,
      guard: async (call) => {
        try {
          return await call();
        } catch (err) {
          leaseLost(err);
          throw err;
        }
      },
    };

    let outcome: O;
    try {
      // A run that finished is reported as done even if a stop came meanwhile: completing a job
      // whose cancel was requested ends it canceled, and a lost lease refuses it.
      outcome = await this.options.run(job);
    } catch (err) {
      // The run is over: no more heartbeats (the report's own change would prompt one, on a lease
      // the report just ended).
      keepAlive();
      this.freeSlot(lease.token);
      const why = port.isLeaseLost(err) ? "lease-lost" : interruption();
      const failure = this.options.failureOf(lease, err, why);
      const final = failure === null ? null : await this.report(lease, "fail", () => port.fail(lease.token, failure));
      on?.finished?.(failure === null ? { lease, final, error: err } : { lease, final, error: err, failure });
      return;
    }
    keepAlive();
    this.freeSlot(lease.token);
    let refused: F | null = null;
    const final = await this.report(lease, "complete", async () => {
      try {
        return await port.complete(lease.token, outcome);
      } catch (err) {
        refused = port.refusedOutcome?.(err) ?? null;
        throw err;
      }
    });
    if (final === null && refused !== null) {
      const failure: F = refused;
      const failed = await this.report(lease, "fail", () => port.fail(lease.token, failure));
      on?.finished?.({ lease, final: failed, failure });
      return;
    }
    on?.finished?.({ lease, final });
  }

  private async report(lease: L, call: "complete" | "fail", send: () => Promise<S>): Promise<S | null> {
    try {
      return await send();
    } catch (err) {
      this.options.on?.reportFailed?.(lease, call, err, this.options.port.isLeaseLost(err));
      return null;
    }
  }

  /**
   * Heartbeats every third of the lease, and soon after any change of the job the
   * port reports (so a cancel request is seen in moments, not seconds); at once with `beatFirst` (a
   * job that waited in the local queue: a change while it waited went unwatched). Never throws.
   * Returns the function that stops it.
   */
  private keepLeaseAlive(
    lease: L,
    interrupted: () => boolean,
    sawStatus: (status: { cancelRequested: boolean }) => void,
    leaseLost: (err: unknown) => void,
    beatFirst: boolean,
  ): () => void {
    const { port } = this.options;
    const periodMs = heartbeatPeriodMs(this.options.leaseSeconds);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    let again = false;
    let stopped = false;
    const beat = async () => {
      if (stopped || interrupted()) return;
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      clearTimeout(timer);
      try {
        sawStatus(await port.heartbeat(lease.token));
      } catch (err) {
        leaseLost(err);
        if (!port.isLeaseLost(err)) this.options.on?.heartbeatFailed?.(lease, err);
      } finally {
        inFlight = false;
        if (!stopped && !interrupted()) {
          if (again) {
            again = false;
            void beat();
          } else {
            timer = setTimeout(() => void beat(), periodMs);
          }
        }
      }
    };
    timer = setTimeout(() => void beat(), beatFirst ? 0 : periodMs);
    const unwatch = port.watchJob?.(lease, () => void beat()) ?? (() => undefined);
    return () => {
      stopped = true;
      clearTimeout(timer);
      unwatch();
    };
  }
}
