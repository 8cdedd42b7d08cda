// The seam between the API and wherever jobs live: the local gateway (our database) and remote
// gateways (upstream jobs services of this contract, src/jobs/remote) implement the same interface.
import type { GraphQLError } from "graphql";
import type {
  AccessRelation,
  ArchiveStatus,
  GenerationKind,
  JobFilter,
  JobKey,
  JobRecord,
  ReasonerType,
  Viewer,
} from "./model.ts";
import type { CreateJobRequest, NewJob } from "./new-job.ts";
import type { JobOrder } from "./order.ts";

/** How many jobs match: exact, or (past the gateway's bound) an estimate that says it is one. */
export interface JobCount {
  value: number;
  estimated: boolean;
}

export interface GatewayPage {
  items: JobRecord[];
  /** Whether more items follow the last one returned. */
  hasMore: boolean;
  /** Expansions read together with the list (remote gateways, when asked to), by job id. */
  prefetched?: Map<string, Prefetched>;
}

/**
 * The expansions a list's caller selected on every listed job. A remote gateway reads them in the
 * same upstream request as the list; the local gateway ignores it (its loaders batch anyway).
 */
export interface ListPrefetch {
  statusHistory: boolean;
  artifacts: boolean;
  problems: boolean;
  events: EventWindow[];
  logs: LogWindow[];
  /**
   * The fields the caller selected on each expansion's items (events and logs: on their nodes);
   * absent: every field. A remote gateway asks its upstream for no more.
   */
  selected?: Partial<Record<"statusHistory" | "artifacts" | "problems" | "events" | "logs", Set<string>>>;
}

/** One listed job's prefetched expansions, as the loaders would have read them. */
export interface Prefetched {
  statusHistory?: StatusChangeRecord[];
  artifacts?: ArtifactRecord[];
  problems?: ProblemRecord[];
  events: { window: EventWindow; rows: JobEventRecord[] }[];
  logs: { window: LogWindow; rows: LogLineRecord[] }[];
}

/** Position after which a list continues, in this gateway's own terms. */
export type GatewayCursor = string;

export interface StatusChangeRecord {
  jobId: string;
  seq: number;
  state: JobRecord["state"];
  nativeState: string;
  message: string | null;
  agentId: string | null;
  createdById: string | null;
  createdOn: Date;
}
export interface JobEventRecord {
  jobId: string;
  seq: number;
  stream: string;
  data: unknown;
  createdOn: Date;
}
export interface LogLineRecord {
  jobId: string;
  seq: number;
  timestampMs: number;
  level: string;
  message: string;
  step: string | null;
}
/** What an upload answers (PUT /artifacts, PUT /uploads): the stored bytes' id, hash and size. */
export interface StoredArtifact {
  id: string;
  contentHash: string;
  sizeBytes: number;
}

export interface ArtifactRecord {
  id: string;
  tenantId: string;
  jobId: string | null;
  purpose: string;
  name: string;
  artifactType: string;
  mimeType: string | null;
  sizeBytes: bigint | number;
  contentHash: string;
  createdOn: Date;
  /** Set on datasets users upload (PUT /uploads): only they and the tenant's admins see them. */
  uploadedBy?: string | null;
}
export interface ProblemRecord {
  jobId: string;
  severity: string;
  code: string;
  message: string;
  details: unknown;
}
export interface CommentRecord {
  id: string;
  jobId: string;
  content: string;
  createdById: string;
  createdOn: Date;
}
export interface ArchiveChangeRecord {
  jobId: string;
  status: ArchiveStatus;
  reason: string | null;
  createdById: string;
  createdOn: Date;
}
export interface AccessGrantRecord {
  jobId: string;
  subjectId: string;
  email: string | null;
  relation: AccessRelation;
}
export interface FileRevisionRecord {
  id: string;
  fileId: string;
  name: string;
  mimeType: string | null;
  sizeBytes: bigint | number;
  contentHash: string;
  createdOn: Date;
}
export interface FileRecord {
  id: string;
  jobId: string;
  description: string | null;
  displayName: string | null;
  externalIdentifier: string | null;
  versionName: string | null;
  properties: unknown;
  revisions: FileRevisionRecord[];
}
export interface BatchStepRecord {
  jobId: string;
  position: number;
  name: string;
  run: unknown;
  metadata: unknown;
  ignoreChunkError: boolean;
  state: JobRecord["state"];
  childJobId: string | null;
  startedOn: Date | null;
  finishedOn: Date | null;
}
export interface SealRecord {
  id: string;
  jobId: string;
  sealHash: string;
  previousSealHash: string | null;
  createdOn: Date;
}

/** Arguments of a windowed expansion (events, logs): one batch per distinct window. */
export interface EventWindow {
  stream: string;
  afterSeq: number;
  first: number;
}
export interface LogWindow {
  sinceMs: number | null;
  afterSeq: number;
  first: number;
}

