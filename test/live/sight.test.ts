// Jobs entering and leaving a subscriber's sight, over graphql-ws against the real server, on PGlite
// and PostgreSQL: a job shared with a member comes to their open jobsChanged at once (its state did
// not move), and once, without being sent again to those who already had it; a job unshared stops
// coming. jobUpdated open on a job that retention removes ends with NOT_FOUND, as opening it then
// answers.
import { describe, expect, it } from "vitest";
import { Retention } from "../../src/retention/retention.ts";
import { backends } from "../helpers/backends.ts";
import { addAgentJob, type ChangedView, JOB_UPDATED, JOBS_CHANGED, type JobView, liveSuite } from "./driver.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

describe.each(backends.map((b) => [b.name, b] as const))("jobs entering and leaving sight on %s", (_name, backend) => {
  const suite = liveSuite(backend, "sight");
  const { live, tenant, untilWatching } = suite;
  const sightings = (stream: { items: { jobsChanged: ChangedView }[] }, jobId: string) =>
    stream.items.filter((c) => c.jobsChanged.jobId === jobId).map((c) => c.jobsChanged.state);
  const has = (stream: { items: { jobsChanged: ChangedView }[] }, jobId: string) => () =>
    stream.items.some((c) => c.jobsChanged.jobId === jobId);

  it("jobsChanged: a job shared with a member comes to them at once, and goes when unshared", async () => {
    const org = await tenant();
    const watching = suite.t.server.services.live.stats().jobsWatchers;
    const alices = live(org.keys.alice).subscribe<{ jobsChanged: ChangedView }>(JOBS_CHANGED, {});
    const bobs = live(org.keys.bob).subscribe<{ jobsChanged: ChangedView }>(JOBS_CHANGED, {});
    // A filter the job does not match keeps it out, shared or not.
    const bobsRunning = live(org.keys.bob).subscribe<{ jobsChanged: ChangedView }>(JOBS_CHANGED, {
      f: { state: "RUNNING" },
    });
    await untilWatching(watching + 3);

    const jobId = await addAgentJob(org.alice);
    await alices.until(has(alices, jobId), "alice's new job");

    await org.alice.request(
      `mutation($j: ID!) { createJobAccess(jobId: $j, subjectId: "bob", relation: VIEWER) { subjectId } }`,
      {
        j: jobId,
      },
    );
    await bobs.until(has(bobs, jobId), "the job shared with bob");
    expect(sightings(bobs, jobId)).toEqual(["PENDING"]);

    // Bob's own new job marks the point by which anything else for him would have arrived.
    const bobsJob = await addAgentJob(org.bob);
    await bobs.until(has(bobs, bobsJob), "bob's own job");
    // Alice already had the job in this state: the share does not send it to her again.
    const alicesMarker = await addAgentJob(org.alice);
    await alices.until(has(alices, alicesMarker), "alice's marker job");
    expect(sightings(alices, jobId)).toEqual(["PENDING"]);

    // Unshared, then moved: alice sees the move, bob nothing more of the job.
    await org.alice.request(`mutation($j: ID!) { removeJobAccess(jobId: $j, subjectId: "bob") }`, { j: jobId });
    await org.alice.request(`mutation($j: ID!) { cancelJob(reasonerType: AGENT, jobId: $j) { state } }`, { j: jobId });
    await alices.until(() => sightings(alices, jobId).includes("CANCELED"), "the cancel for alice");
    const bobsNext = await addAgentJob(org.bob);
    await bobs.until(has(bobs, bobsNext), "bob's next job");
    expect(sightings(bobs, jobId)).toEqual(["PENDING"]);

    // Shared again: it comes back into sight as it is now.
    await org.alice.request(
      `mutation($j: ID!) { createJobAccess(jobId: $j, subjectId: "bob", relation: EDITOR) { subjectId } }`,
      {
        j: jobId,
      },
    );
    await bobs.until(() => sightings(bobs, jobId).includes("CANCELED"), "the job shared with bob again");
    expect(sightings(bobs, jobId)).toEqual(["PENDING", "CANCELED"]);
    // A grant's relation changing moves nothing anyone sees.
    await org.alice.request(
      `mutation($j: ID!) { updateJobAccess(jobId: $j, subjectId: "bob", relation: VIEWER) { relation } }`,
      {
        j: jobId,
      },
    );
    const bobsLast = await addAgentJob(org.bob);
    await bobs.until(has(bobs, bobsLast), "bob's last job");
    expect(sightings(bobs, jobId)).toEqual(["PENDING", "CANCELED"]);
    expect(sightings(bobsRunning, jobId)).toEqual([]);
    expect(bobsRunning.error).toBeNull();
  });

  it("jobUpdated on a job that retention removes ends with NOT_FOUND, as opening it then answers", async () => {
    const org = await tenant();
    const jobId = await addAgentJob(org.alice);
    await org.alice.request(
      `mutation($j: ID!) { createJobAccess(jobId: $j, subjectId: "bob", relation: VIEWER) { subjectId } }`,
      {
        j: jobId,
      },
    );
    await org.alice.request(`mutation($j: ID!) { cancelJob(reasonerType: AGENT, jobId: $j) { state } }`, { j: jobId });
    // The owner, a member it is shared with and an admin, each on a socket of their own.
    const streams = [org.keys.alice, org.keys.bob, org.keys.admin].map((key) =>
      live(key).subscribe<{ jobUpdated: JobView }>(JOB_UPDATED, { t: "AGENT", id: jobId }),
    );
    for (const s of streams) expect((await s.take(1))[0]!.jobUpdated.state).toBe("CANCELED");

    const db = suite.t.server.services.db;
    await db.query(`update "jobs" set "finishedOn" = now() - interval '2 days' where "id" = $1::uuid`, [jobId]);
    const retention = new Retention(db, suite.t.server.services.blobs, {
      maxAgeMs: DAY_MS,
      batchSize: 100,
      keepProvenance: true,
      blobGraceMs: 0,
    });
    expect((await retention.runOnce()).jobs).toBeGreaterThanOrEqual(1);

    for (const s of streams) {
      expect(await s.errorCode()).toBe("NOT_FOUND");
      expect(s.items).toHaveLength(1);
    }
    const again = live(org.keys.alice).subscribe(JOB_UPDATED, { t: "AGENT", id: jobId });
    expect(await again.errorCode()).toBe("NOT_FOUND");
  });
});
