// The remote gateway: families served by an upstream jobs service of this same contract. Each seam
// call becomes GraphQL against the upstream, as the caller (jobs-act-as), so the upstream enforces
// its own tenancy and grants; the front never widens what a user sees.
import type { GraphQLError } from "graphql";
import { isJobsError, jobsError, notFound } from "../../errors.ts";
import type { BoundGatewayConfig } from "../../config.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import type {
  CancelOptions,
  CreditEstimate,
  ForwardedAnswer,
  GatewayCursor,
  GatewayPage,
  JobCount,
  JobEventRecord,
  JobExpansions,
  JobGateway,
  ListPrefetch,
  LogLineRecord,
  Prefetched,
  StoredArtifact,
} from "../gateway.ts";
import type { GenerationKind, JobFilter, JobKey, JobRecord, ReasonerType, Viewer } from "../model.ts";
import type { CreateJobRequest, NewJob } from "../new-job.ts";
import { DEFAULT_JOB_ORDER, isDefaultOrder, type JobOrder, jobOrderComparator } from "../order.ts";
import type { Logger } from "../../logger.ts";
import { RemoteAgentExtras } from "./agent-extras.ts";
import { partSelection, prefetchParts, RemoteExpansions, readParts } from "./expansions.ts";
import { relayChanges } from "./changes.ts";
import { UpstreamLive, mapIterator, mergeIterators } from "./live.ts";
import {
  EVENT_SELECTION,
  JOB_SELECTION,
  LOG_SELECTION,
  globalJobId,
  isInput,
  toEvent,
  toJobRecord,
  toLogLine,
  upstreamWorkerId,
  withAssignedAgent,
  withStepAgents,
} from "./records.ts";
import { Upstream, type UpstreamObserver } from "./upstream.ts";
import { RemoteWorkers } from "./workers.ts";

/** The create mutations a front forwards as they came: the same input, idempotency key included. */
const CREATE_MUTATIONS: Record<string, { inputType: string } | undefined> = {
  createJob: { inputType: "CreateJobInput!" },
  createGenerationJob: { inputType: "CreateGenerationJobInput!" },
  addAgentJob: { inputType: "AddAgentJobInput!" },
  runBatchJob: { inputType: "RunBatchJobInput!" },
};

/** Jobs read per filter when a relayed jobsChanged catches up (the newest ones created during a gap). */
const CATCH_UP_PAGE = 200;

/** Per upstream type, its list position (the upstream's own cursor); absent: from the start. */
type Positions = Partial<Record<ReasonerType, string>>;

/** A gateway's part of a front cursor: at least one position, each of a family it serves. */
export function decodeUpstreamPositions(cursor: string, reasonerTypes: readonly ReasonerType[]): Positions {
  return decodeCursor(
    cursor,
    (v): v is Positions =>
      typeof v === "object" &&
      v !== null &&
      !Array.isArray(v) &&
      Object.keys(v).length > 0 &&
      Object.entries(v).every(([t, p]) => reasonerTypes.includes(t as ReasonerType) && typeof p === "string"),
  );
}

type Edge = { cursor: string; node: { raw: unknown } };
type Page = { edges: Edge[]; pageInfo: { hasNextPage: boolean } };

/**
 * The filter as the upstream's JobFilter: every field passed through (times, createdAfter and
 * createdBefore, as their ISO strings), the family set by us, the assigned agent named as the upstream
 * knows it.
 */
function upstreamFilter(filter: JobFilter, reasonerType: ReasonerType, gateway: string): Record<string, unknown> {
  const { reasonerTypes: _types, ...rest } = filter as JobFilter & { reasonerType?: unknown };
  const out: Record<string, unknown> = { reasonerType };
  for (const [k, v] of Object.entries(rest))
    if (v !== null && v !== undefined && k !== "reasonerType") out[k] = v instanceof Date ? v.toISOString() : v;
  if (typeof out.assignedAgentId === "string") out.assignedAgentId = upstreamWorkerId(gateway, out.assignedAgentId);
  return out;
}

