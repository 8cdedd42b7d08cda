// The remote gateway: families served by an upstream jobs service of this same contract. Each seam
// call becomes GraphQL against the upstream, as the caller (jobs-act-as), so the upstream enforces
// its own tenancy and grants; the front never widens what a user sees.
import { jobsError } from "../../errors.ts";
import type { GatewayConfig } from "../../config.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import type { CancelOptions, GatewayCursor, GatewayPage, JobExpansions, JobGateway } from "../gateway.ts";
import type { JobFilter, JobKey, JobRecord, ReasonerType, Viewer } from "../model.ts";
import type { NewJob } from "../new-job.ts";
import { RemoteExpansions } from "./expansions.ts";
import { JOB_SELECTION, globalJobId, toJobRecord } from "./records.ts";
import { Upstream, type UpstreamObserver } from "./upstream.ts";

/** The create mutations a front forwards as they came: the same input, idempotency key included. */
const CREATE_MUTATIONS: Record<string, { inputType: string } | undefined> = {
  createJob: { inputType: "CreateJobInput!" },
  createGenerationJob: { inputType: "CreateGenerationJobInput!" },
  addAgentJob: { inputType: "AddAgentJobInput!" },
  runBatchJob: { inputType: "RunBatchJobInput!" },
};

/** Per upstream type, its list position (the upstream's own cursor); absent: from the start. */
type Positions = Partial<Record<ReasonerType, string>>;
const isPositions = (v: unknown): v is Positions =>
  typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every((p) => typeof p === "string");

type Edge = { cursor: string; node: { raw: unknown } };
type Page = { edges: Edge[]; pageInfo: { hasNextPage: boolean } };

const newestFirst = (a: JobRecord, b: JobRecord) =>
  b.createdOn.getTime() - a.createdOn.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** The filter as the upstream's JobFilter: every field passed through, the family set by us. */
function upstreamFilter(filter: JobFilter, reasonerType: ReasonerType): Record<string, unknown> {
  const { reasonerTypes: _types, ...rest } = filter as JobFilter & { reasonerType?: unknown };
  const out: Record<string, unknown> = { reasonerType };
  for (const [k, v] of Object.entries(rest)) if (v !== null && v !== undefined && k !== "reasonerType") out[k] = v;
  return out;
}

export class RemoteJobGateway implements JobGateway {
  readonly kind = "remote" as const;
  readonly name: string;
  readonly reasonerTypes: readonly ReasonerType[];
  readonly capabilities = { cancelRunning: true, rerun: true, cancelAllUsers: true };
  readonly upstream: Upstream;
  /** The cursor of each listed job: every upstream family's position just after it. */
  private readonly cursors = new WeakMap<JobRecord, string>();

  constructor(config: GatewayConfig, observer?: UpstreamObserver) {
    this.name = config.name;
    this.reasonerTypes = config.reasonerTypes;
    this.upstream = new Upstream(config, observer);
  }

  get url(): string {
    return this.upstream.url;
  }

  get health() {
    return { healthy: this.upstream.healthy, lastError: this.upstream.lastError };
  }

  /** Expansions need the caller (they are read upstream as that user): see expansionsFor. */
  get expansions(): JobExpansions {
    throw new Error(`gateway ${this.name}: expansions of upstream jobs are read per request (expansionsFor)`);
  }

  expansionsFor(viewer: Viewer, typeOf: (jobId: string) => ReasonerType | undefined): JobExpansions {
    return new RemoteExpansions(this.upstream, viewer, typeOf);
  }

  async create(job: NewJob, viewer: Viewer, request?: unknown): Promise<JobRecord> {
    const [field, value] = Object.entries((request ?? {}) as Record<string, unknown>)[0] ?? [];
    const mutation = field === undefined ? undefined : field === "rerunJob" ? { inputType: null } : CREATE_MUTATIONS[field];
    if (!field || !mutation) {
      throw jobsError("BAD_USER_INPUT", `${job.reasonerType} jobs are served by gateway ${this.name}; create them with a create mutation, not here`, { gateway: this.name });
    }
    const query =
      mutation.inputType === null
        ? `mutation Rerun($jobId: ID!) { result: rerunJob(jobId: $jobId) { job { ${JOB_SELECTION} } } }`
        : `mutation Create($input: ${mutation.inputType}) { result: ${field}(input: $input) { job { ${JOB_SELECTION} } } }`;
    const variables = mutation.inputType === null ? { jobId: value } : { input: value };
    // Not retried: a create that reached the upstream but lost its answer must not run twice
    // (with an idempotency key, the caller's own retry returns the first job).
    const data = await this.upstream.request<{ result: { job: { raw: unknown } } }>({ query, variables, viewer, idempotent: false });
    return this.record(data.result.job.raw, viewer);
  }

