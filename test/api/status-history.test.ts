// Status history on PGlite and PostgreSQL: a new job's first entries are implied by its row (none
// stored) yet read exactly as they did when they were written, for every family, through every
// creation path and to subscribers; later entries are stored and follow them; a job whose entries
// were all stored (made before they were implied) reads as it did.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Worker } from "@jobs-api/client/node";
import { backends } from "../helpers/backends.ts";
import { createJob, createJobInput, REASONER_TYPES, type ReasonerType } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { newTenant, type TestTenant } from "../http/tenant.ts";
import { type LiveClient, liveClient } from "../live/ws-client.ts";

const ENTRY = "id jobId state nativeState message agentId createdById createdOn";
const JOB = `query($t: ReasonerType!, $id: ID!) { job(reasonerType: $t, jobId: $id) { createdBy createdOn statusHistory { ${ENTRY} } } }`;
const JOB_UPDATED = `subscription($t: ReasonerType!, $id: ID!) { jobUpdated(reasonerType: $t, jobId: $id) { state statusHistory { ${ENTRY} } } }`;

type Entry = {
  id: string;
  jobId: string;
  state: string;
  nativeState: string;
  message: string | null;
  agentId: string | null;
  createdById: string | null;
  createdOn: string;
};
type JobView = { createdBy: string; createdOn: string; statusHistory: Entry[] };

/** The entries each family's new job had when they were written: [state, nativeState]. */
const FIRST_ENTRIES: Record<ReasonerType, [string, string][]> = {
  LOGIC: [
    ["CREATED", "CREATED"],
    ["QUEUED", "QUEUED"],
  ],
  PRESCRIPTIVE: [
    ["CREATED", "CREATED"],
    ["QUEUED", "QUEUED"],
  ],
  PREDICTIVE: [
    ["CREATED", "CREATED"],
    ["QUEUED", "QUEUED"],
  ],
  AGENT: [
    ["CREATED", "CREATED"],
    ["PENDING", "PENDING"],
  ],
  GENERATION: [
    ["CREATED", "created"],
    ["QUEUED", "queued"],
  ],
  BATCH: [["PENDING", "pending"]],
};

/** What a new job's history was: its family's entries, by its creator at its creation, no message. */
const firstEntries = (type: ReasonerType, jobId: string, createdBy: string, createdOn: string): Entry[] =>
  FIRST_ENTRIES[type].map(([state, nativeState], i) => ({
    id: `${jobId}:${i + 1}`,
    jobId,
    state,
    nativeState,
    message: null,
    agentId: null,
    createdById: createdBy,
    createdOn,
  }));

