// The contract's shapes a worker sees (contract/contract.graphql), written out for clients that
// import nothing from the server.
import type { GenerationKind, JobOrderField } from "./generated/graphql.ts";

export const REASONER_TYPES = ["LOGIC", "PRESCRIPTIVE", "PREDICTIVE", "AGENT", "GENERATION", "BATCH"] as const;
export type ReasonerType = (typeof REASONER_TYPES)[number];

export const JOB_STATES = [
  "CREATED",
  "QUEUED",
  "PENDING",
  "CLAIMED",
  "VALIDATING",
  "RUNNING",
  "UPLOADING",
  "CANCELING",
  "SUCCEEDED",
  "FAILED",
  "CANCELED",
  "UNKNOWN",
] as const;
export type JobState = (typeof JOB_STATES)[number];

/** What a list can be sorted by (`list({ orderBy: { field, direction } })`). */
export const JOB_ORDER_FIELDS = [
  "CREATED_ON",
  "NAME",
  "STATE",
  "FINISHED_ON",
] as const satisfies readonly JobOrderField[];

/** JSON as sent; properties that are undefined are left out, as JSON.stringify does. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };

export interface JobError {
  code: string;
  message: string;
}

export interface FunctionVersion {
  name: string;
  version: string | null;
  toolName: string | null;
  toolVersion: string | null;
  operatingSystem: string | null;
}

/** The job a lease hands over: the `Job` interface's fields plus the family's own that a worker needs. */
export interface ClaimedJob {
  id: string;
  jobId: string;
  reasonerType: ReasonerType;
  reasonerName: string;
  name: string | null;
  state: JobState;
  nativeState: string;
  createdBy: string;
  createdOn: string;
  timeoutMins: number | null;
  payload: Json;
  /** AGENT jobs only. */
  modelId?: string | null;
  function?: FunctionVersion;
  assignedAgentId?: string | null;
  assignedAgentPoolId?: string | null;
  /** GENERATION jobs only. */
  kind?: string;
  rows?: number | null;
  seed?: number;
  description?: string | null;
  planTier?: string;
}

export interface WorkerRegistration {
  id: string;
  name: string;
  reasonerTypes: ReasonerType[];
  reasonerNames: string[];
  poolId: string | null;
  lastSeenOn: string;
}

/** What a claim filters on: the worker's reasoner types, and for GENERATION jobs its kinds. */
export interface ClaimFilter {
  reasonerTypes: readonly ReasonerType[];
  /** GENERATION jobs only of these kinds; absent or empty: any. */
  generationKinds?: readonly GenerationKind[];
}

/**
 * A claimed job's lease. `J` is the job as its holder reads it and `T` a moment: on the wire an ISO
 * string; the server's ports, which convert, use their own job shape and Date.
 */
export interface Lease<J = ClaimedJob, T = string> {
  token: string;
  expiresOn: T;
  job: J;
}

/** A heartbeat's answer; `T` as in Lease. */
export interface LeaseStatus<T = string> {
  expiresOn: T;
  /** The job was asked to stop (it is CANCELING): wind down and call failJob or completeJob. */
  cancelRequested: boolean;
}

/** One log line as appendJobLogs takes it; null or absent fields take the server's defaults (now, info, no step). */
export interface LogLineInput {
  timestampMs?: number | null;
  level?: string | null;
  message: string;
  step?: string | null;
}

/** What PUT /artifacts answers: the id to pass to completeJob(artifactIds:). */
export interface StoredArtifact {
  id: string;
  contentHash: string;
  sizeBytes: number;
}

/** The job as completeJob / failJob / updateJobStatus return it. */
export interface JobSnapshot {
  jobId: string;
  reasonerType: ReasonerType;
  state: JobState;
  nativeState: string;
  error: JobError | null;
}

/** Where a job of each family waits to be claimed (and returns to when a lease is lost). */
export const WAITING_STATE: Record<ReasonerType, JobState> = {
  LOGIC: "QUEUED",
  PRESCRIPTIVE: "QUEUED",
  PREDICTIVE: "QUEUED",
  AGENT: "PENDING",
  GENERATION: "QUEUED",
  BATCH: "PENDING",
};
