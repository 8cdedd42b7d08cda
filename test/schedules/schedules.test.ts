// Schedules over GraphQL on PGlite and PostgreSQL: validation errors naming the field, who sees and
// manages which schedule, the audit trail, and what a tick creates. Ticks here are missed ones (the
// stored next tick is moved into the past while nothing fires it, as after an outage), so these run in
// seconds; test/schedules/ticks.test.ts fires real ticks across server processes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Scheduler } from "../../src/schedules/scheduler.ts";
import { backends } from "../helpers/backends.ts";
import { startTestServer, type GraphQLClient, type TestServer } from "../helpers/server.ts";
import { newTenant, type TestTenant } from "../http/tenant.ts";
import { agentWorker } from "../live/driver.ts";
import { liveClient, type LiveClient } from "../live/ws-client.ts";
import { pollUntil } from "../helpers/poll.ts";

const SCHEDULE_FIELDS = `id name cron timezone catchUp paused job nextRunOn lastRunOn lastError createdBy createdOn
  lastJob { id jobId reasonerType name createdBy state ... on GenerationJob { rows seed } }`;
const CREATE = `mutation($input: CreateScheduleInput!) { createSchedule(input: $input) { ${SCHEDULE_FIELDS} } }`;
const LIST = `query($first: Int, $after: String) { schedules(first: $first, after: $after) {
  edges { cursor node { ${SCHEDULE_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;
const PAUSE = `mutation($id: ID!) { pauseSchedule(id: $id) { ${SCHEDULE_FIELDS} } }`;
const RESUME = `mutation($id: ID!) { resumeSchedule(id: $id) { ${SCHEDULE_FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteSchedule(id: $id) }`;

interface ScheduleView {
  id: string;
  name: string;
  cron: string;
  timezone: string;
  catchUp: string;
  paused: boolean;
  job: Record<string, unknown>;
  nextRunOn: string | null;
  lastRunOn: string | null;
  lastError: string | null;
  createdBy: string;
  lastJob: {
    jobId: string;
    reasonerType: string;
    name: string | null;
    createdBy: string;
    rows?: number;
    seed?: number;
  } | null;
}

const generationJob = { reasonerType: "GENERATION", payload: { kind: "MOCK", rows: 10, seed: 7 } };
const input = (over: Record<string, unknown> = {}) => ({
  name: "nightly",
  cron: "0 3 * * *",
  timezone: "Europe/Berlin",
  job: generationJob,
  ...over,
});

async function create(client: GraphQLClient, over: Record<string, unknown> = {}): Promise<ScheduleView> {
  return (await client.request<{ createSchedule: ScheduleView }>(CREATE, { input: input(over) })).createSchedule;
}
async function list(client: GraphQLClient, first = 50, after?: string) {
  return (
    await client.request<{
      schedules: {
        edges: { cursor: string; node: ScheduleView }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    }>(LIST, { first, after })
  ).schedules;
}
async function errorOf(client: GraphQLClient, query: string, variables: Record<string, unknown>) {
  const res = await client.raw(query, variables);
  expect(res.errors, JSON.stringify(res)).toHaveLength(1);
  return res.errors![0]!;
}
describe.each(backends)("schedules on $name", (backend) => {
  let t: TestServer;
  let tenant: TestTenant;
  const sockets: LiveClient[] = [];

  /** As if every server had been down since `hoursAgo`: the stored tick is in the past; then wake the schedulers. */
  async function missTicksSince(scheduleId: string, hoursAgo: number) {
    await t.server.services.db.query(
      `update "schedules" set "nextRunOn" = date_trunc('minute', now()) - make_interval(hours => $2) where "id" = $1::uuid`,
      [scheduleId, hoursAgo],
    );
    await t.server.services.db.query(`select pg_notify('jobs_schedules', '')`);
  }
  const scheduleOf = async (client: GraphQLClient, id: string) =>
    (await list(client)).edges.map((e) => e.node).find((s) => s.id === id);

  beforeAll(async () => {
    t = await startTestServer(backend);
    tenant = await newTenant(t);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    await t?.stop();
  });

  it("refuses a bad cron expression, time zone, name or job with BAD_USER_INPUT naming the field", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ cron: "61 * * * *" }, "input.cron"],
      [{ cron: "every day" }, "input.cron"],
      [{ cron: "0 0 3 * * *" }, "input.cron"], // six fields: seconds are not part of a five-field expression
      [{ cron: "0 3 30 2 *" }, "input.cron"], // February 30th never comes
      [{ timezone: "Mars/Olympus_Mons" }, "input.timezone"],
      [{ timezone: "" }, "input.timezone"],
      [{ name: " " }, "input.name"],
      [{ job: { reasonerType: "GENERATION", payload: { kind: "MOCK" } } }, "input.job.payload.rows"],
      [{ job: { reasonerType: "AGENT", payload: [] } }, "input.job.payload"],
      [{ job: { ...generationJob, name: "x".repeat(300) } }, "input.job.name"],
      [{ job: { reasonerType: "LOGIC", reasonerName: "", payload: { query: "x" } } }, "input.job.reasonerName"],
      // As createJob: an agent job assigned to an agent or pool nobody registered.
      [
        { job: { reasonerType: "AGENT", payload: { functionName: "f", assignedAgentId: "nope" } } },
        "input.job.payload.assignedAgentId",
      ],
      [
        { job: { reasonerType: "AGENT", payload: { functionName: "f", assignedAgentPoolId: "no-pool" } } },
        "input.job.payload.assignedAgentPoolId",
      ],
      [
        {
          job: {
            reasonerType: "BATCH",
            name: "b",
            payload: {
              steps: [
                { name: "a", run: { reasonerType: "AGENT", payload: { functionName: "f", assignedAgentId: "x" } } },
              ],
            },
          },
        },
        "input.job.payload.steps.0.run.payload.assignedAgentId",
      ],
    ];
    for (const [over, field] of cases) {
      const error = await errorOf(tenant.member, CREATE, { input: input(over) });
      expect(error.extensions, JSON.stringify(over)).toMatchObject({ code: "BAD_USER_INPUT", field });
      expect(error.message).toContain(field);
    }
    expect((await list(tenant.member)).edges).toHaveLength(0);
  });

  it("creates a schedule armed at its next tick in its time zone, and lists it", async () => {
    const before = Date.now();
    const s = await create(tenant.member, { name: "berlin-3am" });
    expect(s).toMatchObject({
      name: "berlin-3am",
      cron: "0 3 * * *",
      timezone: "Europe/Berlin",
      catchUp: "ONCE",
      paused: false,
      lastRunOn: null,
      lastJob: null,
      createdBy: "m1",
    });
    expect(s.job).toEqual({
      reasonerType: "GENERATION",
      reasonerName: null,
      payload: { kind: "MOCK", rows: 10, seed: 7 },
      name: null,
    });
    const next = new Date(s.nextRunOn!);
    expect(next.getTime()).toBeGreaterThan(before);
    expect(next.getTime() - before).toBeLessThanOrEqual(25 * 3600_000);
    expect(
      new Intl.DateTimeFormat("en-GB", {
        timeZone: "Europe/Berlin",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      }).format(next),
    ).toBe("03:00");
    const utc = await create(tenant.member, { name: "utc-default", timezone: undefined, cron: "15 * * * *" });
    expect(utc.timezone).toBe("UTC");
    expect(new Date(utc.nextRunOn!).getUTCMinutes()).toBe(15);
    expect((await list(tenant.member)).edges.map((e) => e.node.name)).toEqual(["utc-default", "berlin-3am"]);
    // A zone is stored spelled as the time zone database spells it, however it was typed.
    for (const [typed, stored] of [
      ["europe/berlin", "Europe/Berlin"],
      ["AMERICA/NEW_YORK", "America/New_York"],
      ["utc", "UTC"],
      ["asia/tokyo", "Asia/Tokyo"],
    ] as const) {
      const s = await create(tenant.member, { name: `zone ${typed}`, timezone: typed, cron: "0 3 * * *" });
      expect(s.timezone).toBe(stored);
      expect((await list(tenant.member, 1)).edges[0]?.node).toMatchObject({ name: `zone ${typed}`, timezone: stored });
    }
  });

  it("pages newest first with opaque cursors", async () => {
    const own = await newTenant(t);
    for (const n of [1, 2, 3]) await create(own.member, { name: `s${n}` });
    const page1 = await list(own.member, 2);
    expect(page1.edges.map((e) => e.node.name)).toEqual(["s3", "s2"]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = await list(own.member, 2, page1.pageInfo.endCursor!);
    expect(page2.edges.map((e) => e.node.name)).toEqual(["s1"]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    for (const after of ["nonsense", ""])
      expect((await errorOf(own.member, LIST, { first: 2, after })).extensions).toMatchObject({
        code: "BAD_USER_INPUT",
        field: "after",
      });
    expect((await errorOf(own.member, LIST, { first: 501 })).extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "first",
    });
  });

  it("pauses (no next tick) and resumes (armed from now); both are idempotent", async () => {
    const s = await create(tenant.member, { name: "pausable", cron: "*/5 * * * *" });
    const paused = (await tenant.member.request<{ pauseSchedule: ScheduleView }>(PAUSE, { id: s.id })).pauseSchedule;
    expect(paused).toMatchObject({ paused: true, nextRunOn: null });
    expect(
      (await tenant.member.request<{ pauseSchedule: ScheduleView }>(PAUSE, { id: s.id })).pauseSchedule,
    ).toMatchObject({ paused: true });
    const resumed = (await tenant.member.request<{ resumeSchedule: ScheduleView }>(RESUME, { id: s.id }))
      .resumeSchedule;
    expect(resumed.paused).toBe(false);
    expect(new Date(resumed.nextRunOn!).getTime()).toBeGreaterThan(Date.now() - 1000);
    expect(new Date(resumed.nextRunOn!).getUTCMinutes() % 5).toBe(0);
    expect(
      (await tenant.member.request<{ resumeSchedule: ScheduleView }>(RESUME, { id: s.id })).resumeSchedule.nextRunOn,
    ).toBe(resumed.nextRunOn);
  });

  it("members see and manage their own schedules, admins all of the tenant, other tenants none", async () => {
    const mine = await create(tenant.member, { name: "m1-only" });
    const other = await newTenant(t);
    for (const outsider of [tenant.otherMember, other.admin, other.member]) {
      expect((await list(outsider)).edges.map((e) => e.node.id)).not.toContain(mine.id);
      for (const op of [PAUSE, RESUME, DELETE])
        expect((await errorOf(outsider, op, { id: mine.id })).extensions?.code).toBe("NOT_FOUND");
    }
    for (const op of [LIST, CREATE, PAUSE, DELETE]) {
      const vars = op === LIST ? {} : op === CREATE ? { input: input() } : { id: mine.id };
      expect((await errorOf(tenant.worker, op, vars)).extensions?.code).toBe("FORBIDDEN");
    }
    expect((await errorOf(tenant.member, PAUSE, { id: "not-a-uuid" })).extensions?.code).toBe("NOT_FOUND");
    // The tenant's admin sees it and may manage it.
    expect((await list(tenant.admin)).edges.map((e) => e.node.id)).toContain(mine.id);
    expect(
      (await tenant.admin.request<{ pauseSchedule: ScheduleView }>(PAUSE, { id: mine.id })).pauseSchedule.paused,
    ).toBe(true);
    expect((await tenant.member.request<{ deleteSchedule: boolean }>(DELETE, { id: mine.id })).deleteSchedule).toBe(
      true,
    );
    expect((await errorOf(tenant.member, DELETE, { id: mine.id })).extensions?.code).toBe("NOT_FOUND");
    expect((await list(tenant.admin)).edges.map((e) => e.node.id)).not.toContain(mine.id);
  });

  it("writes every change to the audit log", async () => {
    const s = await create(tenant.member, { name: "audited" });
    await tenant.member.request(PAUSE, { id: s.id });
    await tenant.member.request(RESUME, { id: s.id });
    await tenant.member.request(DELETE, { id: s.id });
    await tenant.otherMember.raw(PAUSE, { id: s.id });
    await t.server.services.audit.idle();
    const rows = await t.server.services.db.query<{
      operation: string;
      target: string;
      outcome: string;
      actor: string;
    }>(
      `select "operation", "target", "outcome", "actor" from "audit_log" where "tenantId" = $1::uuid and "operation" like '%Schedule' and "target" = $2 order by "id"`,
      [tenant.tenantId, s.id],
    );
    expect(rows.map((r) => [r.operation, r.target, r.outcome])).toEqual([
      ["createSchedule", s.id, "OK"],
      ["pauseSchedule", s.id, "OK"],
      ["resumeSchedule", s.id, "OK"],
      ["deleteSchedule", s.id, "OK"],
      ["pauseSchedule", s.id, "NOT_FOUND"],
    ]);
    expect(rows[0]!.actor).toMatch(/^m1 /);
  });

  it("a missed tick runs once on start-up (ONCE): one job, owned by the creator, in jobsChanged, as lastJob", async () => {
    const own = await newTenant(t);
    const socket = liveClient(t.url, (own.member as GraphQLClient).key);
    sockets.push(socket);
    const changes = socket.subscribe<{ jobsChanged: { jobId: string; createdBy: string; name: string } }>(
      `subscription { jobsChanged(filter: { reasonerType: GENERATION }) { jobId createdBy name } }`,
    );
    await socket.request(`{ schedules(first: 1) { edges { cursor } } }`); // the socket is open and subscribed
    // Daily, so no natural tick falls inside the test (a minute cron could, on a slow run).
    const s = await create(own.member, { name: "daily", cron: "0 3 * * *", timezone: "America/New_York" });
    await missTicksSince(s.id, 72); // three ticks missed
    const [changed] = await changes.take(1);
    const fired = (await pollUntil(
      () => scheduleOf(own.member, s.id),
      (v) => v?.lastJob != null,
      "the catch-up job",
    ))!;
    expect(fired.lastJob).toMatchObject({
      jobId: changed!.jobsChanged.jobId,
      reasonerType: "GENERATION",
      name: "daily",
      createdBy: "m1",
      rows: 10,
      seed: 7,
    });
    expect(fired.lastError).toBeNull();
    expect(new Date(fired.nextRunOn!).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(new Date(fired.lastRunOn!).getTime()).toBeGreaterThan(Date.now() - 60_000);
    // Once, not once per missed tick; visible in the creator's jobs, not in another member's.
    const jobs = await own.member.request<{ jobs: { edges: { node: { jobId: string } }[] } }>(
      `{ jobs(filter: { reasonerType: GENERATION }) { edges { node { jobId } } } }`,
    );
    expect(jobs.jobs.edges.map((e) => e.node.jobId)).toEqual([fired.lastJob!.jobId]);
    const others = await own.otherMember.request<{ jobs: { edges: unknown[] } }>(
      `{ jobs { edges { node { jobId } } } }`,
    );
    expect(others.jobs.edges).toHaveLength(0);
    // lastJob resolves with the caller's visibility: the admin sees it, the tick was audited.
    expect((await scheduleOf(own.admin, s.id))?.lastJob?.jobId).toBe(fired.lastJob!.jobId);
    await t.server.services.audit.idle();
    // As the admin reads the audit log: the scheduler acted, for the schedule (named) and its creator,
    // and made the job the row names.
    const log = await own.admin.request<{
      auditLog: { edges: { node: { actor: string; actorId: string; target: string; outcome: string } }[] };
    }>(`{ auditLog(filter: { operation: "scheduleTick" }) { edges { node { actor actorId target outcome } } } }`);
    expect(log.auditLog.edges.map((e) => e.node)).toEqual([
      { actor: `scheduler (schedule ${s.id}, for m1)`, actorId: "m1", target: fired.lastJob!.jobId, outcome: "OK" },
    ]);
  });

  it("a job that names itself nowhere is named after the schedule, in every family; a name it gives wins", async () => {
    const own = await newTenant(t);
    await agentWorker(own.worker, "iso");
    const batchPayload = { steps: [{ name: "s", run: { reasonerType: "PREDICTIVE", payload: {} } }] };
    const cases: [string, Record<string, unknown>, string][] = [
      ["agent-nightly", { reasonerType: "AGENT", payload: { functionName: "f" } }, "agent-nightly"],
      ["batch-nightly", { reasonerType: "BATCH", payload: batchPayload }, "batch-nightly"],
      ["logic-nightly", { reasonerType: "LOGIC", reasonerName: "e", payload: { query: "x" } }, "logic-nightly"],
      ["gen-nightly", generationJob, "gen-nightly"],
      ["agent-named", { reasonerType: "AGENT", payload: { functionName: "f", displayName: "Part" } }, "Part"],
      ["batch-named", { reasonerType: "BATCH", payload: { ...batchPayload, name: "own" } }, "own"],
      ["job-named", { reasonerType: "AGENT", name: "given", payload: { functionName: "f" } }, "given"],
    ];
    for (const [name, job, expected] of cases) {
      const s = await create(own.member, { name, job });
      await missTicksSince(s.id, 72);
      const fired = await pollUntil(
        () => scheduleOf(own.member, s.id),
        (v) => v?.lastJob != null || v?.lastError != null,
        `${name}'s catch-up job`,
      );
      expect(fired?.lastError, name).toBeNull();
      expect(fired?.lastJob?.name, name).toBe(expected);
    }
  });

  it("a tick's agent job assigned to a pool waits in the pool's queue, where the pool's agent claims it", async () => {
    const own = await newTenant(t);
    const agent = await agentWorker(own.worker, "iso");
    const s = await create(own.member, {
      name: "pooled",
      job: { reasonerType: "AGENT", payload: { functionName: "f", assignedAgentPoolId: "iso" } },
    });
    await missTicksSince(s.id, 72);
    const fired = await pollUntil(
      () => scheduleOf(own.member, s.id),
      (v) => v?.lastJob != null || v?.lastError != null,
      "the catch-up job",
    );
    expect(fired?.lastError).toBeNull();
    expect((await agent.claim()).jobId).toBe(fired!.lastJob!.jobId);
  });

  it("a missed tick is dropped under catch-up SKIP; a revoked creator's ticks make no job", async () => {
    const own = await newTenant(t);
    const skip = await create(own.member, { name: "skipper", cron: "0 3 * * *", catchUp: "SKIP" });
    expect(skip.catchUp).toBe("SKIP");
    await missTicksSince(skip.id, 1);
    const skipped = (await pollUntil(
      () => scheduleOf(own.member, skip.id),
      (v) => v?.lastError != null,
      "the skipped tick",
    ))!;
    expect(skipped.lastError).toContain("skipped (catch-up SKIP)");
    expect(skipped.lastJob).toBeNull();
    expect(new Date(skipped.nextRunOn!).getTime()).toBeGreaterThan(Date.now() - 60_000);

    const secret = await own.key("leaver", "MEMBER");
    const leaver = t.client(secret);
    const s = await create(leaver, { name: "orphan", cron: "* * * * *" });
    const keys = await t.server.services.db.query<{ id: string }>(
      `select "id" from "api_keys" where "userId" = 'leaver' and "tenantId" = $1::uuid`,
      [own.tenantId],
    );
    await t.admin.request(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedOn } }`, { id: keys[0]!.id });
    await missTicksSince(s.id, 1);
    const orphan = (await pollUntil(
      () => scheduleOf(own.admin, s.id),
      (v) => v?.lastError != null,
      "the orphaned tick",
    ))!;
    expect(orphan.lastError).toContain("no live API key");
    expect(orphan.lastJob).toBeNull();
    const jobs = await own.admin.request<{ jobs: { edges: unknown[] } }>(
      `{ jobs(filter: { allUsers: true }) { edges { node { jobId } } } }`,
    );
    expect(jobs.jobs.edges).toHaveLength(0);
  });
});

describe.each(backends)("a tick interrupted between creating its job and recording it, on $name", (backend) => {
  let t: TestServer;
  let scheduler: Scheduler | undefined;
  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_SCHEDULER: "0" }); // only this test's scheduler fires
  }, 120_000);
  afterAll(async () => {
    await scheduler?.stop();
    await t?.stop();
  });

  it("is fired again after its claim lapses and makes the same job: none lost, none twice", async () => {
    const { db, jobs, audit, logger } = t.server.services;
    // The database handle, except that recording the first tick fails (as if the server died right
    // after the job's commit): the job exists, the schedule still waits on that tick.
    let failures = 0;
    const faulty = new Proxy(db, {
      get(target, prop, receiver) {
        if (prop === "query") {
          return (text: string, values?: readonly unknown[]) => {
            if (text.includes(`update "schedules" set "nextRunOn"`) && failures++ === 0)
              return Promise.reject(new Error("connection terminated"));
            return target.query(text, values);
          };
        }
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    scheduler = await new Scheduler(faulty, jobs, audit, logger, { misfireMs: 60_000, claimSeconds: 1 }).start();
    const tenant = await newTenant(t);
    // Yearly: the only tick in the test is the one it arms (a minute cron could tick on its own).
    const s = await create(tenant.member, { name: "interrupted", cron: "0 3 1 1 *" });
    await db.query(`update "schedules" set "nextRunOn" = date_trunc('minute', now()) where "id" = $1::uuid`, [s.id]);
    const tick = (
      await db.query<{ nextRunOn: Date }>(`select "nextRunOn" from "schedules" where "id" = $1::uuid`, [s.id])
    )[0]!.nextRunOn;
    await db.query(`select pg_notify('jobs_schedules', '')`);

    const fired = (await pollUntil(
      async () => (await list(tenant.member)).edges[0]?.node,
      (v) => v?.lastJob != null,
      "the tick to be recorded",
    ))!;
    expect(failures).toBe(2); // the failed record, then the one that worked
    const made = await tenant.member.request<{ jobs: { edges: { node: { jobId: string } }[] } }>(
      `{ jobs { edges { node { jobId } } } }`,
    );
    expect(made.jobs.edges.map((e) => e.node.jobId)).toEqual([fired.lastJob!.jobId]);
    const keys = await db.query<{ key: string; jobId: string }>(
      `select "key", "jobId" from "idempotency_keys" where "key" like $1`,
      [`schedule:${s.id}:%`],
    );
    expect(keys).toEqual([{ key: `schedule:${s.id}:${tick.toISOString()}`, jobId: fired.lastJob!.jobId }]);
    expect(new Date(fired.nextRunOn!).getTime()).toBeGreaterThan(tick.getTime());
  });
});
