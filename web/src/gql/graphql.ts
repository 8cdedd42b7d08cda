/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type AccessRelation =
  | 'EDITOR'
  | 'OWNER'
  | 'VIEWER';

export type AddAgentJobInput = {
  assignedAgentId?: string | number | null | undefined;
  assignedAgentPoolId?: string | number | null | undefined;
  description?: string | null | undefined;
  displayName?: string | null | undefined;
  externalIdentifier?: string | null | undefined;
  functionName: string;
  functionVersion?: string | null | undefined;
  idempotencyKey?: string | null | undefined;
  modelId?: string | number | null | undefined;
  operatingSystem?: string | null | undefined;
  parameters?: unknown;
  timeoutMins?: number | null | undefined;
  toolName?: string | null | undefined;
  toolVersion?: string | null | undefined;
  versionName?: string | null | undefined;
};

export type ArchiveStatus =
  | 'ACTIVE'
  | 'ARCHIVED';

export type BatchStepInput = {
  ignoreChunkError?: boolean | null | undefined;
  metadata?: unknown;
  name: string;
  /** What the step runs, as its worker understands it. */
  run: unknown;
};

export type CreateGenerationJobInput = {
  description?: string | null | undefined;
  idempotencyKey?: string | null | undefined;
  /** Absent: chosen from the input (a description alone makes MOCK, spec.model SYNTHESIZE, spec.input alone ANALYZE); the job's kind and payload.kindChosen say which. */
  kind?: GenerationKind | null | undefined;
  name?: string | null | undefined;
  planTier?: PlanTier | null | undefined;
  rows?: number | null | undefined;
  seed?: number | null | undefined;
  /** Column definitions, datasets or other kind-specific input. */
  spec?: unknown;
  timeoutMins?: number | null | undefined;
};

export type CreateJobInput = {
  /** The same key from the same caller returns the job it first created. */
  idempotencyKey?: string | null | undefined;
  name?: string | null | undefined;
  payload: unknown;
  /** Which reasoner, worker pool or queue it runs on. Omitted: `agents` for AGENT jobs (an agent pool named in the payload wins), else `default`. */
  reasonerName?: string | null | undefined;
  reasonerType: ReasonerType;
  timeoutMins?: number | null | undefined;
};

export type GenerationKind =
  | 'ANALYZE'
  | 'FABRICATE'
  | 'FIT'
  | 'LIFT'
  | 'MOCK'
  | 'SCENARIO_FABRICATE'
  | 'SIMULATE'
  | 'SYNTHESIZE'
  | 'TRAIN'
  | 'VERIFY';

export type JobFilter = {
  allUsers?: boolean | null | undefined;
  archiveStatus?: ArchiveStatus | null | undefined;
  assignedAgentId?: string | number | null | undefined;
  /** Jobs created at or after this time (inclusive). With createdBefore a half-open window [createdAfter, createdBefore): consecutive windows neither overlap nor skip a job. */
  createdAfter?: string | null | undefined;
  /** Jobs created before this time (exclusive). Not after or equal to createdAfter: BAD_USER_INPUT (field filter.createdBefore). */
  createdBefore?: string | null | undefined;
  createdBy?: string | null | undefined;
  jobId?: string | number | null | undefined;
  /** Jobs of exactly this name. */
  name?: string | null | undefined;
  /** Jobs whose name holds this text, in any case (a search box's filter). */
  nameContains?: string | null | undefined;
  onlyActive?: boolean | null | undefined;
  reasonerType?: ReasonerType | null | undefined;
  state?: JobState | null | undefined;
};

/** The order of a jobs page. A cursor belongs to its order: `after` from a page in another order is BAD_USER_INPUT. */
export type JobOrder = {
  direction: OrderDirection;
  field: JobOrderField;
};

/** What jobs(orderBy:) sorts by; ties (and every job of one key) in id order, the same direction. */
export type JobOrderField =
  /** When the job was created (the default, newest first). */
  | 'CREATED_ON'
  /** When the job finished; one not finished yet counts as later than every finished one. */
  | 'FINISHED_ON'
  /** The job's name, by its UTF-8 bytes (uppercase before lowercase); jobs without one as the empty name. */
  | 'NAME'
  /** The job's state, in JobState's order (CREATED first, UNKNOWN last). */
  | 'STATE';

/** One state vocabulary for every family; `nativeState` keeps the family's own word. */
export type JobState =
  | 'CANCELED'
  | 'CANCELING'
  | 'CLAIMED'
  | 'CREATED'
  | 'FAILED'
  | 'PENDING'
  | 'QUEUED'
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'UNKNOWN'
  | 'UPLOADING'
  | 'VALIDATING';

export type OrderDirection =
  /** Smallest (earliest) first. */
  | 'ASC'
  /** Largest (latest) first. */
  | 'DESC';

export type PlanTier =
  | 'ENTERPRISE'
  | 'FREE'
  | 'STANDARD';

/** Which family a job belongs to; the resolvers dispatch on it to that family's gateway. */
export type ReasonerType =
  /** Jobs that run a function on a model on an agent and produce a file. */
  | 'AGENT'
  /** Batch jobs: a sequence of steps with logs. */
  | 'BATCH'
  /** Synthetic data generation jobs. */
  | 'GENERATION'
  /** Logic transactions. */
  | 'LOGIC'
  /** Predictive reasoner jobs. */
  | 'PREDICTIVE'
  /** Prescriptive reasoner jobs. */
  | 'PRESCRIPTIVE';

