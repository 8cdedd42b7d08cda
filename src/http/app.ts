// The HTTP surface: GraphQL (and GraphiQL for browsers) on /graphql, health and readiness probes.
import { ApolloServer } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import type { ApolloServerPlugin } from "@apollo/server";
import express, { type Request } from "express";
import type { GraphQLSchema } from "graphql";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { pendingMigrations } from "../db/migrate.ts";
import { asRequestRefusal, jobsError } from "../errors.ts";
import { createJobLoaders } from "../jobs/loaders.ts";
import type { Viewer } from "../jobs/model.ts";
import { compiledExecute, compiledGateway } from "../schema/compiled-execution.ts";
import type { Context, Services } from "../schema/context.ts";
import { createErrorFormatting, type ErrorFormatting, withRequestId } from "../schema/format-error.ts";
import { accessRecordOf, beginAccess } from "../observability/access-log.ts";
import { actAsOf } from "../jobs/remote/act-as.ts";
import { authenticateRequest } from "../security/authenticate.ts";
import { limitRules } from "../security/limits.ts";
import { LEASE_HEADER } from "../workers/protocol/lease.ts";
import { relayedGatewayOf } from "../workers/relay.ts";
import { accessLogPlugin } from "./plugins/access-log.ts";
import { auditOperation, auditPlugin } from "./plugins/audit.ts";
import { checkOperation, operationPolicyPlugin } from "./plugins/operation-policy.ts";
import { requestMetricsPlugin } from "./plugins/request-metrics.ts";
import { tracingPlugin } from "./plugins/tracing.ts";
import { artifactsRouter } from "./artifacts.ts";
import { dashboardRouter, notFoundHandler } from "./dashboard.ts";
import { sessionRouter } from "./session.ts";
import { httpErrorAnswer, sendHttpError } from "./send-error.ts";
import { graphiqlRouter, wantsGraphiQL } from "./graphiql.ts";
import { GRAPHQL_METHODS, graphqlRoute, MAX_BODY_BYTES } from "./graphql-route.ts";
import { optionsAnswer, otherMethods } from "./options.ts";
import { KnownOperations } from "./known-operations.ts";
import { newRequestId } from "./request-id.ts";

/** What express's `req.protocol` and `req.get("host")` give with "trust proxy" off, for any request. */
export function baseUrlOf(services: Services, req: IncomingMessage): string {
  const protocol = (req.socket as TLSSocket).encrypted ? "https" : "http";
  return services.config.publicUrl?.replace(/\/$/, "") ?? `${protocol}://${req.headers.host ?? "localhost"}`;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** The jobs-act-as header: honoured for GATEWAY keys only. */
  actAs?: string | null;
  /** The request's operations (a batch's), each spending one of the key's rate budget. */
  operations?: number;
  /** The x-lease-token header: a worker reading under the lease of the job it runs (see underLease). */
  leaseToken?: string | null;
}

/** Builds the per-request context: authenticates the caller and makes fresh loaders. */
export async function contextFor(
  services: Services,
  authorization: string | undefined,
  baseUrl: string,
  requestId: string,
  { signal, actAs, operations = 1, leaseToken }: RequestOptions = {},
): Promise<Context> {
  let viewer: Viewer;
  try {
    viewer = await authenticateRequest(services, authorization, actAs, operations);
    if (leaseToken) viewer = await underLease(services, viewer, leaseToken);
  } catch (error) {
    throw asRequestRefusal(error);
  }
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
 * A worker naming the lease of the job it runs (x-lease-token, a WORKER or ADMIN key) reads jobs and
 * artifacts as that job's creator sees them, as GET /artifacts/:id does under the header and the
 * in-process executors do: a job (VERIFY listing its target, say) must not borrow the key's whole
 * tenant, nor tell another member's job from one that does not exist. Only the sight narrows: what
 * the request may do is still the key's (Viewer.readsAs).
 */
async function underLease(services: Services, viewer: Viewer, leaseToken: string): Promise<Viewer> {
  if (relayedGatewayOf(services.registry, leaseToken))
    throw jobsError(
      "BAD_USER_INPUT",
      `the ${LEASE_HEADER} header on /graphql takes a lease of this server's own jobs, not an upstream's`,
      { field: LEASE_HEADER },
    );
  const creator = await services.artifacts.leaseReader(leaseToken, viewer);
  return { ...viewer, readsAs: { userId: creator.userId, role: creator.role } };
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

/**
 * Logs the errors of each operation with its request id (what the answer masks, the log keeps), and
 * writes the id into the answer's errors before Apollo serializes them (its formatError never sees
 * the request).
 */
const requestErrorsPlugin = (errors: ErrorFormatting): ApolloServerPlugin<Context> => ({
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors: found, contextValue }) {
        for (const error of found) errors.log(error, contextValue.requestId);
      },
      async willSendResponse({ response, contextValue }) {
        const { body } = response;
        const answer = body.kind === "single" ? body.singleResult : body.initialResult;
        if (answer.errors) answer.errors = answer.errors.map((e) => withRequestId(e, contextValue.requestId));
      },
    };
  },
});

/** Exactly `/graphql`, with or without a query string (other spellings express routes as before). */
function isGraphQLPath(url: string | undefined): boolean {
  return url !== undefined && url.startsWith("/graphql") && (url.length === 8 || url.charCodeAt(8) === 63) /* ? */;
}

