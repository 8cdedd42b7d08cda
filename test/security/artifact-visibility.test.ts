// An artifact is visible exactly when its job is, on every path (node(id:) and the download route),
// on PGlite and PostgreSQL: its job's creator and those it is shared with, the tenant's admins and
// workers; not another member of the tenant, nor anyone of another tenant. An upload attached to no
// job is its tenant's admins' alone.
import { encodeGlobalID } from "@pothos/plugin-relay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createJob } from "../helpers/fixtures.ts";
import { startTestServer, type GraphQLClient, type TestServer } from "../helpers/server.ts";
import { newTenant } from "../http/tenant.ts";

const NODE = `query($id: ID!) { node(id: $id) { ... on Artifact { id name contentHash sizeBytes downloadUrl } } }`;

describe.each(backends)("artifact visibility on $name", (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_RATE_LIMIT: "0" });
  });
  afterAll(async () => t?.stop());

  /** An artifact row for the job (or none): what completeJob leaves after an upload. */
  async function artifactOf(tenantId: string, jobId: string | null, uploadedBy: string | null = null): Promise<string> {
    const [row] = await t.server.services.db.query<{ id: string }>(
      `insert into "artifacts" ("id", "tenantId", "jobId", "uploadedBy", "name", "artifactType", "sizeBytes", "contentHash")
       values (gen_random_uuid(), $1::uuid, $2::uuid, $3, 'secret-plan.csv', 'file', 12, 'sha256:00') returning "id"::text as "id"`,
      [tenantId, jobId, uploadedBy],
    );
    return row!.id;
  }

  async function sees(client: GraphQLClient, artifactId: string): Promise<{ node: boolean; download: number }> {
    const read = await client.request<{ node: { id: string; name: string } | null }>(NODE, {
      id: encodeGlobalID("Artifact", artifactId),
    });
    // The blob is absent on purpose: a visible artifact answers anything but 404 (here a 5xx-free error or bytes).
    const res = await fetch(`${t.url}/artifacts/${artifactId}`, { headers: { authorization: `Bearer ${client.key}` } });
    await res.arrayBuffer();
    return { node: read.node !== null, download: res.status };
  }

  it("follows the job's visibility, grants included, on node(id:) and downloads alike", async () => {
    const tn = await newTenant(t);
    const other = await newTenant(t);
    const job = await createJob(tn.member, "AGENT");
    const artifactId = await artifactOf(tn.tenantId, job.jobId);

    for (const who of [tn.member, tn.admin, tn.worker]) expect((await sees(who, artifactId)).node).toBe(true);
    const hidden = { node: false, download: 404 };
    expect(await sees(tn.otherMember, artifactId)).toEqual(hidden);
    expect(await sees(other.admin, artifactId)).toEqual(hidden);
    expect(await sees(other.member, artifactId)).toEqual(hidden);

    // Shared with m2: visible; unshared: hidden again.
    await tn.member.request(
      `mutation($j: ID!) { createJobAccess(jobId: $j, subjectId: "m2", relation: VIEWER) { subjectId } }`,
      { j: job.jobId },
    );
    expect((await sees(tn.otherMember, artifactId)).node).toBe(true);
    expect((await sees(tn.otherMember, artifactId)).download).not.toBe(404);
    await tn.member.request(`mutation($j: ID!) { removeJobAccess(jobId: $j, subjectId: "m2") }`, { j: job.jobId });
    expect(await sees(tn.otherMember, artifactId)).toEqual(hidden);
  });

  it("shows a dataset upload (no job) to its uploader, the tenant's admins and workers; a worker's unattached upload to nobody", async () => {
    const tn = await newTenant(t);
    const other = await newTenant(t);
    const dataset = await artifactOf(tn.tenantId, null, "m1");
    for (const who of [tn.member, tn.admin, tn.worker]) expect((await sees(who, dataset)).node).toBe(true);
    for (const who of [tn.otherMember, other.admin, other.member])
      expect(await sees(who, dataset)).toEqual({ node: false, download: 404 });
    const unattached = await artifactOf(tn.tenantId, null);
    for (const who of [tn.member, tn.otherMember, tn.admin, tn.worker, other.admin])
      expect(await sees(who, unattached)).toEqual({ node: false, download: 404 });
  });

  it("answers ids that are not artifacts' with null, never an error", async () => {
    for (const id of [
      encodeGlobalID("Artifact", "not-a-uuid"),
      encodeGlobalID("Artifact", "00000000-0000-0000-0000-000000000000"),
      encodeGlobalID("Artifact", "x".repeat(5000)),
    ]) {
      const read = await t.admin.raw(NODE, { id });
      expect(read.status).toBe(200);
      expect(read.errors).toBeUndefined();
      expect(read.data).toEqual({ node: null });
    }
  });
});
