// What the API does with jobs, independent of GraphQL: create, read, list across gateways, cancel
// and wait. Dispatches to the gateway of each job's ReasonerType.
import { createHash } from "node:crypto";
import { canonicalJson } from "@jobs-api/client/evidence";
import type { GraphQLError } from "graphql";
import { stepRunRequest } from "../families/index.ts";
import { type ErrorCode, isJobsError, jobsError } from "../errors.ts";
import type { JobChangeHub } from "./changes.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import type { ArtifactRecord, JobCount, JobGateway, ListPrefetch, Prefetched } from "./gateway.ts";
import type { JobFilter, JobKey, JobRecord, ReasonerType, Viewer } from "./model.ts";
import type { CreateJobRequest, NewJob } from "./new-job.ts";
import {
  DEFAULT_JOB_ORDER,
  isDefaultOrder,
  type JobOrder,
  jobOrderComparator,
  orderMismatch,
  orderName,
} from "./order.ts";
import type { GatewayRegistry } from "./registry.ts";
import { isTerminal } from "./states.ts";
import { isUuid } from "./validation.ts";

export interface JobsPage {
  items: ListedJob[];
  hasNextPage: boolean;
  /** Counted once, on first call: exact, or past each gateway's bound an estimate that says so. */
  totalCount: () => Promise<JobCount>;
  /** Gateways that could not answer (UPSTREAM_UNAVAILABLE): the page holds what the others have. */
  unavailable: GraphQLError[];
  /** Expansions read with the list (by remote gateways), by job id: for the request's loaders. */
  prefetched: Map<string, Prefetched>;
}

const isUnavailable = (error: unknown): error is GraphQLError => isJobsError(error, "UPSTREAM_UNAVAILABLE");

/**
 * A merged cursor: each gateway's position, by gateway name, and under ORDER_KEY the order it pages
 * through when that is not the default (so cursors of newest-first pages read as they always did).
 */
export type Positions = Record<string, string>;
/** Not a gateway name: those are letters, digits, _ . - only. */
const ORDER_KEY = "@order";

/** The merged cursor's positions as the list in `order` encodes them (with its order named). */
export function positionsInOrder(positions: Positions, order: JobOrder): Positions {
  return isDefaultOrder(order) ? positions : { ...positions, [ORDER_KEY]: orderName(order) };
}
const isPositions = (v: unknown): v is Positions =>
  typeof v === "object" &&
  v !== null &&
  !Array.isArray(v) &&
  Object.keys(v).length > 0 &&
  Object.values(v).every((p) => typeof p === "string");

/**
 * The positions of a list's cursor, each of a gateway serving that list: the only cursors this
 * server issues for it. Anything else is BAD_USER_INPUT, not page 1: an upstream's own cursor names
 * its gateways (its `local`, say), none of which serves the families the front relays to it.
 */
export function decodeListCursor(
  after: string,
  serving: readonly JobGateway[],
  registry: GatewayRegistry,
  order: JobOrder = DEFAULT_JOB_ORDER,
): Positions {
  const { [ORDER_KEY]: cursorOrder = orderName(DEFAULT_JOB_ORDER), ...positions } = decodeCursor(after, isPositions);
  if (cursorOrder !== orderName(order)) throw orderMismatch(cursorOrder, order);
  const known = new Set(registry.gateways().map((g) => g.name));
  for (const name of Object.keys(positions)) {
    const shown = name.slice(0, 40);
    const why = !known.has(name)
      ? `names a jobs gateway this server does not have (${shown})`
      : !serving.some((g) => g.name === name)
        ? `not a cursor of this list (gateway ${shown} serves none of its families)`
        : null;
    if (why) throw jobsError("BAD_USER_INPUT", `after: ${why}`, { field: "after" });
  }
  return positions;
}

/**
 * A job of a page and its cursor: the position of every gateway after it. The cursor is encoded on
 * first read, since most pages select no edge cursors and encoding them all cost more than reading
 * the page's rows.
 */
export class ListedJob {
  #cursor: string | undefined;

  constructor(
    readonly job: JobRecord,
    private readonly before: Positions,
    /** The last job of each gateway up to and including this one. */
    private readonly lastOf: readonly (readonly [JobGateway, JobRecord])[],
  ) {}

