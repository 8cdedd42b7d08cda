// The domain's vocabulary: what a job is, whatever family or gateway it comes from.
import type {
  AccessRelation,
  ArchiveStatus,
  GenerationKind,
  JobState,
  PlanTier,
  ReasonerType,
  Role,
} from "../generated/prisma/enums.ts";

export type { AccessRelation, ArchiveStatus, GenerationKind, JobState, PlanTier, ReasonerType, Role };
export {
  AccessRelation as AccessRelations,
  ArchiveStatus as ArchiveStatuses,
  GenerationKind as GenerationKinds,
  JobState as JobStates,
  PlanTier as PlanTiers,
  ReasonerType as ReasonerTypes,
  Role as Roles,
} from "../generated/prisma/enums.ts";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface TransactionDetails {
  databaseName: string | null;
  engineName: string | null;
  readOnly: boolean;
  abortReason: string | null;
  progress: unknown;
  timings: unknown;
}

export interface AgentDetails {
  modelId: string | null;
  functionName: string;
  functionVersion: string | null;
  toolName: string | null;
  toolVersion: string | null;
  operatingSystem: string | null;
  parameters: unknown;
  assignedAgentId: string | null;
  assignedAgentPoolId: string | null;
  agentId: string | null;
  archiveStatus: ArchiveStatus;
}

export interface GenerationDetails {
  kind: GenerationKind;
  rows: number | null;
  description: string | null;
  seed: number;
  planTier: PlanTier;
  spec: unknown;
  estimatedCredits: number;
  chargedCredits: number;
  rerunOfId: string | null;
  evidence: unknown;
}

export interface BatchDetails {
  metadata: unknown;
  instanceType: string | null;
  region: string | null;
}

/** A job as every layer above the gateways sees it. */
export interface JobRecord {
  id: string;
  tenantId: string;
  reasonerType: ReasonerType;
  reasonerName: string;
  name: string | null;
  state: JobState;
  nativeState: string;
  createdBy: string;
  createdOn: Date;
  updatedOn: Date;
  startedOn: Date | null;
  finishedOn: Date | null;
  timeoutMins: number | null;
  payload: unknown;
  result: unknown;
  errorCode: string | null;
  errorMessage: string | null;
  queue: string;
  priority: number;
  attempts: number;
  maxAttempts: number;
  workerId: string | null;
  leaseExpiresOn: Date | null;
  cancelRequested: boolean;
  revision: number;
  parentJobId: string | null;
  transaction: TransactionDetails | null;
  agent: AgentDetails | null;
  generation: GenerationDetails | null;
  batch: BatchDetails | null;
}

export interface JobKey {
  reasonerType: ReasonerType;
  jobId: string;
}

/** Who is asking. Every gateway call is scoped by it. */
export interface Viewer {
  tenantId: string;
  userId: string;
  email: string | null;
  role: Role;
  apiKeyId: string | null;
  /** Set when a GATEWAY key (a front server) acts as this user: apiKeyId is that key's. */
  viaGateway?: boolean;
  /**
   * Set when a worker reads under the lease of the job it runs (x-lease-token on /graphql): it sees
   * jobs and artifacts as that job's creator does (their id and role), not its key's whole tenant.
   * It only narrows what is seen; what the viewer may do is still its own role's.
   */
  readsAs?: { userId: string; role: Role };
}

export interface JobFilter {
  reasonerTypes?: readonly ReasonerType[];
  jobId?: string | null;
  state?: JobState | null;
  name?: string | null;
  /** Jobs whose name holds this text, in any case. */
  nameContains?: string | null;
  createdBy?: string | null;
  onlyActive?: boolean | null;
  allUsers?: boolean | null;
  /** AGENT jobs assigned to this agent (other families have none, so never match). */
  assignedAgentId?: string | null;
  /** AGENT jobs in this archive state (other families are never archived, so never match). */
  archiveStatus?: ArchiveStatus | null;
  /** Jobs created at or after this time (half-open with createdBefore: [createdAfter, createdBefore)). */
  createdAfter?: Date | null;
  /** Jobs created strictly before this time. */
  createdBefore?: Date | null;
}

/** The GraphQL type of each ReasonerType's jobs: global ids and __typename name it. */
export const JOB_TYPE_NAMES: Record<ReasonerType, string> = {
  LOGIC: "Transaction",
  PRESCRIPTIVE: "ReasonerJob",
  PREDICTIVE: "ReasonerJob",
  AGENT: "AgentJob",
  GENERATION: "GenerationJob",
  BATCH: "BatchJob",
};

/** The queue (agent pool) of an agent job that names none. */
export const DEFAULT_AGENT_QUEUE = "agents";