export type Role =
  /** Everything in the tenant; admins of the first tenant also manage tenants. */
  | 'ADMIN'
  /** A front server's key: acts as the user named by the jobs-act-as header. */
  | 'GATEWAY'
  /** Creates jobs and sees their own (and those shared with them). */
  | 'MEMBER'
  /** Runs the worker protocol only. */
  | 'WORKER';

export type RunBatchJobInput = {
  idempotencyKey?: string | null | undefined;
  instanceType?: string | null | undefined;
  metadata?: unknown;
  name: string;
  region?: string | null | undefined;
  steps: Array<BatchStepInput>;
  timeoutMins?: number | null | undefined;
};

type JobRow_AgentJob_Fragment = { id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null };

type JobRow_BatchJob_Fragment = { id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null };

type JobRow_GenerationJob_Fragment = { id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null };

type JobRow_ReasonerJob_Fragment = { id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null };

type JobRow_Transaction_Fragment = { id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null };

export type JobRowFragment =
  | JobRow_AgentJob_Fragment
  | JobRow_BatchJob_Fragment
  | JobRow_GenerationJob_Fragment
  | JobRow_ReasonerJob_Fragment
  | JobRow_Transaction_Fragment
;

export type ArtifactFieldsFragment = { id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string };

type JobPage_AgentJob_Fragment = { __typename: 'AgentJob', assignedAgentId: string | null, assignedAgentPoolId: string | null, agentId: string | null, archiveStatus: ArchiveStatus, nativeState: string, reasonerName: string, timeoutMins: number | null, payload: unknown, id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, function: { name: string, version: string | null, toolName: string | null, toolVersion: string | null, operatingSystem: string | null }, archiveStatusHistory: Array<{ status: ArchiveStatus, reason: string | null, createdById: string, createdOn: string }>, comments: Array<{ id: string, content: string, createdById: string, createdOn: string }>, access: Array<{ subjectId: string, email: string | null, relation: AccessRelation }>, file: { id: string, description: string | null, displayName: string | null, externalIdentifier: string | null, versionName: string | null, properties: unknown, revisions: Array<{ id: string, name: string, mimeType: string | null, sizeBytes: number, downloadUrl: string, createdOn: string }> } | null, error: { code: string, message: string } | null, statusHistory: Array<{ id: string, state: JobState, nativeState: string, message: string | null, createdById: string | null, createdOn: string }>, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string, batch: { name: string | null } | null } | null };

type JobPage_BatchJob_Fragment = { __typename: 'BatchJob', nativeState: string, reasonerName: string, timeoutMins: number | null, payload: unknown, id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, steps: Array<{ name: string, state: JobState, startedOn: string | null, finishedOn: string | null, ignoreChunkError: boolean, childJobId: string | null }>, error: { code: string, message: string } | null, statusHistory: Array<{ id: string, state: JobState, nativeState: string, message: string | null, createdById: string | null, createdOn: string }>, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string, batch: { name: string | null } | null } | null };

type JobPage_GenerationJob_Fragment = { __typename: 'GenerationJob', kind: GenerationKind, rows: number | null, description: string | null, seed: number, queue: string, planTier: PlanTier, estimatedCredits: number, chargedCredits: number, nativeState: string, reasonerName: string, timeoutMins: number | null, payload: unknown, id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, rerunOf: { jobId: string } | null, evidence: { rootHash: string, signature: string, publicKey: string, verified: boolean, files: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }> } | null, seal: { id: string, sealHash: string, previousSealHash: string | null, createdOn: string } | null, error: { code: string, message: string } | null, statusHistory: Array<{ id: string, state: JobState, nativeState: string, message: string | null, createdById: string | null, createdOn: string }>, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string, batch: { name: string | null } | null } | null };

type JobPage_ReasonerJob_Fragment = { __typename: 'ReasonerJob', result: unknown, nativeState: string, reasonerName: string, timeoutMins: number | null, payload: unknown, id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, statusHistory: Array<{ id: string, state: JobState, nativeState: string, message: string | null, createdById: string | null, createdOn: string }>, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string, batch: { name: string | null } | null } | null };

type JobPage_Transaction_Fragment = { __typename: 'Transaction', nativeState: string, reasonerName: string, timeoutMins: number | null, payload: unknown, id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, statusHistory: Array<{ id: string, state: JobState, nativeState: string, message: string | null, createdById: string | null, createdOn: string }>, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string, batch: { name: string | null } | null } | null };

export type JobPageFragment =
  | JobPage_AgentJob_Fragment
  | JobPage_BatchJob_Fragment
  | JobPage_GenerationJob_Fragment
  | JobPage_ReasonerJob_Fragment
  | JobPage_Transaction_Fragment
;

export type DashboardViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardViewerQuery = { viewer: { userId: string, email: string | null, tenantId: string, role: Role } };

export type DashboardJobsQueryVariables = Exact<{
  filter?: JobFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  orderBy?: JobOrder | null | undefined;
}>;


export type DashboardJobsQuery = { jobs: { totalCount: number, totalCountIsEstimate: boolean, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node:
        | { id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null }
        | { id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null }
        | { id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null }
        | { id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null }
        | { id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null }
       }> } };

export type DashboardJobsChangedSubscriptionVariables = Exact<{
  filter?: JobFilter | null | undefined;
}>;


export type DashboardJobsChangedSubscription = { jobsChanged:
    | { id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null }
    | { id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null }
    | { id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null }
    | { id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null }
    | { id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null }
   };

export type DashboardJobLookupQueryVariables = Exact<{
  jobId: string | number;
  allUsers?: boolean | null | undefined;
}>;


export type DashboardJobLookupQuery = { jobs: { edges: Array<{ node:
        | { jobId: string, reasonerType: ReasonerType }
        | { jobId: string, reasonerType: ReasonerType }
        | { jobId: string, reasonerType: ReasonerType }
        | { jobId: string, reasonerType: ReasonerType }
        | { jobId: string, reasonerType: ReasonerType }
       }> } };