/** An agent job's input with its agent as the upstream knows it. */
const agentInputUpstream = (input: unknown, gateway: string) =>
  withAssignedAgent(input, (agentId) => upstreamWorkerId(gateway, agentId));

/** A batch's input with its agent steps' agents as the upstream knows them. */
const batchInputUpstream = (input: unknown, gateway: string) =>
  withStepAgents(input, (agentId) => upstreamWorkerId(gateway, agentId));

/** A createJob input with the agents it names as the upstream knows them. */
function createInputUpstream(input: unknown, gateway: string): unknown {
  if (!isInput(input)) return input;
  if (input.reasonerType === "AGENT") return { ...input, payload: agentInputUpstream(input.payload, gateway) };
  if (input.reasonerType === "BATCH") return { ...input, payload: batchInputUpstream(input.payload, gateway) };
  return input;
}

/**
 * A create mutation's input as the upstream is sent it: the agents it names (`@<gateway>/<id>`, as
 * the front shows them) as the upstream knows them, the rest as it came.
 */
function createRequestUpstream(field: string, input: unknown, gateway: string): unknown {
  if (field === "addAgentJob") return agentInputUpstream(input, gateway);
  if (field === "runBatchJob") return batchInputUpstream(input, gateway);
  if (field === "createJob") return createInputUpstream(input, gateway);
  return input;
}

/**
 * Whether the upstream answered that its schema has no such Query field: a server older than the
 * field, which cannot be asked (its checks are made when the job is created there, as before).
 */
export function lacksField(answer: ForwardedAnswer, field: string): boolean {
  return (
    answer.errors?.some(
      (e) => e.extensions?.code === "GRAPHQL_VALIDATION_FAILED" && e.message.includes(`"${field}"`),
    ) ?? false
  );
}

export class RemoteJobGateway implements JobGateway {
  readonly kind = "remote" as const;
  readonly name: string;
  readonly reasonerTypes: readonly ReasonerType[];
  readonly capabilities = { cancelRunning: true, rerun: true, cancelAllUsers: true };
  readonly upstream: Upstream;
  /**
   * Each listed job's positions (every upstream family's, just after it), encoded only when its
   * cursor is read: most pages select no edge cursors (as ListedJob in the service).
   */
  private readonly positionsAfter = new WeakMap<JobRecord, Positions>();

  readonly live: UpstreamLive;
  readonly agent: RemoteAgentExtras;
  /** The worker protocol for this upstream's families, relayed (src/workers/relay.ts routes to it). */
  readonly workers: RemoteWorkers;
  readonly generation = {
    estimateCredits: async (kind: GenerationKind, rows: number, viewer: Viewer): Promise<CreditEstimate> => {
      const data = await this.upstream.request<{ estimateCredits: CreditEstimate }>({
        query: `query($k: GenerationKind!, $r: Int!) { estimateCredits(kind: $k, rows: $r) { estimatedCredits trainingTier } }`,
        variables: { k: kind, r: rows },
        viewer,
        idempotent: true,
      });
      return data.estimateCredits;
    },
    verifyEvidence: async (jobId: string, viewer: Viewer): Promise<boolean> => {
      const data = await this.upstream.request<{ job: { evidence: { verified: boolean } | null } | null }>({
        query: `query($id: ID!) { job(reasonerType: GENERATION, jobId: $id) { ... on GenerationJob { evidence { verified } } } }`,
        variables: { id: jobId },
        viewer,
        idempotent: true,
      });
      return data.job?.evidence?.verified ?? false;
    },
  };

  constructor(config: BoundGatewayConfig, observer?: UpstreamObserver, logger?: Logger) {
    this.name = config.name;
    this.reasonerTypes = config.reasonerTypes;
    this.upstream = new Upstream(config, observer);
    this.live = new UpstreamLive(this.upstream, config.apiKey, logger);
    this.agent = new RemoteAgentExtras(this.upstream);
    this.workers = new RemoteWorkers(config.name, this.upstream);
  }

