// The seam between the API and wherever jobs live. Today one local gateway (our database) serves
// every family; a remote gateway (an upstream jobs service) would implement the same interface.
import type { GraphQLError } from "graphql";
import type { AccessRelation, ArchiveStatus, JobFilter, JobKey, JobRecord, ReasonerType, Viewer } from "./model.ts";
import type { NewJob } from "./new-job.ts";

/** How many jobs match: exact, or (past the gateway's bound) an estimate that says it is one. */
export interface JobCount {
  value: number;
  estimated: boolean;
}

export interface GatewayPage {
  items: JobRecord[];
  /** Whether more items follow the last one returned. */
  hasMore: boolean;
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
  /** First and last log timestamps, for execTimeMs. */
  logSpans(jobIds: readonly string[]): Promise<({ firstMs: number; lastMs: number } | null)[]>;
  artifacts(jobIds: readonly string[]): Promise<ArtifactRecord[][]>;
  problems(jobIds: readonly string[]): Promise<ProblemRecord[][]>;
  comments(jobIds: readonly string[]): Promise<CommentRecord[][]>;
  archiveHistory(jobIds: readonly string[]): Promise<ArchiveChangeRecord[][]>;
  access(jobIds: readonly string[]): Promise<AccessGrantRecord[][]>;
  files(jobIds: readonly string[]): Promise<(FileRecord | null)[]>;
  steps(jobIds: readonly string[]): Promise<BatchStepRecord[][]>;
  seals(jobIds: readonly string[]): Promise<(SealRecord | null)[]>;
  artifactsById(ids: readonly string[]): Promise<(ArtifactRecord | null)[]>;
}

export interface CancelOptions {
  allUsers: boolean;
}

export interface FileUpdate {
  description?: string | null;
  displayName?: string | null;
  externalIdentifier?: string | null;
  versionName?: string | null;
  properties?: unknown;
}

/** The agent family's extras: comments, archive state, the produced file and who may see it. */
export interface AgentJobExtras {
  addComment(jobId: string, content: string, viewer: Viewer): Promise<CommentRecord>;
  setArchiveStatus(jobId: string, status: ArchiveStatus, reason: string | null, viewer: Viewer): Promise<JobRecord>;
  updateFile(jobId: string, update: FileUpdate, viewer: Viewer): Promise<JobRecord>;
  createAccess(jobId: string, subject: { subjectId?: string | null; email?: string | null }, relation: AccessRelation, viewer: Viewer): Promise<AccessGrantRecord>;
  updateAccess(jobId: string, subjectId: string, relation: AccessRelation, viewer: Viewer): Promise<AccessGrantRecord>;
  removeAccess(jobId: string, subjectId: string, viewer: Viewer): Promise<boolean>;
}

export interface JobGateway {
  readonly name: string;
  readonly reasonerTypes: readonly ReasonerType[];
  readonly capabilities: { cancelRunning: boolean; rerun: boolean; cancelAllUsers: boolean };
  /** Creates the job, or returns the one this caller first created with the same idempotency key. */
  create(job: NewJob, viewer: Viewer): Promise<JobRecord>;
  /**
   * Creates many jobs at once (few statements, one transaction): one answer per job, in order, each
   * its job or its error. Absent: the service creates them one by one.
   */
  createMany?(jobs: readonly NewJob[], viewer: Viewer): Promise<(JobRecord | GraphQLError)[]>;
  /** Jobs the viewer may see, in key order; null for missing or invisible ones. */
  load(keys: readonly JobKey[], viewer: Viewer): Promise<(JobRecord | null)[]>;
  /** Newest first (createdOn, then id, descending), after the cursor. */
  list(filter: JobFilter, first: number, after: GatewayCursor | null, viewer: Viewer): Promise<GatewayPage>;
  /** Exact up to a bound the gateway chooses, an estimate (flagged) past it: never a scan of every job. */
  count(filter: JobFilter, viewer: Viewer): Promise<JobCount>;
  cursorOf(job: JobRecord): GatewayCursor;
  cancel(key: JobKey, options: CancelOptions, viewer: Viewer): Promise<JobRecord>;
  readonly expansions: JobExpansions;
  readonly agent?: AgentJobExtras;
}
