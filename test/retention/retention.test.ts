// Retention on PGlite and PostgreSQL: finished jobs older than the age go with everything that
// hangs off them, blobs go once no row names them, sealed generation jobs stay unless told
// otherwise, orphan blobs are collected, and processes sweeping together neither wait on locked
// rows nor remove anything twice.
import { randomBytes, createHash } from "node:crypto";
import { existsSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Worker } from "@jobs-api/client/node";
import { Retention, type RetentionOptions } from "../../src/retention/retention.ts";
import { backends } from "../helpers/backends.ts";
import { createJob } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { newTenant, type TestTenant } from "../http/tenant.ts";
import { pollUntil } from "../helpers/poll.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
const sha256 = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

describe.each(backends.map((b) => [b.name, b] as const))("retention on %s", (name, backend) => {
  let t: TestServer;
  beforeAll(async () => {
    // The server's own passes are off (interval 0): each test runs retention itself, as a process would.
    t = await startTestServer(backend, {
      JOBS_RETENTION_INTERVAL_MS: "0",
      JOBS_SWEEP_INTERVAL_MS: "0",
      JOBS_RATE_LIMIT: "0",
      JOBS_WORKERS: "1",
    });
  });
  afterAll(async () => t?.stop());

  const db = () => t.server.services.db;
  const blobs = () => t.server.services.blobs;
  const retention = (options: Partial<RetentionOptions> = {}) =>
    new Retention(db(), blobs(), {
      maxAgeMs: 30 * DAY_MS,
      batchSize: 2,
      keepProvenance: true,
      blobGraceMs: 0,
      ...options,
    });
  /** Makes jobs look finished `days` ago. */
  const finishedDaysAgo = (jobIds: string[], days: number) =>
    db().query(`update "jobs" set "finishedOn" = now() - make_interval(days => $2) where "id" = any($1::uuid[])`, [
      jobIds,
      days,
    ]);
  const rowsOf = async (jobId: string) => {
    const tables = [
      "jobs",
      "job_status_changes",
      "job_events",
      "job_log_lines",
      "artifacts",
      "access_grants",
      "idempotency_keys",
    ];
    const counts: Record<string, number> = {};
    for (const table of tables) {
      const column = table === "jobs" ? "id" : "jobId";
      counts[table] = (
        await db().query<{ n: number }>(`select count(*)::int as n from "${table}" where "${column}" = $1::uuid`, [
          jobId,
        ])
      )[0]!.n;
    }
    return counts;
  };
  const worker = (tn: TestTenant) =>
    new Worker({
      url: t.url,
      apiKey: tn.worker.key!,
      name: "retained",
      reasonerTypes: ["PRESCRIPTIVE"],
      logger: quiet,
    });

  /** A PRESCRIPTIVE job run to SUCCEEDED with events, logs and the given uploads attached. */
  async function finishedJob(tn: TestTenant, uploads: Buffer[]): Promise<string> {
    const job = await createJob(tn.member, "PRESCRIPTIVE");
    const w = worker(tn);
    const lease = await w.claim();
    if (!lease || lease.job.jobId !== job.jobId) throw new Error("expected to claim the new job");
    await w.appendEvents(lease.token, [{ percent: 50 }]);
    await w.appendLogs(lease.token, [{ message: "solving" }, { message: "solved" }]);
    const ids: string[] = [];
    for (const [i, body] of uploads.entries())
      ids.push((await w.uploadArtifact(lease.token, { name: `out-${i}.bin`, body })).id);
    await w.complete(lease.token, { ok: true }, ids);
    return job.jobId;
  }

  it("removes finished jobs past the age with their history, events, logs, artifacts, access and keys; a blob goes when no job names it", async () => {
    const tn = await newTenant(t);
    const shared = randomBytes(2000);
    const own = randomBytes(2000);
    const old = await finishedJob(tn, [shared, own]);
    const recent = await finishedJob(tn, [shared]);
    const waiting = await createJob(tn.member, "PRESCRIPTIVE", 1);
    const canceled = await createJob(tn.member, "LOGIC", 2, { idempotencyKey: "old-key" });
    await tn.member.request(`mutation($id: ID!) { cancelJob(reasonerType: LOGIC, jobId: $id) { state } }`, {
      id: canceled.jobId,
    });
    await finishedDaysAgo([old, canceled.jobId], 31);
    await db().query(`update "jobs" set "createdOn" = now() - interval '40 days' where "id" = $1::uuid`, [
      waiting.jobId,
    ]);
    // History and grants have no foreign key to cascade from: retention must delete them itself.
    await db().query(
      `insert into "access_grants" ("jobId", "subjectId", "relation") values ($1::uuid, 'reader', 'VIEWER')`,
      [old],
    );
    expect(await rowsOf(old)).toMatchObject({
      jobs: 1,
      // RUNNING and SUCCEEDED: its CREATED and QUEUED entries are implied by the job's row.
      job_status_changes: 2,
      job_events: 1,
      job_log_lines: 2,
      artifacts: 2,
      access_grants: 1,
    });

    const pass = await retention().runOnce();
    expect(pass).toMatchObject({ jobs: 2, blobs: 1 });
    for (const gone of [old, canceled.jobId]) {
      expect(Object.values(await rowsOf(gone)).every((n) => n === 0)).toBe(true);
    }
    expect((await rowsOf(recent)).jobs).toBe(1);
    expect((await rowsOf(waiting.jobId)).jobs).toBe(1);
    expect(existsSync(blobs().pathOf(sha256(own)))).toBe(false);
    expect(existsSync(blobs().pathOf(sha256(shared)))).toBe(true);
    const read = await tn.member.request<{ job: unknown }>(
      `query($id: ID!) { job(reasonerType: PRESCRIPTIVE, jobId: $id) { jobId } }`,
      { id: old },
    );
    expect(read.job).toBeNull();
    // The removed job's idempotency key is free again: the same request makes a new job.
    const again = await createJob(tn.member, "LOGIC", 2, { idempotencyKey: "old-key" });
    expect(again.jobId).not.toBe(canceled.jobId);

    // Nothing more is due; once the other job ages too, the shared blob goes with it.
    expect(await retention().runOnce()).toEqual({ jobs: 0, uploads: 0, blobs: 0 });
    await finishedDaysAgo([recent], 31);
    expect(await retention().runOnce()).toMatchObject({ jobs: 1, blobs: 1 });
    expect(existsSync(blobs().pathOf(sha256(shared)))).toBe(false);
  });

  it("keeps succeeded generation jobs (seal and evidence) unless keepProvenance is off", async () => {
    const created = await t.admin.request<{ createGenerationJob: { job: { jobId: string } } }>(
      `mutation { createGenerationJob(input: { kind: MOCK, rows: 20, seed: 3, spec: { columns: [{ name: "n", type: "int" }] } }) { job { jobId } } }`,
    );
    const jobId = created.createGenerationJob.job.jobId;
    const done = await t.admin.request<{
      waitForJob: { state: string; evidence: { files: { contentHash: string }[] } };
    }>(
      `query($id: ID!) { waitForJob(reasonerType: GENERATION, jobId: $id, timeoutS: 120) { state ... on GenerationJob { evidence { files { contentHash } } } } }`,
      { id: jobId },
    );
    expect(done.waitForJob.state).toBe("SUCCEEDED");
    await finishedDaysAgo([jobId], 31);
    const seals = () => db().query(`select 1 from "provenance_seals" where "jobId" = $1::uuid`, [jobId]);
    expect(await seals()).toHaveLength(1);

    await retention().runOnce();
    expect((await rowsOf(jobId)).jobs).toBe(1);
    expect(await seals()).toHaveLength(1);

    await retention({ keepProvenance: false }).runOnce();
    expect((await rowsOf(jobId)).jobs).toBe(0);
    expect(await seals()).toHaveLength(0);
    for (const file of done.waitForJob.evidence.files) expect(existsSync(blobs().pathOf(file.contentHash))).toBe(false);
  });

  it("removes uploads never attached to their job once past the age", async () => {
    const tn = await newTenant(t);
    const job = await createJob(tn.member, "PRESCRIPTIVE");
    const w = worker(tn);
    const lease = await w.claim();
    const bytes = randomBytes(1000);
    const upload = await w.uploadArtifact(lease!.token, { name: "unused.bin", body: bytes });
    await w.complete(lease!.token, { ok: true }, []);
    await db().query(`update "artifacts" set "createdOn" = now() - interval '31 days' where "id" = $1::uuid`, [
      upload.id,
    ]);
    // The job itself finished just now: it stays, its stray upload goes.
    expect(await retention().runOnce()).toEqual({ jobs: 0, uploads: 1, blobs: 1 });
    expect((await rowsOf(job.jobId)).jobs).toBe(1);
    expect(existsSync(blobs().pathOf(sha256(bytes)))).toBe(false);
  });

  it("keeps an old upload while its lease is held (a job kept running by heartbeats), and it still attaches", async () => {
    const tn = await newTenant(t);
    const job = await createJob(tn.member, "PRESCRIPTIVE");
    const w = worker(tn);
    const lease = await w.claim();
    expect(lease!.job.jobId).toBe(job.jobId);
    const bytes = randomBytes(800);
    const upload = await w.uploadArtifact(lease!.token, { name: "output.bin", body: bytes });
    await db().query(`update "artifacts" set "createdOn" = now() - interval '31 days' where "id" = $1::uuid`, [
      upload.id,
    ]);
    expect(await retention().runOnce()).toEqual({ jobs: 0, uploads: 0, blobs: 0 });
    await w.complete(lease!.token, { ok: true }, [upload.id]);
    const attached = await db().query<{ jobId: string }>(`select "jobId" from "artifacts" where "id" = $1::uuid`, [
      upload.id,
    ]);
    expect(attached[0]?.jobId).toBe(job.jobId);
    expect(existsSync(blobs().pathOf(sha256(bytes)))).toBe(true);
  });

  it("collects orphan blobs no row names, past the grace time only", async () => {
    const tn = await newTenant(t);
    const named = randomBytes(500);
    await finishedJob(tn, [named]);
    const orphan = await blobs().putBytes(randomBytes(500));
    expect(await retention({ blobGraceMs: 60 * 60 * 1000 }).collectOrphanBlobs()).toBe(0);
    expect(await blobs().has(orphan.contentHash)).toBe(true);
    expect(await retention().collectOrphanBlobs()).toBeGreaterThanOrEqual(1);
    expect(await blobs().has(orphan.contentHash)).toBe(false);
    expect(await blobs().has(sha256(named))).toBe(true);
  });

  it("two processes sweeping at once remove each job once", async () => {
    const tn = await newTenant(t);
    const inputs = Array.from({ length: 30 }, (_, n) => ({
      reasonerType: "LOGIC",
      reasonerName: "engine-a",
      payload: { query: `def n = ${n}` },
    }));
    const made = await tn.member.request<{ createJobs: { job: { jobId: string } }[] }>(
      `mutation($i: [CreateJobInput!]!) { createJobs(inputs: $i) { job { jobId } } }`,
      { i: inputs },
    );
    const ids = made.createJobs.map((r) => r.job.jobId);
    await db().query(
      `update "jobs" set "state" = 'CANCELED', "nativeState" = 'ABORTED', "finishedOn" = now() - interval '40 days' where "id" = any($1::uuid[])`,
      [ids],
    );
    const [a, b] = await Promise.all([retention({ batchSize: 4 }).runOnce(), retention({ batchSize: 4 }).runOnce()]);
    expect(a.jobs + b.jobs).toBe(30);
    expect(
      (await db().query<{ n: number }>(`select count(*)::int as n from "jobs" where "id" = any($1::uuid[])`, [ids]))[0]!
        .n,
    ).toBe(0);
  });

  it.runIf(name === "postgres")(
    "skips a finished job another transaction holds locked instead of waiting for it",
    async () => {
      const tn = await newTenant(t);
      const jobs = await Promise.all([createJob(tn.member, "LOGIC", 1), createJob(tn.member, "LOGIC", 2)]);
      const ids = jobs.map((j) => j.jobId);
      await db().query(
        `update "jobs" set "state" = 'CANCELED', "nativeState" = 'ABORTED', "finishedOn" = now() - interval '40 days' where "id" = any($1::uuid[])`,
        [ids],
      );
      const other = new pg.Client({ connectionString: t.server.services.config.databaseUrl });
      await other.connect();
      try {
        await other.query("begin");
        await other.query(`select 1 from "jobs" where "id" = $1::uuid for update`, [ids[0]]);
        expect((await retention().runOnce()).jobs).toBe(1);
        expect((await rowsOf(ids[0]!)).jobs).toBe(1);
        await other.query("rollback");
        expect((await retention().runOnce()).jobs).toBe(1);
        expect((await rowsOf(ids[0]!)).jobs).toBe(0);
      } finally {
        await other.end();
      }
    },
  );
});