/**
 * Batch reads of what hangs off a job. Each takes many job ids and returns one list per id, in
 * order, so DataLoaders can serve a whole page with one call each. Callers pass only ids of jobs
 * the viewer may see.
 */
export interface JobExpansions {
  statusHistory(jobIds: readonly string[]): Promise<StatusChangeRecord[][]>;
  /** `first + 1` rows at most per job, so callers can tell whether more follow. */
  events(jobIds: readonly string[], window: EventWindow): Promise<JobEventRecord[][]>;
  logs(jobIds: readonly string[], window: LogWindow): Promise<LogLineRecord[][]>;
  artifacts(jobIds: readonly string[]): Promise<ArtifactRecord[][]>;
  problems(jobIds: readonly string[]): Promise<ProblemRecord[][]>;
  comments(jobIds: readonly string[]): Promise<CommentRecord[][]>;
  archiveHistory(jobIds: readonly string[]): Promise<ArchiveChangeRecord[][]>;
  access(jobIds: readonly string[]): Promise<AccessGrantRecord[][]>;
  files(jobIds: readonly string[]): Promise<(FileRecord | null)[]>;
  steps(jobIds: readonly string[]): Promise<BatchStepRecord[][]>;
  /** The batch step that made each job (its child), as the batch records it; null for a job no batch made. */
  madeBy(jobIds: readonly string[]): Promise<(BatchStepRecord | null)[]>;
  seals(jobIds: readonly string[]): Promise<(SealRecord | null)[]>;
  artifactsById(ids: readonly string[]): Promise<(ArtifactRecord | null)[]>;
}

export interface CancelOptions {
  allUsers: boolean;
  /**
   * Why the server cancels the job on its own ("batch <id> timed out"), recorded in its history and
   * error instead of the viewer's name; absent for a user's cancel. An upstream records its own.
   */
  reason?: string;
}

export interface FileUpdate {
  description?: string | null;
  displayName?: string | null;
  externalIdentifier?: string | null;
  versionName?: string | null;
  properties?: unknown;
  /** Merged into properties key by key; a null value removes its key. */
  mergeProperties?: Record<string, unknown> | null;
}

/** The agent family's extras: comments, archive state, the produced file and who may see it. */
export interface AgentJobExtras {
  addComment(jobId: string, content: string, viewer: Viewer): Promise<CommentRecord>;
  setArchiveStatus(jobId: string, status: ArchiveStatus, reason: string | null, viewer: Viewer): Promise<JobRecord>;
  updateFile(jobId: string, update: FileUpdate, viewer: Viewer): Promise<JobRecord>;
  createAccess(
    jobId: string,
    subject: { subjectId?: string | null; email?: string | null },
    relation: AccessRelation,
    viewer: Viewer,
  ): Promise<AccessGrantRecord>;
  updateAccess(jobId: string, subjectId: string, relation: AccessRelation, viewer: Viewer): Promise<AccessGrantRecord>;
  removeAccess(jobId: string, subjectId: string, viewer: Viewer): Promise<boolean>;
  /** Reassigns a waiting job to another agent or pool (both null: any agent of its queue). */
  assignAgent?(
    jobId: string,
    target: { agentId: string | null; agentPoolId: string | null },
    viewer: Viewer,
  ): Promise<JobRecord>;
}

/** An upstream's GraphQL answer to a forwarded operation, as it came (errors included). */
export interface ForwardedAnswer {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly {
    message: string;
    path?: readonly (string | number)[];
    extensions?: Record<string, unknown>;
  }[];
  /**
   * The answer's bytes when they are `{"data": {…}}` alone (a success), to be passed on as they
   * are; `data` is then read from them only when asked for.
   */
  readonly bytes?: Buffer;
}

