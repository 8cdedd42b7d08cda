// Dataset uploads (PUT /uploads), on PGlite and PostgreSQL: a MEMBER's or ADMIN's dataset streamed into
// the blob store as an artifact of no job, visible to its uploader and the tenant's admins only
// (node(id:), downloads, spec.input), refused without a key, for WORKER keys and over the size limit,
// counted in the audit log; uploaded through the SDK and `jobsctl upload` too.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobsClient } from "@jobs-api/client/node";
import { backends } from "../helpers/backends.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { createGeneration, waitForGeneration } from "../execution/helpers.ts";
import { newTenant } from "./tenant.ts";

const MAX_BYTES = 64 * 1024;
const BIN = join(import.meta.dirname, "..", "..", "bin", "jobsctl.mjs");
const sha256 = (bytes: Uint8Array) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
const CSV = Buffer.from("id,amount,status\n1,10.5,paid\n2,20.25,open\n3,7,paid\n");

describe.each(backends.map((b) => [b.name, b] as const))("dataset uploads on %s", (_name, backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend, {
      JOBS_MAX_ARTIFACT_BYTES: String(MAX_BYTES),
      JOBS_RATE_LIMIT: "0",
      JOBS_WORKERS: "1",
    });
  });
  afterAll(async () => t?.stop());

  async function put(key: string | null, query: string, body: Uint8Array, headers: Record<string, string> = {}) {
    const res = await fetch(`${t.url}/uploads${query}`, {
      method: "PUT",
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
      body,
    });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  }
  const download = async (key: string, id: string) =>
    fetch(`${t.url}/artifacts/${id}`, { headers: { authorization: `Bearer ${key}` } });
  const nodeOf = async (key: string, id: string) => {
    const globalId = Buffer.from(`Artifact:${id}`).toString("base64");
    const data = await t
      .client(key)
      .request<{ node: { name: string; contentHash: string } | null }>(
        `query($id: ID!) { node(id: $id) { ... on Artifact { name contentHash } } }`,
        { id: globalId },
      );
    return data.node;
  };

  it("stores a MEMBER's CSV by its sha256 and answers {id, contentHash, sizeBytes}; only the uploader and admins see it", async () => {
    const tn = await newTenant(t);
    const up = await put(tn.member.key, "?name=orders.csv", CSV, { "content-type": "text/csv" });
    expect(up.status).toBe(201);
    expect(up.json).toEqual({ id: expect.any(String), contentHash: sha256(CSV), sizeBytes: CSV.length });

    const rows = await t.server.services.db.query<{
      jobId: string | null;
      uploadedBy: string;
      artifactType: string;
      mimeType: string;
      purpose: string;
    }>(`select "jobId", "uploadedBy", "artifactType", "mimeType", "purpose" from "artifacts" where "id" = $1::uuid`, [
      up.json.id,
    ]);
    expect(rows).toEqual([
      { jobId: null, uploadedBy: "m1", artifactType: "dataset", mimeType: "text/csv", purpose: "upload" },
    ]);

    // The uploader and an admin of the tenant read it; another member and another tenant do not.
    const memberGet = await download(tn.member.key!, up.json.id);
    expect(memberGet.status).toBe(200);
    expect(Buffer.from(await memberGet.arrayBuffer()).equals(CSV)).toBe(true);
    expect((await download(tn.admin.key!, up.json.id)).status).toBe(200);
    // Workers of the tenant read it to run the jobs that name it.
    expect((await download(tn.worker.key!, up.json.id)).status).toBe(200);
    expect((await download(tn.otherMember.key!, up.json.id)).status).toBe(404);
    const stranger = await newTenant(t);
    expect((await download(stranger.admin.key!, up.json.id)).status).toBe(404);
    expect(await nodeOf(tn.member.key!, up.json.id)).toEqual({ name: "orders.csv", contentHash: sha256(CSV) });
    expect(await nodeOf(tn.admin.key!, up.json.id)).toEqual({ name: "orders.csv", contentHash: sha256(CSV) });
    expect(await nodeOf(tn.otherMember.key!, up.json.id)).toBeNull();
    expect(await nodeOf(stranger.admin.key!, up.json.id)).toBeNull();

    // spec.input: the uploader's job reads it; another member's job cannot.
    const own = await waitForGeneration(
      tn.member,
      await createGeneration(tn.member, { kind: "ANALYZE", spec: { input: up.json.id }, seed: 1 }),
    );
    expect(own.state).toBe("SUCCEEDED");
    expect(own.operation.result).toMatchObject({ rows: 3 });
    const other = await waitForGeneration(
      tn.otherMember,
      await createGeneration(tn.otherMember, { kind: "ANALYZE", spec: { input: up.json.id }, seed: 1 }),
    );
    expect(other.state).toBe("FAILED");
    expect(other.error?.code).toBe("INPUT_NOT_FOUND");

    // Counted in the audit log: who uploaded what.
    await t.server.services.audit.idle();
    const audit = await t.server.services.db.query<{ actorId: string; outcome: string }>(
      `select "actorId", "outcome" from "audit_log" where "operation" = 'PUT /uploads' and "target" = $1`,
      [up.json.id],
    );
    expect(audit).toEqual([{ actorId: "m1", outcome: "OK" }]);
  });

  it("gives a request body an hour to arrive, not Node's 5 minutes (a large upload on a slow link)", () => {
    // JOBS_REQUEST_TIMEOUT_S is not set: the configuration's default reaches Node's server.
    expect(t.server.httpServer.requestTimeout).toBe(60 * 60 * 1000);
  });

  it("refuses without a key (401), for WORKER keys (403), and over the size limit (413), storing nothing", async () => {
    const tn = await newTenant(t);
    const before = await t.server.services.db.query<{ n: number }>(
      `select count(*)::int as n from "artifacts" where "tenantId" = $1::uuid`,
      [tn.tenantId],
    );
    const none = await put(null, "?name=a.csv", CSV);
    expect(none.status).toBe(401);
    expect(none.json.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    const worker = await put(tn.worker.key, "?name=a.csv", CSV);
    expect(worker.status).toBe(403);
    expect(worker.json.errors[0].extensions.code).toBe("FORBIDDEN");
    const big = await put(tn.member.key, "?name=big.csv", Buffer.alloc(MAX_BYTES + 1, 0x61));
    expect(big.status).toBe(413);
    expect(big.json.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", maxBytes: MAX_BYTES });
    const unnamed = await put(tn.member.key, "", CSV);
    expect(unnamed.status).toBe(400);
    expect(unnamed.json.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "name" });
    // A NUL in the query string (which no GraphQL input check sees) is named, not a 500.
    for (const [query, field] of [
      ["?name=x%00y.csv", "name"],
      ["?name=x.csv&type=a%00", "type"],
    ]) {
      const nul = await put(tn.member.key, query!, CSV);
      expect(nul.status).toBe(400);
      expect(nul.json.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
    const after = await t.server.services.db.query<{ n: number }>(
      `select count(*)::int as n from "artifacts" where "tenantId" = $1::uuid`,
      [tn.tenantId],
    );
    expect(after).toEqual(before);
    await t.server.services.audit.idle();
    const refused = await t.server.services.db.query<{ outcome: string }>(
      `select "outcome" from "audit_log" where "operation" = 'PUT /uploads' and "tenantId" = $1::uuid order by "outcome"`,
      [tn.tenantId],
    );
    expect(refused.map((r) => r.outcome)).toEqual([
      "BAD_USER_INPUT",
      "BAD_USER_INPUT",
      "BAD_USER_INPUT",
      "BAD_USER_INPUT",
      "FORBIDDEN",
    ]);
  });

  it("uploads from the SDK (a file, with progress) and from `jobsctl upload`", async () => {
    const tn = await newTenant(t);
    const dir = mkdtempSync(join(tmpdir(), "uploads-"));
    const path = join(dir, "events.jsonl");
    const jsonl = Buffer.from('{"a":1,"b":"x"}\n{"a":2,"b":"y"}\n');
    writeFileSync(path, jsonl);

    const client = new JobsClient({ url: t.url, apiKey: tn.member.key! });
    const progress: number[] = [];
    try {
      const stored = await client.upload(path, { onProgress: (p) => progress.push(p.sentBytes) });
      expect(stored).toEqual({ id: expect.any(String), contentHash: sha256(jsonl), sizeBytes: jsonl.length });
      expect(progress.at(-1)).toBe(jsonl.length);
      expect(await nodeOf(tn.member.key!, stored.id)).toEqual({ name: "events.jsonl", contentHash: sha256(jsonl) });
    } finally {
      await client.close();
    }

    const csvPath = join(dir, "orders.csv");
    writeFileSync(csvPath, CSV);
    const cli = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [BIN, "upload", csvPath, "--json"],
        { env: { ...process.env, JOBS_URL: t.url, JOBS_API_KEY: tn.member.key! } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
      );
    });
    expect(cli.stderr).toBe("");
    expect(cli.code).toBe(0);
    const answer = JSON.parse(cli.stdout) as { id: string; contentHash: string; sizeBytes: number };
    expect(answer).toEqual({ id: expect.any(String), contentHash: sha256(CSV), sizeBytes: CSV.length });
    expect(await nodeOf(tn.member.key!, answer.id)).toEqual({ name: "orders.csv", contentHash: sha256(CSV) });
  });
});