  get cursor(): string {
    if (this.#cursor === undefined) {
      const positions: Positions = { ...this.before };
      for (const [gateway, job] of this.lastOf) positions[gateway.name] = gateway.cursorOf(job);
      this.#cursor = encodeCursor(positions);
    }
    return this.#cursor;
  }
}

/** fn's promise, made on the first call and shared by later ones. */
function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= fn());
}

/** Most jobs one createJobs call may create. */
const MAX_BULK_CREATE = 1000;

/**
 * The fingerprints an idempotency key is compared with (the same key with a different request is a
 * CONFLICT); a job without a key needs none, so a call of 1,000 such jobs hashes nothing.
 * The stored one is of the request's canonical form, so a retry that orders keys differently or
 * spells an absent optional field as null is the same request. Keys live as long as their job, so
 * one stored with the raw request's hash (before canonical hashing) still matches its own retry.
 */
function requestHashesOf(job: NewJob, request: unknown): Pick<NewJob, "requestHash" | "rawRequestHash"> {
  if (!job.idempotencyKey) return {};
  return {
    requestHash: sha256Hex(canonicalJson(withoutNullFields(request, 1))),
    rawRequestHash: sha256Hex(JSON.stringify(request)),
  };
}

const sha256Hex = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * `request` ({ <operation>: input }) without null fields down to `depth` levels: the input's own
 * optional fields, null or left out alike. Deeper values (a payload's JSON) are compared as given.
 */
function withoutNullFields(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const kept: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field !== null) kept[key] = depth > 0 ? withoutNullFields(field, depth - 1) : field;
  }
  return kept;
}

/** The same refusal with its field renamed, and the message's mentions of it, by `rename`. */
function withFieldRenamed(error: GraphQLError, rename: (text: string) => string): GraphQLError {
  const { field, code, http: _http, ...rest } = error.extensions as Record<string, unknown>;
  if (typeof field !== "string") return error;
  return jobsError(code as ErrorCode, rename(error.message), { ...rest, field: rename(field) });
}

/**
 * A gateway's refusal of an item of its share of a createJobs call, naming inputs as the call does:
 * the gateway numbers the inputs it was given (`inputs.<k>.…`, in the field and the message), which
 * are the call's `inputs.<share[k].index>` (other items went to other gateways, or were refused here).
 */
function numberedAsCalled(error: GraphQLError, share: readonly { index: number }[]): GraphQLError {
  return withFieldRenamed(error, (s) =>
    s.replace(/\binputs\.(\d+)\b/g, (named, k: string) => {
      const item = share[Number(k)];
      return item ? `inputs.${item.index}` : named;
    }),
  );
}

/**
 * A refusal of createJobs' item `index` made while reading it, as createJob's reading names it
 * (`input.…`), named as the call's item (`inputs.<index>.…`, in the field and the message).
 */
function asItemOfCall(error: GraphQLError, index: number): GraphQLError {
  const field = error.extensions.field;
  if (typeof field !== "string" || !/^input(\.|$)/.test(field)) return error;
  const named = `inputs.${index}${field.slice("input".length)}`;
  return withFieldRenamed(error, (s) => s.replaceAll(field, named));
}

/**
 * An upstream's refusal of a batch step's run, named as the step: the upstream's validateJobs names
 * the run as its `inputs.<k>`, which is the step's `<at>` (`input.payload.steps.1.run`); a refusal
 * naming no field names the step's run. An upstream that could not be asked stays as it is.
 */
function asStepRefusal(error: GraphQLError, k: number, at: string): GraphQLError {
  if (typeof error.extensions.field === "string")
    return withFieldRenamed(error, (s) => s.replace(new RegExp(`\\binputs\\.${k}\\b`, "g"), at));
  if (error.extensions.code === "UPSTREAM_UNAVAILABLE") return error;
  const { code, http: _http, ...rest } = error.extensions as Record<string, unknown>;
  return jobsError(code as ErrorCode, `${at}: ${error.message}`, { ...rest, field: at });
}

const refuseWorkers = (viewer: Viewer): void => {
  if (viewer.role === "WORKER")
    throw jobsError("FORBIDDEN", "worker keys run the worker protocol only; they cannot create jobs");
};

/** A createJobs item read: its place in the call and the job it would create. */
type ReadItem = { index: number; job: NewJob };

export class JobService {
  constructor(
    private readonly registry: GatewayRegistry,
    private readonly changes: JobChangeHub,
    private readonly maxWaitS: number,
    /** Reads a createJob request into its family's NewJob (the families' one reader, given by the composition root). */
    private readonly newJobFromRequest: (request: CreateJobRequest) => NewJob,
  ) {}

