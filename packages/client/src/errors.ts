// One error type for everything the API refuses: the contract's `extensions.code`, plus the two a
// client can only see from outside (the network failed; the answer was not the API's).

export type ApiErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "BAD_USER_INPUT"
  | "CONFLICT"
  | "JOB_TIMEOUT"
  | "INVALID_TRANSITION"
  | "LEASE_LOST"
  | "RATE_LIMITED"
  | "INTERNAL_SERVER_ERROR";

export type ClientErrorCode = "NETWORK_ERROR" | "BAD_RESPONSE";

export interface ApiErrorDetail {
  message: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

export class JobsApiError extends Error {
  override readonly name = "JobsApiError";
  /** The first error's code; every error is in `errors`. */
  readonly code: ApiErrorCode | ClientErrorCode | (string & {});
  /** HTTP status of the answer, when there was one. */
  readonly status: number | null;
  readonly errors: readonly ApiErrorDetail[];
  /** The data the answer carried beside its errors (a list whose failed items are null), else null. */
  readonly data: unknown;

  constructor(
    code: string,
    message: string,
    options: { status?: number | null; errors?: readonly ApiErrorDetail[]; data?: unknown; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? null;
    this.errors = options.errors ?? [{ message, extensions: { code } }];
    this.data = options.data ?? null;
  }

  static fromErrors(errors: readonly ApiErrorDetail[], status: number | null, data?: unknown): JobsApiError {
    const first = errors[0];
    const code = typeof first?.extensions?.code === "string" ? first.extensions.code : "INTERNAL_SERVER_ERROR";
    const message = errors.map((e) => e.message).join("; ") || `request failed with HTTP ${status ?? "?"}`;
    return new JobsApiError(code, message, { status, errors, data });
  }
}

export const isJobsApiError = (err: unknown, code?: string): err is JobsApiError =>
  err instanceof JobsApiError && (code === undefined || err.code === code);
