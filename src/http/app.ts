// The HTTP surface: GraphQL (and GraphiQL for browsers) on /graphql, health and readiness probes.
import { ApolloServer } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import { type ApolloServerPlugin, HeaderMap } from "@apollo/server";
import { SpanKind } from "@opentelemetry/api";
import express, { type Request, type Response } from "express";
import type { GraphQLSchema } from "graphql";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { parse as parseUrl } from "node:url";
import { pendingMigrations } from "../db/migrate.ts";
import { jobsError } from "../errors.ts";
import { createJobLoaders } from "../jobs/loaders.ts";
import { compiledExecute, compiledGateway } from "../schema/compiled-execution.ts";
import type { Context, Services } from "../schema/context.ts";
import { createErrorFormatting, type ErrorFormatting, fillRequestId } from "../schema/format-error.ts";
import { accessLogPlugin, accessRecordOf, beginAccess } from "../observability/access-log.ts";
import { requestMetricsPlugin } from "../observability/metrics.ts";
import { contextOfTraceParent, inSpan, tracingPlugin } from "../observability/tracing.ts";
import { auditPlugin } from "../security/audit.ts";
import { actAsOf, authenticateRequest } from "../security/authenticate.ts";
import { limitRules } from "../security/limits.ts";
import { operationPolicyPlugin } from "../security/plugins.ts";
import { artifactsRouter } from "./artifacts.ts";
import { dashboardRouter } from "./dashboard.ts";
import { sessionRouter } from "./session.ts";
import { sendHttpError } from "./send-error.ts";
import { graphiqlRouter, wantsGraphiQL } from "./graphiql.ts";
import { newRequestId } from "./request-id.ts";

export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** What express's `req.protocol` and `req.get("host")` give with "trust proxy" off, for any request. */
export function baseUrlOf(services: Services, req: IncomingMessage): string {
  const protocol = (req.socket as TLSSocket).encrypted ? "https" : "http";
  return services.config.publicUrl?.replace(/\/$/, "") ?? `${protocol}://${req.headers.host ?? "localhost"}`;
}

/** Builds the per-request context: authenticates the caller and makes fresh loaders. */
export async function contextFor(
  services: Services,
  authorization: string | undefined,
  baseUrl: string,
  requestId: string,
  signal?: AbortSignal,
  actAs?: string | null,
): Promise<Context> {
  const viewer = await authenticateRequest(services, authorization, actAs);
  return {
    services,
    viewer,
    loaders: createJobLoaders(services.registry, viewer),
    requestId,
    baseUrl,
    ...(signal ? { signal } : {}),
  };
}

/**
 * `cache-control: no-store` on every GraphQL answer, as Apollo's cache-control plugin (with its
 * defaults: maxAge 0, HTTP headers on) answers for a schema without cache hints.
 */
const uncacheablePlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (!response.http.headers.has("cache-control")) response.http.headers.set("cache-control", "no-store");
      },
    };
  },
};

/**
 * Aborted when the connection closes before the answer was sent. Every response closes; one that
 * closes after its answer aborts nothing (an abort costs an exception object).
 */
function abortedOnEarlyClose(res: ServerResponse): AbortController {
  const abort = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) abort.abort();
  };
  if (res.closed) onClose();
  else res.on("close", onClose);
  return abort;
}

const RESPONSE = Symbol("response");
const ABORT = Symbol("abort");
interface SignalHolder {
  [RESPONSE]: ServerResponse;
  [ABORT]?: AbortController;
}

/**
 * The prototype of every HTTP request's context: its `signal` is made when first asked for, since
 * only waits (waitForJob, say) use it and most requests never do. The getter is on the prototype, not
 * the context, because Apollo clones the context by copying its own properties (which would call an
 * own getter, making the signal for every request) onto an object with the same prototype.
 */
const httpContextPrototype = {
  get signal(): AbortSignal {
    const holder = this as unknown as SignalHolder;
    return (holder[ABORT] ??= abortedOnEarlyClose(holder[RESPONSE])).signal;
  },
};

/** The context with a `signal` aborted when `res` closes before its answer. */
function withLazySignal(context: Context, res: ServerResponse): Context {
  return Object.assign(Object.create(httpContextPrototype) as Context & SignalHolder, context, { [RESPONSE]: res });
}

/** Logs the errors of each operation with its request id (what the answer masks, the log keeps). */
const errorLogPlugin = (errors: ErrorFormatting): ApolloServerPlugin<Context> => ({
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors: found, contextValue }) {
        for (const error of found) errors.log(error, contextValue.requestId);
      },
    };
  },
});

/** Exactly `/graphql`, with or without a query string (other spellings express routes as before). */
function isGraphQLPath(url: string | undefined): boolean {
  return url !== undefined && url.startsWith("/graphql") && (url.length === 8 || url.charCodeAt(8) === 63) /* ? */;
}

