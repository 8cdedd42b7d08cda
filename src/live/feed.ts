// The per-process fan-out behind every subscription. Notifications (ids only) come from the
// JobChangeHub; each changed job that someone here watches is read once per notification by its
// JobChannel, and that read serves every subscriber of the job in this process. Subscribers keep
// their own cursors (revision for the job, seq for events and logs) and take only what lies after
// them, from the shared read when it has it, else from the database: history first, then live, with
// no gap and no repeat, and nothing lost when a notification is missed or merged with another.
import type { Sql } from "../db/database.ts";
import { jobsError, notFound } from "../errors.ts";
import type { JobChangeHub } from "../jobs/changes.ts";
import type { AccessGrantRecord, JobEventRecord, LogLineRecord } from "../jobs/gateway.ts";
import type { JobLoaders } from "../jobs/loaders.ts";
import type { JobKey, JobRecord, JobState, ReasonerType, Viewer } from "../jobs/model.ts";
import type { GatewayRegistry } from "../jobs/registry.ts";
import { listingOf } from "../jobs/states.ts";
import { listingSight } from "../jobs/visibility.ts";
import type { JobChange } from "../jobs/sql/notify.ts";
import type { Logger } from "../logger.ts";
import { type ChannelKey, JobChannel } from "./job-channel.ts";
import { type Closed, pullIterator } from "./pull-iterator.ts";
import type { JobSnapshot } from "./snapshot.ts";
import { canSee, type LiveJobFilter, matchesJobsFilter, matchesKeys, sightIncludes } from "./visibility.ts";

/** What a job subscription yields: the job, and loaders to resolve its expansions with. */
export interface JobDelivery {
  job: JobRecord;
  loadersFor(viewer: Viewer): JobLoaders;
}

export interface LiveFeedOptions {
  /** Rows per read of events or log lines, and most items handed to a subscriber at once. */
  pageSize: number;
  /** Newest events (per stream) and log lines each watched job keeps in memory for its subscribers. */
  tailCapacity: number;
  /** Changed jobs a jobsChanged subscriber may have waiting before it counts as too slow. */
  maxPendingJobs: number;
  /** How far before the last proven notification a resync looks for changed jobs (clock skew, long transactions). */
  resyncMarginMs: number;
}

const DEFAULT_LIVE_FEED_OPTIONS: LiveFeedOptions = {
  pageSize: 100,
  tailCapacity: 1000,
  maxPendingJobs: 1000,
  resyncMarginMs: 60_000,
};

/** Newest revision handed to jobsChanged subscribers per job, remembered for this many jobs. */
const SENT_REVISIONS_KEPT = 10_000;

/** What jobsChanged last handed out of a job: its listing (state, archive status, agent) and who it was shared with. */
interface SentListing {
  listing: string;
  grants: readonly AccessGrantRecord[];
}

/** One jobsChanged subscriber: what waits for it, and its wait for more (an object: no closures per subscriber). */
class JobsWatcher {
  readonly pending = new Map<string, JobSnapshot>();
  overflowed = false;
  /** Resolves the subscriber's wait, while it waits. */
  private resolve: (() => void) | null = null;

  constructor(
    readonly viewer: Viewer,
    readonly filter: LiveJobFilter,
  ) {}

  /** Resolves at the next wake (a change for it, the feed stopping, or its consumer going). */
  next(closed: Closed): Promise<void> {
    return new Promise<void>((resolve) => {
      this.resolve = resolve;
      closed.onClose(this);
    });
  }

  wake(): void {
    const resolve = this.resolve;
    if (!resolve) return;
    this.resolve = null;
    resolve();
  }
}

export interface LiveFeedDeps {
  registry: GatewayRegistry;
  changes: JobChangeHub;
  /** Only for resync: which jobs changed while notifications were lost. */
  db: Sql;
  logger: Logger;
}

export class LiveFeed {
  private readonly channels = new Map<string, JobChannel>();
  private readonly watchers = new Map<string, Set<JobsWatcher>>();
  private readonly sentRevisions = new Map<string, number>();
  /** What jobsChanged last handed out per job, for as many jobs. */
  private readonly sentListings = new Map<string, SentListing>();
  private readonly unsubscribes: (() => void)[] = [];
  private readonly watcherCountListeners = new Set<() => void>();
  private stopped = false;
  readonly options: LiveFeedOptions;

  constructor(
    private readonly deps: LiveFeedDeps,
    options: Partial<LiveFeedOptions> = {},
  ) {
    this.options = { ...DEFAULT_LIVE_FEED_OPTIONS, ...options };
  }

