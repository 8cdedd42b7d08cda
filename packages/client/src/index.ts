// @jobs-api/client, the browser-safe entry (no node: built-ins): JobsClient for applications, its typed
// documents and shapes. Node adds the Worker, file downloads/uploads and evidence checks: ./node.ts.
export {
  isJobsApiError,
  JobsApiError,
  type ApiErrorCode,
  type ApiErrorDetail,
  type ClientErrorCode,
} from "./errors.ts";
export {
  JobsTransport,
  type ArtifactUploadRequest,
  type DatasetUploadRequest,
  type Fetch,
  type TransportOptions,
  type UploadBody,
} from "./http.ts";
export { CloseCode } from "./close-codes.ts";
export { DEFAULT_LEASE_SECONDS, heartbeatPeriodMs, MAX_LEASE_SECONDS } from "./lease.ts";
export * from "./types.ts";
export { backoff, sleep, type BackoffOptions, type IdleState, type WaitForWork } from "./wait.ts";
export {
  jobsChangedWake,
  watchClaimableJobs,
  type ClaimableWatch,
  type JobsChangedWake,
  type JobsChangedWakeOptions,
} from "./wake.ts";
// The application client (JobsClient) and its typed shapes.
export { ContentHashMismatchError, JobTimeoutError } from "./client-errors.ts";
export {
  JobsClient,
  type CreateApiKeyOptions,
  type EventsOptions,
  type EventsPage,
  type JobPage,
  type JobsClientOptions,
  type ListOptions,
  type SchedulePage,
  type PrintLogsOptions,
  type TailLogsOptions,
  type WaitOptions,
} from "./jobs-client.ts";
export {
  GENERATION_KINDS,
  isTerminalState,
  TERMINAL_STATES,
  type ApiKey,
  type Artifact,
  type BatchJob,
  type BatchJobStep,
  type CatchUpPolicy,
  type CreateScheduleInput,
  type CreatedApiKey,
  type CreateGenerationJobInput,
  type CreateJobInput,
  type CreditEstimate,
  type GenerationJob,
  type GenerationKind,
  type Job,
  type JobEvent,
  type JobFilter,
  type JobLike,
  type JobOrder,
  type JobOrderField,
  type JobProblem,
  type JobRef,
  type JobSummary,
  type LogLine,
  type OrderDirection,
  type PlanTier,
  type Role,
  type Schedule,
} from "./job-types.ts";
export { formatLogLine, type LogSample, type SampledLogLine } from "./log-tail.ts";
export { Operation } from "./operation.ts";
// The typed documents (TypedDocumentString: usable with any GraphQL client) and the schema's types.
export * as documents from "./documents.ts";
export type * as schema from "./generated/graphql.ts";
