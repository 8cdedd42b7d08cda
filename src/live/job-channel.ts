// Everything this process knows live about one job: its latest snapshot and the tails of the event
// streams and log lines someone is watching. One reader per job: notifications that arrive while a
// read runs are coalesced into one more read, and each read serves every subscriber of the job here.
// Reads resume from what the channel already holds (revision, highest seq), so a notification that
// was lost or merged with another loses nothing: the next read picks everything up.
import type { JobEventRecord, JobGateway, LogLineRecord } from "../jobs/gateway.ts";
import type { JobState, ReasonerType } from "../jobs/model.ts";
import { isTerminal } from "../jobs/states.ts";
import type { GatewayRegistry } from "../jobs/registry.ts";
import type { Closed } from "./pull-iterator.ts";
import { historyUpTo, JobSnapshot, tenantReader } from "./snapshot.ts";
import { Tail } from "./tail.ts";

export interface ChannelKey {
  tenantId: string;
  reasonerType: ReasonerType;
  jobId: string;
}

export interface ChannelOptions {
  registry: GatewayRegistry;
  /** Rows per read of a stream. */
  pageSize: number;
  /** Items a tail keeps for subscribers that are a little behind. */
  tailCapacity: number;
  /** Pages of one stream one read may take before letting other work run. */
  maxPagesPerRead: number;
  /**
   * After each read (whether it succeeded), with the channel; `byChange`: a change was notified
   * since the previous read (not only a new subscriber's first look, or a tail starting).
   */
  onRead(channel: JobChannel, byChange: boolean): void;
  /** When the channel has no reader running and nothing asked for another. */
  onIdle(channel: JobChannel): void;
  /** Whether anyone outside the channel (jobsChanged subscribers) wants its snapshots. */
  snapshotWanted(channel: JobChannel): boolean;
  onReadFailed(channel: JobChannel, error: unknown): void;
}

export class JobChannel {
  snapshot: JobSnapshot | null = null;
  /**
   * The job was seen terminal (by a snapshot or a change notification): nothing more will be
   * written to its events or logs, so their subscribers end once they have read everything.
   */
  terminalSeen = false;
  /** The job was there and is gone (removed by retention): its subscribers end as for a job not found. */
  gone = false;
  /** Subscriptions using this channel (it lives while any does, or while a read runs). */
  subscribers = 0;
  /** Of those, the ones following the job itself (jobUpdated); event and log subscribers need no snapshot. */
  jobSubscribers = 0;
  /** A fresh snapshot was asked for (a subscriber checking it may see the job). */
  private snapshotRequested = false;
  private readonly eventTails = new Map<string, { tail: Tail<JobEventRecord> | null; users: number }>();
  private logTail: { tail: Tail<LogLineRecord> | null; users: number } | null = null;
  private dirty = false;
  private running = false;
  private readsStarted = 0;
  private readsDone = 0;
  private lastError: { read: number; error: unknown } | null = null;
  private waiters = new Set<ChangeWaiter>();
  private readonly gateway: JobGateway;
  /** Revision of the newest snapshot, counted only while tails were read after it (else 0). */
  private revisionRead = 0;
  /** A change was notified since the last read started. */
  private changeNotified = false;
  /** The newest revision notified since the channel began (0: none). */
  private revisionNotified = 0;
  /** Something changed that no revision names (a resync, a tail to start or continue): read regardless. */
  private unnamedChange = false;

  constructor(
    readonly key: ChannelKey,
    private readonly options: ChannelOptions,
  ) {
    this.gateway = options.registry.for(key.reasonerType);
  }

  /** Reads finished so far: a subscriber compares it around its own read to tell whether a change came meanwhile. */
  get readsCompleted(): number {
    return this.readsDone;
  }

  get busy(): boolean {
    return this.running || this.dirty;
  }

  /** The job was removed: nothing is left to read, and every subscriber wakes to end. */
  remove(): void {
    this.gone = true;
    this.snapshot = null;
    this.terminalSeen = true;
    this.wakeAll();
  }

  /** A change was notified (revision unknown after a resync): read again unless already read. */
  notify(revision?: number, state?: JobState): void {
    if (this.gone) return;
    if (state && isTerminal(state)) this.terminalSeen = true;
    // A snapshot is read before the tails, so a read that saw this revision saw all its rows too.
    if (revision !== undefined && revision <= this.revisionRead) return;
    this.changeNotified = true;
    if (revision === undefined) this.unnamedChange = true;
    else this.revisionNotified = Math.max(this.revisionNotified, revision);
    this.dirty = true;
    this.kick();
  }

  /**
   * Whether the read about to start would learn nothing: every change notified meanwhile named a
   * revision the last read already saw (a notification that overtook the read it asked for, such as
   * a job's own claim heard while a new subscriber's first read ran).
   */
  private caughtUp(): boolean {
    return (
      this.revisionRead > 0 &&
      this.revisionNotified <= this.revisionRead &&
      !this.unnamedChange &&
      !this.snapshotRequested
    );
  }

  /** Resolves once a read that started after this call has finished; throws what that read threw. */
  async fresh(): Promise<void> {
    const target = this.readsStarted + 1;
    this.snapshotRequested = true;
    this.dirty = true;
    this.kick();
    while (this.readsDone < target) await this.changed();
    if (this.lastError && this.lastError.read >= target) throw this.lastError.error;
  }

