// Artifacts over HTTP, on PGlite and PostgreSQL: PUT /artifacts under a lease into the
// content-addressed blob store, completeJob(artifactIds:) attaching them, and downloads of artifacts
// and agent-file revisions with the same credentials as /graphql.
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isJobsApiError, Worker, type Lease } from "@jobs-api/client/node";
import { backends } from "../helpers/backends.ts";
import { createJob } from "../helpers/fixtures.ts";
import { startTestServer, type GraphQLClient, type TestServer } from "../helpers/server.ts";
import { newTenant, type TestTenant } from "./tenant.ts";

const MAX_BYTES = 4096;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sha256 = (bytes: Uint8Array) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

interface HttpAnswer {
  status: number;
  headers: Headers;
  json: Record<string, any> | null;
  bytes: Buffer;
}

describe.each(backends.map((b) => [b.name, b] as const))("artifacts over HTTP on %s", (_name, backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend, {
      JOBS_MAX_ARTIFACT_BYTES: String(MAX_BYTES),
      JOBS_SWEEP_INTERVAL_MS: "0",
      JOBS_RATE_LIMIT: "0",
    });
  });
  afterAll(async () => t?.stop());

  const db = () => t.server.services.db;
  const blobs = () => t.server.services.blobs;

  async function send(
    path: string,
    init: { method?: string; key?: string | null; headers?: Record<string, string>; body?: Uint8Array } = {},
  ): Promise<HttpAnswer> {
    const res = await fetch(path.startsWith("http") ? path : `${t.url}${path}`, {
      method: init.method ?? "GET",
      headers: { ...(init.key ? { authorization: `Bearer ${init.key}` } : {}), ...init.headers },
      ...(init.body ? { body: init.body } : {}),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    let json: Record<string, any> | null = null;
    if (res.headers.get("content-type")?.includes("application/json"))
      json = JSON.parse(bytes.toString("utf8")) as Record<string, any>;
    return { status: res.status, headers: res.headers, json, bytes };
  }

  const put = (
    key: string | null,
    token: string | null,
    query: string,
    body: Uint8Array,
    headers: Record<string, string> = {},
  ) =>
    send(`/artifacts${query}`, {
      method: "PUT",
      key,
      body,
      headers: { ...(token ? { "x-lease-token": token } : {}), ...headers },
    });

  const codeOf = (a: HttpAnswer) => a.json?.errors?.[0]?.extensions?.code as string | undefined;

  function workerFor(client: GraphQLClient, reasonerTypes: ("PRESCRIPTIVE" | "AGENT")[]): Worker {
    return new Worker({ url: t.url, apiKey: client.key!, name: "uploader", reasonerTypes, logger: quiet });
  }

  async function claimOne(w: Worker): Promise<Lease> {
    const lease = await w.claim();
    if (!lease) throw new Error("expected a job to claim");
    return lease;
  }

  async function artifactRows(tenantId: string) {
    return db().query<{ id: string; jobId: string | null; contentHash: string }>(
      `select "id", "jobId", "contentHash" from "artifacts" where "tenantId" = $1 order by "id"`,
      [tenantId],
    );
  }

  async function leasedPrescriptiveJob(tn: TestTenant) {
    const job = await createJob(tn.member, "PRESCRIPTIVE");
    const w = workerFor(tn.worker, ["PRESCRIPTIVE"]);
    const lease = await claimOne(w);
    expect(lease.job.jobId).toBe(job.jobId);
    return { job, w, lease };
  }

  it("stores an upload under a live lease by its sha256, attaches it on completeJob, and serves the exact bytes with an ETag", async () => {
    const tn = await newTenant(t);
    const { job, w, lease } = await leasedPrescriptiveJob(tn);
    const bytes = randomBytes(3000);

    const up = await put(tn.worker.key, lease.token, "?name=solution.bin&type=solution", bytes, {
      "content-type": "application/x-solution",
    });
    expect(up.status).toBe(201);
    expect(up.json).toEqual({ id: expect.any(String), contentHash: sha256(bytes), sizeBytes: 3000 });
    const id = up.json!.id as string;
    expect(existsSync(blobs().pathOf(sha256(bytes)))).toBe(true);
    // Not attached yet: nobody can download it, and the job lists no artifacts.
    expect((await send(`/artifacts/${id}`, { key: tn.member.key })).status).toBe(404);

    // The same bytes again are stored once; the second upload is a separate artifact row.
    const again = await w.uploadArtifact(lease.token, { name: "copy.bin", body: bytes });
    expect(again).toEqual({ id: expect.any(String), contentHash: sha256(bytes), sizeBytes: 3000 });
    expect(again.id).not.toBe(id);

    const done = await w.complete(lease.token, { ok: true }, [id]);
    expect(done).toMatchObject({ jobId: job.jobId, state: "SUCCEEDED" });
    const read = await tn.member.request<any>(
      `query($id: ID!) { job(reasonerType: PRESCRIPTIVE, jobId: $id) { artifacts { id name artifactType mimeType sizeBytes contentHash downloadUrl } } }`,
      { id: job.jobId },
    );
    expect(read.job.artifacts).toEqual([
      {
        // Artifact.id is the Relay global id; the upload answers the native id that completeJob takes.
        id: Buffer.from(`Artifact:${id}`).toString("base64"),
        name: "solution.bin",
        artifactType: "solution",
        mimeType: "application/x-solution",
        sizeBytes: 3000,
        contentHash: sha256(bytes),
        downloadUrl: `${t.url}/artifacts/${id}`,
      },
    ]);
    // Only the named upload was attached; the other stays loose.
    expect((await artifactRows(tn.tenantId)).map((r) => [r.id, r.jobId])).toEqual([
      [id, job.jobId],
      [again.id, null],
    ]);

    const got = await send(read.job.artifacts[0].downloadUrl, { key: tn.member.key });
    expect(got.status).toBe(200);
    expect(got.bytes.equals(bytes)).toBe(true);
    expect(got.headers.get("etag")).toBe(`"${sha256(bytes)}"`);
    expect(got.headers.get("content-type")).toBe("application/x-solution");
    expect(got.headers.get("content-length")).toBe("3000");
    // A file to save, never a page of this origin.
    expect(got.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(got.headers.get("x-content-type-options")).toBe("nosniff");
    expect(got.headers.get("content-security-policy")).toBe("sandbox; default-src 'none'");
    const cached = await send(`/artifacts/${id}`, {
      key: tn.member.key,
      headers: { "if-none-match": `"${sha256(bytes)}"` },
    });
    expect([cached.status, cached.bytes.length]).toEqual([304, 0]);
    const listed = await send(`/artifacts/${id}`, {
      key: tn.member.key,
      headers: { "if-none-match": `"other", W/"${sha256(bytes)}"` },
    });
    expect(listed.status).toBe(304);
    const changed = await send(`/artifacts/${id}`, {
      key: tn.member.key,
      headers: { "if-none-match": `"sha256:${"0".repeat(64)}"` },
    });
    expect(changed.status).toBe(200);
    // The tenant's admin and workers read it too.
    expect((await send(`/artifacts/${id}`, { key: tn.admin.key })).bytes.equals(bytes)).toBe(true);
    expect((await send(`/artifacts/${id}`, { key: tn.worker.key })).status).toBe(200);
    expect((await send(`/artifacts/${again.id}`, { key: tn.admin.key })).status).toBe(404);
  });

  it("downloads need the same credentials: none or a wrong key 401, another tenant or a member who cannot see the job 404", async () => {
    const tn = await newTenant(t);
    const stranger = await newTenant(t);
    const { w, lease } = await leasedPrescriptiveJob(tn);
    const stored = await w.uploadArtifact(lease.token, {
      name: "a.txt",
      mimeType: "text/plain",
      body: new TextEncoder().encode("hello"),
    });
    await w.complete(lease.token, null, [stored.id]);
    const url = `/artifacts/${stored.id}`;

    const none = await send(url);
    expect([none.status, codeOf(none)]).toEqual([401, "UNAUTHENTICATED"]);
    const wrong = await send(url, { key: "jobs_not-a-real-key-at-all" });
    expect([wrong.status, codeOf(wrong)]).toEqual([401, "UNAUTHENTICATED"]);
    for (const key of [stranger.admin.key, stranger.worker.key, tn.otherMember.key]) {
      const refused = await send(url, { key });
      expect([refused.status, codeOf(refused)]).toEqual([404, "NOT_FOUND"]);
      expect(refused.bytes.toString("utf8")).not.toContain("hello");
    }
    expect((await send(`/artifacts/not-a-uuid`, { key: tn.admin.key })).status).toBe(404);
    expect((await send(url, { key: tn.member.key })).bytes.toString("utf8")).toBe("hello");
  });

  it("stale, forged and foreign leases get 409 LEASE_LOST (and MEMBER keys 403): no row, no blob", async () => {
    const tn = await newTenant(t);
    const stranger = await newTenant(t);
    const { job, w, lease } = await leasedPrescriptiveJob(tn);
    const bytes = randomBytes(100);
    const refusedBlob = () => existsSync(blobs().pathOf(sha256(bytes)));

    const secret = lease.token.split(".")[1]!;
    const forged = [
      `${job.jobId}.${"A".repeat(43)}`,
      `${job.jobId}.${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}`,
      "garbage",
    ];
    for (const token of forged) {
      const r = await put(tn.worker.key, token, "?name=x.bin", bytes);
      expect([r.status, codeOf(r)], token).toEqual([409, "LEASE_LOST"]);
    }
    const foreign = await put(stranger.worker.key, lease.token, "?name=x.bin", bytes);
    expect([foreign.status, codeOf(foreign)]).toEqual([409, "LEASE_LOST"]);
    const member = await put(tn.member.key, lease.token, "?name=x.bin", bytes);
    expect([member.status, codeOf(member)]).toEqual([403, "FORBIDDEN"]);
    const noToken = await put(tn.worker.key, null, "?name=x.bin", bytes);
    expect([noToken.status, codeOf(noToken)]).toEqual([400, "BAD_USER_INPUT"]);
    const noKey = await put(null, lease.token, "?name=x.bin", bytes);
    expect([noKey.status, codeOf(noKey)]).toEqual([401, "UNAUTHENTICATED"]);

    await w.complete(lease.token, { done: 1 });
    // Stale: the job is finished, the lease cleared.
    const stale = await put(tn.worker.key, lease.token, "?name=x.bin", bytes);
    expect([stale.status, codeOf(stale)]).toEqual([409, "LEASE_LOST"]);
    await expect(w.uploadArtifact(lease.token, { name: "x.bin", body: bytes })).rejects.toSatisfy(
      (e) => isJobsApiError(e, "LEASE_LOST") && e.status === 409,
    );

    expect(await artifactRows(tn.tenantId)).toEqual([]);
    expect(refusedBlob()).toBe(false);
  });

  it("refuses a body over JOBS_MAX_ARTIFACT_BYTES with BAD_USER_INPUT, declared or streamed, writing no blob; the lease carries on", async () => {
    const tn = await newTenant(t);
    const { w, lease } = await leasedPrescriptiveJob(tn);
    const tooBig = randomBytes(MAX_BYTES + 1);

    // Declared: content-length says it all, refused before a byte is stored.
    const declared = await put(tn.worker.key, lease.token, "?name=big.bin", tooBig);
    expect([declared.status, codeOf(declared)]).toEqual([413, "BAD_USER_INPUT"]);
    expect(declared.json?.errors[0].extensions.maxBytes).toBe(MAX_BYTES);

    // Streamed (chunked, no length): refused as soon as the limit is passed.
    const chunks = Array.from({ length: 5 }, () => randomBytes(1024));
    const streamed = await w
      .uploadArtifact(lease.token, { name: "big.bin", body: Readable.from(chunks) })
      .catch((e: unknown) => e);
    expect(isJobsApiError(streamed, "BAD_USER_INPUT")).toBe(true);
    expect((streamed as { status: number }).status).toBe(413);

    expect(existsSync(blobs().pathOf(sha256(tooBig)))).toBe(false);
    expect(existsSync(blobs().pathOf(sha256(Buffer.concat(chunks))))).toBe(false);
    const leftovers = await readdir(`${blobs().dir}/tmp`).catch(() => [] as string[]);
    expect(leftovers).toEqual([]);
    expect(await artifactRows(tn.tenantId)).toEqual([]);

    // Exactly at the limit is fine, streamed too; the lease is still good.
    const exact = randomBytes(MAX_BYTES);
    const ok = await w.uploadArtifact(lease.token, {
      name: "exact.bin",
      body: Readable.from([exact.subarray(0, 1000), exact.subarray(1000)]),
    });
    expect(ok).toMatchObject({ contentHash: sha256(exact), sizeBytes: MAX_BYTES });
    expect((await w.complete(lease.token, null, [ok.id])).state).toBe("SUCCEEDED");
  });

  it("refuses a missing or blank name, and a bad type, with BAD_USER_INPUT naming the field", async () => {
    const tn = await newTenant(t);
    const { lease } = await leasedPrescriptiveJob(tn);
    const body = new TextEncoder().encode("x");
    for (const [query, field] of [
      ["", "name"],
      ["?name=", "name"],
      ["?name=%20%20", "name"],
      [`?name=${"n".repeat(256)}`, "name"],
      ["?name=ok.txt&type=", "type"],
    ] as const) {
      const r = await put(tn.worker.key, lease.token, query, body);
      expect([r.status, codeOf(r), r.json?.errors[0].extensions.field], query).toEqual([400, "BAD_USER_INPUT", field]);
    }
    expect(await artifactRows(tn.tenantId)).toEqual([]);
  });

  it("an agent job's uploads become revisions of its file: text, json and downloadUrl read them", async () => {
    const tn = await newTenant(t);
    const created = await tn.member.request<any>(
      `mutation($i: AddAgentJobInput!) { addAgentJob(input: $i) { job { jobId } } }`,
      {
        i: { functionName: "mesh", displayName: "bracket" },
      },
    );
    const jobId: string = created.addAgentJob.job.jobId;
    const w = workerFor(tn.worker, ["AGENT"]);
    const lease = await claimOne(w);
    expect(lease.job.jobId).toBe(jobId);
    await w.updateStatus(lease.token, "RUNNING");
    await w.updateStatus(lease.token, "UPLOADING");
    const log = await w.uploadArtifact(lease.token, {
      name: "mesh.log",
      mimeType: "text/plain",
      body: Readable.from([Buffer.from("meshed 42 cells\n")]),
    });
    const result = JSON.stringify({ volume: 12.5, cells: 42 });
    const json = await w.uploadArtifact(lease.token, {
      name: "result.json",
      type: "result",
      mimeType: "application/json",
      body: new TextEncoder().encode(result),
    });
    await w.complete(lease.token, { volume: 12.5 }, [log.id, json.id]);

    const read = await tn.member.request<any>(
      `query($id: ID!) { job(reasonerType: AGENT, jobId: $id) { state ... on AgentJob {
         file { displayName revision { id name mimeType sizeBytes contentHash text json downloadUrl }
                revisions { name text json } } } } }`,
      { id: jobId },
    );
    const file = read.job.file;
    expect(read.job.state).toBe("SUCCEEDED");
    expect(file.displayName).toBe("bracket");
    expect(file.revisions).toEqual([
      { name: "mesh.log", text: "meshed 42 cells\n", json: null },
      { name: "result.json", text: result, json: { volume: 12.5, cells: 42 } },
    ]);
    const latest = file.revision;
    expect(latest).toMatchObject({
      name: "result.json",
      mimeType: "application/json",
      sizeBytes: result.length,
      contentHash: json.contentHash,
      json: { volume: 12.5, cells: 42 },
    });
    expect(latest.downloadUrl).toBe(`${t.url}/files/${latest.id}`);

    const got = await send(latest.downloadUrl, { key: tn.member.key });
    expect([got.status, got.bytes.toString("utf8"), got.headers.get("content-type")]).toEqual([
      200,
      result,
      "application/json",
    ]);
    expect((await send(latest.downloadUrl, { key: tn.otherMember.key })).status).toBe(404);
    expect((await send(latest.downloadUrl)).status).toBe(401);
    // Shared with m2 as a viewer, the file reads for m2 too.
    await tn.member.request(
      `mutation($id: ID!) { createJobAccess(jobId: $id, subjectId: "m2", relation: VIEWER) { relation } }`,
      { id: jobId },
    );
    expect((await send(latest.downloadUrl, { key: tn.otherMember.key })).bytes.toString("utf8")).toBe(result);
  });
});
