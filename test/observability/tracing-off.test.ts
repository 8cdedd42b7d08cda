// Without a tracer provider every span would be a no-op: a request then gets no tracing hooks at all
// (no per-field hook for Apollo to call), and with one registered later, it is traced again.
import { trace } from "@opentelemetry/api";
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-node";
import { describe, expect, it } from "vitest";
import { tracingPlugin } from "../../src/http/plugins/tracing.ts";

describe("tracing without a provider", () => {
  it("adds no hooks until a provider is registered", async () => {
    const plugin = tracingPlugin();
    const start = (plugin.requestDidStart as (ctx: unknown) => Promise<Record<string, unknown>>).bind(plugin);
    expect(await start({ request: {} })).toEqual({});
    const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] });
    provider.register();
    try {
      const hooks = await start({ request: {} });
      expect(Object.keys(hooks).sort()).toEqual(["didResolveOperation", "executionDidStart", "willSendResponse"]);
    } finally {
      await provider.shutdown();
      trace.disable();
    }
  });
});