  get url(): string {
    return this.upstream.url;
  }

  /** Viewers of another tenant of this server: their jobs of these families are none (reads find nothing). */
  serves(viewer: Viewer): boolean {
    return this.upstream.serves(viewer);
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
    const [given, value] = Object.entries((request ?? {}) as Record<string, unknown>)[0] ?? [];
    // A batch step's child is made upstream as createJob makes it: its idempotency key (the batch's
    // and the step's) makes a resumed batch find the child it made before.
    const field = given === "batchStep" ? "createJob" : given;
    const mutation =
      field === undefined ? undefined : field === "rerunJob" ? { inputType: null } : CREATE_MUTATIONS[field];
    if (!field || !mutation) {
      throw jobsError(
        "BAD_USER_INPUT",
        `${job.reasonerType} jobs are served by gateway ${this.name}; create them with a create mutation, not here`,
        { gateway: this.name },
      );
    }
    const query =
      mutation.inputType === null
        ? `mutation Rerun($jobId: ID!) { result: rerunJob(jobId: $jobId) { job { ${JOB_SELECTION} } } }`
        : `mutation Create($input: ${mutation.inputType}) { result: ${field}(input: $input) { job { ${JOB_SELECTION} } } }`;
    const variables =
      mutation.inputType === null ? { jobId: value } : { input: createRequestUpstream(field, value, this.name) };
    // Not retried: a create that reached the upstream but lost its answer must not run twice
    // (with an idempotency key, the caller's own retry returns the first job).
    const data = await this.upstream.request<{ result: { job: { raw: unknown } } }>({
      query,
      variables,
      viewer,
      idempotent: false,
    });
    return this.record(data.result.job.raw, viewer);
  }

  /**
   * createJobs forwarded as ONE upstream createJobs with the inputs as they came (idempotency keys
   * included), answers mapped back in order. Not retried, as create. When the call as a whole fails
   * (the upstream away), every item answers that error: none of them is known to exist.
   */
  async createMany(
    _jobs: readonly NewJob[],
    viewer: Viewer,
    requests: readonly CreateJobRequest[],
  ): Promise<(JobRecord | GraphQLError)[]> {
    type Answer = {
      job: { raw: unknown } | null;
      error: { code: string; message: string; field: string | null } | null;
    };
    try {
      const data = await this.upstream.request<{ results: Answer[] }>({
        query: `mutation CreateMany($inputs: [CreateJobInput!]!) { results: createJobs(inputs: $inputs) { job { ${JOB_SELECTION} } error { code message field } } }`,
        variables: { inputs: requests.map((r) => createInputUpstream(r, this.name)) },
        viewer,
        idempotent: false,
      });
      return data.results.map((answer) =>
        answer.job
          ? this.record(answer.job.raw, viewer)
          : // The upstream's refusal as it said it; the field names this call's inputs, as the front's own do.
            this.upstream.upstreamError({
              message: answer.error?.message ?? "the upstream created no job",
              extensions: {
                code: answer.error?.code,
                ...(answer.error?.field != null ? { field: answer.error.field } : {}),
              },
            }),
      );
    } catch (error) {
      if (!isJobsError(error)) throw error;
      return requests.map(() => error);
    }
  }

  /**
   * validateJob relayed as the caller, as create relays createJob: the upstream's refusal, mapped as
   * any answer's. An upstream older than validateJob refuses nothing here (see lacksField).
   */
  async validate(_job: NewJob, viewer: Viewer, request: CreateJobRequest): Promise<void> {
    const answer = await this.upstream.forward({
      query: `query Validate($input: CreateJobInput!) { validateJob(input: $input) }`,
      variables: { input: createInputUpstream(request, this.name) },
      viewer,
      // Creates nothing: safe to send twice.
      idempotent: true,
    });
    const error = answer.errors?.[0];
    if (error && !lacksField(answer, "validateJob")) throw this.upstream.upstreamError(error);
  }

