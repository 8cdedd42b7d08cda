/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type ArchiveStatus =
  | 'ACTIVE'
  | 'ARCHIVED';

/** What a schedule does with ticks missed while no server ran. */
export type CatchUpPolicy =
  /** Run once on start-up for all the ticks missed (the default), then on schedule. */
  | 'ONCE'
  /** Drop missed ticks; run at the next tick. */
  | 'SKIP';

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

export type CreateScheduleInput = {
  catchUp?: CatchUpPolicy | null | undefined;
  cron: string;
  job: ScheduledJobInput;
  name: string;
  timezone?: string | null | undefined;
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

export type ScheduledJobInput = {
  name?: string | null | undefined;
  /** For GENERATION, a CreateGenerationJobInput as JSON; for others, the job's payload. */
  payload: unknown;
  reasonerName?: string | null | undefined;
  reasonerType: ReasonerType;
};

type JobSummary_AgentJob_Fragment = { __typename: 'AgentJob', id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null };

type JobSummary_BatchJob_Fragment = { __typename: 'BatchJob', id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null };

type JobSummary_GenerationJob_Fragment = { __typename: 'GenerationJob', id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null };

type JobSummary_ReasonerJob_Fragment = { __typename: 'ReasonerJob', id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null };

type JobSummary_Transaction_Fragment = { __typename: 'Transaction', id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null };

export type JobSummaryFragment =
  | JobSummary_AgentJob_Fragment
  | JobSummary_BatchJob_Fragment
  | JobSummary_GenerationJob_Fragment
  | JobSummary_ReasonerJob_Fragment
  | JobSummary_Transaction_Fragment
;

type JobDetail_AgentJob_Fragment = { __typename: 'AgentJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null };

type JobDetail_BatchJob_Fragment = { __typename: 'BatchJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, steps: Array<{ name: string, position: number, state: JobState, childJobId: string | null, startedOn: string | null, finishedOn: string | null }>, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null };

type JobDetail_GenerationJob_Fragment = { __typename: 'GenerationJob', kind: GenerationKind, rows: number | null, seed: number, queue: string, planTier: PlanTier, estimatedCredits: number, chargedCredits: number, timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, rerunOf: { jobId: string } | null, evidence: { rootHash: string, signature: string, publicKey: string, verified: boolean, files: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }> } | null, seal: { id: string, sealHash: string, previousSealHash: string | null, createdOn: string } | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null };

type JobDetail_ReasonerJob_Fragment = { __typename: 'ReasonerJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null };

type JobDetail_Transaction_Fragment = { __typename: 'Transaction', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null };

export type JobDetailFragment =
  | JobDetail_AgentJob_Fragment
  | JobDetail_BatchJob_Fragment
  | JobDetail_GenerationJob_Fragment
  | JobDetail_ReasonerJob_Fragment
  | JobDetail_Transaction_Fragment
;

export type ArtifactFieldsFragment = { id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string };

export type LogLineFieldsFragment = { cursor: string, timestampMs: number, level: string, message: string, step: string | null };

export type GetJobQueryVariables = Exact<{
  reasonerType: ReasonerType;
  jobId: string | number;
}>;


export type GetJobQuery = { job:
    | { __typename: 'AgentJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
    | { __typename: 'BatchJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, steps: Array<{ name: string, position: number, state: JobState, childJobId: string | null, startedOn: string | null, finishedOn: string | null }>, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
    | { __typename: 'GenerationJob', kind: GenerationKind, rows: number | null, seed: number, queue: string, planTier: PlanTier, estimatedCredits: number, chargedCredits: number, timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, rerunOf: { jobId: string } | null, evidence: { rootHash: string, signature: string, publicKey: string, verified: boolean, files: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }> } | null, seal: { id: string, sealHash: string, previousSealHash: string | null, createdOn: string } | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
    | { __typename: 'ReasonerJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
    | { __typename: 'Transaction', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
   | null };

export type ListJobsQueryVariables = Exact<{
  filter?: JobFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  offset?: number | null | undefined;
  orderBy?: JobOrder | null | undefined;
}>;


export type ListJobsQuery = { jobs: { totalCount: number, totalCountIsEstimate: boolean, edges: Array<{ cursor: string, node:
        | { __typename: 'AgentJob', id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null }
        | { __typename: 'BatchJob', id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null }
        | { __typename: 'GenerationJob', id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null }
        | { __typename: 'ReasonerJob', id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null }
        | { __typename: 'Transaction', id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null }
       }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type WaitForJobQueryVariables = Exact<{
  reasonerType: ReasonerType;
  jobId: string | number;
  timeoutS?: number | null | undefined;
}>;


export type WaitForJobQuery = { waitForJob:
    | { __typename: 'AgentJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
    | { __typename: 'BatchJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, steps: Array<{ name: string, position: number, state: JobState, childJobId: string | null, startedOn: string | null, finishedOn: string | null }>, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
    | { __typename: 'GenerationJob', kind: GenerationKind, rows: number | null, seed: number, queue: string, planTier: PlanTier, estimatedCredits: number, chargedCredits: number, timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, rerunOf: { jobId: string } | null, evidence: { rootHash: string, signature: string, publicKey: string, verified: boolean, files: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }> } | null, seal: { id: string, sealHash: string, previousSealHash: string | null, createdOn: string } | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
    | { __typename: 'ReasonerJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
    | { __typename: 'Transaction', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
   };

export type JobEventsQueryVariables = Exact<{
  reasonerType: ReasonerType;
  jobId: string | number;
  stream?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type JobEventsQuery = { job:
    | { events: { edges: Array<{ cursor: string, node: { cursor: string, stream: string, createdOn: string, data: unknown } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } }
    | { events: { edges: Array<{ cursor: string, node: { cursor: string, stream: string, createdOn: string, data: unknown } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } }
    | { events: { edges: Array<{ cursor: string, node: { cursor: string, stream: string, createdOn: string, data: unknown } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } }
    | { events: { edges: Array<{ cursor: string, node: { cursor: string, stream: string, createdOn: string, data: unknown } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } }
    | { events: { edges: Array<{ cursor: string, node: { cursor: string, stream: string, createdOn: string, data: unknown } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } }
   | null };

export type JobLogsQueryVariables = Exact<{
  reasonerType: ReasonerType;
  jobId: string | number;
  sinceMs?: number | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type JobLogsQuery = { job:
    | { state: JobState, logs: { edges: Array<{ node: { cursor: string, timestampMs: number, level: string, message: string, step: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } }
    | { state: JobState, logs: { edges: Array<{ node: { cursor: string, timestampMs: number, level: string, message: string, step: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } }
    | { state: JobState, logs: { edges: Array<{ node: { cursor: string, timestampMs: number, level: string, message: string, step: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } }
    | { state: JobState, logs: { edges: Array<{ node: { cursor: string, timestampMs: number, level: string, message: string, step: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } }
    | { state: JobState, logs: { edges: Array<{ node: { cursor: string, timestampMs: number, level: string, message: string, step: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } }
   | null };

export type ExecTimeQueryVariables = Exact<{
  reasonerType: ReasonerType;
  jobId: string | number;
}>;


export type ExecTimeQuery = { job:
    | { execTimeMs: number | null }
    | { execTimeMs: number | null }
    | { execTimeMs: number | null }
    | { execTimeMs: number | null }
    | { execTimeMs: number | null }
   | null };

export type EstimateCreditsQueryVariables = Exact<{
  kind: GenerationKind;
  rows: number;
}>;


export type EstimateCreditsQuery = { estimateCredits: { kind: GenerationKind, rows: number, estimatedCredits: number, trainingTier: string | null } };

export type CreateJobMutationVariables = Exact<{
  input: CreateJobInput;
}>;


export type CreateJobMutation = { createJob: { job:
      | { __typename: 'AgentJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
      | { __typename: 'BatchJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, steps: Array<{ name: string, position: number, state: JobState, childJobId: string | null, startedOn: string | null, finishedOn: string | null }>, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
      | { __typename: 'GenerationJob', kind: GenerationKind, rows: number | null, seed: number, queue: string, planTier: PlanTier, estimatedCredits: number, chargedCredits: number, timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, rerunOf: { jobId: string } | null, evidence: { rootHash: string, signature: string, publicKey: string, verified: boolean, files: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }> } | null, seal: { id: string, sealHash: string, previousSealHash: string | null, createdOn: string } | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
      | { __typename: 'ReasonerJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
      | { __typename: 'Transaction', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
     } };

export type ValidateJobQueryVariables = Exact<{
  input: CreateJobInput;
}>;


export type ValidateJobQuery = { validateJob: boolean };

export type CreateJobsMutationVariables = Exact<{
  inputs: Array<CreateJobInput> | CreateJobInput;
}>;


export type CreateJobsMutation = { createJobs: Array<{ job:
      | { __typename: 'AgentJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
      | { __typename: 'BatchJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, steps: Array<{ name: string, position: number, state: JobState, childJobId: string | null, startedOn: string | null, finishedOn: string | null }>, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
      | { __typename: 'GenerationJob', kind: GenerationKind, rows: number | null, seed: number, queue: string, planTier: PlanTier, estimatedCredits: number, chargedCredits: number, timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, rerunOf: { jobId: string } | null, evidence: { rootHash: string, signature: string, publicKey: string, verified: boolean, files: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }> } | null, seal: { id: string, sealHash: string, previousSealHash: string | null, createdOn: string } | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
      | { __typename: 'ReasonerJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
      | { __typename: 'Transaction', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
     | null, error: { code: string, message: string, field: string | null } | null }> };

export type CreateJobReadyMutationVariables = Exact<{
  input: CreateJobInput;
  timeoutS?: number | null | undefined;
}>;


export type CreateJobReadyMutation = { createJobReady:
    | { __typename: 'AgentJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
    | { __typename: 'BatchJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, steps: Array<{ name: string, position: number, state: JobState, childJobId: string | null, startedOn: string | null, finishedOn: string | null }>, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
    | { __typename: 'GenerationJob', kind: GenerationKind, rows: number | null, seed: number, queue: string, planTier: PlanTier, estimatedCredits: number, chargedCredits: number, timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, rerunOf: { jobId: string } | null, evidence: { rootHash: string, signature: string, publicKey: string, verified: boolean, files: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }> } | null, seal: { id: string, sealHash: string, previousSealHash: string | null, createdOn: string } | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
    | { __typename: 'ReasonerJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
    | { __typename: 'Transaction', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
   };

export type CreateGenerationJobMutationVariables = Exact<{
  input: CreateGenerationJobInput;
}>;


export type CreateGenerationJobMutation = { createGenerationJob: { job:
      | { __typename: 'AgentJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
      | { __typename: 'BatchJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, steps: Array<{ name: string, position: number, state: JobState, childJobId: string | null, startedOn: string | null, finishedOn: string | null }>, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
      | { __typename: 'GenerationJob', kind: GenerationKind, rows: number | null, seed: number, queue: string, planTier: PlanTier, estimatedCredits: number, chargedCredits: number, timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, rerunOf: { jobId: string } | null, evidence: { rootHash: string, signature: string, publicKey: string, verified: boolean, files: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }> } | null, seal: { id: string, sealHash: string, previousSealHash: string | null, createdOn: string } | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
      | { __typename: 'ReasonerJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
      | { __typename: 'Transaction', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
     } };

export type CancelJobMutationVariables = Exact<{
  reasonerType: ReasonerType;
  jobId: string | number;
  allUsers?: boolean | null | undefined;
}>;


export type CancelJobMutation = { cancelJob:
    | { __typename: 'AgentJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
    | { __typename: 'BatchJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, steps: Array<{ name: string, position: number, state: JobState, childJobId: string | null, startedOn: string | null, finishedOn: string | null }>, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
    | { __typename: 'GenerationJob', kind: GenerationKind, rows: number | null, seed: number, queue: string, planTier: PlanTier, estimatedCredits: number, chargedCredits: number, timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, rerunOf: { jobId: string } | null, evidence: { rootHash: string, signature: string, publicKey: string, verified: boolean, files: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }> } | null, seal: { id: string, sealHash: string, previousSealHash: string | null, createdOn: string } | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
    | { __typename: 'ReasonerJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
    | { __typename: 'Transaction', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
   };

export type RerunJobMutationVariables = Exact<{
  jobId: string | number;
}>;


export type RerunJobMutation = { rerunJob: { job:
      | { __typename: 'AgentJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
      | { __typename: 'BatchJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, steps: Array<{ name: string, position: number, state: JobState, childJobId: string | null, startedOn: string | null, finishedOn: string | null }>, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
      | { __typename: 'GenerationJob', kind: GenerationKind, rows: number | null, seed: number, queue: string, planTier: PlanTier, estimatedCredits: number, chargedCredits: number, timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, rerunOf: { jobId: string } | null, evidence: { rootHash: string, signature: string, publicKey: string, verified: boolean, files: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }> } | null, seal: { id: string, sealHash: string, previousSealHash: string | null, createdOn: string } | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
      | { __typename: 'ReasonerJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
      | { __typename: 'Transaction', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
     } };

export type CreateApiKeyMutationVariables = Exact<{
  userId: string;
  email?: string | null | undefined;
  role?: Role | null | undefined;
  tenantId?: string | number | null | undefined;
}>;


export type CreateApiKeyMutation = { createApiKey: { secret: string, apiKey: { id: string, prefix: string, userId: string, tenantId: string, role: Role, createdOn: string } } };

export type ApiKeyFieldsFragment = { id: string, prefix: string, userId: string, tenantId: string, role: Role, createdOn: string, lastUsedOn: string | null, revokedOn: string | null };

export type ListApiKeysQueryVariables = Exact<{
  first?: number | null | undefined;
  includeRevoked?: boolean | null | undefined;
}>;


export type ListApiKeysQuery = { apiKeys: Array<{ id: string, prefix: string, userId: string, tenantId: string, role: Role, createdOn: string, lastUsedOn: string | null, revokedOn: string | null }> };

export type RevokeApiKeyMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeApiKeyMutation = { revokeApiKey: { id: string, prefix: string, userId: string, tenantId: string, role: Role, createdOn: string, lastUsedOn: string | null, revokedOn: string | null } };

export type TailJobLogsSubscriptionVariables = Exact<{
  reasonerType: ReasonerType;
  jobId: string | number;
  sinceMs?: number | null | undefined;
}>;


export type TailJobLogsSubscription = { jobLogs: { cursor: string, timestampMs: number, level: string, message: string, step: string | null } };

export type JobStateChangedSubscriptionVariables = Exact<{
  reasonerType: ReasonerType;
  jobId: string | number;
}>;


export type JobStateChangedSubscription = { jobUpdated:
    | { jobId: string, state: JobState }
    | { jobId: string, state: JobState }
    | { jobId: string, state: JobState }
    | { jobId: string, state: JobState }
    | { jobId: string, state: JobState }
   };

export type JobUpdatesSubscriptionVariables = Exact<{
  reasonerType: ReasonerType;
  jobId: string | number;
}>;


export type JobUpdatesSubscription = { jobUpdated:
    | { __typename: 'AgentJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
    | { __typename: 'BatchJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, steps: Array<{ name: string, position: number, state: JobState, childJobId: string | null, startedOn: string | null, finishedOn: string | null }>, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
    | { __typename: 'GenerationJob', kind: GenerationKind, rows: number | null, seed: number, queue: string, planTier: PlanTier, estimatedCredits: number, chargedCredits: number, timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, rerunOf: { jobId: string } | null, evidence: { rootHash: string, signature: string, publicKey: string, verified: boolean, files: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }> } | null, seal: { id: string, sealHash: string, previousSealHash: string | null, createdOn: string } | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
    | { __typename: 'ReasonerJob', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
    | { __typename: 'Transaction', timeoutMins: number | null, payload: unknown, details: unknown, execTimeMs: number | null, id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null, error: { code: string, message: string } | null, operation: { id: string, reasonerType: ReasonerType, done: boolean, state: JobState, result: unknown, error: { code: string, message: string } | null }, artifacts: Array<{ id: string, name: string, artifactType: string, mimeType: string | null, sizeBytes: number, contentHash: string, downloadUrl: string, createdOn: string }>, problems: Array<{ severity: string, code: string, message: string, details: unknown }>, batchStep: { name: string, position: number, batchJobId: string } | null }
   };

export type JobsChangedSubscriptionVariables = Exact<{
  filter?: JobFilter | null | undefined;
}>;


export type JobsChangedSubscription = { jobsChanged:
    | { __typename: 'AgentJob', id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null }
    | { __typename: 'BatchJob', id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null }
    | { __typename: 'GenerationJob', id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null }
    | { __typename: 'ReasonerJob', id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null }
    | { __typename: 'Transaction', id: string, jobId: string, reasonerType: ReasonerType, reasonerName: string, name: string | null, state: JobState, nativeState: string, createdBy: string, createdOn: string, startedOn: string | null, finishedOn: string | null, durationMs: number | null }
   };

export type FollowJobEventsSubscriptionVariables = Exact<{
  reasonerType: ReasonerType;
  jobId: string | number;
  stream?: string | null | undefined;
  after?: string | null | undefined;
}>;


export type FollowJobEventsSubscription = { jobEvents: { cursor: string, stream: string, createdOn: string, data: unknown } };

export type ScheduleFieldsFragment = { id: string, name: string, cron: string, timezone: string, catchUp: CatchUpPolicy, paused: boolean, job: unknown, nextRunOn: string | null, lastRunOn: string | null, lastError: string | null, createdBy: string, lastJob:
    | { jobId: string, reasonerType: ReasonerType, state: JobState }
    | { jobId: string, reasonerType: ReasonerType, state: JobState }
    | { jobId: string, reasonerType: ReasonerType, state: JobState }
    | { jobId: string, reasonerType: ReasonerType, state: JobState }
    | { jobId: string, reasonerType: ReasonerType, state: JobState }
   | null };

export type CreateScheduleMutationVariables = Exact<{
  input: CreateScheduleInput;
}>;


export type CreateScheduleMutation = { createSchedule: { id: string, name: string, cron: string, timezone: string, catchUp: CatchUpPolicy, paused: boolean, job: unknown, nextRunOn: string | null, lastRunOn: string | null, lastError: string | null, createdBy: string, lastJob:
      | { jobId: string, reasonerType: ReasonerType, state: JobState }
      | { jobId: string, reasonerType: ReasonerType, state: JobState }
      | { jobId: string, reasonerType: ReasonerType, state: JobState }
      | { jobId: string, reasonerType: ReasonerType, state: JobState }
      | { jobId: string, reasonerType: ReasonerType, state: JobState }
     | null } };

export type ListSchedulesQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ListSchedulesQuery = { schedules: { edges: Array<{ node: { id: string, name: string, cron: string, timezone: string, catchUp: CatchUpPolicy, paused: boolean, job: unknown, nextRunOn: string | null, lastRunOn: string | null, lastError: string | null, createdBy: string, lastJob:
          | { jobId: string, reasonerType: ReasonerType, state: JobState }
          | { jobId: string, reasonerType: ReasonerType, state: JobState }
          | { jobId: string, reasonerType: ReasonerType, state: JobState }
          | { jobId: string, reasonerType: ReasonerType, state: JobState }
          | { jobId: string, reasonerType: ReasonerType, state: JobState }
         | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type PauseScheduleMutationVariables = Exact<{
  id: string | number;
}>;


export type PauseScheduleMutation = { pauseSchedule: { id: string, name: string, cron: string, timezone: string, catchUp: CatchUpPolicy, paused: boolean, job: unknown, nextRunOn: string | null, lastRunOn: string | null, lastError: string | null, createdBy: string, lastJob:
      | { jobId: string, reasonerType: ReasonerType, state: JobState }
      | { jobId: string, reasonerType: ReasonerType, state: JobState }
      | { jobId: string, reasonerType: ReasonerType, state: JobState }
      | { jobId: string, reasonerType: ReasonerType, state: JobState }
      | { jobId: string, reasonerType: ReasonerType, state: JobState }
     | null } };

export type ResumeScheduleMutationVariables = Exact<{
  id: string | number;
}>;


export type ResumeScheduleMutation = { resumeSchedule: { id: string, name: string, cron: string, timezone: string, catchUp: CatchUpPolicy, paused: boolean, job: unknown, nextRunOn: string | null, lastRunOn: string | null, lastError: string | null, createdBy: string, lastJob:
      | { jobId: string, reasonerType: ReasonerType, state: JobState }
      | { jobId: string, reasonerType: ReasonerType, state: JobState }
      | { jobId: string, reasonerType: ReasonerType, state: JobState }
      | { jobId: string, reasonerType: ReasonerType, state: JobState }
      | { jobId: string, reasonerType: ReasonerType, state: JobState }
     | null } };

export type DeleteScheduleMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteScheduleMutation = { deleteSchedule: boolean };

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
export const JobSummaryFragmentDoc = new TypedDocumentString(`
    fragment JobSummary on Job {
  __typename
  id
  jobId
  reasonerType
  reasonerName
  name
  state
  nativeState
  createdBy
  createdOn
  startedOn
  finishedOn
  durationMs
}
    `, {"fragmentName":"JobSummary"}) as unknown as TypedDocumentString<JobSummaryFragment, unknown>;
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
export const JobDetailFragmentDoc = new TypedDocumentString(`
    fragment JobDetail on Job {
  ...JobSummary
  timeoutMins
  payload
  details
  execTimeMs
  error {
    code
    message
  }
  operation {
    id
    reasonerType
    done
    state
    error {
      code
      message
    }
    result
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
  }
  ... on BatchJob {
    steps {
      name
      position
      state
      childJobId
      startedOn
      finishedOn
    }
  }
  ... on GenerationJob {
    kind
    rows
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
}
    fragment JobSummary on Job {
  __typename
  id
  jobId
  reasonerType
  reasonerName
  name
  state
  nativeState
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
}`, {"fragmentName":"JobDetail"}) as unknown as TypedDocumentString<JobDetailFragment, unknown>;
export const LogLineFieldsFragmentDoc = new TypedDocumentString(`
    fragment LogLineFields on LogLine {
  cursor
  timestampMs
  level
  message
  step
}
    `, {"fragmentName":"LogLineFields"}) as unknown as TypedDocumentString<LogLineFieldsFragment, unknown>;
export const ApiKeyFieldsFragmentDoc = new TypedDocumentString(`
    fragment ApiKeyFields on ApiKey {
  id
  prefix
  userId
  tenantId
  role
  createdOn
  lastUsedOn
  revokedOn
}
    `, {"fragmentName":"ApiKeyFields"}) as unknown as TypedDocumentString<ApiKeyFieldsFragment, unknown>;
export const ScheduleFieldsFragmentDoc = new TypedDocumentString(`
    fragment ScheduleFields on Schedule {
  id
  name
  cron
  timezone
  catchUp
  paused
  job
  nextRunOn
  lastRunOn
  lastError
  createdBy
  lastJob {
    jobId
    reasonerType
    state
  }
}
    `, {"fragmentName":"ScheduleFields"}) as unknown as TypedDocumentString<ScheduleFieldsFragment, unknown>;
export const GetJobDocument = new TypedDocumentString(`
    query GetJob($reasonerType: ReasonerType!, $jobId: ID!) {
  job(reasonerType: $reasonerType, jobId: $jobId) {
    ...JobDetail
  }
}
    fragment JobSummary on Job {
  __typename
  id
  jobId
  reasonerType
  reasonerName
  name
  state
  nativeState
  createdBy
  createdOn
  startedOn
  finishedOn
  durationMs
}
fragment JobDetail on Job {
  ...JobSummary
  timeoutMins
  payload
  details
  execTimeMs
  error {
    code
    message
  }
  operation {
    id
    reasonerType
    done
    state
    error {
      code
      message
    }
    result
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
  }
  ... on BatchJob {
    steps {
      name
      position
      state
      childJobId
      startedOn
      finishedOn
    }
  }
  ... on GenerationJob {
    kind
    rows
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
}`) as unknown as TypedDocumentString<GetJobQuery, GetJobQueryVariables>;
export const ListJobsDocument = new TypedDocumentString(`
    query ListJobs($filter: JobFilter, $first: Int, $after: String, $offset: Int, $orderBy: JobOrder) {
  jobs(
    filter: $filter
    first: $first
    after: $after
    offset: $offset
    orderBy: $orderBy
  ) {
    totalCount
    totalCountIsEstimate
    edges {
      cursor
      node {
        ...JobSummary
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment JobSummary on Job {
  __typename
  id
  jobId
  reasonerType
  reasonerName
  name
  state
  nativeState
  createdBy
  createdOn
  startedOn
  finishedOn
  durationMs
}`) as unknown as TypedDocumentString<ListJobsQuery, ListJobsQueryVariables>;
export const WaitForJobDocument = new TypedDocumentString(`
    query WaitForJob($reasonerType: ReasonerType!, $jobId: ID!, $timeoutS: Float) {
  waitForJob(reasonerType: $reasonerType, jobId: $jobId, timeoutS: $timeoutS) {
    ...JobDetail
  }
}
    fragment JobSummary on Job {
  __typename
  id
  jobId
  reasonerType
  reasonerName
  name
  state
  nativeState
  createdBy
  createdOn
  startedOn
  finishedOn
  durationMs
}
fragment JobDetail on Job {
  ...JobSummary
  timeoutMins
  payload
  details
  execTimeMs
  error {
    code
    message
  }
  operation {
    id
    reasonerType
    done
    state
    error {
      code
      message
    }
    result
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
  }
  ... on BatchJob {
    steps {
      name
      position
      state
      childJobId
      startedOn
      finishedOn
    }
  }
  ... on GenerationJob {
    kind
    rows
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
}`) as unknown as TypedDocumentString<WaitForJobQuery, WaitForJobQueryVariables>;
export const JobEventsDocument = new TypedDocumentString(`
    query JobEvents($reasonerType: ReasonerType!, $jobId: ID!, $stream: String, $first: Int, $after: String) {
  job(reasonerType: $reasonerType, jobId: $jobId) {
    events(stream: $stream, first: $first, after: $after) {
      edges {
        cursor
        node {
          cursor
          stream
          createdOn
          data
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
    `) as unknown as TypedDocumentString<JobEventsQuery, JobEventsQueryVariables>;
export const JobLogsDocument = new TypedDocumentString(`
    query JobLogs($reasonerType: ReasonerType!, $jobId: ID!, $sinceMs: Float, $first: Int, $after: String) {
  job(reasonerType: $reasonerType, jobId: $jobId) {
    state
    logs(sinceMs: $sinceMs, first: $first, after: $after) {
      edges {
        node {
          ...LogLineFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
    fragment LogLineFields on LogLine {
  cursor
  timestampMs
  level
  message
  step
}`) as unknown as TypedDocumentString<JobLogsQuery, JobLogsQueryVariables>;
export const ExecTimeDocument = new TypedDocumentString(`
    query ExecTime($reasonerType: ReasonerType!, $jobId: ID!) {
  job(reasonerType: $reasonerType, jobId: $jobId) {
    execTimeMs
  }
}
    `) as unknown as TypedDocumentString<ExecTimeQuery, ExecTimeQueryVariables>;
export const EstimateCreditsDocument = new TypedDocumentString(`
    query EstimateCredits($kind: GenerationKind!, $rows: Int!) {
  estimateCredits(kind: $kind, rows: $rows) {
    kind
    rows
    estimatedCredits
    trainingTier
  }
}
    `) as unknown as TypedDocumentString<EstimateCreditsQuery, EstimateCreditsQueryVariables>;
export const CreateJobDocument = new TypedDocumentString(`
    mutation CreateJob($input: CreateJobInput!) {
  createJob(input: $input) {
    job {
      ...JobDetail
    }
  }
}
    fragment JobSummary on Job {
  __typename
  id
  jobId
  reasonerType
  reasonerName
  name
  state
  nativeState
  createdBy
  createdOn
  startedOn
  finishedOn
  durationMs
}
fragment JobDetail on Job {
  ...JobSummary
  timeoutMins
  payload
  details
  execTimeMs
  error {
    code
    message
  }
  operation {
    id
    reasonerType
    done
    state
    error {
      code
      message
    }
    result
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
  }
  ... on BatchJob {
    steps {
      name
      position
      state
      childJobId
      startedOn
      finishedOn
    }
  }
  ... on GenerationJob {
    kind
    rows
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
}`) as unknown as TypedDocumentString<CreateJobMutation, CreateJobMutationVariables>;
export const ValidateJobDocument = new TypedDocumentString(`
    query ValidateJob($input: CreateJobInput!) {
  validateJob(input: $input)
}
    `) as unknown as TypedDocumentString<ValidateJobQuery, ValidateJobQueryVariables>;
export const CreateJobsDocument = new TypedDocumentString(`
    mutation CreateJobs($inputs: [CreateJobInput!]!) {
  createJobs(inputs: $inputs) {
    job {
      ...JobDetail
    }
    error {
      code
      message
      field
    }
  }
}
    fragment JobSummary on Job {
  __typename
  id
  jobId
  reasonerType
  reasonerName
  name
  state
  nativeState
  createdBy
  createdOn
  startedOn
  finishedOn
  durationMs
}
fragment JobDetail on Job {
  ...JobSummary
  timeoutMins
  payload
  details
  execTimeMs
  error {
    code
    message
  }
  operation {
    id
    reasonerType
    done
    state
    error {
      code
      message
    }
    result
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
  }
  ... on BatchJob {
    steps {
      name
      position
      state
      childJobId
      startedOn
      finishedOn
    }
  }
  ... on GenerationJob {
    kind
    rows
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
}`) as unknown as TypedDocumentString<CreateJobsMutation, CreateJobsMutationVariables>;
export const CreateJobReadyDocument = new TypedDocumentString(`
    mutation CreateJobReady($input: CreateJobInput!, $timeoutS: Float) {
  createJobReady(input: $input, timeoutS: $timeoutS) {
    ...JobDetail
  }
}
    fragment JobSummary on Job {
  __typename
  id
  jobId
  reasonerType
  reasonerName
  name
  state
  nativeState
  createdBy
  createdOn
  startedOn
  finishedOn
  durationMs
}
fragment JobDetail on Job {
  ...JobSummary
  timeoutMins
  payload
  details
  execTimeMs
  error {
    code
    message
  }
  operation {
    id
    reasonerType
    done
    state
    error {
      code
      message
    }
    result
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
  }
  ... on BatchJob {
    steps {
      name
      position
      state
      childJobId
      startedOn
      finishedOn
    }
  }
  ... on GenerationJob {
    kind
    rows
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
}`) as unknown as TypedDocumentString<CreateJobReadyMutation, CreateJobReadyMutationVariables>;
export const CreateGenerationJobDocument = new TypedDocumentString(`
    mutation CreateGenerationJob($input: CreateGenerationJobInput!) {
  createGenerationJob(input: $input) {
    job {
      ...JobDetail
    }
  }
}
    fragment JobSummary on Job {
  __typename
  id
  jobId
  reasonerType
  reasonerName
  name
  state
  nativeState
  createdBy
  createdOn
  startedOn
  finishedOn
  durationMs
}
fragment JobDetail on Job {
  ...JobSummary
  timeoutMins
  payload
  details
  execTimeMs
  error {
    code
    message
  }
  operation {
    id
    reasonerType
    done
    state
    error {
      code
      message
    }
    result
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
  }
  ... on BatchJob {
    steps {
      name
      position
      state
      childJobId
      startedOn
      finishedOn
    }
  }
  ... on GenerationJob {
    kind
    rows
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
}`) as unknown as TypedDocumentString<CreateGenerationJobMutation, CreateGenerationJobMutationVariables>;
export const CancelJobDocument = new TypedDocumentString(`
    mutation CancelJob($reasonerType: ReasonerType!, $jobId: ID!, $allUsers: Boolean) {
  cancelJob(reasonerType: $reasonerType, jobId: $jobId, allUsers: $allUsers) {
    ...JobDetail
  }
}
    fragment JobSummary on Job {
  __typename
  id
  jobId
  reasonerType
  reasonerName
  name
  state
  nativeState
  createdBy
  createdOn
  startedOn
  finishedOn
  durationMs
}
fragment JobDetail on Job {
  ...JobSummary
  timeoutMins
  payload
  details
  execTimeMs
  error {
    code
    message
  }
  operation {
    id
    reasonerType
    done
    state
    error {
      code
      message
    }
    result
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
  }
  ... on BatchJob {
    steps {
      name
      position
      state
      childJobId
      startedOn
      finishedOn
    }
  }
  ... on GenerationJob {
    kind
    rows
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
}`) as unknown as TypedDocumentString<CancelJobMutation, CancelJobMutationVariables>;
export const RerunJobDocument = new TypedDocumentString(`
    mutation RerunJob($jobId: ID!) {
  rerunJob(jobId: $jobId) {
    job {
      ...JobDetail
    }
  }
}
    fragment JobSummary on Job {
  __typename
  id
  jobId
  reasonerType
  reasonerName
  name
  state
  nativeState
  createdBy
  createdOn
  startedOn
  finishedOn
  durationMs
}
fragment JobDetail on Job {
  ...JobSummary
  timeoutMins
  payload
  details
  execTimeMs
  error {
    code
    message
  }
  operation {
    id
    reasonerType
    done
    state
    error {
      code
      message
    }
    result
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
  }
  ... on BatchJob {
    steps {
      name
      position
      state
      childJobId
      startedOn
      finishedOn
    }
  }
  ... on GenerationJob {
    kind
    rows
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
}`) as unknown as TypedDocumentString<RerunJobMutation, RerunJobMutationVariables>;
export const CreateApiKeyDocument = new TypedDocumentString(`
    mutation CreateApiKey($userId: String!, $email: String, $role: Role, $tenantId: ID) {
  createApiKey(userId: $userId, email: $email, role: $role, tenantId: $tenantId) {
    secret
    apiKey {
      id
      prefix
      userId
      tenantId
      role
      createdOn
    }
  }
}
    `) as unknown as TypedDocumentString<CreateApiKeyMutation, CreateApiKeyMutationVariables>;
export const ListApiKeysDocument = new TypedDocumentString(`
    query ListApiKeys($first: Int, $includeRevoked: Boolean) {
  apiKeys(first: $first, includeRevoked: $includeRevoked) {
    ...ApiKeyFields
  }
}
    fragment ApiKeyFields on ApiKey {
  id
  prefix
  userId
  tenantId
  role
  createdOn
  lastUsedOn
  revokedOn
}`) as unknown as TypedDocumentString<ListApiKeysQuery, ListApiKeysQueryVariables>;
export const RevokeApiKeyDocument = new TypedDocumentString(`
    mutation RevokeApiKey($id: ID!) {
  revokeApiKey(id: $id) {
    ...ApiKeyFields
  }
}
    fragment ApiKeyFields on ApiKey {
  id
  prefix
  userId
  tenantId
  role
  createdOn
  lastUsedOn
  revokedOn
}`) as unknown as TypedDocumentString<RevokeApiKeyMutation, RevokeApiKeyMutationVariables>;
export const TailJobLogsDocument = new TypedDocumentString(`
    subscription TailJobLogs($reasonerType: ReasonerType!, $jobId: ID!, $sinceMs: Float) {
  jobLogs(reasonerType: $reasonerType, jobId: $jobId, sinceMs: $sinceMs) {
    ...LogLineFields
  }
}
    fragment LogLineFields on LogLine {
  cursor
  timestampMs
  level
  message
  step
}`) as unknown as TypedDocumentString<TailJobLogsSubscription, TailJobLogsSubscriptionVariables>;
export const JobStateChangedDocument = new TypedDocumentString(`
    subscription JobStateChanged($reasonerType: ReasonerType!, $jobId: ID!) {
  jobUpdated(reasonerType: $reasonerType, jobId: $jobId) {
    jobId
    state
  }
}
    `) as unknown as TypedDocumentString<JobStateChangedSubscription, JobStateChangedSubscriptionVariables>;
export const JobUpdatesDocument = new TypedDocumentString(`
    subscription JobUpdates($reasonerType: ReasonerType!, $jobId: ID!) {
  jobUpdated(reasonerType: $reasonerType, jobId: $jobId) {
    ...JobDetail
  }
}
    fragment JobSummary on Job {
  __typename
  id
  jobId
  reasonerType
  reasonerName
  name
  state
  nativeState
  createdBy
  createdOn
  startedOn
  finishedOn
  durationMs
}
fragment JobDetail on Job {
  ...JobSummary
  timeoutMins
  payload
  details
  execTimeMs
  error {
    code
    message
  }
  operation {
    id
    reasonerType
    done
    state
    error {
      code
      message
    }
    result
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
  }
  ... on BatchJob {
    steps {
      name
      position
      state
      childJobId
      startedOn
      finishedOn
    }
  }
  ... on GenerationJob {
    kind
    rows
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
}`) as unknown as TypedDocumentString<JobUpdatesSubscription, JobUpdatesSubscriptionVariables>;
export const JobsChangedDocument = new TypedDocumentString(`
    subscription JobsChanged($filter: JobFilter) {
  jobsChanged(filter: $filter) {
    ...JobSummary
  }
}
    fragment JobSummary on Job {
  __typename
  id
  jobId
  reasonerType
  reasonerName
  name
  state
  nativeState
  createdBy
  createdOn
  startedOn
  finishedOn
  durationMs
}`) as unknown as TypedDocumentString<JobsChangedSubscription, JobsChangedSubscriptionVariables>;
export const FollowJobEventsDocument = new TypedDocumentString(`
    subscription FollowJobEvents($reasonerType: ReasonerType!, $jobId: ID!, $stream: String, $after: String) {
  jobEvents(
    reasonerType: $reasonerType
    jobId: $jobId
    stream: $stream
    after: $after
  ) {
    cursor
    stream
    createdOn
    data
  }
}
    `) as unknown as TypedDocumentString<FollowJobEventsSubscription, FollowJobEventsSubscriptionVariables>;
export const CreateScheduleDocument = new TypedDocumentString(`
    mutation CreateSchedule($input: CreateScheduleInput!) {
  createSchedule(input: $input) {
    ...ScheduleFields
  }
}
    fragment ScheduleFields on Schedule {
  id
  name
  cron
  timezone
  catchUp
  paused
  job
  nextRunOn
  lastRunOn
  lastError
  createdBy
  lastJob {
    jobId
    reasonerType
    state
  }
}`) as unknown as TypedDocumentString<CreateScheduleMutation, CreateScheduleMutationVariables>;
export const ListSchedulesDocument = new TypedDocumentString(`
    query ListSchedules($first: Int, $after: String) {
  schedules(first: $first, after: $after) {
    edges {
      node {
        ...ScheduleFields
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment ScheduleFields on Schedule {
  id
  name
  cron
  timezone
  catchUp
  paused
  job
  nextRunOn
  lastRunOn
  lastError
  createdBy
  lastJob {
    jobId
    reasonerType
    state
  }
}`) as unknown as TypedDocumentString<ListSchedulesQuery, ListSchedulesQueryVariables>;
export const PauseScheduleDocument = new TypedDocumentString(`
    mutation PauseSchedule($id: ID!) {
  pauseSchedule(id: $id) {
    ...ScheduleFields
  }
}
    fragment ScheduleFields on Schedule {
  id
  name
  cron
  timezone
  catchUp
  paused
  job
  nextRunOn
  lastRunOn
  lastError
  createdBy
  lastJob {
    jobId
    reasonerType
    state
  }
}`) as unknown as TypedDocumentString<PauseScheduleMutation, PauseScheduleMutationVariables>;
export const ResumeScheduleDocument = new TypedDocumentString(`
    mutation ResumeSchedule($id: ID!) {
  resumeSchedule(id: $id) {
    ...ScheduleFields
  }
}
    fragment ScheduleFields on Schedule {
  id
  name
  cron
  timezone
  catchUp
  paused
  job
  nextRunOn
  lastRunOn
  lastError
  createdBy
  lastJob {
    jobId
    reasonerType
    state
  }
}`) as unknown as TypedDocumentString<ResumeScheduleMutation, ResumeScheduleMutationVariables>;
export const DeleteScheduleDocument = new TypedDocumentString(`
    mutation DeleteSchedule($id: ID!) {
  deleteSchedule(id: $id)
}
    `) as unknown as TypedDocumentString<DeleteScheduleMutation, DeleteScheduleMutationVariables>;