export type DashboardJobQueryVariables = Exact<{
  reasonerType: ReasonerType;
  jobId: string | number;
}>;


export type DashboardJobQuery = { job:
    | { __typename: 'AgentJob', assignedAgentId: string | null, assignedAgentPoolId: string | null, agentId: string | null, archiveStatus: ArchiveStatus, nativeState: string, reasonerName: string, timeoutMins: number | null, payload: unknown, id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, function: { name: string, version: string | null, toolName: string | null, toolVersion: string | null, operatingSystem: string | null }, archiveStatusHistory: Array<{ status: ArchiveStatus, reason: string | null, createdById: string, createdOn: string }>, comments: Array<{ id: string, content: string, createdById: string, createdOn: string }>, access: Array<{ subjectId: string, email: string | null, relation: AccessRelation }>, file: { id: string, description: string | null, displayName: string | null, externalIdentifier: string | null, versionName: string | null, properties: unknown, revisions: Array<{ id: string, name: string, mimeType: string | null, sizeBytes: number, downloadUrl: string, createdOn: string }> } | null, error: { code: string, message: string } | null, statusHistory: Array<{ id: string, state: JobState, nativeState: string, message: string | null, createdById: string | null, createdOn: string }>, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string, batch: { name: string | null } | null } | null }
    | { __typename: 'BatchJob', nativeState: string, reasonerName: string, timeoutMins: number | null, payload: unknown, id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, steps: Array<{ name: string, state: JobState, startedOn: string | null, finishedOn: string | null, ignoreChunkError: boolean, childJobId: string | null }>, error: { code: string, message: string } | null, statusHistory: Array<{ id: string, state: JobState, nativeState: string, message: string | null, createdById: string | null, createdOn: string }>, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string, batch: { name: string | null } | null } | null }
    | { __typename: 'GenerationJob', kind: GenerationKind, rows: number | null, description: string | null, seed: number, queue: string, planTier: PlanTier, estimatedCredits: number, chargedCredits: number, nativeState: string, reasonerName: string, timeoutMins: number | null, payload: unknown, id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, rerunOf: { jobId: string } | null, evidence: { rootHash: string, signature: string, publicKey: string, verified: boolean, files: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }> } | null, seal: { id: string, sealHash: string, previousSealHash: string | null, createdOn: string } | null, error: { code: string, message: string } | null, statusHistory: Array<{ id: string, state: JobState, nativeState: string, message: string | null, createdById: string | null, createdOn: string }>, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string, batch: { name: string | null } | null } | null }
    | { __typename: 'ReasonerJob', result: unknown, nativeState: string, reasonerName: string, timeoutMins: number | null, payload: unknown, id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, statusHistory: Array<{ id: string, state: JobState, nativeState: string, message: string | null, createdById: string | null, createdOn: string }>, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string, batch: { name: string | null } | null } | null }
    | { __typename: 'Transaction', nativeState: string, reasonerName: string, timeoutMins: number | null, payload: unknown, id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, statusHistory: Array<{ id: string, state: JobState, nativeState: string, message: string | null, createdById: string | null, createdOn: string }>, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string, batch: { name: string | null } | null } | null }
   | null };

export type DashboardJobUpdatedSubscriptionVariables = Exact<{
  reasonerType: ReasonerType;
  jobId: string | number;
}>;


export type DashboardJobUpdatedSubscription = { jobUpdated:
    | { __typename: 'AgentJob', assignedAgentId: string | null, assignedAgentPoolId: string | null, agentId: string | null, archiveStatus: ArchiveStatus, nativeState: string, reasonerName: string, timeoutMins: number | null, payload: unknown, id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, function: { name: string, version: string | null, toolName: string | null, toolVersion: string | null, operatingSystem: string | null }, archiveStatusHistory: Array<{ status: ArchiveStatus, reason: string | null, createdById: string, createdOn: string }>, comments: Array<{ id: string, content: string, createdById: string, createdOn: string }>, access: Array<{ subjectId: string, email: string | null, relation: AccessRelation }>, file: { id: string, description: string | null, displayName: string | null, externalIdentifier: string | null, versionName: string | null, properties: unknown, revisions: Array<{ id: string, name: string, mimeType: string | null, sizeBytes: number, downloadUrl: string, createdOn: string }> } | null, error: { code: string, message: string } | null, statusHistory: Array<{ id: string, state: JobState, nativeState: string, message: string | null, createdById: string | null, createdOn: string }>, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string, batch: { name: string | null } | null } | null }
    | { __typename: 'BatchJob', nativeState: string, reasonerName: string, timeoutMins: number | null, payload: unknown, id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, steps: Array<{ name: string, state: JobState, startedOn: string | null, finishedOn: string | null, ignoreChunkError: boolean, childJobId: string | null }>, error: { code: string, message: string } | null, statusHistory: Array<{ id: string, state: JobState, nativeState: string, message: string | null, createdById: string | null, createdOn: string }>, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string, batch: { name: string | null } | null } | null }
    | { __typename: 'GenerationJob', kind: GenerationKind, rows: number | null, description: string | null, seed: number, queue: string, planTier: PlanTier, estimatedCredits: number, chargedCredits: number, nativeState: string, reasonerName: string, timeoutMins: number | null, payload: unknown, id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, rerunOf: { jobId: string } | null, evidence: { rootHash: string, signature: string, publicKey: string, verified: boolean, files: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }> } | null, seal: { id: string, sealHash: string, previousSealHash: string | null, createdOn: string } | null, error: { code: string, message: string } | null, statusHistory: Array<{ id: string, state: JobState, nativeState: string, message: string | null, createdById: string | null, createdOn: string }>, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string, batch: { name: string | null } | null } | null }
    | { __typename: 'ReasonerJob', result: unknown, nativeState: string, reasonerName: string, timeoutMins: number | null, payload: unknown, id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, statusHistory: Array<{ id: string, state: JobState, nativeState: string, message: string | null, createdById: string | null, createdOn: string }>, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string, batch: { name: string | null } | null } | null }
    | { __typename: 'Transaction', nativeState: string, reasonerName: string, timeoutMins: number | null, payload: unknown, id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, statusHistory: Array<{ id: string, state: JobState, nativeState: string, message: string | null, createdById: string | null, createdOn: string }>, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string, batch: { name: string | null } | null } | null }
   };

