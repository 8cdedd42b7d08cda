// Slow consumers on the WebSocket endpoint, against the real server: a client that stops reading
// while its job writes megabytes of log lines is dropped with 1013 (try again later) instead of the
// server holding data for it without bound: at once when more than JOBS_WS_MAX_BUFFERED_BYTES wait
// unsent for it (several stalled subscriptions), else when it leaves a ping unanswered (one stalled
// subscription, under the limit). Reading again, it gets what was queued before the close, in
// order, then 1013, and resumes from its last cursor with nothing lost. A subscriber of the same job
// on the same server receives every line meanwhile. A message larger than the largest accepted one
// is refused (close 1009) without disturbing anyone else.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LIVE_SERVER_OPTIONS } from "../../src/http/ws-server.ts";
import type { SlowConsumerCause } from "../../src/http/ws-transport.ts";
import { type Backend, backends } from "../helpers/backends.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.ts";
import { addAgentJob, agentWorker, JOB_LOGS, JOB_UPDATED, type JobView, type LogView } from "./driver.ts";
import { type LiveClient, liveClient, RawClient } from "./ws-client.ts";
import { CloseCode } from "@jobs-api/client";
import { pollUntil } from "../helpers/poll.ts";

const MAX_BUFFERED = 64 * 1024;
/** Log lines of 32 KiB, 50 per appendJobLogs call (1.6 MB, under the 2 MiB HTTP body limit). */
const LINE_BYTES = 32 * 1024;
const LINES_PER_CALL = 50;
/**
 * 16 MiB of lines: far more than the kernel's socket buffers on loopback (here at most 4 MiB sent
 * plus what the paused reader's receive buffer holds) and MAX_BUFFERED together.
 */
const LINES = 512;
/** A line's graphql-ws message: the line and its JSON envelope. */
const FRAME_BYTES = LINE_BYTES + 1024;

/** One server per backend and keepalive: the paused client cannot answer pings, so the interval decides which rule drops it. */
function onServer(backend: Backend, keepAliveMs: number) {
  const state = { t: null as unknown as TestServer, clients: [] as LiveClient[], raws: [] as RawClient[] };
  beforeAll(async () => {
    state.t = await startTestServer(backend, {
      JOBS_SWEEP_INTERVAL_MS: "0",
      JOBS_RATE_LIMIT: "0",
      JOBS_WS_MAX_BUFFERED_BYTES: String(MAX_BUFFERED),
      JOBS_WS_KEEPALIVE_MS: String(keepAliveMs),
    });
  });
  afterAll(async () => {
    for (const raw of state.raws) raw.ws.terminate();
    await Promise.all(state.clients.map((c) => c.dispose()));
    await state.t?.stop();
  });
  return {
    get t() {
      return state.t;
    },
    live(key: string) {
      const c = liveClient(state.t.url, key);
      state.clients.push(c);
      return c;
    },
    async raw(key: string) {
      const r = await RawClient.open(state.t.url, key);
      state.raws.push(r);
      return r;
    },
  };
}

/**
 * A job writes LINES lines while a raw client subscribed to them `subscriptions` times stops
 * reading, and a graphql-ws client subscribed once reads along. Checks that the reader gets every
 * line, the raw client is dropped for `cause` with 1013 and gets, once it reads again, an unbroken
 * prefix of the lines and then the close, that it resumes from its last cursor with nothing lost,
 * and that what waited unsent in the server never went far past the limit.
 */