  /** A createJob request as its family reads it, checked against this server's limits: the job it would create. */
  read(request: CreateJobRequest): NewJob {
    return this.newJobFromRequest(request);
  }

  /**
   * A batch's agent steps are checked here only where agents are this server's own; an upstream's
   * are checked there (refusedUpstreamSteps).
   */
  private withCheckableSteps(job: NewJob): NewJob {
    if (!job.stepAssignments || this.registry.for("AGENT").kind === "local") return job;
    const { stepAssignments: _, ...rest } = job;
    return rest;
  }

  gatewayFor(reasonerType: ReasonerType): JobGateway {
    return this.registry.for(reasonerType);
  }

  /**
   * One job as its gateway checks it: a front's batch is refused here when the upstream refuses one of
   * its steps (refusedUpstreamSteps), and keeps only the step checks this server can make.
   */
  private async checkedSteps(job: NewJob, viewer: Viewer): Promise<NewJob> {
    const refused = job.steps ? (await this.refusedUpstreamSteps([job], viewer)).get(0) : undefined;
    if (refused) throw refused;
    return this.withCheckableSteps(job);
  }

  async create(job: NewJob, request: unknown, viewer: Viewer): Promise<JobRecord> {
    refuseWorkers(viewer);
    const checkable = await this.checkedSteps(job, viewer);
    return this.registry
      .for(job.reasonerType)
      .create({ ...checkable, ...requestHashesOf(job, request) }, viewer, request);
  }

  /**
   * validateJob: what createJob checks (reading and limits, the agents and pools it names, a front's
   * batch steps served upstream; a family served upstream is checked there), creating nothing.
   * Resolves when createJob would create the job, else throws createJob's refusal.
   */
  async validate(request: CreateJobRequest, viewer: Viewer): Promise<void> {
    refuseWorkers(viewer);
    const job = this.newJobFromRequest(request);
    await this.registry.for(job.reasonerType).validate(await this.checkedSteps(job, viewer), viewer, request);
  }

  /**
   * createJobs: up to MAX_BULK_CREATE requests, one answer per request, in order, each its job or
   * its error (a bad request fails alone). Each gateway creates its share in bulk when it can.
   */
  async createMany(requests: readonly CreateJobRequest[], viewer: Viewer): Promise<(JobRecord | GraphQLError)[]> {
    const answers: (JobRecord | GraphQLError)[] = new Array(requests.length);
    const byGateway = await this.sharesOf(requests, viewer, answers, (job, request) => {
      // The same fingerprint createJob makes, so a key reused across the two is the same request.
      const hashes = requestHashesOf(job, { createJob: request });
      return hashes.requestHash === undefined ? job : { ...job, ...hashes };
    });
    await Promise.all(
      [...byGateway].map(async ([gateway, items]) => {
        const created = gateway.createMany
          ? await gateway.createMany(
              items.map((i) => i.job),
              viewer,
              items.map((i) => requests[i.index]!),
            )
          : await Promise.all(
              items.map((i) =>
                gateway
                  // The request as createJob sends it: a remote gateway forwards it upstream as it came.
                  .create(i.job, viewer, { createJob: requests[i.index] })
                  .catch((error: unknown) => (isJobsError(error) ? error : Promise.reject(error))),
              ),
            );
        for (const [k, item] of items.entries()) {
          const answer = created[k]!;
          answers[item.index] = isJobsError(answer) ? numberedAsCalled(answer, items) : answer;
        }
      }),
    );
    return answers;
  }

  /**
   * validateJobs: what createJobs checks, creating nothing; one answer per request, in order, null
   * where createJobs would create the job, else the refusal createJobs would answer for it.
   */
  async validateMany(requests: readonly CreateJobRequest[], viewer: Viewer): Promise<(GraphQLError | null)[]> {
    const answers: (GraphQLError | null)[] = new Array(requests.length).fill(null);
    const byGateway = await this.sharesOf(requests, viewer, answers, (job) => job);
    await Promise.all(
      [...byGateway].map(async ([gateway, items]) => {
        const refused = await gateway.validateMany(
          items.map((i) => i.job),
          viewer,
          items.map((i) => requests[i.index]!),
        );
        for (const [k, item] of items.entries()) {
          const answer = refused[k];
          if (answer) answers[item.index] = numberedAsCalled(answer, items);
        }
      }),
    );
    return answers;
  }