export type DashboardJobLogsSubscriptionVariables = Exact<{
  reasonerType: ReasonerType;
  jobId: string | number;
}>;


export type DashboardJobLogsSubscription = { jobLogs: { cursor: string, timestampMs: number, level: string, message: string, step: string | null } };

export type DashboardJobEventsSubscriptionVariables = Exact<{
  reasonerType: ReasonerType;
  jobId: string | number;
  stream?: string | null | undefined;
}>;


export type DashboardJobEventsSubscription = { jobEvents: { cursor: string, stream: string, createdOn: string, data: unknown } };

export type DashboardCancelJobMutationVariables = Exact<{
  reasonerType: ReasonerType;
  jobId: string | number;
}>;


export type DashboardCancelJobMutation = { cancelJob:
    | { __typename: 'AgentJob', assignedAgentId: string | null, assignedAgentPoolId: string | null, agentId: string | null, archiveStatus: ArchiveStatus, nativeState: string, reasonerName: string, timeoutMins: number | null, payload: unknown, id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, function: { name: string, version: string | null, toolName: string | null, toolVersion: string | null, operatingSystem: string | null }, archiveStatusHistory: Array<{ status: ArchiveStatus, reason: string | null, createdById: string, createdOn: string }>, comments: Array<{ id: string, content: string, createdById: string, createdOn: string }>, access: Array<{ subjectId: string, email: string | null, relation: AccessRelation }>, file: { id: string, description: string | null, displayName: string | null, externalIdentifier: string | null, versionName: string | null, properties: unknown, revisions: Array<{ id: string, name: string, mimeType: string | null, sizeBytes: number, downloadUrl: string, createdOn: string }> } | null, error: { code: string, message: string } | null, statusHistory: Array<{ id: string, state: JobState, nativeState: string, message: string | null, createdById: string | null, createdOn: string }>, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string, batch: { name: string | null } | null } | null }
    | { __typename: 'BatchJob', nativeState: string, reasonerName: string, timeoutMins: number | null, payload: unknown, id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, steps: Array<{ name: string, state: JobState, startedOn: string | null, finishedOn: string | null, ignoreChunkError: boolean, childJobId: string | null }>, error: { code: string, message: string } | null, statusHistory: Array<{ id: string, state: JobState, nativeState: string, message: string | null, createdById: string | null, createdOn: string }>, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string, batch: { name: string | null } | null } | null }
    | { __typename: 'GenerationJob', kind: GenerationKind, rows: number | null, description: string | null, seed: number, queue: string, planTier: PlanTier, estimatedCredits: number, chargedCredits: number, nativeState: string, reasonerName: string, timeoutMins: number | null, payload: unknown, id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, rerunOf: { jobId: string } | null, evidence: { rootHash: string, signature: string, publicKey: string, verified: boolean, files: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }> } | null, seal: { id: string, sealHash: string, previousSealHash: string | null, createdOn: string } | null, error: { code: string, message: string } | null, statusHistory: Array<{ id: string, state: JobState, nativeState: string, message: string | null, createdById: string | null, createdOn: string }>, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string, batch: { name: string | null } | null } | null }
    | { __typename: 'ReasonerJob', result: unknown, nativeState: string, reasonerName: string, timeoutMins: number | null, payload: unknown, id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, statusHistory: Array<{ id: string, state: JobState, nativeState: string, message: string | null, createdById: string | null, createdOn: string }>, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string, batch: { name: string | null } | null } | null }
    | { __typename: 'Transaction', nativeState: string, reasonerName: string, timeoutMins: number | null, payload: unknown, id: string, jobId: string, reasonerType: ReasonerType, name: string | null, state: JobState, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, statusHistory: Array<{ id: string, state: JobState, nativeState: string, message: string | null, createdById: string | null, createdOn: string }>, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string, batch: { name: string | null } | null } | null }
   };

export type DashboardRerunJobMutationVariables = Exact<{
  jobId: string | number;
}>;


export type DashboardRerunJobMutation = { rerunJob: { job:
      | { jobId: string, reasonerType: ReasonerType }
      | { jobId: string, reasonerType: ReasonerType }
      | { jobId: string, reasonerType: ReasonerType }
      | { jobId: string, reasonerType: ReasonerType }
      | { jobId: string, reasonerType: ReasonerType }
     } };

export type DashboardAddCommentMutationVariables = Exact<{
  jobId: string | number;
  content: string;
}>;


export type DashboardAddCommentMutation = { addJobComment: { id: string } };

export type DashboardArchiveJobMutationVariables = Exact<{
  jobId: string | number;
  reason?: string | null | undefined;
}>;


export type DashboardArchiveJobMutation = { archiveJob: { jobId: string } };

export type DashboardRestoreJobMutationVariables = Exact<{
  jobId: string | number;
  reason?: string | null | undefined;
}>;


