// The one error helper: every error a client sees carries one of the contract's codes.
import { GraphQLError } from "graphql";

export const ErrorCodes = [
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "BAD_USER_INPUT",
  "CONFLICT",
  "JOB_TIMEOUT",
  "INVALID_TRANSITION",
  "LEASE_LOST",
  "RATE_LIMITED",
  "INTERNAL_SERVER_ERROR",
  /** An upstream jobs service (a remote gateway) did not answer; extensions.gateway names it. */
  "UPSTREAM_UNAVAILABLE",
] as const;
export type ErrorCode = (typeof ErrorCodes)[number];

const httpStatus: Partial<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  RATE_LIMITED: 429,
};

/**
 * Headers an HTTP answer of the error carries: a refusal that says when to retry says it in
 * `Retry-After` too (whole seconds), for clients and proxies that read only HTTP.
 */
function httpHeadersOf(extensions: Record<string, unknown>): Map<string, string> | undefined {
  const retryAfter = extensions.retryAfterSeconds;
  return typeof retryAfter === "number" ? new Map([["retry-after", String(Math.ceil(retryAfter))]]) : undefined;
}

export function jobsError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  const status = httpStatus[code];
  const headers = status ? httpHeadersOf(extensions) : undefined;
  // `http` is Apollo's: it answers with this status and these headers (a Map), and drops it from the error.
  return new GraphQLError(message, {
    extensions: { code, ...extensions, ...(status ? { http: { status, ...(headers ? { headers } : {}) } } : {}) },
  });
}

/** Statuses of errors that refuse a whole HTTP request before it runs (as it is authenticated). */
const refusalStatus: Partial<Record<ErrorCode, number>> = { BAD_USER_INPUT: 400, FORBIDDEN: 403, LEASE_LOST: 409 };

/**
 * An error refusing the whole request, with the HTTP status its code implies: thrown while a request
 * is authenticated, one without a status would be answered 500, as if the server had failed.
 */
export function asRequestRefusal(error: unknown): unknown {
  if (!isJobsError(error) || error.extensions.http) return error;
  const status = refusalStatus[error.extensions.code as ErrorCode];
  return status ? new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status } } }) : error;
}

export function isJobsError(error: unknown, code?: ErrorCode): error is GraphQLError {
  if (!(error instanceof GraphQLError)) return false;
  const c = error.extensions?.code;
  return typeof c === "string" && (ErrorCodes as readonly string[]).includes(c) && (code === undefined || c === code);
}

export const notFound = (what: string) => jobsError("NOT_FOUND", `${what} not found`);
