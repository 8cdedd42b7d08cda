// One visibility rule (src/jobs/visibility.ts), two renderings: the SQL condition every read of the
// store uses (load, list, count, artifacts) and the in-memory predicate live updates use. For every
// viewer (each role, users with and without grants, another tenant) and every job (each family,
// owned, shared, another tenant's; filters of every kind), the two must pick the same jobs, on both
// backends.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import type { AccessGrantRecord } from "../../src/jobs/gateway.ts";
import { countListedJobs, selectListedJobs, selectVisibleJobs } from "../../src/jobs/local/read-jobs.ts";
import { DEFAULT_JOB_ORDER } from "../../src/jobs/order.ts";
import { jobInclude, toJobRecord } from "../../src/jobs/local/rows.ts";
import type { JobFilter, JobRecord, Viewer } from "../../src/jobs/model.ts";
import { readingSight } from "../../src/jobs/visibility.ts";
import { canSee, type LiveJobFilter, matchesJobsFilter, sightIncludes } from "../../src/live/visibility.ts";
import type { ArtifactService } from "../../src/artifacts/service.ts";
import { backends } from "../helpers/backends.ts";
import { createJob, REASONER_TYPES } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const sorted = (ids: Iterable<string>) => [...ids].sort();

describe.each(backends)("the visibility rule's SQL and in-memory renderings agree on $name", (backend) => {
  let t: TestServer;
  let db: Database;
  let artifacts: ArtifactService;
  const viewers: Viewer[] = [];
  let jobs: JobRecord[] = [];
  const grants = new Map<string, AccessGrantRecord[]>();
  let storedArtifacts: { id: string; tenantId: string; jobId: string | null; uploadedBy: string | null }[] = [];

  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_SWEEP_INTERVAL_MS: "0", JOBS_RATE_LIMIT: "0" });
    const s = t.server.services;
    db = s.db;
    artifacts = s.artifacts;
    const tenantA = (await s.auth.firstTenant())!.id;
    const rootAdmin: Viewer = { tenantId: tenantA, userId: "admin", email: null, role: "ADMIN", apiKeyId: null };
    const tenantB = (await s.auth.createTenant("tenant-b", rootAdmin)).id;
    const viewer = (tenantId: string, userId: string, role: Viewer["role"]): Viewer => ({
      tenantId,
      userId,
      email: null,
      role,
      apiKeyId: null,
    });
    const clientOf = async (v: Viewer) =>
      t.client((await s.auth.createApiKey({ userId: v.userId, role: v.role, tenantId: v.tenantId }, rootAdmin)).secret);

    const alice = viewer(tenantA, "alice", "MEMBER");
    const bob = viewer(tenantA, "bob", "MEMBER");
    const bossB = viewer(tenantB, "boss-b", "ADMIN");
    const memberB = viewer(tenantB, "alice", "MEMBER"); // the same user id in another tenant
    viewers.push(
      rootAdmin,
      alice,
      bob,
      viewer(tenantA, "carol", "MEMBER"), // sees only what is shared with her
      viewer(tenantA, "dave", "MEMBER"), // owns nothing, is granted nothing
      viewer(tenantA, "agent-1", "WORKER"),
      viewer(tenantA, "front", "GATEWAY"),
      bossB,
      memberB,
    );
    // Jobs of every family, by several users in two tenants.
    const makers = [
      t.admin,
      await clientOf(alice),
      await clientOf(bob),
      await clientOf(bossB),
      await clientOf(memberB),
    ];
    for (const [m, maker] of makers.entries())
      for (const [i, type] of REASONER_TYPES.entries()) await createJob(maker, type, m * 10 + i);

    const all = (await db.prisma.job.findMany({ include: jobInclude })).map(toJobRecord);
    const agentJobs = all.filter((j) => j.reasonerType === "AGENT");
    const byUser = (tenantId: string, userId: string) =>
      all.filter((j) => j.tenantId === tenantId && j.createdBy === userId);
    // Shared: bob's agent job with carol, an admin's job with alice, and one across tenants' same user id.
    const share = async (job: JobRecord, subjectId: string, relation: string) =>
      db.query(`insert into "access_grants" ("jobId", "subjectId", "relation") values ($1, $2, $3::"AccessRelation")`, [
        job.id,
        subjectId,
        relation,
      ]);
    await share(byUser(tenantA, "bob").find((j) => j.reasonerType === "AGENT")!, "carol", "VIEWER");
    await share(byUser(tenantA, "admin")[0]!, "alice", "EDITOR");
    await share(byUser(tenantB, "boss-b")[0]!, "alice", "VIEWER");
    // States, assignment and archive status for the filters.
    await db.query(`update "jobs" set "state" = 'SUCCEEDED' where "id" = any($1::uuid[])`, [
      all.filter((_, i) => i % 4 === 1).map((j) => j.id),
    ]);
    await db.query(`update "agent_details" set "assignedAgentId" = 'agent-x' where "jobId" = any($1::uuid[])`, [
      agentJobs.filter((_, i) => i % 2 === 0).map((j) => j.id),
    ]);
    await db.query(`update "agent_details" set "archiveStatus" = 'ARCHIVED' where "jobId" = any($1::uuid[])`, [
      agentJobs.filter((_, i) => i % 3 === 0).map((j) => j.id),
    ]);
    // Artifacts: on jobs, users' uploads (on no job), and a worker's upload not yet attached.
    await db.query(
      `insert into "artifacts" ("id", "tenantId", "jobId", "name", "artifactType", "sizeBytes", "contentHash", "uploadedBy")
       select gen_random_uuid(), j."tenantId", j."id", 'out', 'file', 1, 'sha256:x', null from "jobs" j`,
    );
    for (const [tenantId, uploader] of [
      [tenantA, "alice"],
      [tenantA, "admin"],
      [tenantA, null],
      [tenantB, "alice"],
    ] as const)
      await db.query(
        `insert into "artifacts" ("id", "tenantId", "jobId", "name", "artifactType", "sizeBytes", "contentHash", "uploadedBy")
         values (gen_random_uuid(), $1::uuid, null, 'upload', 'file', 1, 'sha256:y', $2)`,
        [tenantId, uploader],
      );

    // The records and grants as Prisma reads them: the in-memory side's input.
    jobs = (
      await db.prisma.job.findMany({ include: jobInclude, orderBy: [{ createdOn: "desc" }, { id: "desc" }] })
    ).map(toJobRecord);
    for (const g of await db.prisma.accessGrant.findMany()) grants.set(g.jobId, [...(grants.get(g.jobId) ?? []), g]);
    storedArtifacts = await db.prisma.artifact.findMany({
      select: { id: true, tenantId: true, jobId: true, uploadedBy: true },
    });
  });
  afterAll(async () => t?.stop());

  const grantsOf = (job: JobRecord) => grants.get(job.id) ?? [];

  it("has a fixture that tells the viewers apart", () => {
    const seen = viewers.map((viewer) => jobs.filter((j) => canSee(viewer, j, grantsOf(j))).length);
    // admin, alice, bob, carol, dave, the worker, the gateway, the other tenant's admin and member.
    expect(seen).toEqual([18, 7, 6, 1, 0, 18, 18, 12, 7]);
  });

  it("reads (load, loadOne): the same jobs", async () => {
    const ids = jobs.map((j) => j.id);
    for (const viewer of viewers) {
      const expected = jobs.filter((j) => canSee(viewer, j, grantsOf(j))).map((j) => j.id);
      const read = await selectVisibleJobs(db, ids, viewer);
      expect(sorted(read.map((j) => j.id)), `${viewer.role} ${viewer.userId}`).toEqual(sorted(expected));
    }
  });

  it("lists and counts (jobs(filter), jobsChanged): the same jobs in the same order, for every filter", async () => {
    const someAgentJob = jobs.find((j) => j.reasonerType === "AGENT" && j.createdBy === "bob")!;
    const filters: LiveJobFilter[] = [
      {},
      { allUsers: true },
      { reasonerType: "AGENT" },
      { reasonerType: "LOGIC", allUsers: true },
      { state: "SUCCEEDED" },
      { onlyActive: true, allUsers: true },
      { createdBy: "bob" },
      { createdBy: "admin", allUsers: true },
      { name: "logic-10", allUsers: true },
      { jobId: someAgentJob.id },
      { jobId: someAgentJob.id, allUsers: true },
      { assignedAgentId: "agent-x" },
      { assignedAgentId: "agent-x", allUsers: true },
      { archiveStatus: "ARCHIVED", allUsers: true },
      { archiveStatus: "ACTIVE" },
    ];
    let matched = 0;
    for (const viewer of viewers) {
      for (const filter of filters) {
        const { reasonerType, ...rest } = filter;
        const sqlFilter: JobFilter = reasonerType ? { ...rest, reasonerTypes: [reasonerType] } : rest;
        const expected = jobs.filter((j) => matchesJobsFilter(viewer, filter, j, grantsOf(j))).map((j) => j.id);
        const label = `${viewer.role} ${viewer.userId} ${JSON.stringify(filter)}`;
        const listed = await selectListedJobs(db, sqlFilter, DEFAULT_JOB_ORDER, null, 1000, viewer);
        expect(
          listed.map((j) => j.id),
          label,
        ).toEqual(expected);
        expect(await countListedJobs(db, sqlFilter, viewer, 1000), label).toEqual({
          value: expected.length,
          estimated: false,
        });
        matched += expected.length;
      }
    }
    expect(matched).toBeGreaterThan(viewers.length * 4);
  });

  it("artifacts (node(id:), downloads): those of jobs the viewer sees, and uploads of users in their sight", async () => {
    const byId = new Map(jobs.map((j) => [j.id, j]));
    const ids = storedArtifacts.map((a) => a.id);
    for (const viewer of viewers) {
      // An upload stands in the reading sight as a job would, its uploader in the creator's place.
      const expected = storedArtifacts.filter((a) => {
        if (a.jobId === null)
          return (
            a.uploadedBy !== null &&
            sightIncludes(readingSight(viewer), { tenantId: a.tenantId, createdBy: a.uploadedBy }, [])
          );
        const job = byId.get(a.jobId)!;
        return canSee(viewer, job, grantsOf(job));
      });
      const read = await artifacts.visibleByIds(ids, viewer);
      expect(sorted(read.map((a) => a.id)), `${viewer.role} ${viewer.userId}`).toEqual(
        sorted(expected.map((a) => a.id)),
      );
    }
  });
});
