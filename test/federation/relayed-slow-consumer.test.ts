// A front's subscriber of an upstream job's log lines who stops reading: the front relays the
// upstream's stream over its one connection to the upstream, which it reads at once (one user's
// stall must not stall the others'), so what the subscriber does not take queued on the front
// without bound. Now the front ends the upstream operation once a page waits, and sends it again
// from the subscriber's last cursor when the subscriber has read it: it gets every line, in order,
// none twice. The upstream is a real server on each backend, the front one on PGlite.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESUMABLE_QUEUED } from "../../src/jobs/remote/live.ts";
import { backends } from "../helpers/backends.ts";
import { createKey } from "../helpers/fixtures.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.ts";
import { addAgentJob, agentWorker, JOB_LOGS, type LogView } from "../live/driver.ts";
import { RawClient } from "../live/ws-client.ts";
import { pollUntil } from "../helpers/poll.ts";

const GATEWAY_KEY = "jobs_test-gateway-key-relayed-slow-01";
/** Lines of 32 KiB, 50 per call: 20 MB, far more than the loopback's socket buffers and a page together. */
const LINE_BYTES = 32 * 1024;
const LINES_PER_CALL = 50;
const LINES = 600;

describe.each(backends)("a slow subscriber of a relayed stream, upstream on $name", (backend) => {
  let upstream: TestServer;
  let front: TestServer;
  let raw: RawClient | undefined;

  beforeAll(async () => {
    upstream = await startTestServer(backend, { JOBS_GATEWAY_API_KEY: GATEWAY_KEY, JOBS_RATE_LIMIT: "0" });
    front = await startTestServer(backends[0]!, {
      JOBS_RATE_LIMIT: "0",
      // The paused subscriber cannot answer pings: far apart, so only the queue is at stake here.
      JOBS_WS_KEEPALIVE_MS: "600000",
      JOBS_GATEWAYS: JSON.stringify([
        { name: "up", url: `${upstream.url}/graphql`, apiKey: GATEWAY_KEY, reasonerTypes: ["AGENT"] },
      ]),
    });
  }, 120_000);
  afterAll(async () => {
    raw?.ws.terminate();
    await front?.stop();
    await upstream?.stop();
  });

  it("pauses the upstream operation while a page waits, then resumes from the last cursor read: every line once, in order", {
    timeout: 120_000,
  }, async () => {
    const jobId = await addAgentJob(front.admin);
    const worker = await agentWorker(upstream.client(await createKey(upstream.admin, "w-slow", "WORKER")));
    const { token } = await worker.claim();
    const filler = "x".repeat(LINE_BYTES);
    const line = (i: number) => ({ timestampMs: 1_700_000_000_000 + i, message: `${i} ${filler}` });
    await worker.logs(token, [line(0)]);

    raw = await RawClient.open(front.url, ADMIN_KEY);
    raw.send({ id: "logs", type: "subscribe", payload: { query: JOB_LOGS, variables: { t: "AGENT", id: jobId } } });
    await raw.until(() => raw!.next("logs").length === 1, "the first line");
    const upstreamChannels = () => upstream.server.services.live.stats().channels;
    expect(upstreamChannels()).toBe(1);

    // From here on this process reads nothing of the front's socket.
    raw.tcp.pause();
    for (let i = 1; i < LINES; i += LINES_PER_CALL)
      await worker.logs(
        token,
        Array.from({ length: Math.min(LINES_PER_CALL, LINES - i) }, (_, k) => line(i + k)),
      );
    // The front stopped the upstream operation instead of queuing the rest: the upstream has no
    // subscriber of the job left.
    await pollUntil(() => upstreamChannels() === 0, "the front to pause the upstream operation", { timeoutMs: 30_000 });

    // Reading again, the subscriber gets every line, in order, none twice (the front sent the
    // operation again after the last line it had read, each time a page waited).
    raw.tcp.resume();
    await raw.until(() => raw!.next("logs").length >= LINES, `${LINES} lines`, 60_000);
    const got = raw.next("logs").map((m) => m.payload.data.jobLogs as LogView);
    expect(got.map((l) => Number(l.message.split(" ")[0]))).toEqual(Array.from({ length: LINES }, (_, i) => i));
    expect(got.every((l) => l.message.endsWith(filler))).toBe(true);
    expect(RESUMABLE_QUEUED).toBeLessThan(LINES);
    // And it is live again: the next line comes as it is written.
    await worker.logs(token, [line(LINES)]);
    await raw.until(() => raw!.next("logs").length === LINES + 1, "the line written after catching up");
  });
});
