// @jobs-api/client/node: everything of the browser entry, with JobsClient extended by what needs
// the file system or node:crypto, and the Worker that agents run.
export * from "./index.ts";
export { JobsClient } from "./node-jobs-client.ts";
export type { DownloadedFile, DownloadOptions, DownloadProgress } from "./download.ts";
export type { EvidenceCheck, EvidenceCheckOptions } from "./evidence-check.ts";
export type { UploadOptions, UploadProgress } from "./upload.ts";
export { WriteCoalescer } from "./coalesce.ts";
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
export {
  WorkerCore,
  type Interruption,
  type JobReport,
  type LeaseLike,
  type RunningJob,
  type WorkerCoreOptions,
  type WorkerPort,
} from "./worker-core.ts";
export { KeepAlivePost, PostError, type PostedAnswer } from "./keep-alive-post.ts";
