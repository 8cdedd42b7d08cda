// A dataset upload through a front is streamed on to the upstream, not buffered: a stand-in upstream
// (it records what reaches it) must receive the first part of the body while the client still holds
// the rest back. every-family-upstream.test.ts runs the same path against a real upstream server.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.ts";

const GATEWAY_KEY = "jobs_upstream-gateway-key-0123";
/** The gateway's timeout: how long an upload may make no progress. */
const STALL_MS = 1500;

describe("dataset uploads through a front", () => {
  let front: TestServer;
  let upstream: ReturnType<typeof createServer>;
  /** Resolved with the first bytes the upstream receives of an upload, and the request's headers. */
  let firstBytes: Promise<{ chunk: string; headers: IncomingMessage["headers"]; url: string }>;

  beforeAll(async () => {
    let reached: (v: { chunk: string; headers: IncomingMessage["headers"]; url: string }) => void = () => undefined;
    firstBytes = new Promise((resolve) => (reached = resolve));
    upstream = createServer((req, res) => {
      // A stuck upstream: takes the body, never answers.
      if (req.url?.includes("name=stuck")) return void req.resume();
      let size = 0;
      req.on("data", (chunk: Buffer) => {
        if (size === 0) reached({ chunk: chunk.toString("utf8"), headers: req.headers, url: req.url ?? "" });
        size += chunk.length;
      });
      req.on("end", () => {
        res.statusCode = 201;
        res.setHeader("content-type", "application/json");
        res.end(
          JSON.stringify({ id: "0193a0e6-0000-7000-8000-000000000001", contentHash: "sha256:x", sizeBytes: size }),
        );
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    const { port } = upstream.address() as AddressInfo;
    front = await startTestServer(backends[0]!, {
      JOBS_GATEWAYS: JSON.stringify([
        {
          name: "gen",
          url: `http://127.0.0.1:${port}/graphql`,
          apiKey: GATEWAY_KEY,
          reasonerTypes: ["GENERATION"],
          timeoutMs: STALL_MS,
        },
      ]),
    });
  }, 120_000);

  afterAll(async () => {
    await front?.stop();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  it("streams the body on as it arrives, with the gateway's key and the caller named", async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode("id,amount\n"));
        // The rest only once the upstream has the first part: a front that buffered would wait forever.
        await held;
        controller.enqueue(new TextEncoder().encode("1,10\n2,20\n"));
        controller.close();
      },
    });
    const answer = fetch(`${front.url}/uploads?name=orders.csv`, {
      method: "PUT",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "text/csv" },
      body,
      duplex: "half",
    } as RequestInit & { duplex: "half" });
    const first = await firstBytes;
    expect(first.chunk).toBe("id,amount\n");
    expect(first.url).toBe("/uploads?name=orders.csv");
    expect(first.headers).toMatchObject({
      authorization: `Bearer ${GATEWAY_KEY}`,
      "jobs-act-as": "admin",
      "content-type": "text/csv",
    });
    release();
    const response = await answer;
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ sizeBytes: "id,amount\n1,10\n2,20\n".length });
  }, 60_000);

  it("gives up on an upstream that takes the body and never answers: UPSTREAM_UNAVAILABLE after the gateway's timeout", async () => {
    const started = Date.now();
    const response = await fetch(`${front.url}/uploads?name=stuck`, {
      method: "PUT",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "text/csv" },
      body: "id,amount\n1,10\n",
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(STALL_MS - 100);
    const body = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors[0]!.extensions).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", gateway: "gen" });
    expect(body.errors[0]!.message).toContain(`no progress for ${STALL_MS} ms`);
  }, 60_000);
});
