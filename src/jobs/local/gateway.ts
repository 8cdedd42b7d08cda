// The local gateway: every family, stored in our own database.
import type { GraphQLError } from "graphql";
import { DEFAULT_EXACT_COUNT_LIMIT } from "../../config.ts";
import type { Database } from "../../db/database.ts";
import { jobsError } from "../../errors.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import type { CancelOptions, GatewayCursor, GatewayPage, JobCount, JobGateway } from "../gateway.ts";
import type { JobFilter, JobKey, JobRecord, ReasonerType, Viewer } from "../model.ts";
import type { NewJob } from "../new-job.ts";
import { transitionJob } from "../sql/transitionJob.ts";
import { isTerminal, isWaiting } from "../states.ts";
import { requireRelation } from "./access.ts";
import { checkJobsInBulk, checkOneJob, createJobsInBulk, createOneJob } from "./bulk-create.ts";
import { localAgentExtras } from "./agent-extras.ts";
import { localExpansions } from "./expansions.ts";
import { jobInclude, toJobRecord } from "./rows.ts";
import {
  CountEstimates,
  countListedJobs,
  type ListedPosition,
  selectListedJobs,
  selectVisibleJobs,
} from "./read-jobs.ts";
import {
  DEFAULT_JOB_ORDER,
  isCursorTime,
  isDefaultOrder,
  isSortKey,
  type JobOrder,
  orderMismatch,
  orderName,
  type SortKey,
  sortKeyOf,
} from "../order.ts";
import { ALL_REASONER_TYPES } from "../registry.ts";
import { isUuid } from "../validation.ts";

/**
 * A position in the list: newest first, the job's createdOn and id (the form cursors always had);
 * in another order, the order's name, the job's sort key and its id.
 */
type ListPosition = { c: string; i: string } | { o: string; k: SortKey; i: string };

const isListPosition = (v: unknown): v is ListPosition => {
  if (typeof v !== "object" || v === null || !isUuid((v as { i?: unknown }).i)) return false;
  if ("o" in v) return typeof v.o === "string" && "k" in v;
  return "c" in v && isCursorTime(v.c);
};

/** The position a cursor names, read for `order`: a cursor of another order is refused. */
function positionIn(order: JobOrder, after: GatewayCursor): ListedPosition {
  const p = decodeCursor(after, isListPosition);
  if (!("o" in p)) {
    if (!isDefaultOrder(order)) throw orderMismatch(DEFAULT_JOB_ORDER, order);
    return { key: new Date(p.c).toISOString(), id: p.i };
  }
  if (p.o !== orderName(order)) throw orderMismatch(p.o, order);
  if (!isSortKey(order, p.k))
    throw jobsError("BAD_USER_INPUT", "after: not a cursor this list produced", { field: "after" });
  return { key: order.field === "CREATED_ON" && p.k !== null ? new Date(p.k).toISOString() : p.k, id: p.i };
}

export interface LocalGatewayOptions {
  /** Past this many matching jobs, count() answers the planner's estimate instead of counting on. */
  exactCountLimit: number;
}

export class LocalJobGateway implements JobGateway {
  readonly name: string;
  readonly kind = "local" as const;
  readonly capabilities = { cancelRunning: true, rerun: true, cancelAllUsers: true };
  readonly expansions;
  readonly agent;
  private readonly countEstimates = new CountEstimates();

  constructor(
    private readonly db: Database,
    readonly reasonerTypes: readonly ReasonerType[] = ALL_REASONER_TYPES,
    name = "local",
    private readonly options: LocalGatewayOptions = { exactCountLimit: DEFAULT_EXACT_COUNT_LIMIT },
  ) {
    this.name = name;
    this.expansions = localExpansions(db);
    this.agent = localAgentExtras(db, (id, viewer) => this.loadOne(id, viewer));
  }

  /** Every tenant's jobs live in this server's database. */
  serves(): boolean {
    return true;
  }

  create(job: NewJob, viewer: Viewer): Promise<JobRecord> {
    return createOneJob(this.db, job, viewer);
  }

  createMany(jobs: readonly NewJob[], viewer: Viewer): Promise<(JobRecord | GraphQLError)[]> {
    return createJobsInBulk(this.db, jobs, viewer);
  }

  validate(job: NewJob, viewer: Viewer): Promise<void> {
    return checkOneJob(this.db, job, viewer);
  }

  validateMany(jobs: readonly NewJob[], viewer: Viewer): Promise<(GraphQLError | null)[]> {
    return checkJobsInBulk(this.db, jobs, viewer);
  }

