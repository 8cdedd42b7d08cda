// With a tracer provider registered, each GraphQL request is a span continuing the caller's trace,
// with a child span per root field and the error code on failures.
import { context, propagation, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.ts";

describe("tracing", () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let t: TestServer;
  beforeAll(async () => {
    provider.register({ propagator: new W3CTraceContextPropagator() });
    t = await startTestServer(backends[0]!);
  });
  afterAll(async () => {
    await t?.stop();
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  it("records a span per request with its operation, root fields and caller's trace", async () => {
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const res = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}`, traceparent: `00-${traceId}-b7ad6b7169203331-01` },
      body: JSON.stringify({ query: "query Me { viewer { userId } }" }),
    });
    expect(res.status).toBe(200);
    await t.admin.raw(`mutation Bad { cancelJob(reasonerType: LOGIC, jobId: "00000000-0000-0000-0000-000000000000") { id } }`);
    const spans = exporter.getFinishedSpans();
    const request = spans.find((s) => s.name === "graphql.query Me");
    expect(request?.spanContext().traceId).toBe(traceId);
    expect(request?.attributes["graphql.operation.type"]).toBe("query");
    const field = spans.find((s) => s.name === "graphql.field viewer");
    expect(field?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    const bad = spans.find((s) => s.name === "graphql.mutation Bad");
    expect(bad?.status).toMatchObject({ code: 2, message: "NOT_FOUND" });
  });
});