  start(): void {
    this.unsubscribes.push(
      this.deps.changes.subscribe("*", (change) => this.onChange(change)),
      this.deps.changes.onResync((since) => void this.resync(since)),
    );
  }

  /** Ends every subscription (they complete) and stops listening. */
  stop(): void {
    this.stopped = true;
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    for (const set of this.watchers.values()) for (const w of set) w.wake();
    for (const channel of this.channels.values()) channel.wakeAll();
  }

  /** Resolves once at least `n` jobsChanged subscriptions are open here (tests and benchmarks wait on it). */
  untilJobsWatchers(n: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const check = () => {
        if (this.stats().jobsWatchers < n) return;
        this.watcherCountListeners.delete(check);
        resolve();
      };
      this.watcherCountListeners.add(check);
      check();
    });
  }

  /** Channels and jobsChanged subscribers in use (for tests and the benchmark). */
  stats(): { channels: number; jobsWatchers: number } {
    let jobsWatchers = 0;
    for (const set of this.watchers.values()) jobsWatchers += set.size;
    return { channels: this.channels.size, jobsWatchers };
  }

  // --- jobUpdated -------------------------------------------------------------------------------

  /** The job as it is now, then after every change; a state is never skipped, even when reads merge changes. */
  async watchJob(key: JobKey, viewer: Viewer): Promise<AsyncIterableIterator<JobDelivery>> {
    const use = await this.openVisible(key, viewer, true);
    const { channel } = use;
    let revision = 0;
    let statusSeq = 0;
    return pullIterator<JobDelivery>(
      async (closed) => {
        for (;;) {
          if (this.stopped || closed.closed) return null;
          if (channel.gone) throw jobNotFound(key);
          const snap = channel.snapshot;
          if (snap && snap.job.revision > revision) {
            const initial = revision === 0;
            revision = snap.job.revision;
            // Unshared from this member: the job is not theirs to follow any more.
            if (!canSee(viewer, snap.job, snap.grants)) throw jobNotFound(key);
            const out: JobDelivery[] = [];
            if (!initial) {
              for (const change of snap.history) {
                if (change.seq > statusSeq && change.seq < snap.statusSeq) out.push(delivery(snap, snap.asOf(change)));
              }
            }
            statusSeq = Math.max(statusSeq, snap.statusSeq);
            out.push(delivery(snap, snap.job));
            return out;
          }
          await channel.changed(closed);
        }
      },
      () => use.release(),
    );
  }

  // --- jobEvents and jobLogs --------------------------------------------------------------------

  /** Events of one stream after `afterSeq`, then live ones. */
  async watchEvents(
    key: JobKey,
    stream: string,
    afterSeq: number,
    viewer: Viewer,
  ): Promise<AsyncIterableIterator<JobEventRecord>> {
    const use = await this.openVisible(key, viewer, dependsOnGrants(viewer));
    const { channel } = use;
    const stopUsing = channel.useEvents(stream);
    const expansions = this.deps.registry.for(key.reasonerType).expansions;
    return this.sequence<JobEventRecord>(
      channel,
      afterSeq,
      () => channel.eventTail(stream),
      async (after, first) => (await expansions.events([key.jobId], { stream, afterSeq: after, first }))[0] ?? [],
      (cursor) => channel.startEventTail(stream, cursor),
      () => true,
      viewer,
      () => {
        stopUsing();
        use.release();
      },
    );
  }

  /** Log lines after `afterSeq` stamped at or after `sinceMs` (when given), then live ones. */
  async watchLogs(
    key: JobKey,
    sinceMs: number | null,
    afterSeq: number,
    viewer: Viewer,
  ): Promise<AsyncIterableIterator<LogLineRecord>> {
    const use = await this.openVisible(key, viewer, dependsOnGrants(viewer));
    const { channel } = use;
    const stopUsing = channel.useLogs();
    const expansions = this.deps.registry.for(key.reasonerType).expansions;
    return this.sequence<LogLineRecord>(
      channel,
      afterSeq,
      () => channel.logLineTail(),
      async (after, first) => (await expansions.logs([key.jobId], { sinceMs, afterSeq: after, first }))[0] ?? [],
      (cursor) => channel.startLogTail(cursor),
      (line) => sinceMs === null || Number(line.timestampMs) >= sinceMs,
      viewer,
      () => {
        stopUsing();
        use.release();
      },
    );
  }

  /**
   * One subscriber of an ordered stream. Behind the shared tail (history, or fallen behind), it reads
   * the store itself from its cursor; once a read comes back short it has caught up, and the tail
   * (started at that cursor if nobody had) serves it from then on.
   */
  private sequence<T extends { seq: number }>(
    channel: JobChannel,
    afterSeq: number,
    tailOf: () => { covers(cursor: number): boolean; after(cursor: number, limit: number): T[] } | null,
    readStore: (after: number, first: number) => Promise<T[]>,
    startTail: (cursor: number) => void,
    wanted: (item: T) => boolean,
    viewer: Viewer,
    onClose: () => void,
  ): AsyncIterableIterator<T> {
    const { pageSize } = this.options;
    let cursor = afterSeq;
    // Checked before every delivery: a member whose grant was removed gets nothing more, and a job
    // removed meanwhile neither; the stream ends as subscribing to the job would then answer. The
    // channel re-reads the job on every change for members (see dependsOnGrants).
    const ensureVisible = () => {
      const snap = channel.snapshot;
      if (channel.gone || snap === null || !canSee(viewer, snap.job, snap.grants)) throw jobNotFound(channel.key);
    };
    /**
     * Caught up with a job seen terminal: nothing more can be written, so one last read of the store
     * says whether anything is left; none: the subscription completes (null).
     */
    const finish = async (): Promise<T[] | null | undefined> => {
      if (!channel.terminalSeen) return undefined;
      const rows = await readStore(cursor, pageSize);
      if (rows.length === 0) return null;
      cursor = rows.at(-1)!.seq;
      return rows.filter(wanted);
    };
    return pullIterator<T>(async (closed) => {
      for (;;) {
        if (this.stopped || closed.closed) return null;
        ensureVisible();
        const tail = tailOf();
        if (tail?.covers(cursor)) {
          const items = tail.after(cursor, pageSize);
          if (items.length === 0) {
            const rest = await finish();
            if (rest === null) return null;
            if (rest === undefined) await channel.changed(closed);
            else if (rest.length) {
              ensureVisible();
              return rest;
            }
            continue;
          }
          cursor = items.at(-1)!.seq;
          const kept = items.filter(wanted);
          if (kept.length) {
            ensureVisible();
            return kept;
          }
          continue;
        }
        const readsBefore = channel.readsCompleted;
        const endedBefore = channel.terminalSeen;
        const rows = await readStore(cursor, pageSize);
        const page = rows.slice(0, pageSize);
        if (page.length) cursor = page.at(-1)!.seq;
        if (rows.length <= pageSize) startTail(cursor);
        if (page.length) {
          ensureVisible();
          return page;
        }
        if (endedBefore) return null; // caught up by a read made after the job ended
        // Caught up, but the tail (started by a subscriber further ahead) does not reach back here:
        // read the store again after the next change, unless one was read while this read ran.
        if (!tailOf()?.covers(cursor) && channel.readsCompleted === readsBefore) await channel.changed(closed);
      }
    }, onClose);
  }

  // --- jobsChanged ------------------------------------------------------------------------------

  /** Every job the viewer may list with this filter, as it is created or changes. */
  watchJobs(filter: LiveJobFilter, viewer: Viewer): AsyncIterableIterator<JobDelivery> {
    if (filter.allUsers && viewer.role !== "ADMIN") throw jobsError("FORBIDDEN", "allUsers needs an ADMIN key");
    const watcher = new JobsWatcher(viewer, filter);
    const set = this.watchers.get(viewer.tenantId) ?? new Set();
    this.watchers.set(viewer.tenantId, set);
    set.add(watcher);
    for (const listener of [...this.watcherCountListeners]) listener();
    return pullIterator<JobDelivery>(
      async (closed) => {
        for (;;) {
          if (this.stopped || closed.closed) return null;
          if (watcher.overflowed) {
            throw jobsError(
              "RATE_LIMITED",
              `more than ${this.options.maxPendingJobs} changed jobs waited for this subscriber; list them with jobs(filter) and subscribe again`,
            );
          }
          if (watcher.pending.size) {
            const out: JobDelivery[] = [];
            for (const [jobId, snap] of watcher.pending) {
              watcher.pending.delete(jobId);
              out.push(delivery(snap, snap.job));
              if (out.length >= this.options.pageSize) break;
            }
            return out;
          }
          await watcher.next(closed);
          closed.forget(watcher);
        }
      },
      () => {
        set.delete(watcher);
        if (set.size === 0 && this.watchers.get(viewer.tenantId) === set) this.watchers.delete(viewer.tenantId);
        watcher.pending.clear();
      },
    );
  }

  // --- plumbing ---------------------------------------------------------------------------------

  private onChange(change: JobChange): void {
    if (this.stopped) return;
    const key: ChannelKey = {
      tenantId: change.tenantId,
      reasonerType: change.reasonerType as ReasonerType,
      jobId: change.jobId,
    };
    const existing = this.channels.get(channelId(key));
    if (change.removed) {
      this.sentRevisions.delete(key.jobId);
      this.sentListings.delete(key.jobId);
      existing?.remove();
      return;
    }
    if (existing) {
      existing.notify(change.revision, change.state);
      return;
    }
    if (!this.someWatcherMayWant(key, change.state)) return;
    if ((this.sentRevisions.get(key.jobId) ?? 0) >= change.revision) return;
    this.channel(key).notify(change.revision, change.state);
  }

  /** Whether a jobsChanged subscriber may want this job (at this state, when the notification says). */
  private someWatcherMayWant(key: ChannelKey, state?: JobState): boolean {
    const set = this.watchers.get(key.tenantId);
    if (!set) return false;
    for (const w of set) if (matchesKeys(w.filter, key.reasonerType, key.jobId, state)) return true;
    return false;
  }

  /**
   * After a read made because the job changed: hand the snapshot to the jobsChanged subscribers it
   * concerns, once per revision. A read made only for a new jobUpdated, jobEvents or jobLogs
   * subscriber is no change: sending it would repeat an unchanged job to every jobsChanged
   * subscriber (after a restart, when nothing remembers what was sent).
   */
  private onRead(channel: JobChannel, byChange: boolean): void {
    if (!byChange) return;
    const snap = channel.snapshot;
    const set = snap && this.watchers.get(snap.job.tenantId);
    if (!snap || !set) return;
    const jobId = snap.job.id;
    if ((this.sentRevisions.get(jobId) ?? 0) >= snap.job.revision) return;
    this.sentRevisions.delete(jobId);
    this.sentRevisions.set(jobId, snap.job.revision);
    if (this.sentRevisions.size > SENT_REVISIONS_KEPT)
      this.sentRevisions.delete(this.sentRevisions.keys().next().value!);
    // jobsChanged sends each state once: a change that leaves what the filters select as it was
    // (logs, events, evidence, comments) is jobUpdated's to send, not a new listing. A change of its
    // grants alone goes only to those it brings into sight (they never had this state).
    const listing = listingOf(snap.job);
    const sent = this.sentListings.get(jobId);
    const moved = sent?.listing !== listing;
    if (!moved && sameGrantees(sent.grants, snap.grants)) return;
    this.sentListings.delete(jobId);
    this.sentListings.set(jobId, { listing, grants: snap.grants });
    if (this.sentListings.size > SENT_REVISIONS_KEPT) this.sentListings.delete(this.sentListings.keys().next().value!);
    for (const w of set) {
      const sight = listingSight(w.viewer, w.filter);
      if (!matchesJobsFilter(w.viewer, w.filter, snap.job, snap.grants)) {
        // Unshared: a read from before, still waiting, is not theirs to have any more.
        if (!sightIncludes(sight, snap.job, snap.grants)) w.pending.delete(jobId);
        continue;
      }
      if (!moved && sightIncludes(sight, snap.job, sent.grants)) continue;
      w.pending.delete(jobId);
      w.pending.set(jobId, snap);
      if (w.pending.size > this.options.maxPendingJobs) {
        w.overflowed = true;
        w.pending.clear();
      }
      w.wake();
    }
  }

  private channel(key: ChannelKey): JobChannel {
    const id = channelId(key);
    let channel = this.channels.get(id);
    if (!channel) {
      channel = new JobChannel(key, {
        registry: this.deps.registry,
        pageSize: this.options.pageSize,
        tailCapacity: this.options.tailCapacity,
        maxPagesPerRead: 10,
        onRead: (c, byChange) => this.onRead(c, byChange),
        onIdle: (c) => this.dropIfUnused(c),
        snapshotWanted: (c) => this.someWatcherMayWant(c.key),
        onReadFailed: (c, error) =>
          this.deps.logger.warn({ err: error, jobId: c.key.jobId }, "live read of a changed job failed"),
      });
      this.channels.set(id, channel);
    }
    return channel;
  }

  /** Forgets a channel nobody uses any more (called when a read ends and when a subscription leaves). */
  dropIfUnused(channel: JobChannel): void {
    const id = channelId(channel.key);
    if (channel.subscribers === 0 && !channel.busy && this.channels.get(id) === channel) this.channels.delete(id);
  }

  /**
   * Joins the job's channel and checks, on a read made after joining, that the viewer may see the
   * job. (A ChannelUse rather than a release closure: a named closure would cost each subscription
   * 256 bytes more when run through tsx, whose esbuild keepNames gives it a property dictionary.)
   */
  private async openVisible(key: JobKey, viewer: Viewer, followsJob = false): Promise<ChannelUse> {
    if (this.stopped) throw jobsError("INTERNAL_SERVER_ERROR", "the server is shutting down");
    const channel = this.channel({ tenantId: viewer.tenantId, reasonerType: key.reasonerType, jobId: key.jobId });
    // Counted before the first read: every read from now on must include the job for this subscriber.
    channel.subscribers++;
    if (followsJob) channel.jobSubscribers++;
    const use = new ChannelUse(this, channel, followsJob);
    try {
      await channel.fresh();
      const snap = channel.snapshot;
      if (!snap || !canSee(viewer, snap.job, snap.grants)) throw jobNotFound(key);
    } catch (error) {
      use.release();
      throw error;
    }
    return use;
  }

  /**
   * Notifications were lost (the LISTEN connection dropped and is back): every watched job is read
   * again, and jobs changed since the connection was last proven are offered to jobsChanged.
   */
  private async resync(since: Date): Promise<void> {
    if (this.stopped) return;
    this.deps.logger.info({ since }, "change notifications resumed; re-reading watched jobs");
    for (const channel of this.channels.values()) channel.notify();
    const tenants = [...this.watchers.keys()];
    if (tenants.length === 0) return;
    try {
      const changed = await this.deps.db.query<{
        tenantId: string;
        reasonerType: string;
        jobId: string;
        revision: number;
      }>(
        `select "tenantId"::text as "tenantId", "reasonerType"::text as "reasonerType", "id"::text as "jobId", "revision"
         from "jobs" where "tenantId" = any($1::uuid[]) and "updatedOn" >= $2 order by "updatedOn"`,
        [tenants, new Date(since.getTime() - this.options.resyncMarginMs)],
      );
      for (const change of changed) this.onChange({ ...change, revision: Number(change.revision) });
    } catch (error) {
      this.deps.logger.warn({ err: error }, "could not find jobs changed while notifications were lost");
    }
  }
}

