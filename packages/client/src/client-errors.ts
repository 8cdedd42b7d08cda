// Errors JobsClient adds to JobsApiError: a wait that ran out, and downloaded bytes that are not
// the ones the API promised.
import { JobsApiError } from "./errors.ts";
import type { JobRef } from "./job-types.ts";

/** The job was not terminal within the timeout (the API's JOB_TIMEOUT); it may still finish later. */
export class JobTimeoutError extends JobsApiError {
  constructor(
    readonly job: JobRef,
    readonly timeoutS: number,
    options: { cause?: unknown } = {},
  ) {
    super("JOB_TIMEOUT", `${job.reasonerType} job ${job.jobId} was not finished after ${timeoutS}s`, options);
    // JobsApiError types its name as a literal; the instance still says what it is in stack traces.
    Object.defineProperty(this, "name", { value: "JobTimeoutError" });
  }
}

/** The bytes received hash to something else than expected; the partial file was removed. */
export class ContentHashMismatchError extends Error {
  override readonly name = "ContentHashMismatchError";
  constructor(
    readonly expected: string,
    readonly actual: string,
    readonly path: string,
  ) {
    super(`downloaded bytes for ${path} hash to ${actual}, expected ${expected}; the file was removed`);
  }
}