  /**
   * createJobs' requests read (a refusal is the item's answer, in `answers`) and grouped by the
   * gateway that makes each job, each job as `prepare` makes it: the shares its gateways create.
   */
  private async sharesOf(
    requests: readonly CreateJobRequest[],
    viewer: Viewer,
    answers: (JobRecord | GraphQLError | null)[],
    prepare: (job: NewJob, request: CreateJobRequest) => NewJob,
  ): Promise<Map<JobGateway, ReadItem[]>> {
    refuseWorkers(viewer);
    if (requests.length > MAX_BULK_CREATE) {
      throw jobsError("BAD_USER_INPUT", `inputs: at most ${MAX_BULK_CREATE} jobs per call, got ${requests.length}`, {
        field: "inputs",
      });
    }
    const read: ReadItem[] = [];
    let batches = false;
    requests.forEach((request, index) => {
      try {
        const job = this.newJobFromRequest(request);
        batches ||= job.steps !== undefined;
        // Appended in place: copying the list per item made a call of 1,000 quadratic.
        read.push({ index, job });
      } catch (error) {
        if (!isJobsError(error)) throw error;
        answers[index] = asItemOfCall(error, index);
      }
    });
    // A front's batches: their steps served upstream are checked there, all of the call's at once.
    const refused = batches
      ? await this.refusedUpstreamSteps(
          read.map((r) => r.job),
          viewer,
        )
      : new Map();
    const byGateway = new Map<JobGateway, ReadItem[]>();
    for (const [k, { index, job }] of read.entries()) {
      const refusal = refused.get(k);
      if (refusal) {
        answers[index] = asItemOfCall(refusal, index);
        continue;
      }
      const gateway = this.registry.for(job.reasonerType);
      let items = byGateway.get(gateway);
      if (!items) byGateway.set(gateway, (items = []));
      items.push({ index, job: prepare(this.withCheckableSteps(job), requests[index]!) });
    }
    return byGateway;
  }

  /**
   * A front's batches (made here) with steps of families served upstream: each such step's run is
   * checked there, as the createJob its step will make when it starts (validateJobs, one call per
   * upstream for all the batches given), so a step the upstream would refuse refuses its batch now,
   * before any step ran. By index of `jobs`, each refused batch's first refused step, named as the
   * step (`input.payload.steps.<k>.run.…`); an upstream that cannot be reached refuses its batches as
   * it refuses a create (UPSTREAM_UNAVAILABLE). An upstream too old to check refuses none.
   */
  private async refusedUpstreamSteps(jobs: readonly NewJob[], viewer: Viewer): Promise<Map<number, GraphQLError>> {
    type Step = { index: number; position: number; at: string; request: CreateJobRequest };
    const byGateway = new Map<JobGateway, Step[]>();
    for (const [index, job] of jobs.entries()) {
      if (!job.steps || this.registry.for(job.reasonerType).kind !== "local") continue;
      for (const [position, { run }] of job.steps.entries()) {
        const gateway = this.registry.find(run.reasonerType as ReasonerType);
        if (gateway?.kind !== "remote") continue;
        let steps = byGateway.get(gateway);
        if (!steps) byGateway.set(gateway, (steps = []));
        const at = `${job.stepsField ?? "input.steps"}.${position}.run`;
        steps.push({ index, position, at, request: stepRunRequest(run as Parameters<typeof stepRunRequest>[0]) });
      }
    }
    const refused = new Map<number, { position: number; error: GraphQLError }>();
    await Promise.all(
      [...byGateway].map(async ([gateway, steps]) => {
        const requests = steps.map((s) => s.request);
        // Read here already (the batch's own step check): a remote gateway asks with the requests.
        const answers = await gateway.validateMany(
          requests.map((r) => this.newJobFromRequest(r)),
          viewer,
          requests,
        );
        for (const [k, step] of steps.entries()) {
          const error = answers[k];
          const first = refused.get(step.index);
          if (error && (!first || step.position < first.position))
            refused.set(step.index, { position: step.position, error: asStepRefusal(error, k, step.at) });
        }
      }),
    );
    return new Map([...refused].map(([index, { error }]) => [index, error]));
  }

