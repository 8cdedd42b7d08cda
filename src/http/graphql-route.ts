// GraphQL over HTTP: the one handler of every request to /graphql, however it arrives. The server
// hands it an exact `POST /graphql` directly, and express routes it the others (GET, other spellings
// of the path; app.ts says why). It uses only node's request and response, so both ways run the
// same steps and write the same bytes: JSON body, batch limit, Apollo, the answer.
import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseUrl } from "node:url";
import { type ApolloServer, HeaderMap } from "@apollo/server";
import { SpanKind } from "@opentelemetry/api";
import express, { type Request, type Response } from "express";
import type { Logger } from "../logger.ts";
import { contextOfTraceParent, inSpan } from "../observability/tracing.ts";
import type { Context } from "../schema/context.ts";
import { answerWithRequestId } from "./request-id.ts";
import { httpErrorAnswer, writeJson } from "./send-error.ts";

export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export interface GraphQLRouteOptions {
  apollo: ApolloServer<Context>;
  logger: Logger;
  /** Most operations in one batched request. */
  maxBatch: number;
  /** The request's context; throws (an error Apollo answers) when the caller cannot be served. */
  contextOf(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<Context>;
}

export type GraphQLRoute = (req: IncomingMessage, res: ServerResponse, requestId: string) => void;

export function graphqlRoute({ apollo, logger, maxBatch, contextOf }: GraphQLRouteOptions): GraphQLRoute {
  const jsonBody = express.json({ limit: MAX_BODY_BYTES });

  /** As express answers an error its handlers pass on (its final handler, once the answer started). */
  const fail = (req: IncomingMessage, res: ServerResponse, requestId: string, err: unknown) => {
    if (res.headersSent) {
      logger.error({ err, requestId }, "unhandled HTTP error after the answer started");
      req.socket.destroy();
      return;
    }
    const { status, body } = httpErrorAnswer(logger, err, requestId, MAX_BODY_BYTES);
    writeJson(res, status, body);
  };

  /** What @as-integrations/express5's middleware does, with the request id in the answer's errors. */
  const answer = async (req: IncomingMessage, res: ServerResponse, requestId: string, body: unknown) => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    const url = req.url ?? "";
    // The request's span (continuing the caller's traceparent) is active while it executes, so the
    // operation, its statements and the jobs it creates belong to it.
    const span = {
      kind: SpanKind.SERVER,
      parent: contextOfTraceParent(req.headers.traceparent),
      attributes: { "http.request.method": req.method ?? "", "url.path": "/graphql", "jobs.request_id": requestId },
    };
    const response = await inSpan(`${req.method} /graphql`, span, () =>
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: req.method!.toUpperCase(),
          headers,
          search: url.includes("?") ? (parseUrl(url).search ?? "") : "",
          body,
        },
        context: () => contextOf(req, res, requestId),
      }),
    );
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status || 200;
    if (response.body.kind === "complete") {
      const text = answerWithRequestId(res.statusCode, response.body.string, requestId);
      if (!res.hasHeader("transfer-encoding")) res.setHeader("content-length", Buffer.byteLength(text, "utf8"));
      res.end(req.method === "HEAD" ? undefined : text, "utf8");
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  return (req, res, requestId) => {
    // express's parser reads only node's request (it is typed for express's).
    jsonBody(req as Request, res as Response, (err?: unknown) => {
      if (err) return fail(req, res, requestId, err);
      const body = (req as { body?: unknown }).body;
      if (Array.isArray(body) && body.length > maxBatch) {
        writeJson(res, 400, {
          errors: [
            {
              message: `at most ${maxBatch} operations per batched request`,
              extensions: { code: "BAD_USER_INPUT", requestId },
            },
          ],
        });
        return;
      }
      answer(req, res, requestId, body).catch((e: unknown) => fail(req, res, requestId, e));
    });
  };
}
