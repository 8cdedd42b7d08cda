// The job page, single-job loads and the status-history and artifact expansions are read with plain
// SQL; they must give exactly the records the Prisma reads they replaced gave (same keys in the same
// order, same values and types), on both backends and for every family, filter and cursor. Prisma
// reads the same sights (jobs/visibility.ts) through its own filters, written here as the oracle.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import type { JobExpansions } from "../../src/jobs/gateway.ts";
import type { Prisma } from "../../src/generated/prisma/client.ts";
import { jobInclude, toJobRecord } from "../../src/jobs/local/rows.ts";
import { selectListedJobs, selectVisibleJobs } from "../../src/jobs/local/read-jobs.ts";
import { DEFAULT_JOB_ORDER } from "../../src/jobs/order.ts";
import type { JobFilter, JobRecord, Viewer } from "../../src/jobs/model.ts";
import { initialHistory, TERMINAL_STATES } from "../../src/jobs/states.ts";
import { type JobSight, listingSight, readingSight } from "../../src/jobs/visibility.ts";
import { backends } from "../helpers/backends.ts";
import { createJob, REASONER_TYPES } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

/** Equal values and types, and the same key order all the way down (what `raw` and `details` print). */
function expectSame(actual: unknown, expected: unknown) {
  expect(actual).toStrictEqual(expected);
  const keyOrder = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(keyOrder)
      : v && typeof v === "object" && !(v instanceof Date)
        ? Object.entries(v).map(([k, x]) => [k, keyOrder(x)])
        : typeof v;
  expect(keyOrder(actual)).toEqual(keyOrder(expected));
}

/** A sight as a Prisma filter. */
function prismaSight(sight: JobSight): Prisma.JobWhereInput {
  return sight.scope === "tenant"
    ? { tenantId: sight.tenantId }
    : {
        tenantId: sight.tenantId,
        OR: [{ createdBy: sight.userId }, { access: { some: { subjectId: sight.userId } } }],
      };
}

/** The jobs a viewer lists with `filter`, as a Prisma filter. */
function prismaListed(filter: JobFilter, viewer: Viewer): Prisma.JobWhereInput {
  const where: Prisma.JobWhereInput[] = [prismaSight(listingSight(viewer, filter))];
  if (filter.reasonerTypes) where.push({ reasonerType: { in: [...filter.reasonerTypes] } });
  if (filter.jobId) where.push({ id: filter.jobId });
  if (filter.state) where.push({ state: filter.state });
  if (filter.name) where.push({ name: filter.name });
  if (filter.createdBy) where.push({ createdBy: filter.createdBy });
  if (filter.assignedAgentId) where.push({ agent: { assignedAgentId: filter.assignedAgentId } });
  if (filter.archiveStatus) where.push({ agent: { archiveStatus: filter.archiveStatus } });
  if (filter.onlyActive) where.push({ state: { notIn: [...TERMINAL_STATES] } });
  return { AND: where };
}

