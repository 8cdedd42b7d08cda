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
import { EXECUTED, type Execute, type Executed } from "../schema/compiled-execution.ts";
import type { Context } from "../schema/context.ts";
import { answerBytes } from "../schema/pass-through.ts";
import type { KnownOperation, KnownOperations } from "./known-operations.ts";
import { refuseMethod } from "./options.ts";
import { answerWithRequestId } from "./request-id.ts";
import { httpErrorAnswer, writeJson } from "./send-error.ts";

export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/**
 * What /graphql takes: POST, GET (queries, GraphiQL for a browser, the WebSocket upgrade) and HEAD
 * (a GET's headers).
 */
export const GRAPHQL_METHODS: readonly string[] = ["GET", "HEAD", "POST"];

export interface GraphQLRouteOptions {
  apollo: ApolloServer<Context>;
  logger: Logger;
  /** Most operations in one batched request. */
  maxBatch: number;
  /**
   * The request's context; throws (an error Apollo answers) when the caller cannot be served.
   * `operations`: how many the request carries (a batch's length, else 1), each spending one of the
   * key's rate budget, so batching buys no more than sending them one by one.
   */
  contextOf(req: IncomingMessage, res: ServerResponse, requestId: string, operations: number): Promise<Context>;
  /** What known operations need to be answered without Apollo's pipeline (see known-operations.ts). */
  shortcut: OperationShortcut;
}

/** The steps Apollo's plugins take for an operation that succeeds, taken by the route itself. */
export interface OperationShortcut {
  schema: GraphQLSchema;
  operations: KnownOperations;
  /** The one executor Apollo runs too. */
  execute: Execute;
  /** The operation policy (cost, introspection): throws what Apollo would answer. */
  check(
    ctx: Context,
    operation: KnownOperation,
    variables: Record<string, unknown> | undefined,
    operationName: string | null | undefined,
  ): void;
  /**
   * What the plugins do for an operation answered without errors: its request metrics, and a
   * mutation's audit rows.
   */
  answered(
    ctx: Context,
    operation: KnownOperation,
    variables: Record<string, unknown> | undefined,
    seconds: number,
  ): void;
}

/** An operation the shortcut may answer (a POST body, or an element of a batch): no extensions (persisted queries go to Apollo). */
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

