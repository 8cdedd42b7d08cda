// The WebSocket protocol's refusals, against the real server: a client that breaks the protocol is
// closed with 4400 (not 4500, which says the server failed), whatever it sent, and nobody else on
// the server notices. A frame that breaks the WebSocket protocol itself is closed by `ws` with the
// code the RFC names (1002, 1007), and logged as the client's fault (debug), not as a server warning.
import type { Socket } from "node:net";
import { Writable } from "node:stream";
import { pino } from "pino";
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

/** A client frame of text `payload`: masked unless told, with the RSV1 bit when told (no extension was agreed). */
function frame(payload: Buffer, { masked = true, rsv1 = false } = {}): Buffer {
  const key = Buffer.from([1, 2, 3, 4]);
  const body = Buffer.from(payload);
  if (masked) for (let i = 0; i < body.length; i++) body[i]! ^= key[i % 4]!;
  return Buffer.concat([
    Buffer.from([0x81 | (rsv1 ? 0x40 : 0), (masked ? 0x80 : 0) | body.length]),
    masked ? key : Buffer.alloc(0),
    body,
  ]);
}

describe.each(backends)("WebSocket protocol refusals on $name", (backend) => {
  let t: TestServer;
  const logged: { level: number; msg?: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n"))
        if (line.trim()) logged.push(JSON.parse(line) as { level: number; msg?: string });
      done();
    },
  });
  beforeAll(async () => {
    t = await startTestServer(backend, {}, pino({ level: "debug" }, sink));
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

  it("closes a frame that breaks the WebSocket protocol with 1002 or 1007, as the client's fault, not the server's", async () => {
    const before = logged.length;
    const ping = Buffer.from(JSON.stringify({ type: "ping" }));
    for (const [bad, code] of [
      [frame(ping, { masked: false }), 1002],
      [frame(ping, { rsv1: true }), 1002],
      [frame(Buffer.from([0xc3, 0x28])), 1007],
    ] as const) {
      const ws = new WebSocket(`${t.url.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws");
      const closed = new Promise<number>((resolve) => ws.on("close", (c) => resolve(c)));
      await new Promise<void>((resolve, reject) => {
        ws.once("open", () => resolve());
        ws.once("error", reject);
      });
      ws.on("error", () => undefined);
      (ws as unknown as { _socket: Socket })._socket.write(bad);
      expect(await closed).toBe(code);
    }
    const warnings = logged.slice(before).filter((l) => l.level >= 40);
    expect(warnings).toEqual([]);
  });
});