  /**
   * validateJobs relayed as ONE upstream call, answers mapped back in order (fields naming the
   * upstream call's `inputs.<k>`, as createMany's). When the call as a whole fails (the upstream
   * away), every item answers that error; an upstream older than validateJobs refuses none.
   */
  async validateMany(
    _jobs: readonly NewJob[],
    viewer: Viewer,
    requests: readonly CreateJobRequest[],
  ): Promise<(GraphQLError | null)[]> {
    type Refusal = { code: string; message: string; field: string | null } | null;
    try {
      const answer = await this.upstream.forward({
        query: `query ValidateMany($inputs: [CreateJobInput!]!) { results: validateJobs(inputs: $inputs) { code message field } }`,
        variables: { inputs: requests.map((r) => createInputUpstream(r, this.name)) },
        viewer,
        idempotent: true,
      });
      if (lacksField(answer, "validateJobs")) return requests.map(() => null);
      const error = answer.errors?.[0];
      if (error) throw this.upstream.upstreamError(error);
      const results = (answer.data?.results ?? []) as Refusal[];
      return requests.map((_request, k) => {
        const refusal = results[k];
        return refusal
          ? this.upstream.upstreamError({
              message: refusal.message,
              extensions: { code: refusal.code, ...(refusal.field != null ? { field: refusal.field } : {}) },
            })
          : null;
      });
    } catch (error) {
      if (!isJobsError(error)) throw error;
      return requests.map(() => error);
    }
  }

  async load(keys: readonly JobKey[], viewer: Viewer): Promise<(JobRecord | null)[]> {
    if (!this.serves(viewer)) return keys.map(() => null);
    const data = await this.upstream.request<{ nodes: ({ raw?: unknown } | null)[] }>({
      query: `query Load($ids: [ID!]!) { nodes(ids: $ids) { ... on Job { ${JOB_SELECTION} } } }`,
      variables: { ids: keys.map(globalJobId) },
      viewer,
      idempotent: true,
    });
    return data.nodes.map((n) => (n?.raw ? this.record(n.raw, viewer) : null));
  }

  async loadWith(
    key: JobKey,
    viewer: Viewer,
    prefetch: ListPrefetch,
  ): Promise<{ job: JobRecord; prefetched: Prefetched } | null> {
    if (!this.serves(viewer)) return null;
    const parts = prefetchParts(prefetch, viewer, this.name);
    const extra = partSelection(parts.map((p) => p.part));
    const data = await this.upstream.request<{ node: Record<string, unknown> | null }>({
      query: `query LoadWith(${["$id: ID!", ...extra.declared].join(", ")}) { node(id: $id) { ... on Job { ${JOB_SELECTION} } ${extra.fragments} } }`,
      variables: { id: globalJobId(key), ...extra.variables },
      viewer,
      idempotent: true,
    });
    if (!data.node?.raw) return null;
    const job = this.record(data.node.raw, viewer);
    return { job, prefetched: readParts(parts, job.id, data.node) };
  }

  /** A read forwarded as the client wrote it (pass-through): retried like any read, errors returned. */
  forward(query: string, variables: Record<string, unknown>, viewer: Viewer): Promise<ForwardedAnswer> {
    return this.upstream.forward({ query, variables, viewer, idempotent: true });
  }