async function dropsTheClientThatStopsReading(
  s: ReturnType<typeof onServer>,
  subscriptions: number,
  cause: SlowConsumerCause,
): Promise<void> {
  const { t } = s;
  const server = t.server.liveServer;
  const droppedBefore = server.slowConsumersDropped();
  const jobId = await addAgentJob(t.admin);
  const worker = await agentWorker(t.admin);
  const { token } = await worker.claim();
  const filler = "x".repeat(LINE_BYTES);
  const line = (i: number) => ({ timestampMs: 1_700_000_000_000 + i, message: `${i} ${filler}` });
  await worker.logs(token, [line(0)]);
  const vars = { t: "AGENT", id: jobId };

  const reader = s.live(ADMIN_KEY).subscribe<{ jobLogs: LogView }>(JOB_LOGS, vars);
  const stalled = await s.raw(ADMIN_KEY);
  const ids = Array.from({ length: subscriptions }, (_, i) => `logs-${i}`);
  for (const id of ids) stalled.send({ id, type: "subscribe", payload: { query: JOB_LOGS, variables: vars } });
  await stalled.until(
    () => ids.every((id) => stalled.next(id).length === 1),
    "the first line of each subscription on the raw socket",
  );
  await reader.take(1);
  const openLogs = async () =>
    (await t.server.services.metrics.subscriptionsOpen.get()).values.find((v) => v.labels.field === "jobLogs")?.value ??
    0;
  const logsOpenBefore = await openLogs();

  // From here on this process reads nothing of that socket.
  stalled.tcp.pause();
  let peakBuffered = 0;
  const sample = () => (peakBuffered = Math.max(peakBuffered, server.bufferedBytes()));
  const sampler = setInterval(sample, 5);
  try {
    for (let i = 1; i <= LINES; i += LINES_PER_CALL) {
      await worker.logs(
        token,
        Array.from({ length: Math.min(LINES_PER_CALL, LINES + 1 - i) }, (_, k) => line(i + k)),
      );
      sample();
    }
    // The server notices on its own, without the client doing anything.
    await pollUntil(
      () => server.slowConsumersDropped()[cause] === droppedBefore[cause] + 1,
      `the server to drop the client that stopped reading (${cause})`,
      { timeoutMs: 30_000 },
    );
    sample();
    // Its subscriptions ended at once on the server (they cost no more reads); the reader's is open.
    expect(await openLogs()).toBe(logsOpenBefore - subscriptions);

    // Reading again (before the server gives up on the closing handshake and destroys the socket),
    // the client gets what was queued before the close, in order, then the close: 1013.
    stalled.tcp.resume();
    const closed = await stalled.closed;
    expect(closed.code).toBe(CloseCode.SlowConsumer);
    expect(closed.reason).toMatch(/^slow consumer/);

    // The reader on the same server receives every line, in order, while and after the other is dropped.
    const all = await reader.take(LINES + 1, 60_000);
    expect(all.map((l) => Number(l.jobLogs.message.split(" ")[0]))).toEqual(
      Array.from({ length: LINES + 1 }, (_, i) => i),
    );
    expect(all.every((l) => l.jobLogs.message.endsWith(filler))).toBe(true);
    sample();
  } finally {
    clearInterval(sampler);
  }
  // Dropped once, for that cause only (the reader was never dropped).
  expect(server.slowConsumersDropped()).toEqual({ ...droppedBefore, [cause]: droppedBefore[cause] + 1 });
  // Bounded: what waited unsent in this process never got past the limit by more than a few
  // frames (the one that crossed it, the reader's own), though 16 MiB were written for a client
  // that read none of it.
  // (Dropped for its buffer, it had just passed the limit.)
  if (cause === "buffer") expect(peakBuffered).toBeGreaterThan(MAX_BUFFERED);
  expect(peakBuffered).toBeLessThanOrEqual(MAX_BUFFERED + 3 * FRAME_BYTES);

  // What it got before the close is an unbroken prefix of the lines, for each of its subscriptions.
  const cursors = reader.items.map((l) => l.jobLogs.cursor);
  const got = ids.map((id) => stalled.next(id).map((m) => (m.payload.data.jobLogs as LogView).cursor));
  for (const prefix of got) expect(prefix).toEqual(cursors.slice(0, prefix.length));
  // It had stopped well before the end (else nothing was held back from it).
  expect(Math.max(...got.map((g) => g.length))).toBeLessThan(LINES + 1);

  // It reconnects and resumes from its last cursor: the rest, nothing lost or repeated.
  const last = got[0]!.at(-1)!;
  const resumed = s.live(ADMIN_KEY).subscribe<{ jobLogs: LogView }>(JOB_LOGS, { ...vars, after: last });
  const rest = await resumed.take(LINES + 1 - got[0]!.length, 60_000);
  expect([...got[0]!, ...rest.map((l) => l.jobLogs.cursor)]).toEqual(cursors);
  await pollUntil(() => server.bufferedBytes() === 0, "nothing left unsent", { timeoutMs: 30_000 });
}

