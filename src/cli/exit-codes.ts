// Exit codes scripts can rely on; README "CLI" lists them.
import { ContentHashMismatchError, JobTimeoutError } from "@jobs-api/client";
import { isJobsApiError } from "@jobs-api/client";

export const EXIT = {
  OK: 0,
  /** Bad flags, arguments or payload; nothing was asked of the API. */
  USAGE: 1,
  /** The API refused (UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, …) or could not be reached. */
  API_ERROR: 2,
  /** The job was not finished within --timeout. */
  TIMEOUT: 3,
  /** No such job or artifact (or not visible to this key). */
  NOT_FOUND: 4,
  /** Downloaded bytes did not match their hash, or evidence did not verify. */
  INTEGRITY: 5,
  /** The job finished, but FAILED or was CANCELED. */
  JOB_UNSUCCESSFUL: 6,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A mistake in how the CLI was called. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A condition with its own exit code that is not an exception of the client. */
export class CliFailure extends Error {
  override readonly name = "CliFailure";
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
  }
}

export function exitCodeFor(err: unknown): ExitCode {
  if (err instanceof UsageError || err instanceof RangeError) return EXIT.USAGE;
  if (err instanceof CliFailure) return err.exitCode;
  if (err instanceof ContentHashMismatchError) return EXIT.INTEGRITY;
  if (err instanceof JobTimeoutError || isJobsApiError(err, "JOB_TIMEOUT")) return EXIT.TIMEOUT;
  if (isJobsApiError(err, "NOT_FOUND")) return EXIT.NOT_FOUND;
  return EXIT.API_ERROR;
}

/** The message for people: the API's code once, after the message (never twice when the message has it). */
export function describeError(err: unknown): string {
  if (isJobsApiError(err)) return err.message.includes(err.code) ? err.message : `${err.message} (${err.code})`;
  return err instanceof Error ? err.message : String(err);
}
