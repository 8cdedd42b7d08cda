// GraphQL over HTTP: the one handler of every request to /graphql, however it arrives. The server
// hands it an exact `POST /graphql` directly, and express routes it the others (GET, other spellings
// of the path; app.ts says why). It uses only node's request and response, so both ways run the
// same steps and write the same bytes: JSON body, batch limit, Apollo, the answer.
import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseUrl } from "node:url";
import { type ApolloServer, HeaderMap } from "@apollo/server";
import { SpanKind } from "@opentelemetry/api";
import express, { type Request, type Response } from "express";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "../logger.ts";
import { activeTracer, contextOfTraceParent, inSpan } from "../observability/tracing.ts";
import { EXECUTED, type Execute } from "../schema/compiled-execution.ts";
import type { Context } from "../schema/context.ts";
import { answerBytes } from "../schema/pass-through.ts";
import type { KnownQueries, KnownQuery } from "./known-queries.ts";
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
  /** What a known query needs to be answered without Apollo's pipeline (see known-queries.ts). */
  shortcut: QueryShortcut;
}

/** The steps Apollo's plugins take for a query that succeeds, taken by the route itself. */
export interface QueryShortcut {
  schema: GraphQLSchema;
  queries: KnownQueries;
  /** The one executor Apollo runs too. */
  execute: Execute;
  /** The operation policy (cost, introspection): throws what Apollo would answer. */
  check(
    ctx: Context,
    query: KnownQuery,
    variables: Record<string, unknown> | undefined,
    operationName: string | null | undefined,
  ): void;
  /** Counts and times a query answered without errors (what the request metrics plugin does). */
  answered(seconds: number): void;
}

/** A POST body the shortcut may answer: one operation, no extensions (persisted queries go to Apollo). */
interface PlainBody {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

const isPlainBody = (body: unknown): body is PlainBody => {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return false;
  const b = body as Record<string, unknown>;
  return (
    typeof b.query === "string" &&
    b.extensions === undefined &&
    (b.operationName == null || typeof b.operationName === "string") &&
    (b.variables == null || (typeof b.variables === "object" && !Array.isArray(b.variables)))
  );
};

/** Apollo answers JSON as application/json when the request accepts it plainly (or says nothing). */
const ANSWER_TYPE = "application/json; charset=utf-8";
const plainlyAccepted = (accept: string | undefined) =>
  accept === undefined || accept === "*/*" || accept === "application/json";
const isJsonRequest = (contentType: string | undefined) =>
  contentType !== undefined && /^application\/json\s*(;|$)/i.test(contentType);

export type GraphQLRoute = (req: IncomingMessage, res: ServerResponse, requestId: string) => void;

export function graphqlRoute({ apollo, logger, maxBatch, contextOf, shortcut }: GraphQLRouteOptions): GraphQLRoute {
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

  /**
   * A known query's answer, as Apollo would give it when it succeeds; anything else (the caller
   * refused, the policy refusing, errors in the result) is answered by Apollo with the same context
   * (and the result already executed), so errors keep their one formatting, logging and status.
   */
  const answerKnown = async (
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    body: PlainBody,
    query: KnownQuery,
  ) => {
    const start = performance.now();
    const context = contextOf(req, res, requestId);
    const byApollo = () => answer(req, res, requestId, body, () => context);
    let ctx: Context;
    try {
      ctx = await context;
      shortcut.check(ctx, query, body.variables ?? undefined, body.operationName);
    } catch {
      return byApollo();
    }
    let result: Awaited<ReturnType<Execute>>;
    try {
      result = await shortcut.execute({
        schema: shortcut.schema,
        document: query.document,
        contextValue: ctx,
        variableValues: body.variables ?? {},
        operationName: body.operationName,
      });
    } catch {
      // Thrown rather than answered (the database away before any resolver ran, say): Apollo runs
      // it again and answers what it throws as every error is answered.
      return byApollo();
    }
    if (result.errors?.length) {
      (ctx as Context & { [EXECUTED]?: typeof result })[EXECUTED] = result;
      return byApollo();
    }
    ctx.access?.operations.push(query.operation.name?.value ?? "anonymous");
    // An upstream's answer passed on is written as it came (it is what the line below would write);
    // others as Apollo serializes a result (orderExecutionResultFields, prettyJSONStringify).
    const written: Buffer | string =
      answerBytes(result) ?? `${JSON.stringify({ data: result.data, extensions: result.extensions })}\n`;
    res.statusCode = 200;
    res.setHeader("cache-control", "no-store");
    res.setHeader("content-type", ANSWER_TYPE);
    res.setHeader("content-length", Buffer.byteLength(written));
    res.end(written);
    shortcut.answered((performance.now() - start) / 1000);
  };

  /** The request by the shortcut when it may take it, else by Apollo. */
  const route = (req: IncomingMessage, res: ServerResponse, requestId: string, body: unknown) => {
    if (
      req.method === "POST" &&
      isPlainBody(body) &&
      isJsonRequest(req.headers["content-type"]) &&
      plainlyAccepted(req.headers.accept) &&
      // Traced requests get Apollo's spans (tracingPlugin).
      !activeTracer()
    ) {
      const query = shortcut.queries.queryOf(body.query, body.operationName);
      if (query) return answerKnown(req, res, requestId, body, query);
    }
    return answer(req, res, requestId, body, () => contextOf(req, res, requestId));
  };

  /** What @as-integrations/express5's middleware does, with the request id in the answer's errors. */
  const answer = async (
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    body: unknown,
    context: () => Promise<Context>,
  ) => {
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
        context,
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
      route(req, res, requestId, body).catch((e: unknown) => fail(req, res, requestId, e));
    });
  };
}