/** The types Apollo Server gives complete answers; express's res.send keeps them exactly as they are. */
const UTF8_JSON_TYPES = new Set([
  "application/json; charset=utf-8",
  "application/graphql-response+json; charset=utf-8",
]);

export async function createApp(services: Services, schema: GraphQLSchema, httpServer: Server) {
  const errors = createErrorFormatting(services.logger, { suggestions: services.config.fieldSuggestions });
  const apollo = new ApolloServer<Context>({
    gateway: compiledGateway(schema, compiledExecute(schema)),
    // Introspection is allowed here and gated per caller by the operation policy (admins may always).
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGINT/SIGTERM and closes everything in order; Apollo's own handlers (on outside
    // NODE_ENV=test) would stop it a second time and hang the shutdown.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: true,
    parseOptions: { maxTokens: services.config.limits.maxTokens },
    validationRules: limitRules(services.config.limits),
    formatError: (formatted, error) => errors.format(formatted, error),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // Federated traces (ftv1) would carry resolver error messages to whoever asks; we trace with OpenTelemetry.
      ApolloServerPluginInlineTraceDisabled(),
      // Apollo's cache-control plugin computes a cache policy per resolved field; our schema declares
      // no cache hints, so its answer is always "no-store", given here once per response instead.
      ApolloServerPluginCacheControlDisabled(),
      uncacheablePlugin,
      errorLogPlugin(errors),
      operationPolicyPlugin(schema, { limits: services.config.limits, introspection: services.config.introspection }),
      auditPlugin(services.audit),
      requestMetricsPlugin(services.metrics),
      tracingPlugin(),
      accessLogPlugin(),
    ],
  });
  await apollo.start();

  const jsonBody = express.json({ limit: MAX_BODY_BYTES });

  /** Bodies too large or not JSON: a clear error, never a stack trace. */
  const httpErrorAnswer = (err: unknown, requestId: unknown) => {
    const e = err as { status?: number; type?: string; message?: string };
    const status = e.status && e.status >= 400 && e.status < 500 ? e.status : 500;
    if (status === 500) services.logger.error({ err, requestId }, "unhandled HTTP error");
    const code = status === 413 ? "BAD_USER_INPUT" : status < 500 ? "BAD_REQUEST" : "INTERNAL_SERVER_ERROR";
    const message =
      status === 413
        ? `request body larger than ${MAX_BODY_BYTES} bytes`
        : status < 500
          ? "malformed request"
          : "Internal server error";
    return { status, body: { errors: [{ message, extensions: { code, requestId } }] } };
  };

  /** More operations in one batched request than allowed: answered here, true. */
  const refuseOversizedBatch = (req: Request, res: Response, requestId: string): boolean => {
    const max = services.config.limits.maxBatch;
    if (!Array.isArray(req.body) || req.body.length <= max) return false;
    res.status(400).json({
      errors: [
        {
          message: `at most ${max} operations per batched request`,
          extensions: { code: "BAD_USER_INPUT", requestId },
        },
      ],
    });
    return true;
  };

  /** What @as-integrations/express5's middleware does; `direct`: on the direct path (see servePost). */
  const answerGraphQL = async (
    req: Request,
    res: ServerResponse,
    requestId: string,
    direct: boolean,
  ): Promise<void> => {
    if (!("body" in req)) {
      res.statusCode = 500;
      emit(
        req,
        res,
        requestId,
        direct,
        "`req.body` is not set; this probably means you forgot to set up the `json` middleware before the Apollo Server middleware.",
      );
      return;
    }
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
          body: req.body,
        },
        context: async () => {
          try {
            const context = await contextFor(
              services,
              req.headers.authorization,
              baseUrlOf(services, req),
              requestId,
              undefined,
              actAsOf(req.headers),
            );
            const access = accessRecordOf(res);
            if (access) {
              access.keyId = context.viewer.apiKeyId;
              context.access = access;
            }
            return withLazySignal(context, res);
          } catch (err) {
            // Answered by Apollo without any operation (so no errorLogPlugin): logged here.
            errors.log(err, requestId);
            throw err;
          }
        },
      }),
    );
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status || 200;
    if (response.body.kind === "complete") {
      emit(req, res, requestId, direct, fillRequestId(response.body.string, requestId));
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(fillRequestId(chunk, requestId));
    res.end();
  };

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  app.use((req, res, next) => {
    const requestId = newRequestId(req.headers["x-request-id"]);
    res.setHeader("x-request-id", requestId);
    res.locals.requestId = requestId;
    beginAccess(services.logger, req, res, requestId);
    next();
  });

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    try {
      await services.db.ping();
      const pending = await pendingMigrations(services.db);
      if (pending.length) {
        res.status(503).json({ status: "migrations pending", pending });
        return;
      }
      res.json({ status: "ready", database: services.db.kind });
    } catch {
      res.status(503).json({ status: "database unreachable" });
    }
  });

  // Prometheus scrapes with an admin key of the first tenant (counts span tenants), unless public.
  app.get("/metrics", async (req, res) => {
    try {
      if (!services.config.metricsPublic) {
        const viewer = await authenticateRequest(services, req.headers.authorization);
        if (!(await services.auth.isFirstTenantAdmin(viewer)))
          throw jobsError("FORBIDDEN", "metrics need an admin key of the first tenant");
      }
      const { contentType, body } = await services.metrics.exposition();
      res.setHeader("content-type", contentType);
      res.send(body);
    } catch (err) {
      sendHttpError(res, services.logger, err, {
        what: "metrics collection failed",
        status: 503,
        message: "metrics unavailable",
      });
    }
  });
  app.use(artifactsRouter(services));
  app.use(sessionRouter(services));
  app.use(dashboardRouter());
  app.use("/graphql", graphiqlRouter({ endpoint: "/graphql", subscriptionEndpoint: "/graphql" }));
  app.use(
    "/graphql",
    (req, res, next) => {
      if (req.method === "GET" && wantsGraphiQL(req)) return next("route");
      next();
    },
    jsonBody,
    (req, res, next) => {
      if (!refuseOversizedBatch(req, res, String(res.locals.requestId))) next();
    },
    (req, res, next) => {
      answerGraphQL(req, res, String(res.locals.requestId), false).catch(next);
    },
  );

  app.use((err: unknown, req: Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(err);
    const { status, body } = httpErrorAnswer(err, res.locals.requestId);
    res.status(status).json(body);
  });

  /** Makes a plain request and response what express's app.handle makes them, for its methods. */
  const asExpress = (req: IncomingMessage, res: ServerResponse, requestId: string): [Request, Response] => {
    Object.setPrototypeOf(req, app.request);
    Object.setPrototypeOf(res, app.response);
    const r = req as Request;
    const s = res as Response;
    r.res = s;
    s.req = r;
    s.locals ??= Object.create(null) as Response["locals"];
    s.locals.requestId = requestId;
    return [r, s];
  };

  /** As the chain's error handler answers (or express's final handler, once the answer started). */
  const failDirect = (req: IncomingMessage, res: ServerResponse, requestId: string, err: unknown) => {
    if (res.headersSent) {
      services.logger.error({ err, requestId }, "unhandled HTTP error after the answer started");
      req.socket.destroy();
      return;
    }
    const { status, body } = httpErrorAnswer(err, requestId);
    asExpress(req, res, requestId)[1].status(status).json(body);
  };

  /** A complete answer: written directly on the direct path, with express's res.send in the chain. */
  function emit(req: IncomingMessage, res: ServerResponse, requestId: string, direct: boolean, body: string): void {
    if (direct) sendDirect(req, res, requestId, body);
    else (res as Response).send(body);
  }

  function sendDirect(req: IncomingMessage, res: ServerResponse, requestId: string, body: string): void {
    const type = res.getHeader("content-type");
    const status = res.statusCode;
    if (
      typeof type === "string" &&
      UTF8_JSON_TYPES.has(type) &&
      status >= 200 &&
      status !== 204 &&
      status !== 205 &&
      status !== 304
    ) {
      if (!res.hasHeader("transfer-encoding")) res.setHeader("content-length", Buffer.byteLength(body, "utf8"));
      res.end(body, "utf8");
    } else {
      asExpress(req, res, requestId)[1].send(body);
    }
  }

  /**
   * `POST /graphql`, the hot path, answered without express's router: the same steps as the chain
   * above (request id and scope, JSON body, batch limit, Apollo). An ordinary answer (Apollo's JSON
   * with a status that has a body) is written directly: the bytes and headers express's res.send
   * writes, except the ETag, which nothing uses on a POST. Anything else (errors reading the body,
   * oversized batches, other answers) goes through express's own response methods, as in the chain.
   */
  const servePost = (req: IncomingMessage, res: ServerResponse) => {
    const requestId = newRequestId(req.headers["x-request-id"]);
    res.setHeader("x-request-id", requestId);
    beginAccess(services.logger, req, res, requestId);
    jsonBody(req as Request, res as Response, (err?: unknown) => {
      if (err) return failDirect(req, res, requestId, err);
      const body = (req as Request).body as unknown;
      if (Array.isArray(body) && body.length > services.config.limits.maxBatch) {
        const [r, s] = asExpress(req, res, requestId);
        refuseOversizedBatch(r, s, requestId);
        return;
      }
      answerGraphQL(req as Request, res, requestId, true).catch((e: unknown) => failDirect(req, res, requestId, e));
    });
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === "POST" && isGraphQLPath(req.url)) servePost(req, res);
    else app(req, res);
  };

  return { app: handler, apollo };
}
