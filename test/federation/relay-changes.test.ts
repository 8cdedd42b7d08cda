// The jobsChanged relay's bookkeeping (src/jobs/remote/changes.ts), driven by a scripted upstream:
// what arrives live and what a catch-up read after a connection gap finds.
import { describe, expect, it } from "vitest";
import type { JobRecord, JobState } from "../../src/jobs/model.ts";
import type { GapListener } from "../../src/jobs/remote/live.ts";
import { queueIterator } from "../../src/jobs/remote/live.ts";
import { relayChanges } from "../../src/jobs/remote/changes.ts";

const job = (id: string, state: JobState, updatedMs: number): JobRecord =>
  ({
    id,
    reasonerType: "AGENT",
    state,
    createdOn: new Date(0),
    updatedOn: new Date(updatedMs),
    agent: null,
  }) as unknown as JobRecord;

/** An upstream whose live stream, gaps and catch-up reads the test scripts. */
function scriptedUpstream() {
  let push: (j: JobRecord) => void = () => undefined;
  let gap: GapListener | undefined;
  let current: JobRecord[] = [];
  let reads = 0;
  const relay = relayChanges({
    live: queueIterator<JobRecord>((p) => {
      push = p;
      return () => undefined;
    }),
    onGap: (listener) => {
      gap = listener;
      return () => undefined;
    },
    open: async () => [],
    since: async () => {
      reads++;
      return current;
    },
  });
  const received: JobRecord[] = [];
  void (async () => {
    for await (const j of relay) received.push(j);
  })();
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    received,
    async live(j: JobRecord) {
      push(j);
      await settle();
    },
    /** The connection drops and comes back; the catch-up read finds `found`. */
    async reconnect(found: JobRecord[]) {
      current = found;
      const before = reads;
      gap!.closed();
      gap!.connected();
      while (reads === before) await settle();
      await settle();
    },
    stop: () => relay.return?.(),
  };
}

describe("relayChanges", () => {
  it("does not send a job again after a gap when only its version moved (a log line), not its listing", async () => {
    const up = scriptedUpstream();
    await up.live(job("a", "RUNNING", 1000));
    await up.reconnect([job("a", "RUNNING", 2000)]);
    expect(up.received.map((j) => `${j.id}:${j.state}`)).toEqual(["a:RUNNING"]);
    await up.stop();
  });

  it("sends what changed state during a gap once, and not again when the same version then arrives live", async () => {
    const up = scriptedUpstream();
    await up.live(job("a", "RUNNING", 1000));
    await up.reconnect([job("a", "SUCCEEDED", 2000), job("b", "QUEUED", 1500)]);
    await up.live(job("a", "SUCCEEDED", 2000));
    expect(up.received.map((j) => `${j.id}:${j.state}`)).toEqual(["a:RUNNING", "b:QUEUED", "a:SUCCEEDED"]);
    await up.stop();
  });

  it("drops an older version arriving after a newer one", async () => {
    const up = scriptedUpstream();
    await up.live(job("a", "SUCCEEDED", 2000));
    await up.live(job("a", "RUNNING", 1000));
    expect(up.received.map((j) => j.state)).toEqual(["SUCCEEDED"]);
    await up.stop();
  });
});
