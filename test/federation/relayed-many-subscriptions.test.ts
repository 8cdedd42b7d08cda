// A front relays every live subscription of all its users to an upstream over one graphql-ws
// connection (src/jobs/remote/live.ts). The upstream holds a connection to 100 operations at once
// (RATE_LIMITED past it), but not a GATEWAY key's: 150 subscriptions of three front users, each
// user within the cap on their own socket to the front, are all relayed and all receive their
// updates. A connection with any other key is still held to 100. The upstream runs on each
// backend, the front on PGlite.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createKey } from "../helpers/fixtures.ts";
import { type Federation, startFederation } from "../helpers/federation.ts";
import { addAgentJob, type ChangedView, JOB_UPDATED, JOBS_CHANGED, type JobView } from "../live/driver.ts";
import { type LiveClient, liveClient, type Stream } from "../live/ws-client.ts";
import { pollUntil } from "../helpers/poll.ts";

/** The upstream's cap on one connection's operations (LiveServerOptions.maxOperationsPerConnection). */
const PER_CONNECTION = 100;
const USERS = 3;
/** Per user: this many jobUpdated and as many jobsChanged, 150 relayed operations in all. */
const EACH = 25;

describe.each(backends)("more than 100 subscriptions relayed to one upstream on $name", (backend) => {
  let fed: Federation;
  const sockets: LiveClient[] = [];
  const live = (url: string, key: string) => {
    const socket = liveClient(url, key);
    sockets.push(socket);
    return socket;
  };
  beforeAll(async () => {
    fed = await startFederation(backend, {
      families: ["AGENT"],
      upstreamEnv: { JOBS_RATE_LIMIT: "0" },
      frontEnv: { JOBS_RATE_LIMIT: "0" },
    });
  }, 120_000);
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    await fed?.stop();
  });

  it("delivers every update to 150 front subscriptions over the front's one connection", {
    timeout: 120_000,
  }, async () => {
    const { front, upstream } = fed;
    const users = await Promise.all(
      Array.from({ length: USERS }, async (_, i) => {
        const key = await createKey(front.admin, `relay-${i}`);
        const jobId = await addAgentJob(front.client(key));
        const socket = live(front.url, key);
        const updated: Stream<{ jobUpdated: JobView }>[] = [];
        const changed: Stream<{ jobsChanged: ChangedView }>[] = [];
        for (let n = 0; n < EACH; n++) {
          updated.push(socket.subscribe(JOB_UPDATED, { t: "AGENT", id: jobId }));
          changed.push(socket.subscribe(JOBS_CHANGED, { f: { reasonerType: "AGENT" } }));
        }
        return { key, jobId, updated, changed };
      }),
    );
    const updated = users.flatMap((u) => u.updated);
    const changed = users.flatMap((u) => u.changed);
    expect(updated.length + changed.length).toBeGreaterThan(PER_CONNECTION);

    // Every jobUpdated sends the job as it is; every jobsChanged is open upstream.
    for (const s of updated) await s.take(1);
    const refused = () => changed.filter((s) => s.error !== null || s.messages.some((m) => m.errors?.length));
    await pollUntil(
      () => upstream.server.services.live.stats().jobsWatchers === changed.length || refused().length > 0,
      "every jobsChanged relayed upstream",
      { timeoutMs: 30_000 },
    );
    expect(refused().map((s) => s.messages[0]?.errors ?? s.error)).toEqual([]);
    // All of them over one connection to the upstream (the front's), the GATEWAY key's.
    expect(upstream.server.liveServer.connections()).toBe(1);

    for (const u of users)
      await front
        .client(u.key)
        .request(`mutation($j: ID!) { cancelJob(reasonerType: AGENT, jobId: $j) { state } }`, { j: u.jobId });
    for (const u of users) {
      for (const s of u.updated) {
        await s.take(2);
        expect(s.items[1]!.jobUpdated.state).toBe("CANCELED");
      }
      for (const s of u.changed) {
        await s.until(() => s.items.some((i) => i.jobsChanged.state === "CANCELED"), "the cancel");
        expect(s.items.map((i) => i.jobsChanged.jobId)).toEqual([u.jobId]);
      }
    }
  });

  it("still holds a connection of a non-gateway key to 100 operations: the 101st is RATE_LIMITED", {
    timeout: 60_000,
  }, async () => {
    const { upstream } = fed;
    const key = await createKey(upstream.admin, "direct");
    const jobId = await addAgentJob(upstream.client(key));
    const socket = live(upstream.url, key);
    const streams = Array.from({ length: PER_CONNECTION + 1 }, () =>
      socket.subscribe<{ jobUpdated: JobView }>(JOB_UPDATED, { t: "AGENT", id: jobId }),
    );
    const last = streams.pop()!;
    expect(await last.errorCode()).toBe("RATE_LIMITED");
    for (const s of streams) await s.take(1);
    expect(streams.filter((s) => s.error !== null)).toEqual([]);
  });
});
