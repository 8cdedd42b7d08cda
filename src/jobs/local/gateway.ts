// The local gateway: every family, stored in our own database.
import type { GraphQLError } from "graphql";
import { uuidv7 } from "uuidv7";
import { DEFAULT_EXACT_COUNT_LIMIT } from "../../config.ts";
import type { Database } from "../../db/database.ts";
import { jobsError } from "../../errors.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import type { CancelOptions, GatewayCursor, GatewayPage, JobCount, JobGateway } from "../gateway.ts";
import type { JobFilter, JobKey, JobRecord, ReasonerType, Viewer } from "../model.ts";
import type { NewJob } from "../new-job.ts";
import { currentTraceParent } from "../../observability/tracing.ts";
import { notifyPayload, recordCreatedJob } from "../sql/notify.ts";
import { transitionJob } from "../sql/transitionJob.ts";
import { initialStates, isTerminal, isWaiting, nativeStateOf } from "../states.ts";
import { requireRelation } from "./access.ts";
import { createJobsInBulk } from "./bulk-create.ts";
import { localAgentExtras } from "./agent-extras.ts";
import { requireAssignable } from "./agent-assignment.ts";
import { localExpansions } from "./expansions.ts";
import { jobInclude, jsonValue, toJobRecord } from "./rows.ts";
import { countListedJobs, selectListedJobs, selectVisibleJobs } from "./read-jobs.ts";
import { ALL_REASONER_TYPES } from "../registry.ts";
import { isUuid } from "../validation.ts";

type ListPosition = { c: string; i: string };
/** Latest moment a cursor may name: PostgreSQL's timestamps end in 294276, JavaScript's ISO strings need 4-digit years. */
const MAX_CURSOR_TIME = Date.UTC(10_000, 0, 1);

const isListPosition = (v: unknown): v is ListPosition => {
  if (typeof v !== "object" || v === null) return false;
  const { c, i } = v as Partial<ListPosition>;
  const time = typeof c === "string" ? Date.parse(c) : Number.NaN;
  return time >= 0 && time < MAX_CURSOR_TIME && isUuid(i);
};

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

  async create(job: NewJob, viewer: Viewer): Promise<JobRecord> {
    const id = uuidv7();
    const hash = job.requestHash ?? id;
    const states = initialStates(job.reasonerType);
    if (job.agent) {
      const target = { agentId: job.agent.assignedAgentId, agentPoolId: job.agent.assignedAgentPoolId };
      await requireAssignable(this.db, viewer.tenantId, target, {
        agent: "input.assignedAgentId",
        pool: "input.assignedAgentPoolId",
      });
    }
    const jobId = await this.db.prismaTransaction(async (tx, sql) => {
      if (job.idempotencyKey) {
        const claimed = await tx.$queryRaw<{ jobId: string }[]>`
          insert into "idempotency_keys" ("tenantId", "createdBy", "key", "jobId", "requestHash")
          values (${viewer.tenantId}::uuid, ${viewer.userId}, ${job.idempotencyKey}, ${id}::uuid, ${hash})
          on conflict do nothing returning "jobId"`;
        if (claimed.length === 0) {
          const first = await tx.idempotencyKey.findUniqueOrThrow({
            where: {
              tenantId_createdBy_key: { tenantId: viewer.tenantId, createdBy: viewer.userId, key: job.idempotencyKey },
            },
          });
          if (first.requestHash !== hash) {
            throw jobsError(
              "CONFLICT",
              `idempotency key "${job.idempotencyKey}" was first used for a different request`,
            );
          }
          return first.jobId;
        }
      }
      const last = states.at(-1)!;
      await tx.job.create({
        data: {
          id,
          tenantId: viewer.tenantId,
          reasonerType: job.reasonerType,
          reasonerName: job.reasonerName,
          name: job.name,
          state: last,
          nativeState: nativeStateOf(job.reasonerType, last)!,
          createdBy: viewer.userId,
          timeoutMins: job.timeoutMins,
          payload: jsonValue(job.payload),
          queue: job.queue,
          priority: job.priority,
          parentJobId: job.parentJobId ?? null,
          traceParent: currentTraceParent(),
          statusSeq: states.length,
          revision: 1,
          statusHistory: {
            create: states.map((state, i) => ({
              seq: i + 1,
              state,
              nativeState: nativeStateOf(job.reasonerType, state)!,
              createdById: viewer.userId,
            })),
          },
          access: { create: { subjectId: viewer.userId, email: viewer.email, relation: "OWNER" } },
          ...(job.transaction && { transaction: { create: job.transaction } }),
          ...(job.agent && { agent: { create: { ...job.agent, parameters: jsonValue(job.agent.parameters) } } }),
          ...(job.generation && {
            generation: { create: { ...job.generation, spec: jsonValue(job.generation.spec) } },
          }),
          ...(job.batch && { batch: { create: { ...job.batch, metadata: jsonValue(job.batch.metadata) } } }),
          ...(job.steps && {
            batchSteps: {
              create: job.steps.map((s, position) => ({
                position,
                name: s.name,
                run: s.run as object,
                metadata: jsonValue(s.metadata),
                ignoreChunkError: s.ignoreChunkError,
              })),
            },
          }),
          ...(job.file && { file: { create: { id: uuidv7(), ...job.file } } }),
        },
      });
      // Its commit has the change sent, and this process's idle executors look at once.
      await sql.query(recordCreatedJob, [
        notifyPayload({
          tenantId: viewer.tenantId,
          reasonerType: job.reasonerType,
          jobId: id,
          revision: 1,
          state: last,
        }),
      ]);
      return id;
    });
    const created = await this.db.prisma.job.findUnique({ where: { id: jobId }, include: jobInclude });
    if (!created) throw new Error(`job ${jobId} vanished after creation`);
    return toJobRecord(created);
  }

  createMany(jobs: readonly NewJob[], viewer: Viewer): Promise<(JobRecord | GraphQLError)[]> {
    return createJobsInBulk(this.db, jobs, viewer);
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

  cursorOf(job: JobRecord): GatewayCursor {
    return encodeCursor({ c: job.createdOn.toISOString(), i: job.id });
  }

  async list(filter: JobFilter, first: number, after: GatewayCursor | null, viewer: Viewer): Promise<GatewayPage> {
    let position: { createdOn: string; id: string } | null = null;
    if (after) {
      const p = decodeCursor(after, isListPosition);
      position = { createdOn: new Date(p.c).toISOString(), id: p.i };
    }
    const rows = await selectListedJobs(this.db, filter, position, first + 1, viewer);
    return { items: rows.slice(0, first), hasMore: rows.length > first };
  }

  count(filter: JobFilter, viewer: Viewer): Promise<JobCount> {
    return countListedJobs(this.db, filter, viewer, this.options.exactCountLimit);
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
          message: "canceled before it started",
          by: viewer.userId,
          set: { errorCode: "CANCELED", errorMessage: `canceled by ${viewer.userId}` },
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
        message: "cancel requested",
        by: viewer.userId,
        set: { cancelRequested: true },
      });
    });
    return (await this.load([key], viewer))[0] ?? job;
  }
}
