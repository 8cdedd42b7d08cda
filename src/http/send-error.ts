// Errors of the plain HTTP routes (artifacts, metrics) in the same shape as GraphQL's: the
// contract's code in `extensions`, an HTTP status that says the same, nothing internal.
import type { Response } from "express";
import type { GraphQLError } from "graphql";
import { isJobsError } from "../errors.ts";
import type { Logger } from "../logger.ts";

export function httpStatusOf(code: string, extensions: Record<string, unknown>): number {
  switch (code) {
    case "BAD_USER_INPUT":
      // A body over the size limit is still bad input to GraphQL-minded clients, but HTTP has a word for it.
      return extensions.field === "body" && extensions.maxBytes !== undefined ? 413 : 400;
    case "UNAUTHENTICATED":
      return 401;
    case "FORBIDDEN":
      return 403;
    case "NOT_FOUND":
      return 404;
    case "LEASE_LOST":
    case "CONFLICT":
      return 409;
    case "RATE_LIMITED":
      return 429;
    default:
      return 400;
  }
}

export interface UnexpectedAnswer {
  /** Logged with the error. */
  what: string;
  status?: number;
  message?: string;
}

export function sendHttpError(res: Response, logger: Logger, err: unknown, unexpected: UnexpectedAnswer): void {
  const requestId = String(res.locals.requestId ?? "");
  if (isJobsError(err)) {
    const e = err as GraphQLError;
    const status =
      (e.extensions.http as { status?: number } | undefined)?.status ??
      httpStatusOf(String(e.extensions.code), e.extensions);
    const { http: _http, ...extensions } = e.extensions;
    res.status(status).json({ errors: [{ message: e.message, extensions: { ...extensions, requestId } }] });
    return;
  }
  logger.error({ err, requestId }, unexpected.what);
  res.status(unexpected.status ?? 500).json({
    errors: [
      {
        message: unexpected.message ?? "Internal server error",
        extensions: { code: "INTERNAL_SERVER_ERROR", requestId },
      },
    ],
  });
}
