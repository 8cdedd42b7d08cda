// OpenTelemetry tracing, on when an OTLP endpoint is configured (the standard OTEL_EXPORTER_OTLP_*
// variables): a span per GraphQL request (continuing the caller's `traceparent`) with a child per
// root field, exported over OTLP/HTTP. Without configuration the API's no-op tracer costs nothing.
import type { ApolloServerPlugin } from "@apollo/server";
import { context, propagation, ProxyTracerProvider, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import type { Context } from "../schema/context.ts";

const TRACER = "jobs-api";

export function tracingConfigured(env: Record<string, string | undefined> = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** Registers the global tracer provider; returns how to flush and stop it. */
export function startTracing(env: Record<string, string | undefined> = process.env): () => Promise<void> {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": env.OTEL_SERVICE_NAME ?? "jobs-api" }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return () => provider.shutdown();
}

/**
 * The tracer spans come from, or undefined while no tracer provider is registered: then every span
 * would be a no-op, so a request skips the tracing hooks altogether (checked per request, since a
 * provider may be registered after the server started).
 */
function activeTracer(): Tracer | undefined {
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider ? provider.getDelegateTracer(TRACER) : provider.getTracer(TRACER);
}

export function tracingPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request, contextValue }) {
      const tracer = activeTracer();
      if (!tracer) return {};
      const carrier: Record<string, string> = {};
      for (const [k, v] of request.http?.headers ?? []) carrier[k] = v;
      const parent = propagation.extract(context.active(), carrier);
      const span: Span = tracer.startSpan("graphql.request", { kind: SpanKind.SERVER }, parent);
      const ctx = trace.setSpan(parent, span);
      if (contextValue.access) contextValue.access.traceId = span.spanContext().traceId;
      return {
        async didResolveOperation({ operation, operationName }) {
          const type = operation?.operation ?? "unknown";
          span.updateName(`graphql.${type} ${operationName ?? "anonymous"}`);
          span.setAttribute("graphql.operation.type", type);
          if (operationName) span.setAttribute("graphql.operation.name", operationName);
        },
        async executionDidStart() {
          return {
            willResolveField({ info }) {
              if (info.path.prev !== undefined) return;
              const field = tracer.startSpan(`graphql.field ${info.fieldName}`, { attributes: { "graphql.field.name": info.fieldName } }, ctx);
              return (error) => {
                if (error) field.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
                field.end();
              };
            },
          };
        },
        async willSendResponse({ errors, response, contextValue }) {
          const body = response.body;
          const all = [...(errors ?? []), ...(body.kind === "single" ? (body.singleResult.errors ?? []) : [])];
          if (contextValue?.requestId) span.setAttribute("jobs.request_id", contextValue.requestId);
          if (all.length) {
            const code = (all[0] as { extensions?: { code?: unknown } }).extensions?.code;
            span.setStatus({ code: SpanStatusCode.ERROR, message: String(code ?? "error") });
          }
          span.end();
        },
      };
    },
  };
}
