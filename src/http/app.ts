// The HTTP surface: GraphQL (and GraphiQL for browsers) on /graphql, health and readiness probes.
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import express, { type Request } from "express";
import type { GraphQLSchema } from "graphql";
import type { Server } from "node:http";
import { pendingMigrations } from "../db/migrate.ts";
import { jobsError } from "../errors.ts";
import { createJobLoaders } from "../jobs/loaders.ts";
import type { Context, Services } from "../schema/context.ts";
import { createFormatError } from "../schema/format-error.ts";
import { requestMetricsPlugin } from "../observability/metrics.ts";
import { tracingPlugin } from "../observability/tracing.ts";
import { auditPlugin } from "../security/audit.ts";
import { authenticateRequest } from "../security/authenticate.ts";
import { limitRules } from "../security/limits.ts";
import { operationPolicyPlugin } from "../security/plugins.ts";
import { artifactsRouter } from "./artifacts.ts";
import { sendHttpError } from "./send-error.ts";
import { graphiqlRouter, wantsGraphiQL } from "./graphiql.ts";
import { newRequestId, runInRequestScope } from "./request-scope.ts";

export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export function baseUrlOf(services: Services, req: Request): string {
  return services.config.publicUrl?.replace(/\/$/, "") ?? `${req.protocol}://${req.get("host") ?? "localhost"}`;
}

/** Builds the per-request context: authenticates the caller and makes fresh loaders. */
export async function contextFor(services: Services, authorization: string | undefined, baseUrl: string, requestId: string, signal?: AbortSignal): Promise<Context> {
  const viewer = await authenticateRequest(services, authorization);
  return { services, viewer, loaders: createJobLoaders(services.registry, viewer), requestId, baseUrl, signal };
}

export async function createApp(services: Services, schema: GraphQLSchema, httpServer: Server) {
  const apollo = new ApolloServer<Context>({
    schema,
    // Introspection is allowed here and gated per caller by the operation policy (admins may always).
    introspection: true,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: true,
    parseOptions: { maxTokens: services.config.limits.maxTokens },
    validationRules: limitRules(services.config.limits),
    formatError: createFormatError(services.logger, { suggestions: services.config.fieldSuggestions }),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // Federated traces (ftv1) would carry resolver error messages to whoever asks; we trace with OpenTelemetry.
      ApolloServerPluginInlineTraceDisabled(),
      operationPolicyPlugin(schema, { limits: services.config.limits, introspection: services.config.introspection }),
      auditPlugin(services.audit),
      requestMetricsPlugin(services.metrics),
      tracingPlugin(),
    ],
  });
  await apollo.start();

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  app.use((req, res, next) => {
    const requestId = newRequestId(req.headers["x-request-id"]);
    res.setHeader("x-request-id", requestId);
    res.locals.requestId = requestId;
    runInRequestScope(requestId, next);
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
        if (!(await services.auth.isFirstTenantAdmin(viewer))) throw jobsError("FORBIDDEN", "metrics need an admin key of the first tenant");
      }
      const { contentType, body } = await services.metrics.exposition();
      res.setHeader("content-type", contentType);
      res.send(body);
    } catch (err) {
      sendHttpError(res, services.logger, err, { what: "metrics collection failed", status: 503, message: "metrics unavailable" });
    }
  });
  app.use(artifactsRouter(services));
  app.use("/graphql", graphiqlRouter({ endpoint: "/graphql", subscriptionEndpoint: "/graphql" }));
  app.use(
    "/graphql",
    (req, res, next) => {
      if (req.method === "GET" && wantsGraphiQL(req)) return next("route");
      next();
    },
    express.json({ limit: MAX_BODY_BYTES }),
    (req, res, next) => {
      const max = services.config.limits.maxBatch;
      if (Array.isArray(req.body) && req.body.length > max) {
        res.status(400).json({ errors: [{ message: `at most ${max} operations per batched request`, extensions: { code: "BAD_USER_INPUT", requestId: res.locals.requestId } }] });
        return;
      }
      next();
    },
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const abort = new AbortController();
        res.on("close", () => abort.abort());
        return contextFor(services, req.headers.authorization, baseUrlOf(services, req), String(res.locals.requestId), abort.signal);
      },
    }),
  );

  // Bodies too large or not JSON: a clear error, never a stack trace.
  app.use((err: unknown, _req: Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(err);
    const e = err as { status?: number; type?: string; message?: string };
    const status = e.status && e.status >= 400 && e.status < 500 ? e.status : 500;
    if (status === 500) services.logger.error({ err, requestId: res.locals.requestId }, "unhandled HTTP error");
    const code = status === 413 ? "BAD_USER_INPUT" : status < 500 ? "BAD_REQUEST" : "INTERNAL_SERVER_ERROR";
    const message = status === 413 ? `request body larger than ${MAX_BODY_BYTES} bytes` : status < 500 ? "malformed request" : "Internal server error";
    res.status(status).json({ errors: [{ message, extensions: { code, requestId: res.locals.requestId } }] });
  });

  return { app, apollo };
}
