// What clients see of an error: our codes and GraphQL's own validation errors as they are;
// anything unexpected masked, with the request id to find it in the logs.
import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { isJobsError } from "../errors.ts";
import { currentRequestId } from "../http/request-scope.ts";
import type { Logger } from "../logger.ts";
import { withoutSuggestions } from "../security/limits.ts";

/** Codes Apollo and graphql-js produce for a client's own mistakes. */
const CLIENT_CODES = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
]);

const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "57P01", "57P02", "57P03", "08000", "08001", "08003", "08006"]);
const CONNECTION_MESSAGE = /ECONNREFUSED|ECONNRESET|Connection terminated|connection (?:is )?(?:closed|ended|refused)|terminating connection|timeout exceeded when trying to connect|Can't reach database/i;

/** Whether an error (or one it wraps) says the database cannot be reached right now. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 5) return false;
  const e = error as { code?: unknown; message?: unknown; cause?: unknown; originalError?: unknown };
  if (typeof e.code === "string" && CONNECTION_CODES.has(e.code)) return true;
  if (typeof e.message === "string" && CONNECTION_MESSAGE.test(e.message)) return true;
  return isDatabaseUnavailable(e.cause, depth + 1) || isDatabaseUnavailable(e.originalError, depth + 1);
}

export function createFormatError(logger: Logger, options: { suggestions: boolean } = { suggestions: true }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const requestId = currentRequestId();
    if (isJobsError(original)) {
      const { http: _http, ...extensions } = original.extensions;
      return { ...formatted, message: original.message, extensions: { ...extensions, requestId } };
    }
    const code = formatted.extensions?.code;
    if (typeof code === "string" && CLIENT_CODES.has(code)) {
      const message = options.suggestions ? formatted.message : withoutSuggestions(formatted.message);
      return { message, locations: formatted.locations, path: formatted.path, extensions: { code, requestId } };
    }
    if (isDatabaseUnavailable(original)) {
      logger.warn({ requestId, path: formatted.path }, "database unavailable");
      return {
        message: "the database is unavailable; retry shortly",
        path: formatted.path,
        extensions: { code: "INTERNAL_SERVER_ERROR", reason: "DATABASE_UNAVAILABLE", retryable: true, requestId },
      };
    }
    // graphql-js refusing the operation as a whole (e.g. an operation type the schema lacks) is the
    // client's mistake: no path, nothing thrown underneath.
    if (original instanceof GraphQLError && !original.originalError && !original.path && (code === undefined || code === "INTERNAL_SERVER_ERROR")) {
      return { message: formatted.message, locations: formatted.locations, extensions: { code: "BAD_REQUEST", requestId } };
    }
    // A GraphQLError without a code from graphql-js itself (e.g. a non-null violation) is still ours to hide.
    logger.error({ err: original instanceof Error ? original : new GraphQLError(String(original)), requestId, path: formatted.path }, "unexpected error");
    return {
      message: `Internal server error (request id ${requestId ?? "unknown"})`,
      path: formatted.path,
      extensions: { code: "INTERNAL_SERVER_ERROR", requestId },
    };
  };
}