  async get(key: JobKey, viewer: Viewer): Promise<JobRecord | null> {
    return (await this.registry.for(key.reasonerType).load([key], viewer))[0] ?? null;
  }

  async require(key: JobKey, viewer: Viewer): Promise<JobRecord> {
    const job = await this.get(key, viewer);
    if (!job) throw jobsError("NOT_FOUND", `${key.reasonerType} job ${key.jobId} not found`);
    return job;
  }

  /** A job of any family by its native id (one read per gateway); null when missing or not visible. */
  async findById(jobId: string, viewer: Viewer): Promise<JobRecord | null> {
    if (!isUuid(jobId)) return null;
    const found = await Promise.all(
      this.registry.gateways().map((g) =>
        g.load(
          g.reasonerTypes.map((reasonerType) => ({ reasonerType, jobId })),
          viewer,
        ),
      ),
    );
    return found.flat().find((job) => job !== null) ?? null;
  }

  /**
   * Artifacts by id that this server does not hold: an upstream job's, or a dataset uploaded through
   * this front, asked of each gateway relaying the viewer (the upstream applies its own visibility).
   * UPSTREAM_UNAVAILABLE only when some are still unfound and a gateway that might hold them is down.
   */
  async upstreamArtifacts(ids: readonly string[], viewer: Viewer): Promise<Map<string, ArtifactRecord>> {
    const found = new Map<string, ArtifactRecord>();
    let unavailable: GraphQLError | undefined;
    for (const gateway of this.registry.gateways()) {
      const missing = ids.filter((id) => isUuid(id) && !found.has(id));
      if (missing.length === 0) break;
      if (!gateway.expansionsFor || !gateway.serves(viewer)) continue;
      try {
        const artifacts = await gateway.expansionsFor(viewer, () => undefined).artifactsById(missing);
        for (const artifact of artifacts) if (artifact) found.set(artifact.id, artifact);
      } catch (error) {
        if (!isUnavailable(error)) throw error;
        unavailable ??= error;
      }
    }
    if (unavailable && ids.some((id) => isUuid(id) && !found.has(id))) throw unavailable;
    return found;
  }

  /**
   * The job by native id, which must be of `family` for `operation`: NOT_FOUND when the caller sees
   * no such job, BAD_USER_INPUT naming the family when the operation does not apply to it.
   */
  async requireFamily(jobId: string, family: ReasonerType, operation: string, viewer: Viewer): Promise<JobRecord> {
    const job = await this.findById(jobId, viewer);
    if (!job) throw jobsError("NOT_FOUND", `job ${jobId} not found`);
    if (job.reasonerType !== family) {
      throw jobsError(
        "BAD_USER_INPUT",
        `${operation} applies to ${family} jobs only; job ${jobId} is a ${job.reasonerType} job`,
        { field: "jobId" },
      );
    }
    return job;
  }

