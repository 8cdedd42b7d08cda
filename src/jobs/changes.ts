// Every change to any job reaches this process as a notification (whichever process made it);
// the hub hands it to whoever waits on that job or on all jobs. Ids only: readers reload.
//
// When the database's LISTEN connection drops and is remade, notifications sent in between are gone:
// the hub then emits "resync" with the last moment it is sure it heard everything, and readers re-read
// from their cursors. (PGlite runs in-process and never drops.)
import { EventEmitter, setMaxListeners } from "node:events";
import type { Database, Unlisten } from "../db/database.ts";
import { jobsError } from "../errors.ts";
import { type JobChange, JOBS_CHANNEL, parseJobChanges } from "./sql/notify.ts";

const RESYNC = Symbol("resync");

/** One subscription to one job's changes (an object, so one callback subscribed twice is two). */
interface JobListener {
  onChange: (change: JobChange) => void;
}

export class JobChangeHub {
  private readonly emitter = new EventEmitter();
  /**
   * Listeners of single jobs, by job id: a map, not emitter events, since jobs come and go by the
   * thousand (an executor watches each job it runs) and an emitter keyed by job id keeps adding and
   * deleting properties of one object.
   */
  private readonly byJob = new Map<string, Set<JobListener>>();
  private unlisten: Unlisten | undefined;
  /** When the connection last delivered something (or was made): nothing before it was missed. */
  private lastHeard = new Date();
  /** Aborted at shutdown: every wait then ends (see endWaits). */
  private readonly closing = new AbortController();

  constructor(private readonly db: Database) {
    this.emitter.setMaxListeners(0);
    // Every wait listens on it: thousands at once are expected, not a leak.
    setMaxListeners(0, this.closing.signal);
  }

  async start(): Promise<void> {
    this.lastHeard = new Date();
    this.unlisten = await this.db.listen(
      JOBS_CHANNEL,
      (payload) => {
        this.lastHeard = new Date();
        for (const change of parseJobChanges(payload)) {
          const listeners = this.byJob.get(change.jobId);
          // A copy when several listen: one may unsubscribe another while it runs.
          if (listeners) for (const l of listeners.size === 1 ? listeners : [...listeners]) l.onChange(change);
          this.emitter.emit("*", change);
        }
      },
      () => {
        const since = this.lastHeard;
        this.lastHeard = new Date();
        this.emitter.emit(RESYNC, since);
      },
    );
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.emitter.removeAllListeners();
    this.byJob.clear();
  }

  /** Calls onChange for every change of the job (or of every job with "*") until unsubscribed. */
  subscribe(jobId: string | "*", onChange: (change: JobChange) => void): () => void {
    if (jobId === "*") {
      this.emitter.on(jobId, onChange);
      return () => this.emitter.off(jobId, onChange);
    }
    const listener: JobListener = { onChange };
    let listeners = this.byJob.get(jobId);
    if (!listeners) this.byJob.set(jobId, (listeners = new Set()));
    listeners.add(listener);
    const of = listeners;
    return () => {
      of.delete(listener);
      if (of.size === 0 && this.byJob.get(jobId) === of) this.byJob.delete(jobId);
    };
  }

  /**
   * Calls onResync after notifications may have been lost (the LISTEN connection dropped and is back):
   * changes made since `since` may have gone unnotified, so readers re-read from their cursors.
   */
  onResync(onResync: (since: Date) => void): () => void {
    this.emitter.on(RESYNC, onResync);
    return () => this.emitter.off(RESYNC, onResync);
  }

  /**
   * Shutdown: every wait in progress (and any started later) ends with JOB_TIMEOUT, reason
   * SHUTTING_DOWN, so its caller waits again (on another process) instead of holding this one open.
   */
  endWaits(): void {
    this.closing.abort();
  }

  /**
   * Resolves with the first `check()` result that is not undefined: checked once now, then again
   * after each change of the job (or a resync); never in a loop of its own. Fails with JOB_TIMEOUT.
   */
  async waitUntil<T>(
    jobId: string,
    timeoutMs: number,
    check: () => Promise<T | undefined>,
    signal?: AbortSignal,
  ): Promise<T> {
    let wake: () => void = () => undefined;
    let pending = true; // a change arrived while a check was running
    const onChange = () => {
      pending = true;
      wake();
    };
    const unsubscribe = this.subscribe(jobId, onChange);
    const unResync = this.onResync(onChange);
    const deadline = Date.now() + timeoutMs;
    const ending = this.closing.signal;
    try {
      for (;;) {
        if (pending) {
          pending = false;
          const value = await check();
          if (value !== undefined) return value;
          continue;
        }
        const left = deadline - Date.now();
        if (left <= 0 || signal?.aborted || ending.aborted) break;
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            signal?.removeEventListener("abort", done);
            ending.removeEventListener("abort", done);
            resolve();
          };
          const timer = setTimeout(done, left);
          signal?.addEventListener("abort", done, { once: true });
          ending.addEventListener("abort", done, { once: true });
          wake = done;
        });
      }
    } finally {
      unsubscribe();
      unResync();
    }
    if (ending.aborted)
      throw jobsError("JOB_TIMEOUT", `the server is shutting down before job ${jobId} finished; wait again`, {
        jobId,
        reason: "SHUTTING_DOWN",
        retryable: true,
      });
    throw jobsError("JOB_TIMEOUT", `job ${jobId} did not finish within ${Math.round(timeoutMs / 1000)} s`, { jobId });
  }
}
