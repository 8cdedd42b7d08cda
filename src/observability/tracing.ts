// OpenTelemetry tracing, on when an OTLP endpoint is configured (the standard OTEL_EXPORTER_OTLP_*
// variables), exported over OTLP/HTTP: a span per HTTP GraphQL request (continuing the caller's
// `traceparent`), one per operation with a child per root field, one per database statement, per
// artifact transfer, and for job execution (claim, run, each batch step, complete/fail); a job's run
// links to the request that created it (its traceparent is stored with the job). Without
// configuration nothing is recorded and the hooks cost one check each.
import {
  type Attributes,
  context,
  type Context as OtelContext,
  type Link,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
  TraceFlags,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

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
export function activeTracer(): Tracer | undefined {
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider ? provider.getDelegateTracer(TRACER) : provider.getTracer(TRACER);
}

const TRACEPARENT = /^00-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})$/;

/** The context a W3C `traceparent` names (the root context when absent or malformed). */
export function contextOfTraceParent(traceParent: string | string[] | null | undefined): OtelContext {
  const value = Array.isArray(traceParent) ? traceParent[0] : traceParent;
  const m = value ? TRACEPARENT.exec(value.trim()) : null;
  if (!m || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: m[1]!,
    spanId: m[2]!,
    traceFlags: parseInt(m[3]!, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  });
}

/** The active span's W3C `traceparent`, to store with what it creates; null when nothing is traced. */
export function currentTraceParent(): string | null {
  const span = trace.getActiveSpan();
  const sc = span?.spanContext();
  if (!sc || !trace.isSpanContextValid(sc)) return null;
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, "0")}`;
}

/** A link to the span a stored `traceparent` names (none when absent). */
export function linksTo(traceParent: string | null | undefined, attributes: Attributes = {}): Link[] {
  const sc = trace.getSpanContext(contextOfTraceParent(traceParent));
  return sc ? [{ context: sc, attributes }] : [];
}

/** Longest statement text a span carries (the SQL only: values are never recorded). */
const MAX_STATEMENT_CHARS = 2000;

/** A span for one SQL statement (`db.query SELECT`), or just the statement when nothing is traced. */
export function tracedStatement<T>(text: string, run: () => Promise<T>): Promise<T> {
  if (!activeTracer() || !trace.getActiveSpan()) return run();
  const operation = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? "QUERY";
  return inSpan(
    `db.query ${operation}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        "db.system.name": "postgresql",
        "db.operation.name": operation,
        "db.query.text": text.slice(0, MAX_STATEMENT_CHARS),
      },
    },
    run,
  );
}

export interface SpanSpec {
  kind?: SpanKind;
  attributes?: Attributes;
  links?: Link[];
  /** Parent context; default the active one. */
  parent?: OtelContext;
}

/**
 * Runs `fn` inside a span made active for everything it awaits (statements, nested spans); errors
 * mark the span and are rethrown. Without a tracer `fn` just runs, its own promise answered as is
 * (not wrapped in another: an executor's job passes through several of these).
 */
export function inSpan<T>(name: string, spec: SpanSpec, fn: (span: Span | undefined) => Promise<T>): Promise<T> {
  const tracer = activeTracer();
  if (tracer) return inNewSpan(tracer, name, spec, fn);
  try {
    return fn(undefined);
  } catch (err) {
    // As an async function would: a throw is a rejection, never a throw at the caller.
    return Promise.reject(err);
  }
}

async function inNewSpan<T>(
  tracer: Tracer,
  name: string,
  spec: SpanSpec,
  fn: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  const span = tracer.startSpan(
    name,
    { kind: spec.kind ?? SpanKind.INTERNAL, attributes: spec.attributes ?? {}, links: spec.links ?? [] },
    spec.parent ?? context.active(),
  );
  try {
    return await context.with(trace.setSpan(spec.parent ?? context.active(), span), () => fn(span));
  } catch (err) {
    span.recordException(err instanceof Error ? err : String(err));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: (err as { code?: string }).code ?? (err instanceof Error ? err.message : String(err)),
    });
    throw err;
  } finally {
    span.end();
  }
}
