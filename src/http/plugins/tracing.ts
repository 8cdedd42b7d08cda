// The GraphQL side of tracing (src/observability/tracing.ts): a span per operation, named by it, with
// a child per root field; the request's context carries it so execution and upstream calls continue it.
import type { ApolloServerPlugin } from "@apollo/server";
import { context, propagation, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { activeTracer } from "../../observability/tracing.ts";
import type { Context } from "../../schema/context.ts";

export function tracingPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ request, contextValue }) {
      const tracer = activeTracer();
      if (!tracer) return {};
      // Over HTTP the request's span is active already (see app.ts); otherwise (WebSocket) the
      // operation continues the caller's traceparent itself.
      let parent = context.active();
      if (!trace.getSpan(parent)) {
        const carrier: Record<string, string> = {};
        for (const [k, v] of request.http?.headers ?? []) carrier[k] = v;
        parent = propagation.extract(parent, carrier);
      }
      const span: Span = tracer.startSpan(
        "graphql.request",
        { kind: trace.getSpan(context.active()) ? SpanKind.INTERNAL : SpanKind.SERVER },
        parent,
      );
      const ctx = trace.setSpan(parent, span);
      // Execution runs inside it (compiled-execution.ts), so calls to upstreams carry its traceparent.
      if (contextValue) contextValue.trace = ctx;
      if (contextValue?.access) contextValue.access.traceId = span.spanContext().traceId;
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
              const field = tracer.startSpan(
                `graphql.field ${info.fieldName}`,
                { attributes: { "graphql.field.name": info.fieldName } },
                ctx,
              );
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