export type DashboardRestoreJobMutation = { restoreJob: { jobId: string } };

export type DashboardCreateJobAccessMutationVariables = Exact<{
  jobId: string | number;
  subjectId?: string | null | undefined;
  email?: string | null | undefined;
  relation: AccessRelation;
}>;


export type DashboardCreateJobAccessMutation = { createJobAccess: { subjectId: string } };

export type DashboardEstimateCreditsQueryVariables = Exact<{
  kind: GenerationKind;
  rows: number;
}>;


export type DashboardEstimateCreditsQuery = { estimateCredits: { estimatedCredits: number, trainingTier: string | null } };

export type DashboardCreateGenerationJobMutationVariables = Exact<{
  input: CreateGenerationJobInput;
}>;


export type DashboardCreateGenerationJobMutation = { createGenerationJob: { job:
      | { jobId: string, reasonerType: ReasonerType }
      | { jobId: string, reasonerType: ReasonerType }
      | { jobId: string, reasonerType: ReasonerType }
      | { jobId: string, reasonerType: ReasonerType }
      | { jobId: string, reasonerType: ReasonerType }
     } };

export type DashboardAddAgentJobMutationVariables = Exact<{
  input: AddAgentJobInput;
}>;


export type DashboardAddAgentJobMutation = { addAgentJob: { job:
      | { jobId: string, reasonerType: ReasonerType }
      | { jobId: string, reasonerType: ReasonerType }
      | { jobId: string, reasonerType: ReasonerType }
      | { jobId: string, reasonerType: ReasonerType }
      | { jobId: string, reasonerType: ReasonerType }
     } };

export type DashboardRunBatchJobMutationVariables = Exact<{
  input: RunBatchJobInput;
}>;


export type DashboardRunBatchJobMutation = { runBatchJob: { job:
      | { jobId: string, reasonerType: ReasonerType }
      | { jobId: string, reasonerType: ReasonerType }
      | { jobId: string, reasonerType: ReasonerType }
      | { jobId: string, reasonerType: ReasonerType }
      | { jobId: string, reasonerType: ReasonerType }
     } };

export type DashboardCreateJobMutationVariables = Exact<{
  input: CreateJobInput;
}>;


export type DashboardCreateJobMutation = { createJob: { job:
      | { jobId: string, reasonerType: ReasonerType }
      | { jobId: string, reasonerType: ReasonerType }
      | { jobId: string, reasonerType: ReasonerType }
      | { jobId: string, reasonerType: ReasonerType }
      | { jobId: string, reasonerType: ReasonerType }
     } };

export type DashboardPlotJobsQueryVariables = Exact<{
  filter?: JobFilter | null | undefined;
}>;


export type DashboardPlotJobsQuery = { jobs: { totalCount: number, totalCountIsEstimate: boolean, edges: Array<{ node:
        | { jobId: string, state: JobState, createdOn: string, startedOn: string | null, finishedOn: string | null }
        | { jobId: string, state: JobState, createdOn: string, startedOn: string | null, finishedOn: string | null }
        | { jobId: string, state: JobState, createdOn: string, startedOn: string | null, finishedOn: string | null }
        | { jobId: string, state: JobState, createdOn: string, startedOn: string | null, finishedOn: string | null }
        | { jobId: string, state: JobState, createdOn: string, startedOn: string | null, finishedOn: string | null }
       }> } };

export type DashboardApiKeysQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardApiKeysQuery = { apiKeys: Array<{ id: string, prefix: string, userId: string, role: Role, createdOn: string, revokedOn: string | null, lastUsedOn: string | null }> };

export type DashboardCreateApiKeyMutationVariables = Exact<{
  userId: string;
  email?: string | null | undefined;
  role?: Role | null | undefined;
}>;


export type DashboardCreateApiKeyMutation = { createApiKey: { secret: string, apiKey: { id: string, prefix: string } } };

export type DashboardRevokeApiKeyMutationVariables = Exact<{
  id: string | number;
}>;


export type DashboardRevokeApiKeyMutation = { revokeApiKey: { id: string, revokedOn: string | null } };

export type DashboardWorkersQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardWorkersQuery = { workers: Array<{ id: string, name: string, reasonerTypes: Array<ReasonerType>, reasonerNames: Array<string>, poolId: string | null, lastSeenOn: string }> };

