// JobsClient's schedule calls against the real server, on PGlite and PostgreSQL: create, page, pause,
// resume, delete, refusals as JobsApiError with the field, and the job a (missed) tick makes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isJobsApiError, JobsClient } from "@jobs-api/client/node";
import { backends } from "../helpers/backends.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.ts";
import { pollUntil } from "../helpers/poll.ts";

describe.each(backends.map((b) => [b.name, b] as const))("JobsClient schedules on %s", (_name, backend) => {
  let t: TestServer;
  let member: JobsClient;
  let admin: JobsClient;

  beforeAll(async () => {
    t = await startTestServer(backend);
    admin = new JobsClient({ url: t.url, apiKey: ADMIN_KEY });
    const key = await admin.createApiKey({ userId: "sdk-user", role: "MEMBER" });
    member = new JobsClient({ url: t.url, apiKey: key.secret });
  }, 120_000);
  afterAll(async () => {
    await member?.close();
    await admin?.close();
    await t?.stop();
  });

  it("creates, pages, pauses, resumes and deletes schedules", async () => {
    const job = {
      reasonerType: "PREDICTIVE" as const,
      reasonerName: "churn-model",
      payload: { model: "churn" },
      name: "daily churn",
    };
    const first = await member.createSchedule({ name: "first", cron: "0 6 * * *", timezone: "America/New_York", job });
    expect(first).toMatchObject({
      name: "first",
      cron: "0 6 * * *",
      timezone: "America/New_York",
      catchUp: "ONCE",
      paused: false,
      lastJob: null,
      createdBy: "sdk-user",
    });
    expect(first.job).toEqual(job);
    const second = await member.createSchedule({ name: "second", cron: "*/10 * * * *", catchUp: "SKIP", job });
    expect(second.timezone).toBe("UTC");

    const page1 = await member.listSchedules({ first: 1 });
    expect(page1.schedules.map((s) => s.id)).toEqual([second.id]);
    expect(page1.hasNextPage).toBe(true);
    const page2 = await member.listSchedules({ first: 1, after: page1.endCursor });
    expect(page2.schedules.map((s) => s.id)).toEqual([first.id]);
    expect(page2.hasNextPage).toBe(false);

    expect(await member.pauseSchedule(first.id)).toMatchObject({ paused: true, nextRunOn: null });
    const resumed = await member.resumeSchedule(first.id);
    expect(resumed.paused).toBe(false);
    expect(Date.parse(resumed.nextRunOn!)).toBeGreaterThan(Date.now());
    await member.deleteSchedule(second.id);
    expect((await member.listSchedules()).schedules.map((s) => s.id)).toEqual([first.id]);
    const gone = await member.deleteSchedule(second.id).catch((e: unknown) => e);
    expect(isJobsApiError(gone, "NOT_FOUND")).toBe(true);
  });

  it("refusals are JobsApiErrors naming the field", async () => {
    const err = await member
      .createSchedule({
        name: "bad",
        cron: "0 3 * * *",
        timezone: "Nowhere/Special",
        job: { reasonerType: "LOGIC", payload: {} },
      })
      .catch((e: unknown) => e);
    expect(isJobsApiError(err, "BAD_USER_INPUT")).toBe(true);
    expect((err as Error).message).toContain("input.timezone");
  });

  it("a tick's job is the schedule's lastJob, and the client reads it like any job", async () => {
    const s = await member.createSchedule({
      name: "gen",
      // Yearly, so no natural tick can fire during the test: the only job is the caught-up one.
      cron: "0 3 1 1 *",
      job: { reasonerType: "GENERATION", payload: { kind: "MOCK", rows: 5, seed: 3 } },
    });
    // As if every server had been down at the last tick: it is caught up at once.
    await t.server.services.db.query(
      `update "schedules" set "nextRunOn" = date_trunc('minute', now()) where "id" = $1::uuid`,
      [s.id],
    );
    await t.server.services.db.query(`select pg_notify('jobs_schedules', '')`);
    const fired = await pollUntil(
      async () => (await member.listSchedules()).schedules.find((x) => x.id === s.id)!,
      (x) => x.lastJob != null,
      "the caught-up tick's job",
      { intervalMs: 50 },
    );
    expect(fired.lastJob).not.toBeNull();
    const job = await member.get(fired.lastJob!);
    expect(job).toMatchObject({ reasonerType: "GENERATION", name: "gen", createdBy: "sdk-user" });
    expect((await member.list({ reasonerType: "GENERATION" })).jobs.map((j) => j.jobId)).toEqual([job.jobId]);
  });
});