export async function createApp(services: Services, schema: GraphQLSchema, httpServer: Server) {
  const errors = createErrorFormatting(services.logger, { suggestions: services.config.fieldSuggestions });
  const execute = compiledExecute(schema);
  const validationRules = limitRules(services.config.limits);
  const policy = { limits: services.config.limits, introspection: services.config.introspection };
  const apollo = new ApolloServer<Context>({
    gateway: compiledGateway(schema, execute),
    // Introspection is allowed here and gated per caller by the operation policy (admins may always).
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGINT/SIGTERM and closes everything in order; Apollo's own handlers (on outside
    // NODE_ENV=test) would stop it a second time and hang the shutdown.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: true,
    parseOptions: { maxTokens: services.config.limits.maxTokens },
    validationRules,
    formatError: (formatted, error) => errors.format(formatted, error),
    // Plain queries and mutations that succeed are answered by graphql-route.ts's shortcut, which
    // takes these plugins' steps for them itself (policy, metrics, audit, access log; tracing turns
    // the shortcut off): a plugin added here that must see them needs its step in `shortcut` too.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // Federated traces (ftv1) would carry resolver error messages to whoever asks; we trace with OpenTelemetry.
      ApolloServerPluginInlineTraceDisabled(),
      // Apollo's cache-control plugin computes a cache policy per resolved field; our schema declares
      // no cache hints, so its answer is always "no-store", given here once per response instead.
      ApolloServerPluginCacheControlDisabled(),
      uncacheablePlugin,
      requestErrorsPlugin(errors),
      operationPolicyPlugin(schema, policy),
      auditPlugin(services.audit),
      requestMetricsPlugin(services.metrics),
      tracingPlugin(),
      accessLogPlugin(),
    ],
  });
  await apollo.start();

  /** The context of a GraphQL request: authenticated, with its access record and a signal made on demand. */
  const contextOf = async (
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    operations: number,
  ): Promise<Context> => {
    try {
      const leaseToken = req.headers[LEASE_HEADER];
      const context = await contextFor(services, req.headers.authorization, baseUrlOf(services, req), requestId, {
        actAs: actAsOf(req.headers),
        operations,
        leaseToken: typeof leaseToken === "string" ? leaseToken : null,
      });
      const access = accessRecordOf(res);
      if (access) {
        access.keyId = context.viewer.apiKeyId;
        context.access = access;
      }
      return withLazySignal(context, res);
    } catch (err) {
      // Answered by Apollo without any operation (so no requestErrorsPlugin): logged here.
      errors.log(err, requestId);
      throw err;
    }
  };
  const graphql = graphqlRoute({
    apollo,
    logger: services.logger,
    maxBatch: services.config.limits.maxBatch,
    contextOf,
    shortcut: {
      schema,
      operations: new KnownOperations(schema, { validationRules, maxTokens: services.config.limits.maxTokens }),
      execute,
      check: (ctx, known, variables, operationName) =>
        checkOperation(schema, policy, ctx, known.document, variables, operationName),
      answered: (ctx, { operation }, variables, seconds) => {
        services.metrics.requestDuration.observe({ operation_type: operation.operation, outcome: "ok" }, seconds);
        auditOperation(services.audit, operation, variables, ctx, []);
      },
    },
  });

  /** Every request's id, in its x-request-id header and its access log line. */
  const beginRequest = (req: IncomingMessage, res: ServerResponse): string => {
    const requestId = newRequestId(req.headers["x-request-id"]);
    res.setHeader("x-request-id", requestId);
    beginAccess(services.logger, req, res, requestId);
    return requestId;
  };

  const app = express();
  app.disable("x-powered-by");
  // API answers (JSON, GraphQL, OPTIONS, errors) are not cacheable resources: no ETag, which express
  // would hash from every body res.send writes. What serves conditional requests does so
  // deliberately with its own: downloads (the content hash, If-None-Match answered 304) and the
  // dashboard's files (express.static's, and sendFile's for its page). A function that makes none
  // rather than `false`, which would turn sendFile's off too.
  app.set("etag", () => undefined);
  app.set("trust proxy", false);
  app.use((req, res, next) => {
    res.locals.requestId = beginRequest(req, res);
    next();
  });

  // On a router of their own, as every other route is: a router answers OPTIONS with its routes'
  // methods before the last handler (the 404) would take it.
  const probes = express.Router();
  probes.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  probes.get("/readyz", async (_req, res) => {
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
  probes.get("/metrics", async (req, res) => {
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
  probes.all(["/healthz", "/readyz", "/metrics"], otherMethods(["GET", "HEAD"]));
  app.use(probes);
  app.use(artifactsRouter(services));
  app.use(sessionRouter(services));
  app.use(dashboardRouter());
  // Before GraphiQL's router, which would list only its own GET.
  app.options("/graphql", optionsAnswer(GRAPHQL_METHODS));
  app.use("/graphql", graphiqlRouter({ endpoint: "/graphql", subscriptionEndpoint: "/graphql" }));
  app.use("/graphql", (req, res, next) => {
    if (req.method === "GET" && wantsGraphiQL(req)) return next();
    graphql(req, res, String(res.locals.requestId));
  });
  app.use(notFoundHandler());

  app.use((err: unknown, req: Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(err);
    const { status, body } = httpErrorAnswer(services.logger, err, req, res.locals.requestId, MAX_BODY_BYTES);
    res.status(status).json(body);
  });

  /**
   * An exact `POST /graphql`, nearly every request, goes straight to the GraphQL handler; express
   * routes the rest to the same handler. Express would first give the request and response its
   * prototypes and walk its router's layers: with its ETag, ~400 us of CPU a request when this was
   * measured (commit 633df1a; the ETag is gone from both ways now).
   */
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === "POST" && isGraphQLPath(req.url)) graphql(req, res, beginRequest(req, res));
    else app(req, res);
  };

  return { app: handler, apollo };
}
