// Subscriptions over graphql-ws against the real server, on PGlite and PostgreSQL: jobs, events and
// log lines live with history first (no gap, no repeat), resuming from cursors, jobsChanged with its
// filter and visibility, authentication, and one shared read per change however many subscribers.
import { describe, expect, it } from "vitest";
import { transitionJob } from "../../src/jobs/sql/transitionJob.ts";
import { backends } from "../helpers/backends.ts";
import { ADMIN_KEY } from "../helpers/server.ts";
import {
  addAgentJob,
  agentWorker,
  type ChangedView,
  createLogicJob,
  type EventView,
  historyOf,
  JOB_EVENTS,
  JOB_LOGS,
  JOB_UPDATED,
  JOBS_CHANGED,
  type JobView,
  type LogView,
  liveSuite,
  moves,
} from "./driver.ts";
import { CloseCode } from "@jobs-api/client";

describe.each(backends.map((b) => [b.name, b] as const))("subscriptions on %s", (_name, backend) => {
  // Statement counts below must be ours alone: the suite's server runs no background passes.
  const suite = liveSuite(backend, "live");
  const { live, tenant, untilWatching, jobsWatchers } = suite;

  it("jobUpdated: the job as it is, then every state in order while a worker drives it", async () => {
    const org = await tenant();
    const jobId = await addAgentJob(org.alice);
    const updates = live(org.keys.alice).subscribe<{ jobUpdated: JobView }>(JOB_UPDATED, { t: "AGENT", id: jobId });
    const [first] = await updates.take(1);
    expect(first!.jobUpdated.state).toBe("PENDING");

    const worker = await agentWorker(org.worker);
    const { token } = await worker.claim();
    await worker.status(token, "VALIDATING");
    await worker.status(token, "RUNNING");
    await worker.events(token, [{ n: 1 }]);
    await worker.status(token, "UPLOADING");
    await worker.complete(token);

    await updates.until(() => updates.items.some((u) => u.jobUpdated.state === "SUCCEEDED"), "SUCCEEDED");
    const seen = moves(updates.items.map((u) => u.jobUpdated.state));
    const history = await historyOf(org.alice, jobId);
    expect(seen).toEqual(history.slice(history.indexOf("PENDING")));
    expect(seen).toEqual(["PENDING", "CLAIMED", "VALIDATING", "RUNNING", "UPLOADING", "SUCCEEDED"]);
    // Expansions are read fresh for each delivery, not cached from the first one.
    expect(updates.items.at(-1)!.jobUpdated.statusHistory.map((s) => s.state)).toEqual(history);
  });

  it("jobUpdated: changes committed together (read at once) still arrive as every state, in order", async () => {
    const org = await tenant();
    const jobId = await addAgentJob(org.alice);
    const updates = live(org.keys.alice).subscribe<{ jobUpdated: JobView }>(JOB_UPDATED, { t: "AGENT", id: jobId });
    await updates.take(1);
    // Three moves in one transaction: their notifications arrive together, after all three are
    // committed, so this process reads the job once, already RUNNING.
    await suite.t.server.services.db.transaction(async (tx) => {
      for (const [from, to] of [
        ["PENDING", "CLAIMED"],
        ["CLAIMED", "VALIDATING"],
        ["VALIDATING", "RUNNING"],
      ] as const) {
        expect(await transitionJob(tx, { jobId, reasonerType: "AGENT", from: [from], to })).not.toBeNull();
      }
    });
    await updates.until(() => updates.items.some((u) => u.jobUpdated.state === "RUNNING"), "RUNNING");
    expect(updates.items.map((u) => u.jobUpdated.state)).toEqual(["PENDING", "CLAIMED", "VALIDATING", "RUNNING"]);
  });

  it("jobEvents: ten events in order across the history/live boundary, also while the history is read; then resume from the third cursor", async () => {
    const org = await tenant();
    const jobId = await addAgentJob(org.admin);
    const worker = await agentWorker(org.worker);
    const { token } = await worker.claim();
    for (let n = 1; n <= 5; n++) await worker.events(token, [{ n }]);

    const events = live(org.keys.admin).subscribe<{ jobEvents: EventView }>(JOB_EVENTS, { t: "AGENT", id: jobId });
    // Appended while the subscription starts and reads its history.
    await worker.events(token, [{ n: 6 }, { n: 7 }]);
    await events.take(5);
    for (let n = 8; n <= 10; n++) await worker.events(token, [{ n }]);
    const ten = await events.take(10);
    expect(ten.map((e) => e.jobEvents.data.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const cursors = ten.map((e) => Number(e.jobEvents.cursor));
    expect([...cursors].sort((a, b) => a - b)).toEqual(cursors);
    expect(new Set(cursors).size).toBe(10);

    // Other streams stay out; the next live event is the next item (nothing repeated before it).
    await worker.events(token, [{ n: 99 }], "other");
    await worker.events(token, [{ n: 11 }]);
    await events.take(11);
    expect(events.items.map((e) => e.jobEvents.data.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);

    const third = ten[2]!.jobEvents.cursor;
    const resumed = live(org.keys.admin).subscribe<{ jobEvents: EventView }>(JOB_EVENTS, {
      t: "AGENT",
      id: jobId,
      after: third,
    });
    await resumed.take(8);
    await worker.events(token, [{ n: 12 }]);
    await resumed.take(9);
    expect(resumed.items.map((e) => e.jobEvents.data.n)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12]);
    await events.take(12);
    expect(events.items.map((e) => e.jobEvents.data.n).slice(-1)).toEqual([12]);

    const other = live(org.keys.admin).subscribe<{ jobEvents: EventView }>(JOB_EVENTS, {
      t: "AGENT",
      id: jobId,
      stream: "other",
    });
    expect((await other.take(1)).map((e) => e.jobEvents.data.n)).toEqual([99]);
  });

  it("jobEvents: a subscriber that reconnects resumes from its last cursor with nothing lost or repeated", async () => {
    const org = await tenant();
    const jobId = await addAgentJob(org.admin);
    const worker = await agentWorker(org.worker);
    const { token } = await worker.claim();
    await worker.events(token, [{ n: 1 }, { n: 2 }, { n: 3 }]);

    const firstSocket = live(org.keys.admin);
    const before = firstSocket.subscribe<{ jobEvents: EventView }>(JOB_EVENTS, { t: "AGENT", id: jobId });
    const got = await before.take(3);
    await firstSocket.dispose();
    await worker.events(token, [{ n: 4 }, { n: 5 }]);

    const again = live(org.keys.admin).subscribe<{ jobEvents: EventView }>(JOB_EVENTS, {
      t: "AGENT",
      id: jobId,
      after: got.at(-1)!.jobEvents.cursor,
    });
    await again.take(2);
    await worker.events(token, [{ n: 6 }]);
    await again.take(3);
    expect(again.items.map((e) => e.jobEvents.data.n)).toEqual([4, 5, 6]);
  });

  it("jobLogs: lines at or after sinceMs, then live ones; `after` resumes", async () => {
    const org = await tenant();
    const jobId = await addAgentJob(org.admin);
    const worker = await agentWorker(org.worker);
    const { token } = await worker.claim();
    const t0 = 1_700_000_000_000;
    await worker.logs(
      token,
      [1, 2, 3, 4, 5].map((i) => ({ timestampMs: t0 + i, message: `line ${i}` })),
    );

    const logs = live(org.keys.admin).subscribe<{ jobLogs: LogView }>(JOB_LOGS, {
      t: "AGENT",
      id: jobId,
      since: t0 + 3,
    });
    await logs.take(3);
    // A line stamped before sinceMs is not for this subscriber, even live.
    await worker.logs(token, [
      { timestampMs: t0 + 1, message: "late but old" },
      { timestampMs: t0 + 10, message: "line 10", level: "warn" },
    ]);
    await logs.take(4);
    expect(logs.items.map((l) => l.jobLogs.message)).toEqual(["line 3", "line 4", "line 5", "line 10"]);
    expect(logs.items.at(-1)!.jobLogs.level).toBe("warn");

    const resumed = live(org.keys.admin).subscribe<{ jobLogs: LogView }>(JOB_LOGS, {
      t: "AGENT",
      id: jobId,
      after: logs.items[1]!.jobLogs.cursor,
    });
    await resumed.take(3);
    expect(resumed.items.map((l) => l.jobLogs.message)).toEqual(["line 5", "late but old", "line 10"]);
  });

  it("jobsChanged: every visible job as it is created or changes, filtered by reasonerType; members see their own only", async () => {
    const org = await tenant();
    const otherTenant = await tenant();
    const watching = jobsWatchers();
    const agents = live(org.keys.worker).subscribe<{ jobsChanged: ChangedView }>(JOBS_CHANGED, {
      f: { reasonerType: "AGENT" },
    });
    const everything = live(org.keys.worker).subscribe<{ jobsChanged: ChangedView }>(JOBS_CHANGED, {});
    const alicesView = live(org.keys.alice).subscribe<{ jobsChanged: ChangedView }>(JOBS_CHANGED, {});
    const bobsView = live(org.keys.bob).subscribe<{ jobsChanged: ChangedView }>(JOBS_CHANGED, {});
    const strangers = live(otherTenant.keys.worker).subscribe<{ jobsChanged: ChangedView }>(JOBS_CHANGED, {});
    await untilWatching(watching + 5);
    const bobsJob = await addAgentJob(org.bob);
    await bobsView.until(() => bobsView.items.some((c) => c.jobsChanged.jobId === bobsJob), "bob's own job");
    await everything.until(
      () => everything.items.some((c) => c.jobsChanged.jobId === bobsJob),
      "bob's job for the worker",
    );

    const logicJob = await createLogicJob(org.alice);
    const agentJob = await addAgentJob(org.alice);
    await everything.until(
      () => [logicJob, agentJob].every((id) => everything.items.some((c) => c.jobsChanged.jobId === id)),
      "both of alice's jobs",
    );
    await alicesView.until(
      () => [logicJob, agentJob].every((id) => alicesView.items.some((c) => c.jobsChanged.jobId === id)),
      "alice's jobs for alice",
    );

    // Offered in the same moment as to the unfiltered subscriber: the filter kept LOGIC out.
    await agents.until(() => agents.items.some((c) => c.jobsChanged.jobId === agentJob), "the agent job");
    expect(agents.items.every((c) => c.jobsChanged.reasonerType === "AGENT")).toBe(true);
    expect(agents.items.map((c) => c.jobsChanged.jobId)).not.toContain(logicJob);
    // Bob sees his own job, never alice's; another tenant sees nothing of this one.
    expect(bobsView.items.map((c) => c.jobsChanged.jobId)).not.toContain(agentJob);
    expect(bobsView.items.map((c) => c.jobsChanged.jobId)).not.toContain(logicJob);
    expect(alicesView.items.map((c) => c.jobsChanged.jobId)).not.toContain(bobsJob);
    expect(strangers.items).toEqual([]);

    // A change (the claim) comes as the job changes.
    const worker = await agentWorker(org.worker);
    const claimed = await worker.claim();
    await agents.until(
      () => agents.items.some((c) => c.jobsChanged.jobId === claimed.jobId && c.jobsChanged.state === "CLAIMED"),
      "the claimed job",
    );
    expect(strangers.items).toEqual([]);
  });

  it("jobsChanged: nameContains sends the jobs whose name holds the text, in any case, as jobs(filter) lists them", async () => {
    const org = await tenant();
    const watching = jobsWatchers();
    const searching = live(org.keys.alice).subscribe<{ jobsChanged: ChangedView }>(JOBS_CHANGED, {
      f: { nameContains: "gen" },
    });
    const everything = live(org.keys.alice).subscribe<{ jobsChanged: ChangedView }>(JOBS_CHANGED, {});
    await untilWatching(watching + 2);
    const other = await addAgentJob(org.alice, "mesh", { displayName: "other" });
    const match = await addAgentJob(org.alice, "mesh", { displayName: "Nightly-GEN" });
    await everything.until(
      () => [other, match].every((id) => everything.items.some((c) => c.jobsChanged.jobId === id)),
      "both jobs",
    );
    await searching.until(() => searching.items.some((c) => c.jobsChanged.jobId === match), "the matching job");
    expect(searching.items.map((c) => c.jobsChanged.jobId)).not.toContain(other);
    const listed = await org.alice.request<{ jobs: { edges: { node: { jobId: string } }[] } }>(
      `{ jobs(filter: { nameContains: "gen" }) { edges { node { jobId } } } }`,
    );
    expect(listed.jobs.edges.map((e) => e.node.jobId)).toEqual([match]);
  });

  it("jobsChanged: createdAfter/createdBefore send the jobs created in the window; an empty window is refused", async () => {
    const org = await tenant();
    const watching = jobsWatchers();
    const now = Date.now();
    const future = live(org.keys.alice).subscribe<{ jobsChanged: ChangedView }>(JOBS_CHANGED, {
      f: { createdAfter: new Date(now + 86_400_000).toISOString() },
    });
    const lastHour = live(org.keys.alice).subscribe<{ jobsChanged: ChangedView }>(JOBS_CHANGED, {
      f: {
        createdAfter: new Date(now - 3_600_000).toISOString(),
        createdBefore: new Date(now + 3_600_000).toISOString(),
      },
    });
    const everything = live(org.keys.alice).subscribe<{ jobsChanged: ChangedView }>(JOBS_CHANGED, {});
    await untilWatching(watching + 3);
    const jobId = await addAgentJob(org.alice);
    await everything.until(() => everything.items.some((c) => c.jobsChanged.jobId === jobId), "the new job");
    await lastHour.until(() => lastHour.items.some((c) => c.jobsChanged.jobId === jobId), "the job in the window");
    // Offered in the same moment as to the other two: the window, all of it still to come, kept it out.
    expect(future.items).toEqual([]);

    const empty = live(org.keys.alice).subscribe<{ jobsChanged: ChangedView }>(JOBS_CHANGED, {
      f: { createdAfter: new Date(now).toISOString(), createdBefore: new Date(now).toISOString() },
    });
    expect(await empty.errorCode()).toBe("BAD_USER_INPUT");
  });

  it("jobsChanged: a job that did not change is not sent because someone opens jobUpdated, jobEvents or jobLogs on it", async () => {
    const org = await tenant();
    // Finished while nobody in the tenant watched jobs: this process has no memory of sending it.
    const quiet = await addAgentJob(org.alice);
    const worker = await agentWorker(org.worker);
    const lease = await worker.claim();
    expect(lease.jobId).toBe(quiet);
    // Heard by this process before anyone watches: its change is old news from then on.
    const heard = new Promise<void>((resolve) => {
      const stop = suite.t.server.services.changes.subscribe("*", (change) => {
        if (change.jobId === quiet && change.state === "SUCCEEDED") {
          stop();
          resolve();
        }
      });
    });
    await worker.complete(lease.token);
    await heard;
    const watching = jobsWatchers();
    const changes = live(org.keys.alice).subscribe<{ jobsChanged: ChangedView }>(JOBS_CHANGED, {});
    await untilWatching(watching + 1);
    // Someone looks at the finished job, three ways.
    const looker = live(org.keys.alice);
    const updates = looker.subscribe<{ jobUpdated: JobView }>(JOB_UPDATED, { t: "AGENT", id: quiet });
    const events = looker.subscribe<{ jobEvents: EventView }>(JOB_EVENTS, { t: "AGENT", id: quiet });
    await updates.take(1);
    await events.until(() => events.completed, "the finished job's events to complete");
    // A job made afterwards marks the point by which a repeat would have arrived.
    const marker = await addAgentJob(org.alice);
    await changes.until(() => changes.items.some((c) => c.jobsChanged.jobId === marker), "the new job");
    expect(changes.items.map((c) => c.jobsChanged.jobId)).not.toContain(quiet);
  });

  it("refuses a bad or missing key (close 4401), and another member's job is NOT_FOUND", async () => {
    const bad = live("jobs_not-a-real-key-000000000000");
    const refused = bad.subscribe(JOBS_CHANGED, {});
    expect(await refused.errorCode()).toBe(CloseCode.Unauthorized);
    expect((await bad.closed).code).toBe(CloseCode.Unauthorized);

    const anonymous = live(null);
    expect(await anonymous.subscribe(JOBS_CHANGED, {}).errorCode()).toBe(CloseCode.Unauthorized);

    const org = await tenant();
    const alicesJob = await addAgentJob(org.alice);
    expect(await live(org.keys.bob).subscribe(JOB_UPDATED, { t: "AGENT", id: alicesJob }).errorCode()).toBe(
      "NOT_FOUND",
    );
    expect(await live(org.keys.bob).subscribe(JOB_EVENTS, { t: "AGENT", id: alicesJob }).errorCode()).toBe("NOT_FOUND");
    const stranger = await tenant();
    expect(await live(stranger.keys.admin).subscribe(JOB_UPDATED, { t: "AGENT", id: alicesJob }).errorCode()).toBe(
      "NOT_FOUND",
    );
    // The right job under the wrong type is not found either, and a malformed cursor is the caller's mistake.
    expect(await live(org.keys.alice).subscribe(JOB_UPDATED, { t: "LOGIC", id: alicesJob }).errorCode()).toBe(
      "NOT_FOUND",
    );
    expect(
      await live(org.keys.alice).subscribe(JOB_EVENTS, { t: "AGENT", id: alicesJob, after: "nope" }).errorCode(),
    ).toBe("BAD_USER_INPUT");
    // allUsers is for admins, as on HTTP.
    expect(
      await live(org.keys.alice)
        .subscribe(JOBS_CHANGED, { f: { allUsers: true } })
        .errorCode(),
    ).toBe("FORBIDDEN");
    // The admin key works on the same endpoint.
    const watching = jobsWatchers();
    const ok = live(ADMIN_KEY).subscribe<{ jobsChanged: ChangedView }>(JOBS_CHANGED, {});
    await untilWatching(watching + 1);
    const mine = await addAgentJob(suite.t.admin);
    await ok.until(() => ok.items.some((c) => c.jobsChanged.jobId === mine), "the admin's job");
  });

  it("query limits apply over WebSocket as over HTTP", async () => {
    const deep = `subscription($id: ID!) { jobUpdated(reasonerType: AGENT, jobId: $id) { ... on GenerationJob { rerunOf { rerunOf { rerunOf { rerunOf { rerunOf { rerunOf { rerunOf { rerunOf { rerunOf { rerunOf { rerunOf { rerunOf { jobId } } } } } } } } } } } } } } }`;
    const stream = live(ADMIN_KEY).subscribe(deep, { id: "00000000-0000-7000-8000-000000000000" });
    expect(await stream.errorCode()).toBe("GRAPHQL_VALIDATION_FAILED");
    const http = await suite.t.admin.raw(deep.replace("subscription", "query").replace("jobUpdated", "job"), {
      id: "00000000-0000-7000-8000-000000000000",
    });
    expect(http.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("one read per change, shared by every subscriber of the job in this process", async () => {
    const org = await tenant();
    const jobId = await addAgentJob(org.admin);
    const worker = await agentWorker(org.worker);
    const { token } = await worker.claim();
    const db = suite.t.server.services.db;

    /** Statements spent from the change until every subscriber has it (their texts, to name any extra). */
    async function costOfOneChange(subscribers: number, state: string): Promise<string[]> {
      const socket = live(org.keys.admin);
      const streams = Array.from({ length: subscribers }, () =>
        socket.subscribe<{ jobUpdated: JobView }>(JOB_UPDATED, { t: "AGENT", id: jobId }),
      );
      await Promise.all(streams.map((s) => s.take(1)));
      // The audit log writes a moment after the call it records, and the change notifier sends a
      // moment after the commit (the claim's own change may still be on its way here): wait for both
      // on both ends, so each count holds exactly its own change's writes and sends.
      await suite.t.server.services.audit.idle();
      await suite.t.server.services.notifier.idle();
      // Both counts pay the worker key's look-up (a key is remembered for a while, which would make
      // the two counts differ by when it was last read, not by the number of subscribers).
      suite.t.server.services.auth.forgetEveryKey();
      const spent: string[] = [];
      const unwatch = db.watchStatements((text) => spent.push(text.replace(/\s+/g, " ").slice(0, 160)));
      await worker.status(token, state);
      await Promise.all(streams.map((s) => s.until(() => s.items.some((u) => u.jobUpdated.state === state), state)));
      await suite.t.server.services.audit.idle();
      await suite.t.server.services.notifier.idle();
      unwatch();
      await socket.dispose();
      return spent;
    }
    const one = await costOfOneChange(1, "VALIDATING");
    const many = await costOfOneChange(40, "RUNNING");
    expect(many.length, `one subscriber:\n${one.join("\n")}\n40 subscribers:\n${many.join("\n")}`).toBe(one.length);
  });
});