export type DashboardQueryFieldsQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardQueryFieldsQuery = { __type: { fields: Array<{ name: string }> | null } | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const JobRowFragmentDoc = new TypedDocumentString(`
    fragment JobRow on Job {
  id
  jobId
  reasonerType
  name
  state
  createdBy
  createdOn
  startedOn
  finishedOn
  durationMs
}
    `, {"fragmentName":"JobRow"}) as unknown as TypedDocumentString<JobRowFragment, unknown>;
export const ArtifactFieldsFragmentDoc = new TypedDocumentString(`
    fragment ArtifactFields on Artifact {
  id
  name
  artifactType
  mimeType
  sizeBytes
  contentHash
  downloadUrl
  createdOn
}
    `, {"fragmentName":"ArtifactFields"}) as unknown as TypedDocumentString<ArtifactFieldsFragment, unknown>;
export const JobPageFragmentDoc = new TypedDocumentString(`
    fragment JobPage on Job {
  __typename
  ...JobRow
  nativeState
  reasonerName
  timeoutMins
  payload
  error {
    code
    message
  }
  statusHistory {
    id
    state
    nativeState
    message
    createdById
    createdOn
  }
  artifacts {
    ...ArtifactFields
  }
  problems {
    severity
    code
    message
    details
  }
  batchStep {
    name
    position
    batchJobId
    batch {
      name
    }
  }
  ... on ReasonerJob {
    result
  }
  ... on GenerationJob {
    kind
    rows
    description
    seed
    queue
    planTier
    estimatedCredits
    chargedCredits
    rerunOf {
      jobId
    }
    evidence {
      rootHash
      signature
      publicKey
      verified
      files {
        ...ArtifactFields
      }
    }
    seal {
      id
      sealHash
      previousSealHash
      createdOn
    }
  }
  ... on BatchJob {
    steps {
      name
      state
      startedOn
      finishedOn
      ignoreChunkError
      childJobId
    }
  }
  ... on AgentJob {
    function {
      name
      version
      toolName
      toolVersion
      operatingSystem
    }
    assignedAgentId
    assignedAgentPoolId
    agentId
    archiveStatus
    archiveStatusHistory {
      status
      reason
      createdById
      createdOn
    }
    comments {
      id
      content
      createdById
      createdOn
    }
    access {
      subjectId
      email
      relation
    }
    file {
      id
      description
      displayName
      externalIdentifier
      versionName
      properties
      revisions {
        id
        name
        mimeType
        sizeBytes
        downloadUrl
        createdOn
      }
    }
  }
}
    fragment JobRow on Job {
  id
  jobId
  reasonerType
  name
  state
  createdBy
  createdOn
  startedOn
  finishedOn
  durationMs
}
fragment ArtifactFields on Artifact {
  id
  name
  artifactType
  mimeType
  sizeBytes
  contentHash
  downloadUrl
  createdOn
}`, {"fragmentName":"JobPage"}) as unknown as TypedDocumentString<JobPageFragment, unknown>;
export const DashboardViewerDocument = new TypedDocumentString(`
    query DashboardViewer {
  viewer {
    userId
    email
    tenantId
    role
  }
}
    `) as unknown as TypedDocumentString<DashboardViewerQuery, DashboardViewerQueryVariables>;
export const DashboardJobsDocument = new TypedDocumentString(`
    query DashboardJobs($filter: JobFilter, $first: Int, $after: String, $orderBy: JobOrder) {
  jobs(filter: $filter, first: $first, after: $after, orderBy: $orderBy) {
    totalCount
    totalCountIsEstimate
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...JobRow
      }
    }
  }
}
    fragment JobRow on Job {
  id
  jobId
  reasonerType
  name
  state
  createdBy
  createdOn
  startedOn
  finishedOn
  durationMs
}`) as unknown as TypedDocumentString<DashboardJobsQuery, DashboardJobsQueryVariables>;
export const DashboardJobsChangedDocument = new TypedDocumentString(`
    subscription DashboardJobsChanged($filter: JobFilter) {
  jobsChanged(filter: $filter) {
    ...JobRow
  }
}
    fragment JobRow on Job {
  id
  jobId
  reasonerType
  name
  state
  createdBy
  createdOn
  startedOn
  finishedOn
  durationMs
}`) as unknown as TypedDocumentString<DashboardJobsChangedSubscription, DashboardJobsChangedSubscriptionVariables>;
export const DashboardJobLookupDocument = new TypedDocumentString(`
    query DashboardJobLookup($jobId: ID!, $allUsers: Boolean) {
  jobs(filter: {jobId: $jobId, allUsers: $allUsers}, first: 1) {
    edges {
      node {
        jobId
        reasonerType
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardJobLookupQuery, DashboardJobLookupQueryVariables>;
export const DashboardJobDocument = new TypedDocumentString(`
    query DashboardJob($reasonerType: ReasonerType!, $jobId: ID!) {
  job(reasonerType: $reasonerType, jobId: $jobId) {
    ...JobPage
  }
}
    fragment JobRow on Job {
  id
  jobId
  reasonerType
  name
  state
  createdBy
  createdOn
  startedOn
  finishedOn
  durationMs
}
fragment ArtifactFields on Artifact {
  id
  name
  artifactType
  mimeType
  sizeBytes
  contentHash
  downloadUrl
  createdOn
}
fragment JobPage on Job {
  __typename
  ...JobRow
  nativeState
  reasonerName
  timeoutMins
  payload
  error {
    code
    message
  }
  statusHistory {
    id
    state
    nativeState
    message
    createdById
    createdOn
  }
  artifacts {
    ...ArtifactFields
  }
  problems {
    severity
    code
    message
    details
  }
  batchStep {
    name
    position
    batchJobId
    batch {
      name
    }
  }
  ... on ReasonerJob {
    result
  }
  ... on GenerationJob {
    kind
    rows
    description
    seed
    queue
    planTier
    estimatedCredits
    chargedCredits
    rerunOf {
      jobId
    }
    evidence {
      rootHash
      signature
      publicKey
      verified
      files {
        ...ArtifactFields
      }
    }
    seal {
      id
      sealHash
      previousSealHash
      createdOn
    }
  }
  ... on BatchJob {
    steps {
      name
      state
      startedOn
      finishedOn
      ignoreChunkError
      childJobId
    }
  }
  ... on AgentJob {
    function {
      name
      version
      toolName
      toolVersion
      operatingSystem
    }
    assignedAgentId
    assignedAgentPoolId
    agentId
    archiveStatus
    archiveStatusHistory {
      status
      reason
      createdById
      createdOn
    }
    comments {
      id
      content
      createdById
      createdOn
    }
    access {
      subjectId
      email
      relation
    }
    file {
      id
      description
      displayName
      externalIdentifier
      versionName
      properties
      revisions {
        id
        name
        mimeType
        sizeBytes
        downloadUrl
        createdOn
      }
    }
  }
}`) as unknown as TypedDocumentString<DashboardJobQuery, DashboardJobQueryVariables>;
export const DashboardJobUpdatedDocument = new TypedDocumentString(`
    subscription DashboardJobUpdated($reasonerType: ReasonerType!, $jobId: ID!) {
  jobUpdated(reasonerType: $reasonerType, jobId: $jobId) {
    ...JobPage
  }
}
    fragment JobRow on Job {
  id
  jobId
  reasonerType
  name
  state
  createdBy
  createdOn
  startedOn
  finishedOn
  durationMs
}
fragment ArtifactFields on Artifact {
  id
  name
  artifactType
  mimeType
  sizeBytes
  contentHash
  downloadUrl
  createdOn
}
fragment JobPage on Job {
  __typename
  ...JobRow
  nativeState
  reasonerName
  timeoutMins
  payload
  error {
    code
    message
  }
  statusHistory {
    id
    state
    nativeState
    message
    createdById
    createdOn
  }
  artifacts {
    ...ArtifactFields
  }
  problems {
    severity
    code
    message
    details
  }
  batchStep {
    name
    position
    batchJobId
    batch {
      name
    }
  }
  ... on ReasonerJob {
    result
  }
  ... on GenerationJob {
    kind
    rows
    description
    seed
    queue
    planTier
    estimatedCredits
    chargedCredits
    rerunOf {
      jobId
    }
    evidence {
      rootHash
      signature
      publicKey
      verified
      files {
        ...ArtifactFields
      }
    }
    seal {
      id
      sealHash
      previousSealHash
      createdOn
    }
  }
  ... on BatchJob {
    steps {
      name
      state
      startedOn
      finishedOn
      ignoreChunkError
      childJobId
    }
  }
  ... on AgentJob {
    function {
      name
      version
      toolName
      toolVersion
      operatingSystem
    }
    assignedAgentId
    assignedAgentPoolId
    agentId
    archiveStatus
    archiveStatusHistory {
      status
      reason
      createdById
      createdOn
    }
    comments {
      id
      content
      createdById
      createdOn
    }
    access {
      subjectId
      email
      relation
    }
    file {
      id
      description
      displayName
      externalIdentifier
      versionName
      properties
      revisions {
        id
        name
        mimeType
        sizeBytes
        downloadUrl
        createdOn
      }
    }
  }
}`) as unknown as TypedDocumentString<DashboardJobUpdatedSubscription, DashboardJobUpdatedSubscriptionVariables>;
export const DashboardJobLogsDocument = new TypedDocumentString(`
    subscription DashboardJobLogs($reasonerType: ReasonerType!, $jobId: ID!) {
  jobLogs(reasonerType: $reasonerType, jobId: $jobId) {
    cursor
    timestampMs
    level
    message
    step
  }
}
    `) as unknown as TypedDocumentString<DashboardJobLogsSubscription, DashboardJobLogsSubscriptionVariables>;
export const DashboardJobEventsDocument = new TypedDocumentString(`
    subscription DashboardJobEvents($reasonerType: ReasonerType!, $jobId: ID!, $stream: String) {
  jobEvents(reasonerType: $reasonerType, jobId: $jobId, stream: $stream) {
    cursor
    stream
    createdOn
    data
  }
}
    `) as unknown as TypedDocumentString<DashboardJobEventsSubscription, DashboardJobEventsSubscriptionVariables>;
export const DashboardCancelJobDocument = new TypedDocumentString(`
    mutation DashboardCancelJob($reasonerType: ReasonerType!, $jobId: ID!) {
  cancelJob(reasonerType: $reasonerType, jobId: $jobId) {
    ...JobPage
  }
}
    fragment JobRow on Job {
  id
  jobId
  reasonerType
  name
  state
  createdBy
  createdOn
  startedOn
  finishedOn
  durationMs
}
fragment ArtifactFields on Artifact {
  id
  name
  artifactType
  mimeType
  sizeBytes
  contentHash
  downloadUrl
  createdOn
}
fragment JobPage on Job {
  __typename
  ...JobRow
  nativeState
  reasonerName
  timeoutMins
  payload
  error {
    code
    message
  }
  statusHistory {
    id
    state
    nativeState
    message
    createdById
    createdOn
  }
  artifacts {
    ...ArtifactFields
  }
  problems {
    severity
    code
    message
    details
  }
  batchStep {
    name
    position
    batchJobId
    batch {
      name
    }
  }
  ... on ReasonerJob {
    result
  }
  ... on GenerationJob {
    kind
    rows
    description
    seed
    queue
    planTier
    estimatedCredits
    chargedCredits
    rerunOf {
      jobId
    }
    evidence {
      rootHash
      signature
      publicKey
      verified
      files {
        ...ArtifactFields
      }
    }
    seal {
      id
      sealHash
      previousSealHash
      createdOn
    }
  }
  ... on BatchJob {
    steps {
      name
      state
      startedOn
      finishedOn
      ignoreChunkError
      childJobId
    }
  }
  ... on AgentJob {
    function {
      name
      version
      toolName
      toolVersion
      operatingSystem
    }
    assignedAgentId
    assignedAgentPoolId
    agentId
    archiveStatus
    archiveStatusHistory {
      status
      reason
      createdById
      createdOn
    }
    comments {
      id
      content
      createdById
      createdOn
    }
    access {
      subjectId
      email
      relation
    }
    file {
      id
      description
      displayName
      externalIdentifier
      versionName
      properties
      revisions {
        id
        name
        mimeType
        sizeBytes
        downloadUrl
        createdOn
      }
    }
  }
}`) as unknown as TypedDocumentString<DashboardCancelJobMutation, DashboardCancelJobMutationVariables>;
export const DashboardRerunJobDocument = new TypedDocumentString(`
    mutation DashboardRerunJob($jobId: ID!) {
  rerunJob(jobId: $jobId) {
    job {
      jobId
      reasonerType
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardRerunJobMutation, DashboardRerunJobMutationVariables>;
export const DashboardAddCommentDocument = new TypedDocumentString(`
    mutation DashboardAddComment($jobId: ID!, $content: String!) {
  addJobComment(jobId: $jobId, content: $content) {
    id
  }
}
    `) as unknown as TypedDocumentString<DashboardAddCommentMutation, DashboardAddCommentMutationVariables>;
export const DashboardArchiveJobDocument = new TypedDocumentString(`
    mutation DashboardArchiveJob($jobId: ID!, $reason: String) {
  archiveJob(jobId: $jobId, reason: $reason) {
    jobId
  }
}
    `) as unknown as TypedDocumentString<DashboardArchiveJobMutation, DashboardArchiveJobMutationVariables>;
export const DashboardRestoreJobDocument = new TypedDocumentString(`
    mutation DashboardRestoreJob($jobId: ID!, $reason: String) {
  restoreJob(jobId: $jobId, reason: $reason) {
    jobId
  }
}
    `) as unknown as TypedDocumentString<DashboardRestoreJobMutation, DashboardRestoreJobMutationVariables>;
export const DashboardCreateJobAccessDocument = new TypedDocumentString(`
    mutation DashboardCreateJobAccess($jobId: ID!, $subjectId: String, $email: String, $relation: AccessRelation!) {
  createJobAccess(
    jobId: $jobId
    subjectId: $subjectId
    email: $email
    relation: $relation
  ) {
    subjectId
  }
}
    `) as unknown as TypedDocumentString<DashboardCreateJobAccessMutation, DashboardCreateJobAccessMutationVariables>;
export const DashboardEstimateCreditsDocument = new TypedDocumentString(`
    query DashboardEstimateCredits($kind: GenerationKind!, $rows: Int!) {
  estimateCredits(kind: $kind, rows: $rows) {
    estimatedCredits
    trainingTier
  }
}
    `) as unknown as TypedDocumentString<DashboardEstimateCreditsQuery, DashboardEstimateCreditsQueryVariables>;
export const DashboardCreateGenerationJobDocument = new TypedDocumentString(`
    mutation DashboardCreateGenerationJob($input: CreateGenerationJobInput!) {
  createGenerationJob(input: $input) {
    job {
      jobId
      reasonerType
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardCreateGenerationJobMutation, DashboardCreateGenerationJobMutationVariables>;
export const DashboardAddAgentJobDocument = new TypedDocumentString(`
    mutation DashboardAddAgentJob($input: AddAgentJobInput!) {
  addAgentJob(input: $input) {
    job {
      jobId
      reasonerType
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardAddAgentJobMutation, DashboardAddAgentJobMutationVariables>;
export const DashboardRunBatchJobDocument = new TypedDocumentString(`
    mutation DashboardRunBatchJob($input: RunBatchJobInput!) {
  runBatchJob(input: $input) {
    job {
      jobId
      reasonerType
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardRunBatchJobMutation, DashboardRunBatchJobMutationVariables>;
export const DashboardCreateJobDocument = new TypedDocumentString(`
    mutation DashboardCreateJob($input: CreateJobInput!) {
  createJob(input: $input) {
    job {
      jobId
      reasonerType
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardCreateJobMutation, DashboardCreateJobMutationVariables>;
export const DashboardPlotJobsDocument = new TypedDocumentString(`
    query DashboardPlotJobs($filter: JobFilter) {
  jobs(filter: $filter, first: 500) {
    totalCount
    totalCountIsEstimate
    edges {
      node {
        jobId
        state
        createdOn
        startedOn
        finishedOn
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardPlotJobsQuery, DashboardPlotJobsQueryVariables>;
export const DashboardApiKeysDocument = new TypedDocumentString(`
    query DashboardApiKeys {
  apiKeys(includeRevoked: true) {
    id
    prefix
    userId
    role
    createdOn
    revokedOn
    lastUsedOn
  }
}
    `) as unknown as TypedDocumentString<DashboardApiKeysQuery, DashboardApiKeysQueryVariables>;
export const DashboardCreateApiKeyDocument = new TypedDocumentString(`
    mutation DashboardCreateApiKey($userId: String!, $email: String, $role: Role) {
  createApiKey(userId: $userId, email: $email, role: $role) {
    secret
    apiKey {
      id
      prefix
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardCreateApiKeyMutation, DashboardCreateApiKeyMutationVariables>;
export const DashboardRevokeApiKeyDocument = new TypedDocumentString(`
    mutation DashboardRevokeApiKey($id: ID!) {
  revokeApiKey(id: $id) {
    id
    revokedOn
  }
}
    `) as unknown as TypedDocumentString<DashboardRevokeApiKeyMutation, DashboardRevokeApiKeyMutationVariables>;
export const DashboardWorkersDocument = new TypedDocumentString(`
    query DashboardWorkers {
  workers {
    id
    name
    reasonerTypes
    reasonerNames
    poolId
    lastSeenOn
  }
}
    `) as unknown as TypedDocumentString<DashboardWorkersQuery, DashboardWorkersQueryVariables>;
export const DashboardQueryFieldsDocument = new TypedDocumentString(`
    query DashboardQueryFields {
  __type(name: "Query") {
    fields {
      name
    }
  }
}
    `) as unknown as TypedDocumentString<DashboardQueryFieldsQuery, DashboardQueryFieldsQueryVariables>;