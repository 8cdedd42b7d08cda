// Errors of the plain HTTP routes (artifacts, metrics) in the same shape as GraphQL's: the
// contract's code in `extensions`, an HTTP status that says the same, nothing internal.
import type { IncomingMessage, ServerResponse } from "node:http";
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

/** What went wrong with a request that failed before any handler could answer (body-parser, the router). */
interface RequestFailure {
  status?: number;
  expose?: boolean;
  message?: string;
  /** body-parser's kind of failure. */
  type?: string;
  /** The raw body, when it did not parse. */
  body?: unknown;
  charset?: string;
  encoding?: string;
}

/** What the client got wrong, in words (a 4xx failure). */
function failureMessage(e: RequestFailure, req: IncomingMessage, maxBodyBytes: number): string {
  switch (e.type) {
    case "entity.too.large":
      return `request body larger than ${maxBodyBytes} bytes`;
    case "entity.parse.failed": {
      // body-parser's strict mode: JSON, but a string, number or null, which no request is.
      const first = typeof e.body === "string" ? e.body.trimStart()[0] : undefined;
      if (first !== undefined && first !== "{" && first !== "[")
        return "the body is JSON but not a GraphQL request: send an object with a `query`, or an array of them (a batch)";
      return `the body is not valid JSON: ${e.message}`;
    }
    case "charset.unsupported":
      return `charset "${e.charset}" is not supported: send JSON in UTF-8`;
    case "encoding.unsupported":
      return `content-encoding "${e.encoding}" is not supported: send the body as it is, or in gzip, deflate or br`;
    case "request.size.invalid":
      return "the body is not as long as its content-length says";
    case "request.aborted":
      return "the request was aborted before its body arrived";
  }
  if (e instanceof URIError) return `the path ${req.url?.split("?", 1)[0]} is not valid percent-encoding`;
  if (e.status === 404) return `nothing is served at ${req.method} ${req.url?.split("?", 1)[0]}`;
  // body-parser passes on the decompressor's own error (zlib's "incorrect header check", say) as a 400.
  const encoding = req.headers["content-encoding"];
  if (e.status === 400 && e.type === undefined && encoding && encoding !== "identity")
    return `the body is not valid ${encoding} (its content-encoding): ${e.message}`;
  // http-errors' messages (body-parser's, express's) are written for clients when `expose` is set.
  return e.expose && e.message ? e.message : `HTTP ${e.status}`;
}

function failureCode(status: number): string {
  if (status === 413) return "BAD_USER_INPUT";
  if (status === 404) return "NOT_FOUND";
  return status < 500 ? "BAD_REQUEST" : "INTERNAL_SERVER_ERROR";
}

/**
 * The answer to a request that failed outside GraphQL: what was wrong with it, in words and with
 * its code (a body too large, not JSON or not readable, a path that does not decode); never a stack
 * trace.
 */
export function httpErrorAnswer(
  logger: Logger,
  err: unknown,
  req: IncomingMessage,
  requestId: unknown,
  maxBodyBytes: number,
): { status: number; body: { errors: { message: string; extensions: Record<string, unknown> }[] } } {
  const e = (err ?? {}) as RequestFailure;
  const status = e.status && e.status >= 400 && e.status < 500 ? e.status : 500;
  if (status === 500) logger.error({ err, requestId }, "unhandled HTTP error");
  const message = status === 500 ? "Internal server error" : failureMessage(e, req, maxBodyBytes);
  return { status, body: { errors: [{ message, extensions: { code: failureCode(status), requestId } }] } };
}