describe("retention run by the server itself", () => {
  it("removes a finished job past the age on its own passes (JOBS_RETENTION_INTERVAL_MS)", async () => {
    const t = await startTestServer(backends[0]!, {
      JOBS_RETENTION_DAYS: "1",
      JOBS_RETENTION_INTERVAL_MS: "50",
      JOBS_SWEEP_INTERVAL_MS: "0",
    });
    try {
      const job = await createJob(t.admin, "LOGIC", 1);
      await t.admin.request(`mutation($id: ID!) { cancelJob(reasonerType: LOGIC, jobId: $id) { state } }`, {
        id: job.jobId,
      });
      const db = t.server.services.db;
      await db.query(`update "jobs" set "finishedOn" = now() - interval '2 days' where "id" = $1::uuid`, [job.jobId]);
      await pollUntil(
        async () => (await db.query(`select 1 from "jobs" where "id" = $1::uuid`, [job.jobId])).length === 0,
        "the server's retention to remove the job",
        { timeoutMs: 30_000, intervalMs: 25 },
      );
      const kept = await createJob(t.admin, "LOGIC", 2);
      await t.admin.request(`mutation($id: ID!) { cancelJob(reasonerType: LOGIC, jobId: $id) { state } }`, {
        id: kept.jobId,
      });
      // A job finished just now is younger than the age: it stays.
      expect((await db.query(`select 1 from "jobs" where "id" = $1::uuid`, [kept.jobId])).length).toBe(1);
    } finally {
      await t.stop();
    }
  });
});