export interface JobGateway {
  readonly name: string;
  /** local: this server's database; remote: an upstream jobs service. */
  readonly kind: "local" | "remote";
  readonly reasonerTypes: readonly ReasonerType[];
  /**
   * Whether the viewer's jobs of these families live here. A remote gateway relays one tenant of
   * this server: to any other tenant's users its families hold no jobs, and they cannot create any.
   */
  serves(viewer: Viewer): boolean;
  readonly capabilities: { cancelRunning: boolean; rerun: boolean; cancelAllUsers: boolean };
  /**
   * Creates the job, or returns the one this caller first created with the same idempotency key.
   * `request` is the client's mutation as `{ [field]: input }` (what a remote gateway forwards).
   */
  create(job: NewJob, viewer: Viewer, request?: unknown): Promise<JobRecord>;
  /**
   * Creates many jobs at once (few statements, one transaction; remote: one upstream createJobs):
   * one answer per job, in order, each its job or its error. `requests` are the client's createJobs
   * inputs for these jobs, in the same order (what a remote gateway forwards). Absent: the service
   * creates them one by one.
   */
  createMany?(
    jobs: readonly NewJob[],
    viewer: Viewer,
    requests: readonly CreateJobRequest[],
  ): Promise<(JobRecord | GraphQLError)[]>;
  /**
   * createJob's checks of the job past reading it (the agent or pool it names; a remote gateway asks
   * its upstream, as the viewer), creating nothing: resolves when create would take it, else throws
   * create's refusal. An idempotency key is not looked up (the job it names is not a refusal).
   */
  validate(job: NewJob, viewer: Viewer, request: CreateJobRequest): Promise<void>;
  /** createJobs' checks, as validate: one answer per job, in order, null where createJobs would create it. */
  validateMany(
    jobs: readonly NewJob[],
    viewer: Viewer,
    requests: readonly CreateJobRequest[],
  ): Promise<(GraphQLError | null)[]>;
  /** Jobs the viewer may see, in key order; null for missing or invisible ones. */
  load(keys: readonly JobKey[], viewer: Viewer): Promise<(JobRecord | null)[]>;
  /**
   * One job with the expansions its caller selected, in one read (remote gateways: one upstream
   * request); absent where the loaders batch cheaply anyway (the local gateway).
   */
  loadWith?(
    key: JobKey,
    viewer: Viewer,
    prefetch: ListPrefetch,
  ): Promise<{ job: JobRecord; prefetched: Prefetched } | null>;
  /**
   * The client's own operation, sent to the upstream as the viewer, and the upstream's answer as it
   * came (src/schema/pass-through.ts decides when that is the answer); absent for the local gateway.
   */
  forward?(query: string, variables: Record<string, unknown>, viewer: Viewer): Promise<ForwardedAnswer>;
  /**
   * In the order (newest first by default: createdOn, then id, descending), after the cursor, which
   * must be of a page in the same order (BAD_USER_INPUT otherwise).
   */
  list(
    filter: JobFilter,
    first: number,
    after: GatewayCursor | null,
    viewer: Viewer,
    options?: { prefetch?: ListPrefetch; order?: JobOrder },
  ): Promise<GatewayPage>;
  /** Exact up to a bound the gateway chooses, an estimate (flagged) past it: never a scan of every job. */
  count(filter: JobFilter, viewer: Viewer): Promise<JobCount>;
  cursorOf(job: JobRecord): GatewayCursor;
  cancel(key: JobKey, options: CancelOptions, viewer: Viewer): Promise<JobRecord>;
  readonly expansions: JobExpansions;
  /**
   * A request's own expansions, when the gateway reads them as the caller (remote gateways);
   * `typeOf` tells the family of each job id the request's loaders hold.
   */
  expansionsFor?(viewer: Viewer, typeOf: (jobId: string) => ReasonerType | undefined): JobExpansions;
  /** Waits for the job to be terminal where it lives (remote gateways); else the front's change feed is used. */
  wait?(key: JobKey, timeoutS: number, viewer: Viewer): Promise<JobRecord>;
  /**
   * Live updates where the jobs live (remote gateways relay the upstream's subscriptions); without
   * them the process's own change feed serves the subscription.
   */
  watchJob?(key: JobKey, viewer: Viewer): AsyncIterableIterator<JobRecord>;
  watchJobs?(filter: JobFilter, viewer: Viewer): AsyncIterableIterator<JobRecord>;
  watchEvents?(key: JobKey, stream: string, afterSeq: number, viewer: Viewer): AsyncIterableIterator<JobEventRecord>;
  watchLogs?(
    key: JobKey,
    sinceMs: number | null,
    afterSeq: number,
    viewer: Viewer,
  ): AsyncIterableIterator<LogLineRecord>;
  close?(): Promise<void>;
  /** An artifact or file download served where the job lives (remote gateways stream it through). */
  download?(
    path: string,
    viewer: Viewer,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<Response | null>;
  /**
   * An upload stored where the job lives (remote gateways stream it on): a dataset (`uploads?...`,
   * where generation jobs run) or a worker's artifact under a relayed lease (`artifacts?...`).
   */
  upload?(
    path: string,
    viewer: Viewer,
    headers: Record<string, string>,
    body: ReadableStream<Uint8Array>,
    signal: AbortSignal,
  ): Promise<StoredArtifact>;
  /** Where it is and whether it answers (the `gateways` query). */
  readonly url?: string;
  readonly health?: { healthy: boolean; lastError: string | null };
  readonly agent?: AgentJobExtras;
  /** The generation family's price list and evidence checks, where the jobs run (remote gateways ask upstream). */
  readonly generation?: {
    estimateCredits(kind: GenerationKind, rows: number, viewer: Viewer): Promise<CreditEstimate>;
    /** Recomputes a job's evidence where its bytes are. */
    verifyEvidence(jobId: string, viewer: Viewer): Promise<boolean>;
  };
}

export interface CreditEstimate {
  estimatedCredits: number;
  trainingTier: string | null;
}
