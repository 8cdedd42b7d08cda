// The jobs API client: Worker for workers and agents, JobsClient for applications and scripts. It imports
// nothing from the server except the generation engine's pure evidence verifier.
export { isJobsApiError, JobsApiError, type ApiErrorCode, type ApiErrorDetail, type ClientErrorCode } from "./errors.ts";
export { JobsTransport, type ArtifactUploadRequest, type DatasetUploadRequest, type Fetch, type TransportOptions, type UploadBody } from "./http.ts";
export * from "./types.ts";
export { backoff, sleep, type BackoffOptions, type IdleState, type WaitForWork } from "./wait.ts";
export { jobsChangedWake, type JobsChangedWake, type JobsChangedWakeOptions } from "./wake.ts";
export {
  JobFailure,
  JobInterrupted,
  Worker,
  type ArtifactToUpload,
  type JobContext,
  type JobFinished,
  type JobHandler,
  type JobOutcome,
  type Problem,
  type RunOptions,
  type WorkerLogger,
  type WorkerOptions,
} from "./worker.ts";

// The application client (JobsClient) and its typed shapes.
export { ContentHashMismatchError, JobTimeoutError } from "./client-errors.ts";
export type { DownloadedFile, DownloadOptions, DownloadProgress } from "./download.ts";
export type { EvidenceCheck, EvidenceCheckOptions } from "./evidence-check.ts";
export type { UploadOptions, UploadProgress } from "./upload.ts";
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
  isTerminalState,
  TERMINAL_STATES,
  type Artifact,
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
  type JobRef,
  type JobSummary,
  type LogLine,
  type PlanTier,
  type Role,
  type Schedule,
} from "./job-types.ts";
export { formatLogLine, type LogSample, type SampledLogLine } from "./log-tail.ts";
export { Operation } from "./operation.ts";
