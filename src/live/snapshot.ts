// One read of a job, made once per notification and handed to every subscriber of it in this
// process. It carries DataLoaders shared by all of them, primed with what the read already has, so
// the expansions a subscription selects (statusHistory, artifacts, ...) cost one read per change,
// not one per subscriber. Only the `job` loader (other jobs, e.g. rerunOf) stays the viewer's own.
import type { AccessGrantRecord, StatusChangeRecord } from "../jobs/gateway.ts";
import { createJobLoaders, type JobLoaders } from "../jobs/loaders.ts";
import type { JobRecord, Viewer } from "../jobs/model.ts";
import type { GatewayRegistry } from "../jobs/registry.ts";
import { isTerminal } from "../jobs/states.ts";

/** The viewer the process reads shared snapshots as: the job's tenant, unrestricted. */
export function tenantReader(tenantId: string): Viewer {
  return { tenantId, userId: "live-updates", email: null, role: "ADMIN", apiKeyId: null };
}

export class JobSnapshot {
  private shared: Omit<JobLoaders, "job"> | undefined;

  constructor(
    readonly job: JobRecord,
    /** Status changes up to and including the job's current state, oldest first. */
    readonly history: readonly StatusChangeRecord[],
    readonly grants: readonly AccessGrantRecord[],
    private readonly registry: GatewayRegistry,
  ) {}

  get statusSeq(): number {
    return this.history.at(-1)?.seq ?? 0;
  }

  /** Loaders for one subscriber's execution of this snapshot. */
  loadersFor(viewer: Viewer): JobLoaders {
    if (!this.shared) {
      const { job: _tenantWide, ...expansions } = createJobLoaders(this.registry, tenantReader(this.job.tenantId));
      expansions.statusHistory.prime(this.job, [...this.history]);
      expansions.access.prime(this.job, [...this.grants]);
      this.shared = expansions;
    }
    // The viewer's own `job` loader is made only if a selection needs it (most never do).
    let own: JobLoaders["job"] | undefined;
    const registry = this.registry;
    return {
      ...this.shared,
      get job() {
        return (own ??= createJobLoaders(registry, viewer).job);
      },
    };
  }

  /**
   * The job as it was right after an earlier status change of this snapshot's history: delivered when
   * several changes were read at once, so a subscriber still sees every state, in order. Fields other
   * than the state words are as now, except that a job not yet finished has no finish, result or error.
   */
  asOf(change: StatusChangeRecord): JobRecord {
    const finished = isTerminal(change.state);
    return {
      ...this.job,
      state: change.state,
      nativeState: change.nativeState,
      updatedOn: change.createdOn,
      finishedOn: finished ? change.createdOn : null,
      ...(finished ? {} : { result: null, errorCode: null, errorMessage: null }),
    };
  }
}

/**
 * The job and its history are two reads: the history may already hold changes made after the job was
 * read. Keep it up to the entry of the job's current state, so the two agree; later entries come with
 * the next read, which their own notifications cause.
 */
export function historyUpTo(job: JobRecord, history: readonly StatusChangeRecord[]): StatusChangeRecord[] {
  for (let i = history.length - 1; i >= 0; i--) {
    if (history[i]!.state === job.state && history[i]!.nativeState === job.nativeState) return history.slice(0, i + 1);
  }
  return [...history];
}
