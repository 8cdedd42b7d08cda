// Many calls to one upstream at once (a front's users reading upstream jobs together): each gets its
// answer, and the process warns of no listener leak. The policies around each call (circuit
// breaker, timeout, retries) had every in-flight call listen on one shared signal, so the eleventh
// concurrent call made Node warn MaxListenersExceededWarning on every front under load.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Upstream } from "../../src/jobs/remote/upstream.ts";
import { UPSTREAM_VIEWER } from "../helpers/federation.ts";

const viewer = UPSTREAM_VIEWER;
const CALLS = 40;

describe("many concurrent calls to one upstream", () => {
  let server: http.Server;
  let url: string;
  /** Requests held until all CALLS have arrived, so that every call is in flight at once. */
  const held: http.ServerResponse[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        held.push(res);
        if (held.length < CALLS) return;
        for (const r of held.splice(0)) {
          r.writeHead(200, { "content-type": "application/json" });
          r.end('{"data":{"ok":true}}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("answers every call, reads and writes alike, and warns of no listener leak", async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      const upstream = new Upstream({
        name: "busy",
        url,
        apiKey: "a-gateway-key-of-16-or-more",
        reasonerTypes: ["AGENT"],
        timeoutMs: 10_000,
        tenantId: viewer.tenantId,
      });
      const answers = await Promise.all(
        Array.from({ length: CALLS }, (_, i) =>
          upstream.request<{ ok: boolean }>({ query: "{ ok }", viewer, idempotent: i % 2 === 0 }),
        ),
      );
      expect(answers).toEqual(Array.from({ length: CALLS }, () => ({ ok: true })));
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });
});
