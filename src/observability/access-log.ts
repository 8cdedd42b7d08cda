// One JSON log line per HTTP request, written when the answer is finished (or the client left):
// request id, trace id, API key id, GraphQL operation name(s), status and duration. The record rides
// on the response object; the GraphQL context and the plugins fill in what only they know.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../logger.ts";

export interface AccessRecord {
  requestId: string;
  keyId: string | null;
  traceId: string | null;
  /** GraphQL operation names (a batched request has several; anonymous ones are "anonymous"). */
  operations: string[];
}

const RECORD = Symbol("accessRecord");
type WithRecord = ServerResponse & { [RECORD]?: AccessRecord };

/** Probes are polled every few seconds: logged at debug, so they do not drown the requests. */
const PROBES = new Set(["/healthz", "/readyz"]);

/** The trace id of a W3C `traceparent` header, when the caller sent one and tracing is off. */
function traceIdOf(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(value.trim()) : null;
  return match ? match[1]! : null;
}

/** What Node's server answers these parser errors with when no answer was started (socketOnError); 400 the rest. */
const PARSER_ERROR_STATUS: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
};

/** nginx's status for a request whose client closed the connection before any answer. */
const CLIENT_CLOSED_REQUEST = 499;

/**
 * The status to log, and whether the client left before the answer was all sent. A request with no
 * answer started either failed in Node's parser, which then answered itself (as its socket's error
 * says: 408 for a request slower than its time to arrive, 413 or 431 for chunk extensions or
 * trailers over its size limit, 400 for the rest of what is malformed), or was abandoned
 * by its client (the connection ended mid-request): 499, as nginx logs it. An unanswered response's
 * own statusCode would read 200.
 */
function outcomeOf(req: IncomingMessage, res: ServerResponse): { status: number; aborted?: true } {
  if (res.headersSent)
    return res.writableFinished ? { status: res.statusCode } : { status: res.statusCode, aborted: true };
  const code = (req.socket.errored as (Error & { code?: unknown }) | null)?.code;
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return { status: 408 };
  // The parser's errors, but for the client ending the connection mid-body (HPE_INVALID_EOF_STATE).
  if (typeof code === "string" && code.startsWith("HPE_") && code !== "HPE_INVALID_EOF_STATE")
    return { status: PARSER_ERROR_STATUS[code] ?? 400 };
  return { status: CLIENT_CLOSED_REQUEST, aborted: true };
}

/** Starts the record of one request; its line is logged once the response finishes or closes. */
export function beginAccess(
  logger: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): AccessRecord {
  const start = performance.now();
  const record: AccessRecord = { requestId, keyId: null, traceId: null, operations: [] };
  (res as WithRecord)[RECORD] = record;
  const path = (req.url ?? "/").split("?", 1)[0]!;
  const done = () => {
    res.off("finish", done);
    res.off("close", done);
    const line = {
      requestId,
      traceId: record.traceId ?? traceIdOf(req.headers.traceparent),
      keyId: record.keyId,
      method: req.method,
      path,
      operationName: record.operations.length ? record.operations.join(",") : null,
      ...outcomeOf(req, res),
      durationMs: Math.round((performance.now() - start) * 1000) / 1000,
    };
    if (PROBES.has(path)) logger.debug(line, "request");
    else logger.info(line, "request");
  };
  res.once("finish", done);
  res.once("close", done);
  return record;
}

export function accessRecordOf(res: ServerResponse): AccessRecord | undefined {
  return (res as WithRecord)[RECORD];
}
