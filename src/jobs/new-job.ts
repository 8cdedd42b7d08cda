// What a family hands its gateway to create: the common columns plus the family's own rows.
import type { AgentDetails, BatchDetails, GenerationDetails, ReasonerType, TransactionDetails } from "./model.ts";

export interface NewBatchStep {
  name: string;
  run: Record<string, unknown>;
  metadata: unknown;
  ignoreChunkError: boolean;
}

/** An agent assignment that creation must find registered, and the input fields its error names. */
export interface AssignmentToCheck {
  agentId: string | null;
  agentPoolId: string | null;
  fields: { agent: string; pool: string };
}

export interface NewFile {
  description: string | null;
  displayName: string | null;
  externalIdentifier: string | null;
  versionName: string | null;
}

export interface NewJob {
  reasonerType: ReasonerType;
  reasonerName: string;
  name: string | null;
  timeoutMins: number | null;
  payload: unknown;
  queue: string;
  priority: number;
  idempotencyKey: string | null;
  /** Fingerprint of the request, so a reused idempotency key with a different request is refused. */
  requestHash?: string;
  /** The fingerprint keys were stored with before requestHash was canonical: they still match it. */
  rawRequestHash?: string;
  /** The input fields an agent job's assignment error names (addAgentJob's `input.…`, createJob's `input.payload.…`). */
  assignmentFields?: { agent: string; pool: string };
  /** A batch's agent steps' assignments: refused at creation, as createJob refuses them, where AGENT is local. */
  stepAssignments?: AssignmentToCheck[];
  parentJobId?: string | null;
  transaction?: Omit<TransactionDetails, "abortReason" | "progress" | "timings">;
  agent?: Omit<AgentDetails, "agentId" | "archiveStatus">;
  generation?: Omit<GenerationDetails, "chargedCredits" | "evidence">;
  batch?: BatchDetails;
  steps?: NewBatchStep[];
  /** Where the input spelled a batch's steps (`input.payload.steps`), for refusals naming one of them. */
  stepsField?: string;
  file?: NewFile;
}

/** The generic createJob input, before a family interprets its payload. */
export interface CreateJobRequest {
  reasonerType: ReasonerType;
  reasonerName: string;
  payload: unknown;
  name?: string | null;
  timeoutMins?: number | null;
  idempotencyKey?: string | null;
  /** The job's name when neither the request nor its payload names it (a schedule's name). */
  defaultName?: string;
}

/** What a job is checked against at creation besides its own input: this server's limits. */
export interface CreationLimits {
  /** The largest artifact the server stores: a job whose output would certainly be larger is refused. */
  maxArtifactBytes: number;
}