  /** In `order` (newest first by default) across the gateways serving the filter's types, merged under one cursor. */
  async list(
    filter: JobFilter & { reasonerType?: ReasonerType | null },
    first: number,
    after: string | null,
    viewer: Viewer,
    /**
     * offset: skip this many of the merged order; prefetch: expansions remote gateways read with the
     * list; counted: the count will be asked for, so each gateway counts while it lists.
     */
    {
      offset = 0,
      prefetch,
      order = DEFAULT_JOB_ORDER,
      counted = false,
    }: { offset?: number; prefetch?: ListPrefetch; order?: JobOrder; counted?: boolean } = {},
  ): Promise<JobsPage> {
    if (viewer.role === "WORKER") throw jobsError("FORBIDDEN", "worker keys cannot list jobs");
    if (filter.allUsers && viewer.role !== "ADMIN") throw jobsError("FORBIDDEN", "allUsers needs an ADMIN key");
    const groups = this.registry.group(filter.reasonerType ? [filter.reasonerType] : undefined);
    const positions: Positions =
      after !== null ? decodeListCursor(after, [...groups.keys()], this.registry, order) : {};
    const countOf = (gateway: JobGateway): Promise<JobCount> =>
      gateway
        .count({ ...filter, reasonerTypes: groups.get(gateway)! }, viewer)
        .catch((e: unknown): JobCount | Promise<never> =>
          isUnavailable(e) ? { value: 0, estimated: false } : Promise.reject(e),
        );
    // Counting beside the list saves a page its count's round trip after it. A gateway whose list
    // fails is left out of the count, and a count nobody awaits must not reject unhandled.
    const early = new Map(counted ? [...groups.keys()].map((gateway) => [gateway, countOf(gateway)] as const) : []);
    for (const count of early.values()) count.catch(() => undefined);
    const unavailable: GraphQLError[] = [];
    const answered = await Promise.all(
      [...groups].map(async ([gateway, types]) => {
        try {
          // An offset skips jobs of the merged order, so each gateway gives its first offset + first.
          return {
            gateway,
            page: await gateway.list(
              { ...filter, reasonerTypes: types },
              offset + first,
              positions[gateway.name] ?? null,
              viewer,
              { prefetch, order },
            ),
          };
        } catch (error) {
          // A merged list answers with what the others have; the failed gateway keeps its position,
          // so paging on after it recovers skips nothing.
          if (groups.size > 1 && isUnavailable(error)) {
            unavailable.push(error);
            return null;
          }
          throw error;
        }
      }),
    );
    const fetched = answered.filter((f) => f !== null);
    const merged = fetched.flatMap(({ gateway, page }) => page.items.map((job) => ({ gateway, job })));
    // One gateway's page is already in order; only a merge needs sorting.
    if (fetched.length > 1) {
      const inOrder = jobOrderComparator(order);
      merged.sort((a, b) => inOrder(a.job, b.job));
    }
    const lastOf = new Map<JobGateway, JobRecord>();
    // Skipped jobs still move their gateway's position, so the cursors of the page resume after them.
    for (const { gateway, job } of merged.slice(0, offset)) lastOf.set(gateway, job);
    const taken = merged.slice(offset, offset + first);
    const before = positionsInOrder(positions, order);
    const items = taken.map(({ gateway, job }) => new ListedJob(job, before, [...lastOf.set(gateway, job)]));
    const hasNextPage = merged.length > offset + first || fetched.some(({ page }) => page.hasMore);
    return {
      items,
      hasNextPage,
      // Gateways that failed the list are left out of the count (their error is already reported).
      totalCount: once(() =>
        Promise.all(fetched.map(({ gateway }) => early.get(gateway) ?? countOf(gateway))).then((counts) => ({
          value: counts.reduce((sum, c) => sum + c.value, 0),
          estimated: counts.some((c) => c.estimated),
        })),
      ),
      unavailable,
      prefetched: new Map(fetched.flatMap(({ page }) => [...(page.prefetched ?? [])])),
    };
  }

  /** `reason`: the server cancels it on its own, as `viewer` (see CancelOptions). */
  async cancel(key: JobKey, allUsers: boolean, viewer: Viewer, reason?: string): Promise<JobRecord> {
    if (viewer.role === "WORKER") throw jobsError("FORBIDDEN", "worker keys cannot cancel jobs; use failJob");
    if (allUsers) {
      if (key.reasonerType !== "LOGIC")
        throw jobsError("BAD_USER_INPUT", "allUsers is accepted for LOGIC jobs only", { field: "allUsers" });
      if (viewer.role !== "ADMIN") throw jobsError("FORBIDDEN", "allUsers needs an ADMIN key");
    }
    return this.registry.for(key.reasonerType).cancel(key, { allUsers, reason }, viewer);
  }

  /** Refuses a wait longer than the server allows (JOBS_MAX_WAIT_S), or not a number of seconds. */
  checkWaitS(timeoutS: number): void {
    if (!(timeoutS >= 0) || timeoutS > this.maxWaitS) {
      throw jobsError("BAD_USER_INPUT", `timeoutS: must be between 0 and ${this.maxWaitS}`, { field: "timeoutS" });
    }
  }

  /** Blocks until the job is terminal, woken by change notifications (no polling loop). */
  async waitForTerminal(key: JobKey, timeoutS: number, viewer: Viewer, signal?: AbortSignal): Promise<JobRecord> {
    this.checkWaitS(timeoutS);
    const gateway = this.registry.for(key.reasonerType);
    if (gateway.wait) return gateway.wait(key, timeoutS, viewer);
    await this.require(key, viewer);
    return this.changes.waitUntil(
      key.jobId,
      timeoutS * 1000,
      async () => {
        const job = await this.get(key, viewer);
        if (!job) throw jobsError("NOT_FOUND", `${key.reasonerType} job ${key.jobId} not found`);
        return isTerminal(job.state) ? job : undefined;
      },
      signal,
    );
  }
}
