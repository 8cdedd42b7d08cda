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
      status: res.statusCode,
      durationMs: Math.round((performance.now() - start) * 1000) / 1000,
      ...(res.writableFinished ? {} : { aborted: true }),
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