  async load(keys: readonly JobKey[], viewer: Viewer): Promise<(JobRecord | null)[]> {
    const ids = [...new Set(keys.map((k) => k.jobId).filter(isUuid))];
    if (ids.length === 0) return keys.map(() => null);
    const rows = await selectVisibleJobs(this.db, ids, viewer);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return keys.map((k) => {
      const job = byId.get(k.jobId);
      return job && job.reasonerType === k.reasonerType ? job : null;
    });
  }

  /** One job by id alone (agent extras), read as load reads. */
  private async loadOne(jobId: string, viewer: Viewer): Promise<JobRecord | null> {
    if (!isUuid(jobId)) return null;
    return (await selectVisibleJobs(this.db, [jobId], viewer))[0] ?? null;
  }

  /** The order of each job this gateway listed, for its cursor (a job's record is shared by no other list). */
  private readonly listedIn = new WeakMap<JobRecord, JobOrder>();

  cursorOf(job: JobRecord): GatewayCursor {
    const order = this.listedIn.get(job);
    if (order === undefined || isDefaultOrder(order))
      return encodeCursor({ c: job.createdOn.toISOString(), i: job.id });
    return encodeCursor({ o: orderName(order), k: sortKeyOf(order, job), i: job.id });
  }

  async list(
    filter: JobFilter,
    first: number,
    after: GatewayCursor | null,
    viewer: Viewer,
    { order = DEFAULT_JOB_ORDER }: { order?: JobOrder } = {},
  ): Promise<GatewayPage> {
    const position = after ? positionIn(order, after) : null;
    const rows = await selectListedJobs(this.db, filter, order, position, first + 1, viewer);
    const items = rows.slice(0, first);
    if (!isDefaultOrder(order)) for (const job of items) this.listedIn.set(job, order);
    return { items, hasMore: rows.length > first };
  }

  count(filter: JobFilter, viewer: Viewer): Promise<JobCount> {
    return countListedJobs(this.db, filter, viewer, this.options.exactCountLimit, this.countEstimates);
  }

  async cancel(key: JobKey, options: CancelOptions, viewer: Viewer): Promise<JobRecord> {
    const job = (await this.load([key], viewer))[0];
    if (!job) throw jobsError("NOT_FOUND", `${key.reasonerType} job ${key.jobId} not found`);
    const admitted = options.allUsers && viewer.role === "ADMIN";
    // RelationalAI's cancel(all_users): another user's transaction is cancelled only on purpose.
    if (job.reasonerType === "LOGIC" && job.createdBy !== viewer.userId && !admitted) {
      throw jobsError(
        "FORBIDDEN",
        `transaction ${job.id} belongs to ${job.createdBy}; an ADMIN may cancel it with allUsers: true`,
      );
    }
    if (!admitted) await requireRelation(this.db, job, viewer, "EDITOR");
    if (isTerminal(job.state) || job.state === "CANCELING") return job;
    await this.db.transaction(async (tx) => {
      const waiting = ["CREATED", "QUEUED", "PENDING"] as const;
      if (isWaiting(job.state)) {
        const done = await transitionJob(tx, {
          jobId: job.id,
          reasonerType: job.reasonerType,
          from: waiting,
          to: "CANCELED",
          message: options.reason ? `canceled before it started: ${options.reason}` : "canceled before it started",
          by: viewer.userId,
          set: {
            errorCode: "CANCELED",
            errorMessage: options.reason ? `canceled: ${options.reason}` : `canceled by ${viewer.userId}`,
          },
        });
        if (done) {
          if (job.reasonerType === "LOGIC") {
            await tx.query(`update "transaction_details" set "abortReason" = $2 where "jobId" = $1`, [
              job.id,
              "canceled",
            ]);
          }
          return;
        }
      }
      // Running (or claimed since we looked): ask the worker to stop; it learns so from its heartbeat.
      await transitionJob(tx, {
        jobId: job.id,
        reasonerType: job.reasonerType,
        from: ["CREATED", "QUEUED", "PENDING", "CLAIMED", "VALIDATING", "RUNNING", "UPLOADING", "UNKNOWN"],
        to: "CANCELING",
        message: options.reason ? `cancel requested: ${options.reason}` : "cancel requested",
        by: viewer.userId,
        set: { cancelRequested: true },
      });
    });
    return (await this.load([key], viewer))[0] ?? job;
  }
}
