// What clients see of an error: our codes and GraphQL's own validation errors as they are;
// anything unexpected masked, with the request id to find it in the logs (where log() writes it).
import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { isJobsError } from "../errors.ts";
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

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "57P01",
  "57P02",
  "57P03",
  "08000",
  "08001",
  "08003",
  "08006",
]);
const CONNECTION_MESSAGE =
  /ECONNREFUSED|ECONNRESET|Connection terminated|connection (?:is )?(?:closed|ended|refused)|terminating connection|timeout exceeded when trying to connect|not queryable|Can't reach database/i;

/** Whether an error (or one it wraps) says the database cannot be reached right now. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 5) return false;
  const e = error as { code?: unknown; message?: unknown; cause?: unknown; originalError?: unknown };
  if (typeof e.code === "string" && CONNECTION_CODES.has(e.code)) return true;
  if (typeof e.message === "string" && CONNECTION_MESSAGE.test(e.message)) return true;
  return isDatabaseUnavailable(e.cause, depth + 1) || isDatabaseUnavailable(e.originalError, depth + 1);
}

const UNEXPECTED_MESSAGE = "Internal server error";

/**
 * The error with the request id in its extensions (an unexpected one also in its message). Apollo calls formatError without the request, so its answers get the id afterwards: from
 * a plugin before they are serialized, or, for answers refused before any operation ran, from the
 * HTTP layer (src/http/request-id.ts). (Carrying the id in an AsyncLocalStorage instead cost every
 * promise of the process an async hook: ~10% of a small query's time.)
 */
export function withRequestId(error: GraphQLFormattedError, requestId: string): GraphQLFormattedError {
  const unexpected = error.extensions?.code === "INTERNAL_SERVER_ERROR" && error.message === UNEXPECTED_MESSAGE;
  return {
    ...error,
    ...(unexpected ? { message: `${UNEXPECTED_MESSAGE} (request id ${requestId})` } : {}),
    extensions: { ...error.extensions, requestId },
  };
}

type ErrorKind = "ours" | "client" | "refused" | "unavailable" | "unexpected";

function kindOf(original: unknown, formatted: GraphQLFormattedError): ErrorKind {
  if (isJobsError(original)) return "ours";
  const code = formatted.extensions?.code;
  if (typeof code === "string" && CLIENT_CODES.has(code)) return "client";
  if (isDatabaseUnavailable(original)) return "unavailable";
  // graphql-js refusing the operation as a whole (e.g. an operation type the schema lacks) is the
  // client's mistake: no path, nothing thrown underneath.
  if (
    original instanceof GraphQLError &&
    !original.originalError &&
    !original.path &&
    (code === undefined || code === "INTERNAL_SERVER_ERROR")
  )
    return "refused";
  // A GraphQLError without a code from graphql-js itself (e.g. a non-null violation) is still ours to hide.
  return "unexpected";
}

export interface ErrorFormatting {
  /** What the client sees of an error; without a request id (Apollo's formatError), see withRequestId. */
  format(formatted: GraphQLFormattedError, error: unknown, requestId?: string): GraphQLFormattedError;
  /** Logs, with the request id, what format hides: unexpected errors and database outages. */
  log(error: unknown, requestId: string): void;
}

export function createErrorFormatting(
  logger: Logger,
  options: { suggestions: boolean } = { suggestions: true },
): ErrorFormatting {
  const hints = (message: string) => (options.suggestions ? message : withoutSuggestions(message));
  const masked = (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    switch (kindOf(original, formatted)) {
      case "ours": {
        const { http: _http, ...extensions } = (original as GraphQLError).extensions;
        // Apollo marks graphql-js's variable coercion errors BAD_USER_INPUT too: they carry hints.
        return { ...formatted, message: hints((original as GraphQLError).message), extensions };
      }
      case "client": {
        return {
          message: hints(formatted.message),
          locations: formatted.locations,
          path: formatted.path,
          extensions: { code: formatted.extensions!.code },
        };
      }
      case "unavailable":
        return {
          message: "the database is unavailable; retry shortly",
          path: formatted.path,
          extensions: { code: "INTERNAL_SERVER_ERROR", reason: "DATABASE_UNAVAILABLE", retryable: true },
        };
      case "refused":
        return {
          message: hints(formatted.message),
          locations: formatted.locations,
          extensions: { code: "BAD_REQUEST" },
        };
      case "unexpected":
        return { message: UNEXPECTED_MESSAGE, path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
    }
  };
  return {
    format(formatted, error, requestId) {
      const answer = masked(formatted, error);
      return requestId === undefined ? answer : withRequestId(answer, requestId);
    },
    log(error, requestId) {
      const original = unwrapResolverError(error);
      const path = error instanceof GraphQLError ? error.path : undefined;
      const formatted = error instanceof GraphQLError ? error.toJSON() : { message: String(error) };
      const kind = kindOf(original, formatted);
      if (kind === "unavailable") logger.warn({ requestId, path }, "database unavailable");
      else if (kind === "unexpected")
        logger.error(
          { err: original instanceof Error ? original : new GraphQLError(String(original)), requestId, path },
          "unexpected error",
        );
    },
  };
}
