// The live relay's connection to an upstream that accepts TCP connections and never answers (a hung
// process, a black-holing proxy): a new subscriber learns within the gateway's timeout that the
// upstream is unavailable, and closing the relay does not wait for the handshake that never ends.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UpstreamLive } from "../../src/jobs/remote/live.ts";
import { Upstream } from "../../src/jobs/remote/upstream.ts";
import { UPSTREAM_VIEWER } from "../helpers/federation.ts";

const viewer = UPSTREAM_VIEWER;

describe("a live relay to an upstream that never answers", () => {
  let silent: net.Server;
  const held = new Set<net.Socket>();
  let url: string;
  beforeAll(async () => {
    silent = net.createServer((socket) => {
      held.add(socket);
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}/graphql`;
  });
  /** A gateway to the silent server, relaying the viewer's tenant, with a 300 ms timeout. */
  const hungUpstream = () =>
    new Upstream({
      name: "hung",
      url,
      apiKey: "a-gateway-key-of-16-or-more",
      reasonerTypes: ["AGENT"],
      timeoutMs: 300,
      tenantId: viewer.tenantId,
    });
  afterAll(async () => {
    for (const s of held) s.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it("fails a new subscription with UPSTREAM_UNAVAILABLE after the gateway's timeout, and closes at once", async () => {
    const upstream = hungUpstream();
    const live = new UpstreamLive(upstream, "a-gateway-key-of-16-or-more");
    const stream = live.subscribe("subscription { jobsChanged { raw } }", "jobsChanged", () => ({}), viewer);
    const started = Date.now();
    const outcome = await stream.next().then(
      () => null,
      (error: { extensions?: Record<string, unknown>; message: string }) => error,
    );
    expect(outcome?.extensions).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", gateway: "hung" });
    expect(outcome?.message).toContain("300 ms");
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    // The handshake is still pending on the silent server: close() ends it rather than waiting on it.
    const closing = Date.now();
    await live.close();
    expect(Date.now() - closing).toBeLessThan(1000);
  });

  it("a viewer of another tenant of the front is refused before anything is sent", () => {
    const upstream = hungUpstream();
    const stranger = { ...viewer, tenantId: "00000000-0000-4000-8000-000000000002" };
    expect(upstream.serves(stranger)).toBe(false);
    expect(() => upstream.headers(stranger)).toThrow(/another tenant/);
    expect(upstream.headers(viewer)["jobs-act-as"]).toBe("alice");
    expect(upstream.headers({ ...viewer, userId: "zoë" })).toMatchObject({ "jobs-act-as-encoded": "zo%C3%AB" });
  });
});