describe.each(backends.map((b) => [b.name, b] as const))("slow consumers on %s", (_name, backend) => {
  describe("with pings far apart", () => {
    const s = onServer(backend, 600_000);

    it("drops a client whose subscriptions stall with more than JOBS_WS_MAX_BUFFERED_BYTES unsent, with 1013; others get everything; memory stays bounded", async () => {
      await dropsTheClientThatStopsReading(s, 3, "buffer");
    });

    it("delivers one answer far larger than the limit to a client that reads it: a big answer is not a slow reader", async () => {
      const jobId = await addAgentJob(s.t.admin);
      const worker = await agentWorker(s.t.admin);
      const { token } = await worker.claim();
      // Incompressible, as real output often is.
      const filler = randomBytes((LINE_BYTES * 3) / 4).toString("base64");
      // 500 lines of 32 KiB, selected twice: one delivery of ~33 MB, far more than the loopback's
      // socket buffers take at once.
      for (let i = 0; i < 500; i += LINES_PER_CALL)
        await worker.logs(
          token,
          Array.from({ length: LINES_PER_CALL }, (_, k) => ({ message: `${i + k} ${filler}` })),
        );
      const reader = s.live(ADMIN_KEY);
      const big = reader.subscribe<{
        jobUpdated: { state: string; a: { edges: unknown[] }; b: { edges: unknown[] } };
      }>(
        `subscription($id: ID!) { jobUpdated(reasonerType: AGENT, jobId: $id) { state
          a: logs(first: 500) { edges { node { message } } } b: logs(first: 500, sinceMs: 0) { edges { node { message } } } } }`,
        { id: jobId },
      );
      const [first] = await big.take(1, 60_000);
      expect(first!.jobUpdated.a.edges).toHaveLength(500);
      expect(first!.jobUpdated.b.edges).toHaveLength(500);
      // Still subscribed (a client dropped as slow gets what was queued, then 1013): the next change comes.
      await worker.status(token, "RUNNING");
      await big.until(() => big.items.some((u) => u.jobUpdated.state === "RUNNING"), "the next change", 60_000);
      expect(big.error).toBeNull();
    }, 180_000);

    it("refuses a message larger than the largest accepted (close 1009); a message at the limit is answered", async () => {
      const max = DEFAULT_LIVE_SERVER_OPTIONS.maxPayloadBytes;
      const bystander = s.live(ADMIN_KEY);
      const jobId = await addAgentJob(s.t.admin);
      const updates = bystander.subscribe<{ jobUpdated: JobView }>(JOB_UPDATED, { t: "AGENT", id: jobId });
      await updates.take(1);

      const raw = await s.raw(ADMIN_KEY);
      // Exactly at the limit: read, and refused by the parser as an ordinary GraphQL error.
      const at = JSON.stringify({ id: "a", type: "subscribe", payload: { query: `query { ${"a ".repeat(1000)}` } });
      raw.ws.send(at + " ".repeat(max - Buffer.byteLength(at)));
      await raw.until(
        () => raw.messages.some((m) => m.id === "a" && m.type === "error"),
        "the answer to a message at the limit",
      );
      expect(raw.messages.find((m) => m.id === "a")!.payload[0].extensions.code).toBe("GRAPHQL_PARSE_FAILED");

      const over = JSON.stringify({
        id: "b",
        type: "subscribe",
        payload: { query: `query { ${"a ".repeat(max / 2)} }` },
      });
      expect(Buffer.byteLength(over)).toBeGreaterThan(max);
      raw.ws.send(over);
      const closed = await raw.closed;
      expect(closed.code).toBe(CloseCode.MessageTooBig);
      expect(raw.messages.some((m) => m.id === "b")).toBe(false);

      // Everyone else is undisturbed.
      const worker = await agentWorker(s.t.admin);
      await worker.claim();
      await updates.until(
        () => updates.items.some((u) => u.jobUpdated.state === "CLAIMED"),
        "the next state after the refusal",
      );
    });
  });

  describe("with pings every 3 s", () => {
    const s = onServer(backend, 3000);

    it("drops a client with one stalled subscription (under the byte limit) that does not answer a ping, with 1013", async () => {
      await dropsTheClientThatStopsReading(s, 1, "ping");
    });
  });
});