describe.each(backends.map((b) => [b.name, b] as const))("status history on %s", (_name, backend) => {
  let t: TestServer;
  let tn: TestTenant;
  const sockets: LiveClient[] = [];
  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_RATE_LIMIT: "0" });
    tn = await newTenant(t);
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    await t?.stop();
  });

  const db = () => t.server.services.db;
  const read = async (type: string, jobId: string, as = tn) =>
    (await as.member.request<{ job: JobView }>(JOB, { t: type, id: jobId })).job;
  /** The entries stored for `jobIds`: [jobId, seq, state]. */
  const stored = async (jobIds: string[]) =>
    (
      await db().query<{ jobId: string; seq: number; state: string }>(
        `select "jobId", "seq", "state"::text from "job_status_changes" where "jobId" = any($1::uuid[]) order by "jobId", "seq"`,
        [jobIds],
      )
    ).map((r) => [r.jobId, r.seq, r.state]);

  it("a new job of every family, made by createJob or createJobs, reads its first entries as they were written, and none is stored", async () => {
    const made: { type: ReasonerType; jobId: string }[] = [];
    for (const [n, type] of REASONER_TYPES.entries())
      made.push({ type, jobId: (await createJob(tn.member, type, n)).jobId });
    const bulk = await tn.member.request<{ createJobs: { job: { jobId: string } }[] }>(
      `mutation($inputs: [CreateJobInput!]!) { createJobs(inputs: $inputs) { job { jobId } } }`,
      { inputs: REASONER_TYPES.map((type, n) => createJobInput(type, 10 + n)) },
    );
    for (const [i, type] of REASONER_TYPES.entries()) made.push({ type, jobId: bulk.createJobs[i]!.job.jobId });

    for (const { type, jobId } of made) {
      const job = await read(type, jobId);
      expect(job.createdBy).toBe("m1");
      expect(job.statusHistory, type).toEqual(firstEntries(type, jobId, "m1", job.createdOn));
    }
    expect(await stored(made.map((m) => m.jobId))).toEqual([]);
    // Many jobs at once (a page's one read) answer each its own entries, in order.
    const page = await tn.member.request<{ jobs: { edges: { node: { jobId: string; statusHistory: Entry[] } }[] } }>(
      `{ jobs(first: 50) { edges { node { jobId statusHistory { ${ENTRY} } } } } }`,
    );
    expect(page.jobs.edges).toHaveLength(made.length);
    for (const { node } of page.jobs.edges) {
      const { type } = made.find((m) => m.jobId === node.jobId)!;
      expect(node.statusHistory).toEqual((await read(type, node.jobId)).statusHistory);
    }
  });

  it("a job claimed and completed reads its implied entries, then the stored ones, in order", async () => {
    // A tenant of its own: its worker claims this job, not another test's.
    const own = await newTenant(t);
    const job = await createJob(own.member, "PRESCRIPTIVE", 1);
    const before = await read("PRESCRIPTIVE", job.jobId, own);
    const worker = new Worker({
      url: t.url,
      apiKey: await own.key("w-history", "WORKER"),
      name: "history",
      reasonerTypes: ["PRESCRIPTIVE"],
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    const lease = await worker.claim();
    expect(lease?.job.jobId).toBe(job.jobId);
    await worker.complete(lease!.token, { ok: true }, []);

    const after = await read("PRESCRIPTIVE", job.jobId, own);
    expect(after.statusHistory.map((e) => [e.id, e.state, e.nativeState])).toEqual([
      [`${job.jobId}:1`, "CREATED", "CREATED"],
      [`${job.jobId}:2`, "QUEUED", "QUEUED"],
      [`${job.jobId}:3`, "RUNNING", "RUNNING"],
      [`${job.jobId}:4`, "SUCCEEDED", "COMPLETED"],
    ]);
    expect(after.statusHistory.slice(0, 2)).toEqual(before.statusHistory);
    // Only the moves were written, numbered after the implied entries; the count covers all four.
    expect(await stored([job.jobId])).toEqual([
      [job.jobId, 3, "RUNNING"],
      [job.jobId, 4, "SUCCEEDED"],
    ]);
    const [row] = await db().query<{ statusSeq: number; impliedHistory: number }>(
      `select "statusSeq", "impliedHistory" from "jobs" where "id" = $1::uuid`,
      [job.jobId],
    );
    expect(row).toEqual({ statusSeq: 4, impliedHistory: 2 });
  });

  it("a job whose every entry is stored (made before entries were implied) reads them as stored, once", async () => {
    for (const type of ["LOGIC", "BATCH"] as const) {
      const { jobId } = await createJob(tn.member, type, 2);
      const implied = await read(type, jobId);
      // The rows the old insert wrote, told apart by a message and an earlier time.
      await db().transaction(async (tx) => {
        await tx.query(
          `insert into "job_status_changes" ("jobId", "seq", "state", "nativeState", "message", "createdById", "createdOn")
           select $1::uuid, e.seq, e.state::"JobState", e."nativeState", 'stored', 'm1', j."createdOn" - interval '1 second'
           from "jobs" j, json_to_recordset($2::json) as e(seq int, state text, "nativeState" text) where j."id" = $1::uuid`,
          [jobId, JSON.stringify(implied.statusHistory.map((e, i) => ({ ...e, seq: i + 1 })))],
        );
        await tx.query(`update "jobs" set "impliedHistory" = 0 where "id" = $1::uuid`, [jobId]);
      });
      const job = await read(type, jobId);
      const earlier = new Date(Date.parse(job.createdOn) - 1000).toISOString();
      expect(job.statusHistory).toEqual(
        implied.statusHistory.map((e) => ({ ...e, message: "stored", createdOn: earlier })),
      );
    }
  });

  it("jobUpdated subscribers see the implied entries, then each stored one", async () => {
    const { jobId } = await createJob(tn.member, "AGENT", 3);
    const live = liveClient(t.url, await tn.key("m1", "MEMBER"));
    sockets.push(live);
    const updates = live.subscribe<{ jobUpdated: { state: string; statusHistory: Entry[] } }>(JOB_UPDATED, {
      t: "AGENT",
      id: jobId,
    });
    const [first] = await updates.take(1);
    const job = await read("AGENT", jobId);
    expect(first!.jobUpdated).toEqual({
      state: "PENDING",
      statusHistory: firstEntries("AGENT", jobId, "m1", job.createdOn),
    });

    await tn.member.request(`mutation($id: ID!) { cancelJob(reasonerType: AGENT, jobId: $id) { state } }`, {
      id: jobId,
    });
    await updates.until(() => updates.items.some((u) => u.jobUpdated.state === "CANCELED"), "CANCELED");
    const last = updates.items.at(-1)!.jobUpdated.statusHistory;
    expect(last.map((e) => [e.id, e.state])).toEqual([
      [`${jobId}:1`, "CREATED"],
      [`${jobId}:2`, "PENDING"],
      [`${jobId}:3`, "CANCELED"],
    ]);
    expect(last).toEqual((await read("AGENT", jobId)).statusHistory);
  });
});