/** What a subscription on a job the viewer cannot see answers: the job is not found, as for `job(...)`. */
const jobNotFound = (key: JobKey) => notFound(`${key.reasonerType} job ${key.jobId}`);

/** Whether two grant lists share the job with the same users (relations aside: they change no one's sight). */
function sameGrantees(a: readonly AccessGrantRecord[], b: readonly AccessGrantRecord[]): boolean {
  if (a.length !== b.length) return false;
  const subjects = new Set(a.map((g) => g.subjectId));
  return b.every((g) => subjects.has(g.subjectId));
}

/**
 * Whether what the viewer may see of a job can change while they watch it: a member's depends on
 * the job's grants (admins and workers see their whole tenant). Their event and log streams so
 * follow the job itself, to re-check visibility on each change.
 */
function dependsOnGrants(viewer: Viewer): boolean {
  return viewer.role === "MEMBER";
}

/** One subscription's place in a channel, given back (once) when it ends. */
class ChannelUse {
  private released = false;

  constructor(
    private readonly feed: LiveFeed,
    readonly channel: JobChannel,
    private readonly followsJob: boolean,
  ) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    this.channel.subscribers--;
    if (this.followsJob) this.channel.jobSubscribers--;
    this.feed.dropIfUnused(this.channel);
  }
}

function channelId(key: ChannelKey): string {
  return `${key.tenantId}:${key.reasonerType}:${key.jobId}`;
}

/** One job as delivered to one subscriber (a class: an object literal's arrow would get a property dictionary per delivery under tsx). */
class Delivery implements JobDelivery {
  constructor(
    private readonly snap: JobSnapshot,
    readonly job: JobRecord,
  ) {}

  loadersFor(viewer: Viewer): JobLoaders {
    return this.snap.loadersFor(viewer);
  }
}

function delivery(snap: JobSnapshot, job: JobRecord): JobDelivery {
  return new Delivery(snap, job);
}
