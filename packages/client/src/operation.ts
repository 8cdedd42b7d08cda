// A long-running operation handle, as `create` returns it: the contract's Operation view of one
// job, plus `wait` and `refresh`.
import type { Job, JobRef } from "./job-types.ts";
import type { JobError, JobState, ReasonerType } from "./types.ts";

/** What the handle needs from the client (kept narrow so the two files do not import each other). */
export interface OperationSource {
  get(job: JobRef): Promise<Job>;
  wait(job: JobRef, options?: { timeoutS?: number; signal?: AbortSignal }): Promise<Job>;
}

export class Operation {
  #job: Job;

  constructor(
    private readonly source: OperationSource,
    job: Job,
  ) {
    this.#job = job;
  }

  /** The job as last seen (after create, refresh or wait). */
  get job(): Job {
    return this.#job;
  }
  /** The operation's id, as the API names it (Operation.id). */
  get id(): string {
    return this.#job.operation.id;
  }
  get jobId(): string {
    return this.#job.jobId;
  }
  get reasonerType(): ReasonerType {
    return this.#job.reasonerType;
  }
  get done(): boolean {
    return this.#job.operation.done;
  }
  get state(): JobState {
    return this.#job.operation.state;
  }
  get error(): JobError | null {
    return this.#job.operation.error;
  }
  get result(): unknown {
    return this.#job.operation.result;
  }

  /** Blocks until the job is terminal; throws JobTimeoutError after timeoutS (default 900). */
  async wait(timeoutS?: number, signal?: AbortSignal): Promise<Job> {
    this.#job = await this.source.wait(this.#job, {
      ...(timeoutS !== undefined ? { timeoutS } : {}),
      ...(signal ? { signal } : {}),
    });
    return this.#job;
  }

  async refresh(): Promise<this> {
    this.#job = await this.source.get(this.#job);
    return this;
  }

  toJSON(): unknown {
    return {
      id: this.id,
      jobId: this.jobId,
      reasonerType: this.reasonerType,
      done: this.done,
      state: this.state,
      error: this.error,
      result: this.result,
    };
  }
}