/** The fields of a model in prisma/schema.prisma, with their types. */
function modelFields(model: string): [string, string][] {
  const schema = readFileSync(new URL("../../prisma/schema.prisma", import.meta.url), "utf8");
  const body = schema.match(new RegExp(`model ${model} \\{([^}]*)\\}`))?.[1] ?? "";
  return body
    .split("\n")
    .map((line) => line.trim().match(/^(\w+)\s+(\w+)/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => [m[1]!, m[2]!]);
}

it("reads timestamps and big integers where the schema has them (and nowhere else)", () => {
  // read-jobs.ts converts exactly these job columns to Dates, and the details (read as JSON) hold
  // no type JSON cannot carry: a new DateTime or BigInt column there needs read-jobs.ts changed.
  expect(
    modelFields("Job")
      .filter(([, type]) => type === "DateTime")
      .map(([name]) => name),
  ).toEqual(["createdOn", "updatedOn", "startedOn", "finishedOn", "runAfter", "leaseExpiresOn"]);
  for (const model of ["TransactionDetail", "AgentDetail", "GenerationDetail", "BatchDetail"]) {
    const fields = modelFields(model);
    expect(fields.length).toBeGreaterThan(2);
    expect(fields.filter(([, type]) => ["DateTime", "BigInt", "Decimal", "Bytes"].includes(type))).toEqual([]);
  }
});

describe.each(backends)("plain SQL reads on $name", (backend) => {
  let t: TestServer;
  let db: Database;
  let expansions: JobExpansions;
  let admin: Viewer;
  let member: Viewer;
  let worker: Viewer;
  const ids: string[] = [];

  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_SWEEP_INTERVAL_MS: "0" });
    const s = t.server.services;
    db = s.db;
    expansions = s.registry.for("PRESCRIPTIVE").expansions;
    const tenant = (await s.auth.firstTenant())!;
    admin = { tenantId: tenant.id, userId: "admin", email: null, role: "ADMIN", apiKeyId: null };
    const { secret } = await s.auth.createApiKey({ userId: "mia", email: "mia@example.com", role: "MEMBER" }, admin);
    member = { tenantId: tenant.id, userId: "mia", email: "mia@example.com", role: "MEMBER", apiKeyId: null };
    worker = { tenantId: tenant.id, userId: "agent-1", email: null, role: "WORKER", apiKeyId: null };
    for (let i = 0; i < 12; i++)
      ids.push((await createJob(t.admin, REASONER_TYPES[i % REASONER_TYPES.length]!, i)).jobId);
    for (let i = 0; i < 3; i++) ids.push((await createJob(t.client(secret), REASONER_TYPES[i]!, 100 + i)).jobId);
    // Shared with the member: an admin's agent job.
    await db.query(
      `insert into "access_grants" ("jobId", "subjectId", "email", "relation") values ($1, 'mia', null, 'VIEWER')`,
      [ids[3]],
    );
    // Expansions with every kind of value, nulls included; same createdOn for some, to test the tie order.
    await db.query(
      `insert into "job_status_changes" ("jobId", "seq", "state", "nativeState", "message", "agentId", "createdById")
       select j."id", 10, 'RUNNING', 'RUNNING', case when j."name" like '%1' then null else 'started' end, 'agent-7', null from "jobs" j`,
    );
    await db.query(
      `insert into "artifacts" ("id", "tenantId", "jobId", "leaseToken", "purpose", "name", "artifactType", "mimeType", "sizeBytes", "contentHash", "createdOn")
       select gen_random_uuid(), j."tenantId", j."id", null, p, 'part-' || s, 'file', case when s = 1 then null else 'text/csv' end,
              case when s = 3 then 9007199254740993 else 1000 + s end, 'sha256:' || s, timestamptz '2026-01-01 00:00:00.123+00'
       from "jobs" j, generate_series(1, 3) s, (values ('output'), ('evidence')) as k(p)`,
    );
    await db.query(
      `update "jobs" set "startedOn" = now(), "result" = '{"rows": [1, 2.5, null], "ok": true}', "errorCode" = null where "name" like '%2'`,
    );
  });
  afterAll(async () => t?.stop());

  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

  it("loads jobs as Prisma did, for admins, members and workers", async () => {
    for (const viewer of [admin, member, worker]) {
      const prisma = (
        await db.prisma.job.findMany({
          where: { AND: [prismaSight(readingSight(viewer)), { id: { in: ids } }] },
          include: jobInclude,
        })
      ).map(toJobRecord);
      const plain = await selectVisibleJobs(db, ids, viewer);
      expect(plain.length).toBeGreaterThan(0);
      expectSame([...plain].sort(byId), [...prisma].sort(byId));
    }
    // Every family has its details, as Prisma included them.
    const all = await selectVisibleJobs(db, ids, admin);
    expect(
      new Set(all.filter((j) => j.transaction || j.agent || j.generation || j.batch).map((j) => j.reasonerType)),
    ).toEqual(new Set(["LOGIC", "AGENT", "GENERATION", "BATCH"]));
  });

  it("lists jobs as Prisma did, for every filter and after a cursor", async () => {
    const filters: JobFilter[] = [
      {},
      { allUsers: true },
      { reasonerTypes: ["PRESCRIPTIVE", "PREDICTIVE"] },
      { reasonerTypes: ["AGENT"] },
      { jobId: ids[4]! },
      { state: "QUEUED" },
      { name: "agent-3" },
      { createdBy: "admin", allUsers: true },
      { onlyActive: true, allUsers: true },
      { archiveStatus: "ACTIVE", allUsers: true },
    ];
    for (const viewer of [admin, member, worker]) {
      for (const filter of filters) {
        const prismaPage = async (after: JobRecord | null, take: number) =>
          (
            await db.prisma.job.findMany({
              where: {
                AND: [
                  prismaListed(filter, viewer),
                  ...(after
                    ? [
                        {
                          OR: [
                            { createdOn: { lt: after.createdOn } },
                            { createdOn: after.createdOn, id: { lt: after.id } },
                          ],
                        },
                      ]
                    : []),
                ],
              },
              include: jobInclude,
              orderBy: [{ createdOn: "desc" }, { id: "desc" }],
              take,
            })
          ).map(toJobRecord);
        const first = await selectListedJobs(db, filter, DEFAULT_JOB_ORDER, null, 4, viewer);
        expectSame(first, await prismaPage(null, 4));
        const last = first.at(-1);
        if (last) {
          const next = await selectListedJobs(
            db,
            filter,
            DEFAULT_JOB_ORDER,
            { key: last.createdOn.toISOString(), id: last.id },
            50,
            viewer,
          );
          expectSame(next, await prismaPage(last, 50));
        }
      }
    }
  });

  it("reads status history and output artifacts as Prisma did", async () => {
    const some = [...ids.slice(0, 7), "00000000-0000-0000-0000-000000000000"];
    const group = <T extends { jobId: string | null }>(rows: T[]) =>
      some.map((id) => rows.filter((r) => r.jobId === id));
    const stored = await db.prisma.jobStatusChange.findMany({
      where: { jobId: { in: some } },
      orderBy: [{ jobId: "asc" }, { seq: "asc" }],
    });
    // A job's first entries are implied by its row (its family's initial states, by its creator at
    // its creation), the rest stored; each job here is new (its initial entries implied) but for one
    // whose entries were all stored, as before they were implied.
    await db.query(
      `with old as (update "jobs" set "impliedHistory" = 0 where "id" = $1::uuid returning *)
       insert into "job_status_changes" ("jobId", "seq", "state", "nativeState", "message", "agentId", "createdById", "createdOn")
       select "id", s.seq, s.state::"JobState", s.state, 'stored', null, "createdBy", "createdOn" - interval '1 ms'
       from old, (values (1, 'CREATED'), (2, 'QUEUED')) as s(seq, state)`,
      [some[1]],
    );
    const jobs = await db.prisma.job.findMany({ where: { id: { in: some } } });
    const implied = jobs.flatMap((job) =>
      initialHistory(job.reasonerType)
        .slice(0, job.impliedHistory)
        .map((e) => ({
          jobId: job.id,
          seq: e.seq,
          state: e.state,
          nativeState: e.nativeState,
          message: null,
          agentId: null,
          createdById: job.createdBy,
          createdOn: job.createdOn,
        })),
    );
    const history = [
      ...implied,
      ...(await db.prisma.jobStatusChange.findMany({
        where: { jobId: { in: some } },
        orderBy: [{ jobId: "asc" }, { seq: "asc" }],
      })),
    ].sort((a, b) => (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : a.seq - b.seq));
    // Only the rows this suite wrote were stored; none of the new jobs' own.
    expect(stored.map((h) => h.seq)).toEqual(stored.map(() => 10));
    expect(history.filter((h) => h.jobId === some[1]).map((h) => [h.seq, h.state, h.message])).toEqual([
      [1, "CREATED", "stored"],
      [2, "QUEUED", "stored"],
      [10, "RUNNING", null],
    ]);
    expectSame(await expansions.statusHistory(some), group(history));
    const artifacts = await db.prisma.artifact.findMany({
      where: { jobId: { in: some }, purpose: "output" },
      orderBy: [{ createdOn: "asc" }, { id: "asc" }],
    });
    expect(artifacts.some((a) => a.sizeBytes === 9007199254740993n)).toBe(true);
    expectSame(await expansions.artifacts(some), group(artifacts));
  });

  it("reads events with the timestamps pg itself parses", async () => {
    const some = ids.slice(0, 5);
    await db.query(
      `insert into "job_events" ("jobId", "seq", "stream", "data", "createdOn")
       select j, s, 'progress', jsonb_build_object('step', s, 'nested', jsonb_build_array(1, 'two', null)), timestamptz '2026-03-04 05:06:07.089+00' + s * interval '1 millisecond'
       from unnest($1::uuid[]) j, generate_series(1, 4) s`,
      [some],
    );
    const parsedByPg = await db.query<{ jobId: string }>(
      `select "jobId", "seq", "stream", "data", "createdOn" from "job_events" where "jobId" = any($1::uuid[]) and "stream" = 'progress' and "seq" > 1 order by "jobId", "seq"`,
      [some],
    );
    const window = { stream: "progress", afterSeq: 1, first: 2 };
    const expected = some.map((id) => parsedByPg.filter((r) => r.jobId === id).slice(0, 3));
    expectSame(await expansions.events(some, window), expected);
  });
});
