// With a tracer provider registered, each GraphQL request is a span continuing the caller's trace,
// with a child span per root field and the error code on failures.
import { context, propagation, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-node";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
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

  it("continues the trace into an upstream jobs service (remote gateway)", async () => {
    // A stand-in upstream that records what it is sent and answers an empty list.
    const seen: { traceparent?: string; actAs?: string }[] = [];
    const upstream = createServer((req, res) => {
      seen.push({ traceparent: req.headers.traceparent as string | undefined, actAs: req.headers["jobs-act-as"] as string | undefined });
      req.resume();
      req.on("end", () => {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ data: { t0: { edges: [], pageInfo: { hasNextPage: false } } } }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    const { port } = upstream.address() as AddressInfo;
    const front = await startTestServer(backends[0]!, {
      JOBS_GATEWAYS: JSON.stringify([{ name: "up", url: `http://127.0.0.1:${port}/graphql`, apiKey: "jobs_upstream-gateway-key-0123", reasonerTypes: ["GENERATION"] }]),
    });
    try {
      const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
      const res = await fetch(`${front.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}`, traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
        body: JSON.stringify({ query: "query Gen { jobs(filter: { reasonerType: GENERATION }) { edges { node { jobId } } } }" }),
      });
      expect(((await res.json()) as { data: unknown }).data).toEqual({ jobs: { edges: [] } });
      expect(seen).toHaveLength(1);
      expect(seen[0]!.actAs).toBe("admin");
      expect(seen[0]!.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    } finally {
      await front.stop();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });
});