/** A body element as the caller wrote it, for a message. */
const kindOf = (value: unknown) => (value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`);

/** Whether an operation names what to run: a `query`, or a persisted query's hash (Apollo's APQ). */
const namesOperation = (operation: Record<string, unknown>) =>
  operation.query != null ||
  (typeof operation.extensions === "object" &&
    operation.extensions !== null &&
    (operation.extensions as Record<string, unknown>).persistedQuery != null);

/**
 * What is wrong with a POST as a GraphQL request, where Apollo's refusal would not say (one message,
 * "POST body missing, invalid Content-Type, or JSON object has no keys.", for all of these); null
 * when Apollo's own checks will say it clearly.
 */
function postProblem(contentType: string | undefined, body: unknown): { status: number; message: string } | null {
  if (!isJsonRequest(contentType))
    return {
      status: 415,
      message: contentType
        ? `POST /graphql takes a JSON body (content-type: application/json), not ${contentType}`
        : "POST /graphql takes a JSON body: send content-type: application/json",
    };
  if (Array.isArray(body)) {
    if (body.length === 0) return { status: 400, message: "the batch is empty: send at least one operation" };
    for (const [i, operation] of body.entries()) {
      if (typeof operation !== "object" || operation === null || Array.isArray(operation))
        return {
          status: 400,
          message: `a batch is an array of operations (objects with a \`query\`): element ${i} is ${kindOf(operation)}`,
        };
      if (!namesOperation(operation as Record<string, unknown>))
        return { status: 400, message: `operation ${i} of the batch has no \`query\`` };
    }
    return null;
  }
  if (typeof body === "object" && body !== null && !namesOperation(body as Record<string, unknown>))
    return { status: 400, message: 'the body has no `query`: send {"query": "<a GraphQL document>"}' };
  return null;
}

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
    const { status, body } = httpErrorAnswer(logger, err, req, requestId, MAX_BODY_BYTES);
    writeJson(res, status, body);
  };

  /**
   * The answer of known operations (a POST body, or every element of a batch) as Apollo would give
   * it when they all succeed; anything else (the caller refused, the policy refusing any of them,
   * errors in any result) is answered by Apollo with the same context and the results already
   * executed (nothing runs twice), so errors keep their one formatting, logging and status.
   */
  const answerKnown = async (
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    body: PlainBody | PlainBody[],
    known: KnownOperation[],
  ) => {
    const start = performance.now();
    const pieces = Array.isArray(body) ? body : [body];
    const context = contextOf(req, res, requestId, pieces.length);
    const byApollo = () => answer(req, res, requestId, body, () => context);
    let ctx: Context;
    try {
      ctx = await context;
      // All checked before any runs: a refused one leaves the batch to Apollo with nothing executed.
      pieces.forEach((piece, i) => {
        shortcut.check(ctx, known[i]!, piece.variables ?? undefined, piece.operationName);
      });
    } catch {
      return byApollo();
    }
    // Each operation on its own copy of the context, as Apollo runs it (what execution writes there,
    // a partial answer's errors, stays the operation's).
    const contexts = pieces.map(() => Object.assign(Object.create(Object.getPrototypeOf(ctx)) as Context, ctx));
    const executions = pieces.map((piece, i) =>
      shortcut.execute({
        schema: shortcut.schema,
        document: known[i]!.document,
        contextValue: contexts[i],
        variableValues: piece.variables ?? {},
        operationName: piece.operationName,
      }),
    );
    const settled = await Promise.allSettled(executions);
    if (settled.some((s) => s.status === "rejected" || s.value.errors?.length)) {
      // Thrown (the database away before any resolver ran, say) or answered with errors: Apollo's
      // executor hands each its outcome as it is, known by its variables (an empty object for an
      // operation sent without: read as none everywhere).
      (ctx as Context & { [EXECUTED]?: Map<unknown, Executed> })[EXECUTED] = new Map(
        pieces.map((piece, i) => [(piece.variables ??= {}), { result: executions[i]!, context: contexts[i]! }]),
      );
      return byApollo();
    }
    const results = settled.map((s) => (s as PromiseFulfilledResult<Awaited<ReturnType<Execute>>>).value);
    for (const { operation } of known) ctx.access?.operations.push(operation.name?.value ?? "anonymous");
    // An upstream's answer passed on is written as it came (it is what the line below would write);
    // others as Apollo serializes a result (orderExecutionResultFields, prettyJSONStringify), and a
    // batch as Apollo joins its answers.
    const answers = results.map(
      (result) => answerBytes(result) ?? `${JSON.stringify({ data: result.data, extensions: result.extensions })}\n`,
    );
    const written: Buffer | string = !Array.isArray(body)
      ? answers[0]!
      : answers.every((a) => typeof a === "string")
        ? `[${answers.join(",")}]`
        : Buffer.concat(["[", ...answers.flatMap((a, i) => (i ? [",", a] : [a])), "]"].map((a) => Buffer.from(a)));
    res.statusCode = 200;
    res.setHeader("cache-control", "no-store");
    res.setHeader("content-type", ANSWER_TYPE);
    res.setHeader("content-length", Buffer.byteLength(written));
    res.end(written);
    const seconds = (performance.now() - start) / 1000;
    pieces.forEach((piece, i) => {
      shortcut.answered(contexts[i]!, known[i]!, piece.variables ?? undefined, seconds);
    });
  };

  /** Every operation of the request, known, when the shortcut may take it; else null (Apollo answers). */
  const knownOperations = (req: IncomingMessage, body: unknown): KnownOperation[] | null => {
    if (
      req.method !== "POST" ||
      !isJsonRequest(req.headers["content-type"]) ||
      !plainlyAccepted(req.headers.accept) ||
      // Traced requests get Apollo's spans (tracingPlugin).
      activeTracer()
    )
      return null;
    const pieces = Array.isArray(body) ? body : [body];
    // An empty batch is Apollo's error to answer.
    if (pieces.length === 0) return null;
    const known: KnownOperation[] = [];
    for (const piece of pieces) {
      const operation = isPlainBody(piece) && shortcut.operations.operationOf(piece.query, piece.operationName);
      if (!operation) return null;
      known.push(operation);
    }
    return known;
  };

  /** The request by the shortcut when it may take it, else by Apollo. */
  const route = (req: IncomingMessage, res: ServerResponse, requestId: string, body: unknown) => {
    const known = knownOperations(req, body);
    if (known) return answerKnown(req, res, requestId, body as PlainBody | PlainBody[], known);
    // Apollo makes one context for a whole batch (and runs a batch only from a POST).
    const operations = req.method === "POST" && Array.isArray(body) ? body.length : 1;
    return answer(req, res, requestId, body, () => contextOf(req, res, requestId, operations));
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
          // Apollo knows GET and POST: a HEAD is the GET whose body is left unsent (below).
          method: req.method === "HEAD" ? "GET" : req.method!.toUpperCase(),
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
    if (!GRAPHQL_METHODS.includes(req.method ?? "")) {
      refuseMethod(res, "/graphql", req.method, GRAPHQL_METHODS, requestId);
      return;
    }
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
      const problem = req.method === "POST" ? postProblem(req.headers["content-type"], body) : null;
      if (problem) {
        writeJson(res, problem.status, {
          errors: [{ message: problem.message, extensions: { code: "BAD_REQUEST", requestId } }],
        });
        return;
      }
      route(req, res, requestId, body).catch((e: unknown) => fail(req, res, requestId, e));
    });
  };
}
