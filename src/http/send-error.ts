// Errors of the plain HTTP routes (artifacts, metrics) in the same shape as GraphQL's: the
// contract's code in `extensions`, an HTTP status that says the same, nothing internal.
import type { ServerResponse } from "node:http";
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
    const http = e.extensions.http as { status?: number; headers?: Map<string, string> } | undefined;
    const status = http?.status ?? httpStatusOf(String(e.extensions.code), e.extensions);
    // As Apollo answers the same error on /graphql (Retry-After on a 429, say).
    for (const [name, value] of http?.headers ?? []) res.setHeader(name, value);
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

/** A JSON answer as express's res.json writes it (less its ETag), on any response. */
export function writeJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("content-length", Buffer.byteLength(text, "utf8"));
  res.end(text, "utf8");
}

/** The answer to a request that failed outside GraphQL: a body too large or not JSON gets a clear error, never a stack trace. */
export function httpErrorAnswer(
  logger: Logger,
  err: unknown,
  requestId: unknown,
  maxBodyBytes: number,
): { status: number; body: { errors: { message: string; extensions: Record<string, unknown> }[] } } {
  const e = err as { status?: number };
  const status = e.status && e.status >= 400 && e.status < 500 ? e.status : 500;
  if (status === 500) logger.error({ err, requestId }, "unhandled HTTP error");
  const code = status === 413 ? "BAD_USER_INPUT" : status < 500 ? "BAD_REQUEST" : "INTERNAL_SERVER_ERROR";
  const message =
    status === 413
      ? `request body larger than ${maxBodyBytes} bytes`
      : status < 500
        ? "malformed request"
        : "Internal server error";
  return { status, body: { errors: [{ message, extensions: { code, requestId } }] } };
}
