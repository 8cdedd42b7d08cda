// What the API does with jobs, independent of GraphQL: create, read, list across gateways, cancel
// and wait. Dispatches to the gateway of each job's ReasonerType.
import { createHash } from "node:crypto";
import type { GraphQLError } from "graphql";
import { isJobsError, jobsError } from "../errors.ts";
import { newJobFromRequest } from "../families/index.ts";
import type { JobChangeHub } from "./changes.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import type { JobCount, JobGateway } from "./gateway.ts";
import type { JobFilter, JobKey, JobRecord, ReasonerType, Viewer } from "./model.ts";
import type { CreateJobRequest, NewJob } from "./new-job.ts";
import type { GatewayRegistry } from "./registry.ts";
import { isTerminal } from "./states.ts";

export interface JobsPage {
  items: ListedJob[];
  hasNextPage: boolean;
  /** Counted once, on first call: exact, or past each gateway's bound an estimate that says so. */
  totalCount: () => Promise<JobCount>;
}

/** A merged cursor: each gateway's position, by gateway name. */
type Positions = Record<string, string>;
const isPositions = (v: unknown): v is Positions =>
  typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every((p) => typeof p === "string");

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
export const MAX_BULK_CREATE = 1000;

const newestFirst = (a: JobRecord, b: JobRecord) =>
  b.createdOn.getTime() - a.createdOn.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export class JobService {
  constructor(
    private readonly registry: GatewayRegistry,
    private readonly changes: JobChangeHub,
    private readonly maxWaitS: number,
  ) {}

  gatewayFor(reasonerType: ReasonerType): JobGateway {
    return this.registry.for(reasonerType);
  }

  async create(job: NewJob, request: unknown, viewer: Viewer): Promise<JobRecord> {
    if (viewer.role === "WORKER") throw jobsError("FORBIDDEN", "worker keys run the worker protocol only; they cannot create jobs");
    const requestHash = createHash("sha256").update(JSON.stringify(request)).digest("hex");
    return this.registry.for(job.reasonerType).create({ ...job, requestHash }, viewer);
  }

  /**
   * createJobs: up to MAX_BULK_CREATE requests, one answer per request, in order, each its job or
   * its error (a bad request fails alone). Each gateway creates its share in bulk when it can.
   */
  async createMany(requests: readonly CreateJobRequest[], viewer: Viewer): Promise<(JobRecord | GraphQLError)[]> {
    if (viewer.role === "WORKER") throw jobsError("FORBIDDEN", "worker keys run the worker protocol only; they cannot create jobs");
    if (requests.length > MAX_BULK_CREATE) {
      throw jobsError("BAD_USER_INPUT", `inputs: at most ${MAX_BULK_CREATE} jobs per call, got ${requests.length}`, { field: "inputs" });
    }
    const answers: (JobRecord | GraphQLError)[] = new Array(requests.length);
    const byGateway = new Map<JobGateway, { index: number; job: NewJob }[]>();
    requests.forEach((request, index) => {
      try {
        const job = newJobFromRequest(request);
        // The same fingerprint createJob makes, so a key reused across the two is the same request.
        const requestHash = createHash("sha256").update(JSON.stringify({ createJob: request })).digest("hex");
        const gateway = this.registry.for(job.reasonerType);
        byGateway.set(gateway, [...(byGateway.get(gateway) ?? []), { index, job: { ...job, requestHash } }]);
      } catch (error) {
        if (!isJobsError(error)) throw error;
        answers[index] = error;
      }
    });
    await Promise.all(
      [...byGateway].map(async ([gateway, items]) => {
        const created = gateway.createMany
          ? await gateway.createMany(items.map((i) => i.job), viewer)
          : await Promise.all(items.map((i) => gateway.create(i.job, viewer).catch((error: unknown) => (isJobsError(error) ? error : Promise.reject(error)))));
        items.forEach((item, k) => (answers[item.index] = created[k]!));
      }),
    );
    return answers;
  }

  async get(key: JobKey, viewer: Viewer): Promise<JobRecord | null> {
    return (await this.registry.for(key.reasonerType).load([key], viewer))[0] ?? null;
  }

  async require(key: JobKey, viewer: Viewer): Promise<JobRecord> {
    const job = await this.get(key, viewer);
    if (!job) throw jobsError("NOT_FOUND", `${key.reasonerType} job ${key.jobId} not found`);
    return job;
  }

  /** Newest first across the gateways serving the filter's types, merged under one cursor. */
  async list(filter: JobFilter & { reasonerType?: ReasonerType | null }, first: number, after: string | null, viewer: Viewer): Promise<JobsPage> {
    if (viewer.role === "WORKER") throw jobsError("FORBIDDEN", "worker keys cannot list jobs");
    if (filter.allUsers && viewer.role !== "ADMIN") throw jobsError("FORBIDDEN", "allUsers needs an ADMIN key");
    const groups = this.registry.group(filter.reasonerType ? [filter.reasonerType] : undefined);
    const positions: Positions = after ? decodeCursor(after, isPositions) : {};
    const fetched = await Promise.all(
      [...groups].map(async ([gateway, types]) => ({
        gateway,
        page: await gateway.list({ ...filter, reasonerTypes: types }, first, positions[gateway.name] ?? null, viewer),
      })),
    );
    const merged = fetched.flatMap(({ gateway, page }) => page.items.map((job) => ({ gateway, job })));
    // One gateway's page is already in order; only a merge needs sorting.
    if (fetched.length > 1) merged.sort((a, b) => newestFirst(a.job, b.job));
    const taken = merged.slice(0, first);
    const lastOf = new Map<JobGateway, JobRecord>();
    const items = taken.map(({ gateway, job }) => new ListedJob(job, positions, [...lastOf.set(gateway, job)]));
    const hasNextPage = merged.length > first || fetched.some(({ page }) => page.hasMore);
    return {
      items,
      hasNextPage,
      totalCount: once(() =>
        Promise.all([...groups].map(([gateway, types]) => gateway.count({ ...filter, reasonerTypes: types }, viewer))).then((counts) => ({
          value: counts.reduce((sum, c) => sum + c.value, 0),
          estimated: counts.some((c) => c.estimated),
        })),
      ),
    };
  }

  async cancel(key: JobKey, allUsers: boolean, viewer: Viewer): Promise<JobRecord> {
    if (viewer.role === "WORKER") throw jobsError("FORBIDDEN", "worker keys cannot cancel jobs; use failJob");
    if (allUsers) {
      if (key.reasonerType !== "LOGIC") throw jobsError("BAD_USER_INPUT", "allUsers is accepted for LOGIC jobs only", { field: "allUsers" });
      if (viewer.role !== "ADMIN") throw jobsError("FORBIDDEN", "allUsers needs an ADMIN key");
    }
    return this.registry.for(key.reasonerType).cancel(key, { allUsers }, viewer);
  }

  /** Blocks until the job is terminal, woken by change notifications (no polling loop). */
  async waitForTerminal(key: JobKey, timeoutS: number, viewer: Viewer, signal?: AbortSignal): Promise<JobRecord> {
    if (!(timeoutS >= 0) || timeoutS > this.maxWaitS) {
      throw jobsError("BAD_USER_INPUT", `timeoutS: must be between 0 and ${this.maxWaitS}`, { field: "timeoutS" });
    }
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
