// The pure pieces of the fan-out: the shared tail, the pull iterator, a front's bounded relay queue,
// history trimming and the in-memory visibility rules (the integration suites prove them against
// the real server).
import { describe, expect, it } from "vitest";
import type { AccessGrantRecord, StatusChangeRecord } from "../../src/jobs/gateway.ts";
import type { JobRecord, Viewer } from "../../src/jobs/model.ts";
import { MAX_QUEUED, queueIterator, RESUMABLE_QUEUED } from "../../src/jobs/remote/live.ts";
import { pullIterator } from "../../src/live/pull-iterator.ts";
import { historyUpTo } from "../../src/live/snapshot.ts";
import { Tail } from "../../src/live/tail.ts";
import { canSee, matchesJobsFilter } from "../../src/live/visibility.ts";

const item = (seq: number) => ({ seq });

describe("Tail", () => {
  it("keeps what it read after its start, serves any cursor it covers, and drops the oldest past its capacity", () => {
    const tail = new Tail<{ seq: number }>(10, 3);
    expect(tail.covers(9)).toBe(false);
    expect(tail.covers(10)).toBe(true);
    tail.append([item(11), item(13)]);
    tail.append([item(12), item(13), item(14)]); // 12 and 13 are not after the newest: ignored
    expect(tail.high).toBe(14);
    expect(tail.after(10, 10).map((i) => i.seq)).toEqual([11, 13, 14]);
    expect(tail.after(11, 1).map((i) => i.seq)).toEqual([13]);
    tail.append([item(15)]);
    // Capacity 3: 11 is gone, so a cursor before it is no longer covered (that subscriber reads the store).
    expect(tail.covers(10)).toBe(false);
    expect(tail.covers(11)).toBe(true);
    expect(tail.after(11, 10).map((i) => i.seq)).toEqual([13, 14, 15]);
    expect(tail.after(15, 10)).toEqual([]);
  });
});

describe("pullIterator", () => {
  it("pulls only when asked, ends on null, and return() ends it at once even while a pull waits", async () => {
    let pulls = 0;
    let closedCount = 0;
    let release: () => void = () => undefined;
    const it = pullIterator<number>(
      (closed) => {
        pulls++;
        if (pulls === 1) return Promise.resolve([1, 2]);
        return new Promise((resolve) => {
          release = () => resolve([3]);
          closed.onClose(() => resolve(null));
        });
      },
      () => closedCount++,
    );
    expect(await it.next()).toEqual({ done: false, value: 1 });
    expect(await it.next()).toEqual({ done: false, value: 2 });
    expect(pulls).toBe(1);
    const waiting = it.next();
    expect(pulls).toBe(2);
    expect(await it.return!()).toEqual({ done: true, value: undefined });
    expect(await waiting).toEqual({ done: true, value: undefined });
    release();
    expect(await it.next()).toEqual({ done: true, value: undefined });
    expect(closedCount).toBe(1);
  });
});

const change = (seq: number, state: JobRecord["state"]): StatusChangeRecord => ({
  jobId: "j",
  seq,
  state,
  nativeState: state,
  message: null,
  agentId: null,
  createdById: null,
  createdOn: new Date(seq),
});

describe("queueIterator (a front's relayed streams)", () => {
  it("ends with RATE_LIMITED past MAX_QUEUED unread items, stopping its source", async () => {
    let stopped = 0;
    let push: (n: number) => void = () => undefined;
    const it = queueIterator<number>((p) => {
      push = p;
      return () => stopped++;
    });
    for (let n = 0; n <= MAX_QUEUED; n++) push(n);
    expect(stopped).toBe(1);
    await expect(it.next()).rejects.toMatchObject({ extensions: { code: "RATE_LIMITED" } });
  });

  it("pauses a Pausable source at RESUMABLE_QUEUED unread items, drops what comes meanwhile, and resumes once they are read", async () => {
    const calls: string[] = [];
    let push: (n: number) => void = () => undefined;
    const it = queueIterator<number>((p) => {
      push = p;
      return { stop: () => calls.push("stop"), pause: () => calls.push("pause"), resume: () => calls.push("resume") };
    });
    for (let n = 0; n < RESUMABLE_QUEUED + 5; n++) push(n);
    expect(calls).toEqual(["pause"]);
    const read: number[] = [];
    for (let n = 0; n < RESUMABLE_QUEUED; n++) read.push((await it.next()).value as number);
    expect(read).toEqual(Array.from({ length: RESUMABLE_QUEUED }, (_, n) => n));
    const next = it.next();
    expect(calls).toEqual(["pause", "resume"]);
    push(RESUMABLE_QUEUED);
    expect((await next).value).toBe(RESUMABLE_QUEUED);
    await it.return?.();
    expect(calls).toEqual(["pause", "resume", "stop"]);
  });
});

describe("historyUpTo", () => {
  it("drops status changes made after the job row was read", () => {
    const job = { state: "RUNNING", nativeState: "RUNNING" } as JobRecord;
    const history = [change(1, "PENDING"), change(2, "CLAIMED"), change(3, "RUNNING"), change(4, "SUCCEEDED")];
    expect(historyUpTo(job, history).map((c) => c.seq)).toEqual([1, 2, 3]);
  });
});

describe("visibility in memory", () => {
  const job = {
    tenantId: "t1",
    createdBy: "alice",
    reasonerType: "AGENT",
    id: "j1",
    state: "RUNNING",
    name: "n",
  } as JobRecord;
  const viewer = (userId: string, role: Viewer["role"], tenantId = "t1"): Viewer => ({
    tenantId,
    userId,
    role,
    email: null,
    apiKeyId: null,
  });
  const grants: AccessGrantRecord[] = [{ jobId: "j1", subjectId: "carol", email: null, relation: "VIEWER" }];

  it("reads like job(): tenant for admins and workers; members their own and shared ones", () => {
    expect(canSee(viewer("boss", "ADMIN"), job, [])).toBe(true);
    expect(canSee(viewer("agent", "WORKER"), job, [])).toBe(true);
    expect(canSee(viewer("alice", "MEMBER"), job, [])).toBe(true);
    expect(canSee(viewer("bob", "MEMBER"), job, [])).toBe(false);
    expect(canSee(viewer("carol", "MEMBER"), job, grants)).toBe(true);
    expect(canSee(viewer("boss", "ADMIN", "t2"), job, [])).toBe(false);
  });

  it("lists like jobs(filter): own and shared, everyone's for admins with allUsers and for workers", () => {
    expect(matchesJobsFilter(viewer("boss", "ADMIN"), {}, job, [])).toBe(false);
    expect(matchesJobsFilter(viewer("boss", "ADMIN"), { allUsers: true }, job, [])).toBe(true);
    expect(matchesJobsFilter(viewer("agent", "WORKER"), { reasonerType: "AGENT" }, job, [])).toBe(true);
    expect(matchesJobsFilter(viewer("agent", "WORKER"), { reasonerType: "LOGIC" }, job, [])).toBe(false);
    expect(matchesJobsFilter(viewer("carol", "MEMBER"), { state: "RUNNING", name: "n" }, job, grants)).toBe(true);
    expect(matchesJobsFilter(viewer("alice", "MEMBER"), { onlyActive: true }, { ...job, state: "SUCCEEDED" }, [])).toBe(
      false,
    );
    expect(matchesJobsFilter(viewer("alice", "MEMBER"), { createdBy: "bob" }, job, [])).toBe(false);
  });
});