  /**
   * One upstream call with one `jobs` field per family asked for, each in the order, merged by it.
   * The cursor holds each family's upstream cursor, so the merge never skips or repeats; an order
   * other than newest first is relayed as orderBy (only then: an upstream older than it lists
   * newest first all the same), and the upstream's cursors name it, so the upstream refuses a
   * cursor of another order.
   */
  async list(
    filter: JobFilter,
    first: number,
    after: GatewayCursor | null,
    viewer: Viewer,
    { prefetch, order = DEFAULT_JOB_ORDER }: { prefetch?: ListPrefetch; order?: JobOrder } = {},
  ): Promise<GatewayPage> {
    if (!this.serves(viewer)) return { items: [], hasMore: false };
    const types = this.typesOf(filter);
    const positions: Positions = after ? decodeUpstreamPositions(after, this.reasonerTypes) : {};
    // The expansions the caller selected ride along: one upstream request for the page and them.
    const parts = prefetch ? prefetchParts(prefetch, viewer, this.name) : [];
    const extra = partSelection(parts.map((p) => p.part));
    const node = `${JOB_SELECTION}${parts.length ? ` jobId ${extra.fragments}` : ""}`;
    const ordered = !isDefaultOrder(order);
    const fields = types.map(
      (t, i) =>
        `t${i}: jobs(filter: $f${i}, first: $first, after: $a${i}${ordered ? ", orderBy: $order" : ""}) { edges { cursor node { ${node} } } pageInfo { hasNextPage } }`,
    );
    const declared = [
      ...types.flatMap((_t, i) => [`$f${i}: JobFilter`, `$a${i}: String`]),
      ...(ordered ? ["$order: JobOrder"] : []),
      ...extra.declared,
    ];
    const variables: Record<string, unknown> = { first, ...extra.variables, ...(ordered ? { order } : {}) };
    types.forEach((t, i) => {
      variables[`f${i}`] = upstreamFilter(filter, t, this.name);
      variables[`a${i}`] = positions[t] ?? null;
    });
    const data = await this.upstream.request<Record<string, Page>>({
      query: `query List($first: Int, ${declared.join(", ")}) { ${fields.join(" ")} }`,
      variables,
      viewer,
      idempotent: true,
    });
    const merged = types.flatMap((t, i) =>
      data[`t${i}`]!.edges.map((e) => ({
        type: t,
        cursor: e.cursor,
        node: e.node,
        job: this.record(e.node.raw, viewer),
      })),
    );
    if (types.length > 1) {
      const inOrder = jobOrderComparator(order);
      merged.sort((a, b) => inOrder(a.job, b.job));
    }
    const taken = merged.slice(0, first);
    const at: Positions = { ...positions };
    const prefetched = new Map<string, Prefetched>();
    for (const item of taken) {
      at[item.type] = item.cursor;
      this.positionsAfter.set(item.job, { ...at });
      if (parts.length)
        prefetched.set(item.job.id, readParts(parts, item.job.id, item.node as Record<string, unknown>));
    }
    return {
      items: taken.map((i) => i.job),
      hasMore: merged.length > first || types.some((_t, i) => data[`t${i}`]!.pageInfo.hasNextPage),
      ...(parts.length ? { prefetched } : {}),
    };
  }

  async count(filter: JobFilter, viewer: Viewer): Promise<JobCount> {
    if (!this.serves(viewer)) return { value: 0, estimated: false };
    const types = this.typesOf(filter);
    const data = await this.upstream.request<Record<string, { totalCount: number; totalCountIsEstimate: boolean }>>({
      query: `query Count(${types.map((_t, i) => `$f${i}: JobFilter`).join(", ")}) { ${types.map((_t, i) => `t${i}: jobs(filter: $f${i}, first: 0) { totalCount totalCountIsEstimate }`).join(" ")} }`,
      variables: Object.fromEntries(types.map((t, i) => [`f${i}`, upstreamFilter(filter, t, this.name)])),
      viewer,
      idempotent: true,
    });
    return {
      value: types.reduce((sum, _t, i) => sum + data[`t${i}`]!.totalCount, 0),
      estimated: types.some((_t, i) => data[`t${i}`]!.totalCountIsEstimate),
    };
  }

  cursorOf(job: JobRecord): GatewayCursor {
    const positions = this.positionsAfter.get(job);
    if (positions === undefined) throw new Error(`gateway ${this.name}: cursorOf a job this gateway did not list`);
    return encodeCursor(positions);
  }

