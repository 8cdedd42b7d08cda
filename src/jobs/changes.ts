// Every change to any job reaches this process as a notification (whichever process made it);
// the hub hands it to whoever waits on that job or on all jobs. Ids only: readers reload.
import { EventEmitter } from "node:events";
import type { Database, Unlisten } from "../db/database.ts";
import { jobsError } from "../errors.ts";
import { type JobChange, JOBS_CHANNEL, parseJobChange } from "./sql/notify.ts";

export class JobChangeHub {
  private readonly emitter = new EventEmitter();
  private unlisten: Unlisten | undefined;

  constructor(private readonly db: Database) {
    this.emitter.setMaxListeners(0);
  }

  async start(): Promise<void> {
    this.unlisten = await this.db.listen(JOBS_CHANNEL, (payload) => {
      const change = parseJobChange(payload);
      if (!change) return;
      this.emitter.emit(change.jobId, change);
      this.emitter.emit("*", change);
    });
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.emitter.removeAllListeners();
  }

  /** Calls onChange for every change of the job (or of every job with "*") until unsubscribed. */
  subscribe(jobId: string | "*", onChange: (change: JobChange) => void): () => void {
    this.emitter.on(jobId, onChange);
    return () => this.emitter.off(jobId, onChange);
  }

  /**
   * Resolves with the first `check()` result that is not undefined: checked once now, then again
   * after each change of the job; never in a loop of its own. Fails with JOB_TIMEOUT.
   */
  async waitUntil<T>(jobId: string, timeoutMs: number, check: () => Promise<T | undefined>, signal?: AbortSignal): Promise<T> {
    let wake: () => void = () => undefined;
    let pending = true; // a change arrived while a check was running
    const unsubscribe = this.subscribe(jobId, () => {
      pending = true;
      wake();
    });
    const deadline = Date.now() + timeoutMs;
    try {
      for (;;) {
        if (pending) {
          pending = false;
          const value = await check();
          if (value !== undefined) return value;
          continue;
        }
        const left = deadline - Date.now();
        if (left <= 0 || signal?.aborted) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          const onAbort = () => resolve();
          signal?.addEventListener("abort", onAbort, { once: true });
          wake = () => {
            clearTimeout(timer);
            signal?.removeEventListener("abort", onAbort);
            resolve();
          };
        });
      }
    } finally {
      unsubscribe();
    }
    throw jobsError("JOB_TIMEOUT", `job ${jobId} did not finish within ${Math.round(timeoutMs / 1000)} s`, { jobId });
  }
}