  async load(keys: readonly JobKey[], viewer: Viewer): Promise<(JobRecord | null)[]> {
    const data = await this.upstream.request<{ nodes: ({ raw?: unknown } | null)[] }>({
      query: `query Load($ids: [ID!]!) { nodes(ids: $ids) { ... on Job { ${JOB_SELECTION} } } }`,
      variables: { ids: keys.map(globalJobId) },
      viewer,
      idempotent: true,
    });
    return data.nodes.map((n) => (n?.raw ? toJobRecord(n.raw, viewer) : null));
  }

  /**
   * One upstream call with one `jobs` field per family asked for, merged newest first. The cursor
   * holds each family's upstream cursor, so the merge never skips or repeats.
   */
  async list(filter: JobFilter, first: number, after: GatewayCursor | null, viewer: Viewer): Promise<GatewayPage> {
    const types = this.typesOf(filter);
    const positions: Positions = after ? decodeCursor(after, isPositions) : {};
    const fields = types.map(
      (t, i) => `t${i}: jobs(filter: $f${i}, first: $first, after: $a${i}) { edges { cursor node { ${JOB_SELECTION} } } pageInfo { hasNextPage } }`,
    );
    const declared = types.flatMap((_t, i) => [`$f${i}: JobFilter`, `$a${i}: String`]);
    const variables: Record<string, unknown> = { first };
    types.forEach((t, i) => {
      variables[`f${i}`] = upstreamFilter(filter, t);
      variables[`a${i}`] = positions[t] ?? null;
    });
    const data = await this.upstream.request<Record<string, Page>>({
      query: `query List($first: Int, ${declared.join(", ")}) { ${fields.join(" ")} }`,
      variables,
      viewer,
      idempotent: true,
    });
    const merged = types.flatMap((t, i) =>
      data[`t${i}`]!.edges.map((e) => ({ type: t, cursor: e.cursor, job: this.record(e.node.raw, viewer) })),
    );
    if (types.length > 1) merged.sort((a, b) => newestFirst(a.job, b.job));
    const taken = merged.slice(0, first);
    const at: Positions = { ...positions };
    for (const item of taken) {
      at[item.type] = item.cursor;
      this.cursors.set(item.job, encodeCursor(at));
    }
    return { items: taken.map((i) => i.job), hasMore: merged.length > first || types.some((_t, i) => data[`t${i}`]!.pageInfo.hasNextPage) };
  }

  async count(filter: JobFilter, viewer: Viewer): Promise<number> {
    const types = this.typesOf(filter);
    const data = await this.upstream.request<Record<string, { totalCount: number }>>({
      query: `query Count(${types.map((_t, i) => `$f${i}: JobFilter`).join(", ")}) { ${types.map((_t, i) => `t${i}: jobs(filter: $f${i}, first: 0) { totalCount }`).join(" ")} }`,
      variables: Object.fromEntries(types.map((t, i) => [`f${i}`, upstreamFilter(filter, t)])),
      viewer,
      idempotent: true,
    });
    return types.reduce((sum, _t, i) => sum + data[`t${i}`]!.totalCount, 0);
  }

  cursorOf(job: JobRecord): GatewayCursor {
    const cursor = this.cursors.get(job);
    if (cursor === undefined) throw new Error(`gateway ${this.name}: cursorOf a job this gateway did not list`);
    return cursor;
  }

  async cancel(key: JobKey, options: CancelOptions, viewer: Viewer): Promise<JobRecord> {
    const data = await this.upstream.request<{ cancelJob: { raw: unknown } }>({
      query: `mutation Cancel($t: ReasonerType!, $id: ID!, $all: Boolean) { cancelJob(reasonerType: $t, jobId: $id, allUsers: $all) { ${JOB_SELECTION} } }`,
      variables: { t: key.reasonerType, id: key.jobId, all: options.allUsers },
      viewer,
      idempotent: true,
    });
    return this.record(data.cancelJob.raw, viewer);
  }

  /** Waits upstream (woken there by its own notifications), for at most timeoutS. */
  async wait(key: JobKey, timeoutS: number, viewer: Viewer): Promise<JobRecord> {
    const data = await this.upstream.request<{ waitForJob: { raw: unknown } }>({
      query: `query Wait($t: ReasonerType!, $id: ID!, $s: Float) { waitForJob(reasonerType: $t, jobId: $id, timeoutS: $s) { ${JOB_SELECTION} } }`,
      variables: { t: key.reasonerType, id: key.jobId, s: timeoutS },
      viewer,
      idempotent: true,
      extraMs: timeoutS * 1000,
    });
    return this.record(data.waitForJob.raw, viewer);
  }

  private typesOf(filter: JobFilter): ReasonerType[] {
    return this.reasonerTypes.filter((t) => !filter.reasonerTypes || filter.reasonerTypes.includes(t));
  }

  private record(raw: unknown, viewer: Viewer): JobRecord {
    const job = toJobRecord(raw, viewer);
    if (!job) throw jobsError("UPSTREAM_UNAVAILABLE", `gateway ${this.name} answered a job without its record`, { gateway: this.name });
    return job;
  }
}