  async cancel(key: JobKey, options: CancelOptions, viewer: Viewer): Promise<JobRecord> {
    if (!this.serves(viewer)) throw notFound(`${key.reasonerType} job ${key.jobId}`);
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
    if (!this.serves(viewer)) throw notFound(`${key.reasonerType} job ${key.jobId}`);
    const data = await this.upstream.request<{ waitForJob: { raw: unknown } }>({
      query: `query Wait($t: ReasonerType!, $id: ID!, $s: Float) { waitForJob(reasonerType: $t, jobId: $id, timeoutS: $s) { ${JOB_SELECTION} } }`,
      variables: { t: key.reasonerType, id: key.jobId, s: timeoutS },
      viewer,
      idempotent: true,
      extraMs: timeoutS * 1000,
    });
    return this.record(data.waitForJob.raw, viewer);
  }

  /** jobUpdated, relayed; a state the subscriber already has is not sent again after a reconnect. */
  watchJob(key: JobKey, viewer: Viewer): AsyncIterableIterator<JobRecord> {
    if (!this.serves(viewer)) throw notFound(`${key.reasonerType} job ${key.jobId}`);
    const source = this.live.subscribe<{ raw: unknown }>(
      `subscription($t: ReasonerType!, $id: ID!) { jobUpdated(reasonerType: $t, jobId: $id) { ${JOB_SELECTION} } }`,
      "jobUpdated",
      () => ({ t: key.reasonerType, id: key.jobId }),
      viewer,
    );
    return this.distinctJobs(source, viewer);
  }

  /**
   * jobsChanged, relayed: one upstream operation per family asked for; after an upstream gap, what
   * changed meanwhile is read and sent (relayChanges), so the subscriber misses nothing.
   */
  watchJobs(filter: JobFilter, viewer: Viewer): AsyncIterableIterator<JobRecord> {
    // Nothing of these families ever changes for another tenant's subscriber (a stream of none).
    if (!this.serves(viewer)) return mergeIterators<JobRecord>([]);
    const types = this.typesOf(filter);
    const sources = types.map((t) =>
      this.live.subscribe<{ raw: unknown }>(
        `subscription($f: JobFilter) { jobsChanged(filter: $f) { ${JOB_SELECTION} } }`,
        "jobsChanged",
        () => ({ f: upstreamFilter(filter, t, this.name) }),
        viewer,
      ),
    );
    return relayChanges({
      live: mapIterator(mergeIterators(sources), (j) => this.record(j.raw, viewer)),
      onGap: (listener) => this.live.onGap(listener),
      open: () =>
        this.readJobs(
          types.map((t) => ({ ...upstreamFilter(filter, t, this.name), onlyActive: true })),
          viewer,
        ),
      since: async (followed, since) => {
        const created = await this.readJobs(
          [
            ...types.map((t) => upstreamFilter(filter, t, this.name)),
            ...followed.map((f) => ({ ...upstreamFilter(filter, f.reasonerType, this.name), jobId: f.jobId })),
          ],
          viewer,
        );
        // The newest pages hold every job created since; the followed ones count whatever their age.
        const ids = new Set(followed.map((f) => f.jobId));
        return created.filter((j) => ids.has(j.id) || j.createdOn >= since);
      },
    });
  }

  /** The first page (newest first) of each filter, in one upstream request. */
  private async readJobs(filters: Record<string, unknown>[], viewer: Viewer): Promise<JobRecord[]> {
    if (filters.length === 0) return [];
    const data = await this.upstream.request<Record<string, { edges: { node: { raw: unknown } }[] }>>({
      query: `query Read(${filters.map((_f, i) => `$f${i}: JobFilter`).join(", ")}) { ${filters.map((_f, i) => `t${i}: jobs(filter: $f${i}, first: ${CATCH_UP_PAGE}) { edges { node { ${JOB_SELECTION} } } }`).join(" ")} }`,
      variables: Object.fromEntries(filters.map((f, i) => [`f${i}`, f])),
      viewer,
      idempotent: true,
    });
    const byId = new Map<string, JobRecord>();
    for (const field of Object.values(data))
      for (const edge of field.edges) {
        const job = this.record(edge.node.raw, viewer);
        byId.set(job.id, job);
      }
    return [...byId.values()];
  }

