// The WebSocket protocol's refusals, against the real server: a client that breaks the protocol is
// closed with 4400 (not 4500, which says the server failed), whatever it sent, and nobody else on
// the server notices.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { CloseCode } from "@jobs-api/client";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.ts";
import { backends } from "../helpers/backends.ts";

/** Opens a raw graphql-transport-ws socket, acknowledged, and resolves how the server closes it after `messages`. */
async function closedAfter(url: string, messages: string[]): Promise<{ code: number; reason: string }> {
  const ws = new WebSocket(url.replace(/^http/, "ws") + "/graphql", "graphql-transport-ws");
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: String(reason) })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  const acked = new Promise<void>((resolve) =>
    ws.on("message", (data) => {
      if ((JSON.parse(String(data)) as { type: string }).type === "connection_ack") resolve();
    }),
  );
  ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${ADMIN_KEY}` } }));
  await acked;
  for (const m of messages) ws.send(m);
  return closed;
}

describe.each(backends)("WebSocket protocol refusals on $name", (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend);
  });
  afterAll(async () => t?.stop());

  it("closes with 4400 for a message only a server sends, as for a malformed one", async () => {
    for (const message of [
      JSON.stringify({ type: "next", id: "1", payload: {} }),
      JSON.stringify({ type: "connection_ack" }),
      "{not json",
    ]) {
      const closed = await closedAfter(t.url, [message]);
      expect(closed.code, message).toBe(CloseCode.BadRequest);
    }
    // The server is fine: a well-behaved client is answered.
    const ok = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ query: "{ viewer { userId } }" }),
    });
    expect(ok.status).toBe(200);
  });
});
