// Open WebSocket connections per API key are limited in each process (JOBS_MAX_WS_CONNECTIONS_PER_KEY):
// one more is refused at connection_init with 4403 and a reason saying why, other keys are not
// affected, a closed connection frees its place, and GATEWAY keys (a front's relays, one socket per
// upstream per front process carrying many users) are not counted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { CloseCode } from "@jobs-api/client";
import { isJobsApiError, JobsClient } from "@jobs-api/client/node";
import { backends } from "../helpers/backends.ts";
import { createKey } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { liveClient } from "./ws-client.ts";
import { pollUntil } from "../helpers/poll.ts";

const LIMIT = 2;
const GATEWAY_KEY = "jobs_test-connection-limit-gateway-key";

type Outcome = { acked: true; socket: WebSocket } | { acked: false; code: number; reason: string };

/** Opens a graphql-transport-ws socket with `key`: acknowledged, or how the server closed it. */
async function connect(url: string, key: string): Promise<Outcome> {
  const socket = new WebSocket(`${url.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws");
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return new Promise<Outcome>((resolve) => {
    socket.on("message", (data) => {
      if ((JSON.parse(String(data)) as { type: string }).type === "connection_ack") resolve({ acked: true, socket });
    });
    socket.once("close", (code, reason) => resolve({ acked: false, code, reason: String(reason) }));
    socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${key}` } }));
  });
}

function socketOf(outcome: Outcome): WebSocket {
  if (!outcome.acked) throw new Error(`refused: ${outcome.code} ${outcome.reason}`);
  return outcome.socket;
}

describe.each(backends)("WebSocket connections per API key on $name", (backend) => {
  let t: TestServer;
  const open: WebSocket[] = [];
  beforeAll(async () => {
    t = await startTestServer(backend, {
      JOBS_MAX_WS_CONNECTIONS_PER_KEY: String(LIMIT),
      JOBS_GATEWAY_API_KEY: GATEWAY_KEY,
    });
  });
  afterAll(async () => {
    for (const socket of open) socket.terminate();
    await t?.stop();
  });

  it("refuses a key's connection past the limit with 4403, and lets one in again once another closes", async () => {
    const key = await createKey(t.admin, "many-tabs");
    const first = socketOf(await connect(t.url, key));
    open.push(first, socketOf(await connect(t.url, key)));
    const refused = await connect(t.url, key);
    expect(refused).toMatchObject({ acked: false, code: CloseCode.Forbidden });
    expect(refused.acked ? "" : refused.reason).toMatch(new RegExp(`already has ${LIMIT} WebSocket connections open`));

    // Another key of the same user has its own count.
    open.push(socketOf(await connect(t.url, await createKey(t.admin, "many-tabs"))));

    const before = t.server.liveServer.connections();
    first.close();
    await pollUntil(() => t.server.liveServer.connections() === before - 1, "the server to see the close", {
      timeoutMs: 30_000,
    });
    open.push(socketOf(await connect(t.url, key)));
  });

  it("reaches a JobsClient's subscriber as RATE_LIMITED", async () => {
    const key = await createKey(t.admin, "client-at-limit");
    for (let i = 0; i < LIMIT; i++) open.push(socketOf(await connect(t.url, key)));
    const client = new JobsClient({ url: t.url, apiKey: key });
    try {
      const refused = await (async () => {
        for await (const _ of client.jobsChanged()) break;
      })().catch((e: unknown) => e);
      expect(isJobsApiError(refused, "RATE_LIMITED"), String(refused)).toBe(true);
      expect(String((refused as Error).message)).toMatch(/4403/);
    } finally {
      await client.close();
    }
  });

  it("answers operations as before on the connections it lets in", async () => {
    const key = await createKey(t.admin, "counted");
    const live = liveClient(t.url, key);
    try {
      expect(await live.request("{ viewer { userId } }")).toEqual({ data: { viewer: { userId: "counted" } } });
    } finally {
      await live.dispose();
    }
  });

  it("does not count a GATEWAY key's connections (a front's relays)", async () => {
    for (let i = 0; i < LIMIT + 2; i++) open.push(socketOf(await connect(t.url, GATEWAY_KEY)));
    const relay = liveClient(t.url, GATEWAY_KEY, { actAs: "admin" });
    try {
      expect(await relay.request("{ viewer { userId } }")).toMatchObject({ data: { viewer: { userId: "admin" } } });
    } finally {
      await relay.dispose();
    }
  });
});