  /** jobEvents, relayed; re-sent after a reconnect from the last cursor delivered. */
  watchEvents(key: JobKey, stream: string, afterSeq: number, viewer: Viewer): AsyncIterableIterator<JobEventRecord> {
    if (!this.serves(viewer)) throw notFound(`${key.reasonerType} job ${key.jobId}`);
    let after = afterSeq;
    const source = this.live.subscribe<Record<string, unknown>>(
      `subscription($t: ReasonerType!, $id: ID!, $s: String, $after: String) { jobEvents(reasonerType: $t, jobId: $id, stream: $s, after: $after) { ${EVENT_SELECTION} } }`,
      "jobEvents",
      () => ({ t: key.reasonerType, id: key.jobId, s: stream, after: after ? String(after) : null }),
      viewer,
      true,
    );
    return mapIterator(source, (e) => {
      const event = toEvent(key.jobId, e);
      after = Math.max(after, event.seq);
      return event;
    });
  }

  /** jobLogs, relayed; re-sent after a reconnect from the last cursor delivered. */
  watchLogs(
    key: JobKey,
    sinceMs: number | null,
    afterSeq: number,
    viewer: Viewer,
  ): AsyncIterableIterator<LogLineRecord> {
    if (!this.serves(viewer)) throw notFound(`${key.reasonerType} job ${key.jobId}`);
    let after = afterSeq;
    const source = this.live.subscribe<Record<string, unknown>>(
      `subscription($t: ReasonerType!, $id: ID!, $since: Float, $after: String) { jobLogs(reasonerType: $t, jobId: $id, sinceMs: $since, after: $after) { ${LOG_SELECTION} } }`,
      "jobLogs",
      () => ({ t: key.reasonerType, id: key.jobId, since: sinceMs, after: after ? String(after) : null }),
      viewer,
      true,
    );
    return mapIterator(source, (l) => {
      const line = toLogLine(key.jobId, l);
      after = Math.max(after, line.seq);
      return line;
    });
  }

  download(
    path: string,
    viewer: Viewer,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<Response | null> {
    return this.upstream.download(path, viewer, headers, signal);
  }

  upload(
    path: string,
    viewer: Viewer,
    headers: Record<string, string>,
    body: ReadableStream<Uint8Array>,
    signal: AbortSignal,
  ): Promise<StoredArtifact> {
    return this.upstream.upload(path, viewer, headers, body, signal);
  }

  async close(): Promise<void> {
    await this.live.close();
    this.upstream.close();
  }

  private distinctJobs(
    source: AsyncIterableIterator<{ raw: unknown }>,
    viewer: Viewer,
  ): AsyncIterableIterator<JobRecord> {
    let last = "";
    const iterator: AsyncIterableIterator<JobRecord> = {
      next: async () => {
        for (;;) {
          const r = await source.next();
          if (r.done) return { value: undefined, done: true };
          const job = this.record(r.value.raw, viewer);
          // A re-sent jobUpdated starts with the job as it is: skip it when that is what was sent last.
          const version = `${job.revision}|${job.state}|${job.updatedOn?.getTime?.() ?? ""}`;
          if (version === last) continue;
          last = version;
          return { value: job, done: false };
        }
      },
      return: async () => {
        await source.return?.();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  private typesOf(filter: JobFilter): ReasonerType[] {
    return this.reasonerTypes.filter((t) => !filter.reasonerTypes || filter.reasonerTypes.includes(t));
  }

  private record(raw: unknown, viewer: Viewer): JobRecord {
    const job = toJobRecord(raw, viewer, this.name);
    if (!job)
      throw jobsError("UPSTREAM_UNAVAILABLE", `gateway ${this.name} answered a job without its record`, {
        gateway: this.name,
      });
    return job;
  }
}
