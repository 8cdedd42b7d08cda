// With a tracer provider registered: each HTTP GraphQL request is a span continuing the caller's
// trace, with a span per operation and per root field and the error code on failures; statements
// are spans inside it; a job's execution (claim, run, complete, each batch step, artifact transfers)
// is traced and links to the request that created the job.
import { context, propagation, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-node";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.ts";
import { pollUntil } from "../helpers/poll.ts";

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
beforeAll(() => {
  provider.register({ propagator: new W3CTraceContextPropagator() });
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  propagation.disable();
  context.disable();
});

const traceParent = (traceId: string) => `00-${traceId}-b7ad6b7169203331-01`;

async function post(
  t: TestServer,
  query: string,
  variables: Record<string, unknown> = {},
  traceId?: string,
): Promise<any> {
  const res = await fetch(`${t.url}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${ADMIN_KEY}`,
      ...(traceId ? { traceparent: traceParent(traceId) } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown[] };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data;
}

const children = (spans: ReadableSpan[], parent: ReadableSpan) =>
  spans.filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);
const linkedTo = (span: ReadableSpan, target: { traceId: string; spanId?: string }) =>
  span.links.some(
    (l) => l.context.traceId === target.traceId && (target.spanId === undefined || l.context.spanId === target.spanId),
  );

describe.each(backends.map((b) => [b.name, b] as const))("tracing on %s", (_name, backend) => {
  let t: TestServer;
  beforeAll(async () => {
    exporter.reset();
    t = await startTestServer(backend, { JOBS_WORKERS: "1" });
  });
  afterAll(async () => t?.stop());

  it("records a span per request with its operation, root fields, statements and caller's trace", async () => {
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    await post(t, "query Me { viewer { userId } }", {}, traceId);
    await t.admin.raw(
      `mutation Bad { cancelJob(reasonerType: LOGIC, jobId: "00000000-0000-0000-0000-000000000000") { id } }`,
    );
    const spans = exporter.getFinishedSpans();
    const http = spans.find((s) => s.name === "POST /graphql" && s.spanContext().traceId === traceId);
    expect(http?.parentSpanContext?.spanId).toBe("b7ad6b7169203331");
    const request = spans.find((s) => s.name === "graphql.query Me");
    expect(request?.spanContext().traceId).toBe(traceId);
    expect(request?.parentSpanContext?.spanId).toBe(http?.spanContext().spanId);
    expect(request?.attributes["graphql.operation.type"]).toBe("query");
    const field = spans.find((s) => s.name === "graphql.field viewer");
    expect(field?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    // Authentication reads the key: a statement span inside the request, with its SQL and no values.
    const statements = children(spans, http!).filter((s) => s.name.startsWith("db.query "));
    expect(statements.length).toBeGreaterThan(0);
    expect(statements[0]!.attributes["db.query.text"]).toEqual(expect.any(String));
    const bad = spans.find((s) => s.name === "graphql.mutation Bad");
    expect(bad?.status).toMatchObject({ code: 2, message: "NOT_FOUND" });
  });

  it("continues the trace into an upstream jobs service (remote gateway)", async () => {
    // A stand-in upstream that records what it is sent and answers an empty list (the client's own
    // query, which the front forwards as it came).
    const seen: { traceparent?: string; actAs?: string }[] = [];
    const upstream = createServer((req, res) => {
      seen.push({
        traceparent: req.headers.traceparent as string | undefined,
        actAs: req.headers["jobs-act-as"] as string | undefined,
      });
      req.resume();
      req.on("end", () => {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ data: { jobs: { edges: [] } } }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    const { port } = upstream.address() as AddressInfo;
    const front = await startTestServer(backends[0]!, {
      JOBS_GATEWAYS: JSON.stringify([
        {
          name: "up",
          url: `http://127.0.0.1:${port}/graphql`,
          apiKey: "jobs_upstream-gateway-key-0123",
          reasonerTypes: ["GENERATION"],
        },
      ]),
    });
    try {
      const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
      const res = await fetch(`${front.url}/graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${ADMIN_KEY}`,
          traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
        },
        body: JSON.stringify({
          query: "query Gen { jobs(filter: { reasonerType: GENERATION }) { edges { node { jobId } } } }",
        }),
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

  it("traces a job's claim, run, upload and completion, linked to the request that created it", async () => {
    const traceId = "1bf7651916cd43dd8448eb211c80319d";
    const created = await post(
      t,
      `mutation Make { createGenerationJob(input: { kind: MOCK, rows: 50, seed: 3 }) { job { jobId } } }`,
      {},
      traceId,
    );
    const jobId = created.createGenerationJob.job.jobId as string;
    const done = await post(
      t,
      `query($id: ID!) { waitForJob(reasonerType: GENERATION, jobId: $id, timeoutS: 120) { state ... on GenerationJob { artifacts { id downloadUrl } } } }`,
      { id: jobId },
    );
    expect(done.waitForJob.state).toBe("SUCCEEDED");

    // The execution span ends after the completion it contains, which the wait may beat by moments.
    const execute = await waitForSpan(() =>
      exporter
        .getFinishedSpans()
        .find((s) => s.name === "job.execute GENERATION" && s.attributes["jobs.job_id"] === jobId),
    );
    const spans = exporter.getFinishedSpans();
    const createRequest = spans.find((s) => s.name === "POST /graphql" && s.spanContext().traceId === traceId)!;
    // Linked to the creating request: its span, or one inside it (the GraphQL operation or its field,
    // which is what is active while the job is written).
    const withinRequest = (spanId: string | undefined): boolean => {
      if (spanId === createRequest.spanContext().spanId) return true;
      const span = spans.find((s) => s.spanContext().spanId === spanId);
      return span !== undefined && withinRequest(span.parentSpanContext?.spanId);
    };
    const link = execute.links.find((l) => l.context.traceId === traceId);
    expect(withinRequest(link?.context.spanId)).toBe(true);
    expect(execute.spanContext().traceId).not.toBe(traceId); // its own trace, linked (queues can wait hours)
    const steps = children(spans, execute).map((s) => s.name);
    expect(steps).toEqual(expect.arrayContaining(["job.run", "job.complete"]));
    const run = children(spans, execute).find((s) => s.name === "job.run")!;
    expect(children(spans, run).some((s) => s.name === "artifact.upload")).toBe(true);
    expect(spans.some((s) => s.name === "job.claim" && s.attributes["jobs.claimed"] === 1)).toBe(true);

    // Downloading the artifact is a transfer span in the caller's trace, with its size.
    const downloadTrace = "2cf7651916cd43dd8448eb211c80319e";
    const artifact = done.waitForJob.artifacts[0];
    const res = await fetch(artifact.downloadUrl, {
      headers: { authorization: `Bearer ${ADMIN_KEY}`, traceparent: traceParent(downloadTrace) },
    });
    expect(res.status).toBe(200);
    const bytes = (await res.arrayBuffer()).byteLength;
    const download = await waitForSpan(() =>
      exporter
        .getFinishedSpans()
        .find((s) => s.name === "artifact.download" && s.spanContext().traceId === downloadTrace),
    );
    expect(download.attributes["jobs.artifact.size_bytes"]).toBe(bytes);
  });

  it("gives each batch step a span, and the step's child job links to it", async () => {
    const created = await post(t, `mutation($i: RunBatchJobInput!) { runBatchJob(input: $i) { job { jobId } } }`, {
      i: {
        name: "traced",
        steps: [{ name: "make", run: { reasonerType: "GENERATION", payload: { kind: "MOCK", rows: 10, seed: 5 } } }],
      },
    });
    const batchId = created.runBatchJob.job.jobId as string;
    const done = await post(
      t,
      `query($id: ID!) { waitForJob(reasonerType: BATCH, jobId: $id, timeoutS: 120) { state ... on BatchJob { steps { childJobId } } } }`,
      { id: batchId },
    );
    expect(done.waitForJob.state).toBe("SUCCEEDED");
    const childId = done.waitForJob.steps[0].childJobId as string;
    const step = await waitForSpan(() =>
      exporter
        .getFinishedSpans()
        .find((s) => s.name === "batch.step make" && s.attributes["jobs.batch.child_job_id"] === childId),
    );
    const child = await waitForSpan(() =>
      exporter
        .getFinishedSpans()
        .find((s) => s.name === "job.execute GENERATION" && s.attributes["jobs.job_id"] === childId),
    );
    expect(linkedTo(child, { traceId: step.spanContext().traceId, spanId: step.spanContext().spanId })).toBe(true);
  });
});

/** Waits for a span to be exported (spans end just after what they wrap answers). */
function waitForSpan<T>(find: () => T | undefined): Promise<T> {
  return pollUntil(find, (span): span is T => span !== undefined, "the span to be exported", { timeoutMs: 30_000 });
}