  /** Resolves at the end of the next read (or when the subscriber closes). */
  changed(closed?: Closed): Promise<void> {
    return new Promise<void>((resolve) => {
      const waiter = new ChangeWaiter(this.waiters, resolve, closed ?? null);
      this.waiters.add(waiter);
      closed?.onClose(waiter);
    });
  }

  /** Registers a subscriber of an event stream; the tail starts when the first one catches up. */
  useEvents(stream: string): () => void {
    const entry = this.eventTails.get(stream) ?? { tail: null, users: 0 };
    entry.users++;
    this.eventTails.set(stream, entry);
    return () => {
      if (--entry.users === 0 && this.eventTails.get(stream) === entry) this.eventTails.delete(stream);
    };
  }

  eventTail(stream: string): Tail<JobEventRecord> | null {
    return this.eventTails.get(stream)?.tail ?? null;
  }

  /**
   * Starts the stream's tail right after `cursor`, where a subscriber's own read of the store ended,
   * and reads at once: changes notified during that subscriber's read are picked up by this read.
   */
  startEventTail(stream: string, cursor: number): void {
    const entry = this.eventTails.get(stream);
    if (!entry || entry.tail) return;
    entry.tail = new Tail(cursor, this.options.tailCapacity);
    this.readAgain();
  }

  useLogs(): () => void {
    const entry = (this.logTail ??= { tail: null, users: 0 });
    entry.users++;
    return () => {
      if (--entry.users === 0 && this.logTail === entry) this.logTail = null;
    };
  }

  logLineTail(): Tail<LogLineRecord> | null {
    return this.logTail?.tail ?? null;
  }

  startLogTail(cursor: number): void {
    if (!this.logTail || this.logTail.tail) return;
    this.logTail.tail = new Tail(cursor, this.options.tailCapacity);
    this.readAgain();
  }

  /** Reads once more (a tail just started), though no change was notified: the job did not change. */
  private readAgain(): void {
    this.unnamedChange = true;
    this.dirty = true;
    this.kick();
  }

  /** Wakes every waiter (used when the feed stops). */
  wakeAll(): void {
    for (const waiter of [...this.waiters]) waiter.wake();
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    void this.run();
  }

  private async run(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        if (this.caughtUp()) continue;
        this.unnamedChange = false;
        const byChange = this.changeNotified;
        this.changeNotified = false;
        const read = ++this.readsStarted;
        try {
          await this.readOnce();
        } catch (error) {
          this.lastError = { read, error };
          this.options.onReadFailed(this, error);
        }
        this.readsDone = read;
        this.options.onRead(this, byChange);
        this.wakeAll();
      }
    } finally {
      this.running = false;
      this.options.onIdle(this);
    }
  }

  private async readOnce(): Promise<void> {
    const { jobId } = this.key;
    // Event and log subscribers only need the new rows: the job itself is read when someone follows
    // it, wants its snapshots (jobsChanged), or asked to check it.
    if (this.jobSubscribers > 0 || this.snapshotRequested || this.options.snapshotWanted(this)) {
      this.snapshotRequested = false;
      await this.readSnapshot();
    } else {
      this.revisionRead = 0;
    }

    for (const [stream, entry] of this.eventTails) {
      await this.fill(
        entry,
        async (after, first) =>
          (await this.gateway.expansions.events([jobId], { stream, afterSeq: after, first }))[0] ?? [],
      );
    }
    if (this.logTail) {
      await this.fill(
        this.logTail,
        async (after, first) =>
          (await this.gateway.expansions.logs([jobId], { sinceMs: null, afterSeq: after, first }))[0] ?? [],
      );
    }
  }

  private async readSnapshot(): Promise<void> {
    const { jobId, reasonerType, tenantId } = this.key;
    const [job] = await this.gateway.load([{ reasonerType, jobId }], tenantReader(tenantId));
    if (!job || this.gone) {
      // Read before, missing now: removed, its notification lost (a resync read it again).
      if (this.snapshot) this.gone = true;
      this.snapshot = null;
      this.revisionRead = 0;
      return;
    }
    const [[history = []], [grants = []]] = await Promise.all([
      this.gateway.expansions.statusHistory([jobId]),
      this.gateway.expansions.access([jobId]),
    ]);
    this.snapshot = new JobSnapshot(job, historyUpTo(job, history), grants, this.options.registry);
    this.revisionRead = job.revision;
    if (isTerminal(job.state)) this.terminalSeen = true;
  }

  /** Reads a started tail forward from its newest item; a burst too long for one read continues in the next. */
  private async fill<T extends { seq: number }>(
    entry: { tail: Tail<T> | null },
    read: (after: number, first: number) => Promise<T[]>,
  ): Promise<void> {
    const { pageSize, maxPagesPerRead } = this.options;
    for (let page = 0; page < maxPagesPerRead; page++) {
      const tail = entry.tail;
      if (!tail) return;
      const rows = await read(tail.high, pageSize);
      if (entry.tail !== tail) return;
      tail.append(rows.slice(0, pageSize));
      if (rows.length <= pageSize) return;
    }
    this.unnamedChange = true;
    this.dirty = true;
  }
}

/** One wait for a channel's next read, which its subscriber's going also ends (an object, not closures: idle subscribers each hold one). */
class ChangeWaiter {
  constructor(
    private readonly waiters: Set<ChangeWaiter>,
    private readonly resolve: () => void,
    private readonly closed: Closed | null,
  ) {}

  wake(): void {
    this.waiters.delete(this);
    this.closed?.forget(this);
    this.resolve();
  }
}
