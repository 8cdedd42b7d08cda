// The shapes JobsClient hands back, named for users; all derived from the generated operation types,
// so they change when the documents or schema.graphql change.
import type {
  ApiKeyFieldsFragment,
  ArtifactFieldsFragment,
  CreateApiKeyMutation,
  EstimateCreditsQuery,
  GenerationKind,
  JobDetailFragment,
  JobEventsQuery,
  JobSummaryFragment,
  LogLineFieldsFragment,
  ScheduleFieldsFragment,
} from "./generated/graphql.ts";
import type { ReasonerType } from "./types.ts";

export type {
  CatchUpPolicy,
  CreateGenerationJobInput,
  CreateScheduleInput,
  CreateJobInput,
  GenerationKind,
  JobFilter,
  JobOrder,
  JobOrderField,
  OrderDirection,
  PlanTier,
  Role,
} from "./generated/graphql.ts";

/** A job in full (`get`, `wait`, `create`, `cancel`, `rerun`). Narrow on `__typename` for a family's fields. */
export type Job = JobDetailFragment;
/** A job as `list` shows it. */
export type JobSummary = JobSummaryFragment;
export type GenerationJob = Extract<Job, { __typename: "GenerationJob" }>;
export type BatchJob = Extract<Job, { __typename: "BatchJob" }>;
/** A batch's step as `get` shows it: its place, state and the job it made. */
export type BatchJobStep = BatchJob["steps"][number];
export type Artifact = ArtifactFieldsFragment;
/** What the run found (a row that failed, a mismatch), in the order it was reported. */
export type JobProblem = Job["problems"][number];
export type LogLine = LogLineFieldsFragment;
export type JobEvent = NonNullable<JobEventsQuery["job"]>["events"]["edges"][number]["node"];
export type CreditEstimate = EstimateCreditsQuery["estimateCredits"];
export type CreatedApiKey = CreateApiKeyMutation["createApiKey"];
/** An API key as listed or revoked: never its secret. */
export type ApiKey = ApiKeyFieldsFragment;
export type Schedule = ScheduleFieldsFragment;

/** Which job: a job (or anything with its reasonerType and jobId), or a bare jobId that the client looks up. */
export type JobRef = { reasonerType: ReasonerType; jobId: string };
export type JobLike = JobRef | string;

/** Every kind, checked against the schema's enum: a kind added or removed there fails the typecheck here. */
const KINDS: Record<GenerationKind, true> = {
  ANALYZE: true,
  FABRICATE: true,
  FIT: true,
  LIFT: true,
  MOCK: true,
  SCENARIO_FABRICATE: true,
  SIMULATE: true,
  SYNTHESIZE: true,
  TRAIN: true,
  VERIFY: true,
};
export const GENERATION_KINDS = Object.keys(KINDS) as readonly GenerationKind[];

export const TERMINAL_STATES = ["SUCCEEDED", "FAILED", "CANCELED"] as const;
export const isTerminalState = (state: string): boolean => (TERMINAL_STATES as readonly string[]).includes(state);
