// The change notification's payload, and the part of a jobsChanged filter it answers on its own
// (so a process skips reading changes no subscriber can want).
import { describe, expect, it } from "vitest";
import { notifyPayload, parseJobChange } from "../../src/jobs/sql/notify.ts";
import { matchesKeys } from "../../src/live/visibility.ts";

const change = { tenantId: "t1", reasonerType: "AGENT", jobId: "j1", revision: 7, state: "CLAIMED" as const };

describe("job change notifications", () => {
  it("round-trip tenant, type, id, revision and state", () => {
    expect(parseJobChange(notifyPayload(change))).toEqual(change);
    const removed = { ...change, state: "SUCCEEDED" as const, removed: true as const };
    expect(parseJobChange(notifyPayload(removed))).toEqual(removed);
  });

  it("accept payloads without a state (the state is then unknown) and refuse malformed ones", () => {
    expect(parseJobChange("t1|AGENT|j1|3")).toEqual({
      tenantId: "t1",
      reasonerType: "AGENT",
      jobId: "j1",
      revision: 3,
    });
    expect(parseJobChange("t1|AGENT")).toBeNull();
    expect(parseJobChange("")).toBeNull();
  });

  it("let a state filter drop a change only when the notification names another state", () => {
    const idleWorker = { reasonerType: "AGENT" as const, state: "PENDING" as const };
    expect(matchesKeys(idleWorker, "AGENT", "j1", "CLAIMED")).toBe(false);
    expect(matchesKeys(idleWorker, "AGENT", "j1", "PENDING")).toBe(true);
    expect(matchesKeys(idleWorker, "AGENT", "j1", undefined)).toBe(true); // unknown: read and decide
    expect(matchesKeys(idleWorker, "LOGIC", "j1", "PENDING")).toBe(false);
    expect(matchesKeys({}, "LOGIC", "j1", "SUCCEEDED")).toBe(true);
  });
});
