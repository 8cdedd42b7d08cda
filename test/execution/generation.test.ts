// The built-in generation executors on the running server (JOBS_WORKERS=2), over HTTP, on PGlite
// and PostgreSQL: 20,000 seeded rows downloaded and hashed, a rerun compared byte for byte, credits
// charged once, evidence verified (and not after a stored file is tampered with), the seal chain,
// the kinds that read inputs, input faults, and cancel of a running job.
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateMock } from "../../src/families/generation/engine/mock.ts";
import { computeSealHash, verifySealChain } from "../../src/families/generation/engine/seal.ts";
import { backends } from "../helpers/backends.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.ts";
import { createGeneration, download, readGeneration, sha256, terminalEntries, waitForGeneration } from "./helpers.ts";

describe.each(backends.map((b) => [b.name, b] as const))("built-in generation on %s", (_name, backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_WORKERS: "2" });
  });
  afterAll(async () => t?.stop());

  const db = () => t.server.services.db;

  it("generates 20,000 rows with seed 42, reruns them byte for byte, charges once and proves it with evidence and a seal", async () => {
    const jobId = await createGeneration(t.admin, {
      kind: "MOCK",
      rows: 20_000,
      seed: 42,
      description: "customers with name, email, age and signup date",
    });
    const job = await waitForGeneration(t.admin, jobId);
    expect(job.state).toBe("SUCCEEDED");
    expect(job.nativeState).toBe("succeeded");
    expect(terminalEntries(job.statusHistory)).toBe(1);
    expect(job.statusHistory.map((h) => h.state)).toEqual(["CREATED", "QUEUED", "RUNNING", "SUCCEEDED"]);

    // The artifact: downloaded with the bearer key, its bytes hash to the advertised contentHash.
    expect(job.artifacts).toHaveLength(1);
    const [artifact] = job.artifacts;
    expect(artifact!.name).toBe("mock.csv");
    const bytes = await download(artifact!.downloadUrl, ADMIN_KEY);
    expect(sha256(bytes)).toBe(artifact!.contentHash);
    expect(bytes.length).toBe(artifact!.sizeBytes);
    const lines = bytes.toString("utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(20_001);
    expect(lines[0]).toBe("name,email,age,signup_date");
    // The same bytes the engine makes for that contract and seed, by itself.
    const expected = generateMock(
      { rows: 20_000, description: "customers with name, email, age and signup date" },
      42,
    ).bytes;
    expect(bytes.equals(expected)).toBe(true);
    expect(job.operation.result).toMatchObject({ kind: "MOCK", rows: 20_000, format: "csv" });
    expect(job.logs.edges.length).toBeGreaterThanOrEqual(2);
    expect(job.execTimeMs).not.toBeNull();

    // Credits: 1 per 1,000,000 rows rounded up, charged exactly once.
    expect(job.estimatedCredits).toBe(1);
    expect(job.chargedCredits).toBe(1);
    const charges = await db().query<{ n: number }>(
      `select count(*)::int as n from "credit_charges" where "jobId" = $1::uuid`,
      [jobId],
    );
    expect(charges[0]!.n).toBe(1);

    // Evidence: four files, signed with the server's key, recomputed as verified; a seal.
    expect(job.evidence).not.toBeNull();
    expect(job.evidence!.files.map((f) => f.name).sort()).toEqual([
      "artefacts.ndjson",
      "chain_seal.json",
      "contract.json",
      "run_log.ndjson",
    ]);
    expect(job.evidence!.verified).toBe(true);
    expect(job.evidence!.publicKey).toContain("BEGIN PUBLIC KEY");
    const artefacts = (
      await download(job.evidence!.files.find((f) => f.name === "artefacts.ndjson")!.downloadUrl, ADMIN_KEY)
    ).toString("utf8");
    expect(artefacts).toContain(artifact!.contentHash);
    expect(job.seal?.sealHash).toMatch(/^sha256:[0-9a-f]{64}$/);

    // Rerun: same contract and seed, linked by rerunOf, byte-identical output, charged on its own.
    const rerun = await t.admin.request<{ rerunJob: { job: { jobId: string } } }>(
      `mutation($id: ID!) { rerunJob(jobId: $id) { job { jobId } } }`,
      { id: jobId },
    );
    const again = await waitForGeneration(t.admin, rerun.rerunJob.job.jobId);
    expect(again.state).toBe("SUCCEEDED");
    expect(again.rerunOf?.jobId).toBe(jobId);
    expect(again.seed).toBe(42);
    const rerunBytes = await download(again.artifacts[0]!.downloadUrl, ADMIN_KEY);
    expect(rerunBytes.equals(bytes)).toBe(true);
    expect(again.artifacts[0]!.contentHash).toBe(artifact!.contentHash);
    expect(again.chargedCredits).toBe(1);
    expect(again.evidence?.verified).toBe(true);
    expect(again.evidence!.rootHash).not.toBe(job.evidence!.rootHash); // another job, another run log

    // The seals form one chain, each naming the one before it.
    const seals = await db().query<{
      jobId: string;
      sealHash: string;
      previousSealHash: string | null;
      createdOn: Date;
      rootHash: string;
    }>(
      `select s."jobId", s."sealHash", s."previousSealHash", s."createdOn", g."evidence"->>'rootHash' as "rootHash"
       from "provenance_seals" s join "generation_details" g on g."jobId" = s."jobId" order by s."createdOn", s."id"`,
    );
    expect(seals.length).toBeGreaterThanOrEqual(2);
    const chain = verifySealChain(seals.map((s) => ({ ...s, createdOn: new Date(s.createdOn).toISOString() })));
    expect(chain).toEqual({ ok: true, brokenAt: null, reason: null });
    expect(seals.findIndex((s) => s.jobId === again.jobId)).toBeGreaterThan(seals.findIndex((s) => s.jobId === jobId));

    // VERIFY re-hashes the job's artifacts and evidence and reports no mismatch.
    const verifyId = await createGeneration(t.admin, { kind: "VERIFY", spec: { jobId } });
    const verified = await waitForGeneration(t.admin, verifyId);
    expect(verified.state).toBe("SUCCEEDED");
    expect(verified.operation.result).toMatchObject({
      ok: true,
      checked: 5,
      mismatches: [],
      evidence: { verified: true, mismatches: [] },
    });

    // Tampering with a stored evidence file is detected, by the API and by VERIFY; restoring it heals.
    const runLog = job.evidence!.files.find((f) => f.name === "run_log.ndjson")!;
    const path = t.server.services.blobs.pathOf(runLog.contentHash);
    const original = readFileSync(path);
    writeFileSync(path, Buffer.from(original.toString("utf8").replace("SUCCEEDED", "FAILED")));
    try {
      expect((await readGeneration(t.admin, jobId)).evidence!.verified).toBe(false);
      const check = await waitForGeneration(
        t.admin,
        await createGeneration(t.admin, { kind: "VERIFY", spec: { jobId } }),
      );
      // A mismatch fails the VERIFY, with a problem per mismatch: the file's hash, then the bundle's.
      expect(check.state).toBe("FAILED");
      expect(check.error?.code).toBe("VERIFY_MISMATCH");
      expect(check.problems[0]).toMatchObject({
        severity: "error",
        code: "HASH_MISMATCH",
        details: { name: "run_log.ndjson", expected: runLog.contentHash },
      });
      expect(check.problems.slice(1).map((p) => p.code)).toEqual(
        check.problems.slice(1).map(() => "EVIDENCE_MISMATCH"),
      );
      expect(
        check.problems
          .slice(1)
          .map((p) => p.message)
          .join("\n"),
      ).toContain("run_log.ndjson");
      expect(check.chargedCredits).toBe(0);
    } finally {
      writeFileSync(path, original);
    }
    expect((await readGeneration(t.admin, jobId)).evidence!.verified).toBe(true);

    // Tampering with an output's bytes is detected too.
    const outputPath = t.server.services.blobs.pathOf(artifact!.contentHash);
    writeFileSync(outputPath, Buffer.concat([bytes, Buffer.from("x\n")]));
    try {
      expect((await readGeneration(t.admin, jobId)).evidence!.verified).toBe(false);
    } finally {
      writeFileSync(outputPath, bytes);
    }
  });

  it("ANALYZE, FIT and LIFT read an uploaded dataset named by spec.input; VERIFY checks expected hashes", async () => {
    const make = await waitForGeneration(
      t.admin,
      await createGeneration(t.admin, {
        kind: "MOCK",
        rows: 300,
        seed: 3,
        spec: {
          columns: [
            { name: "age", type: "int", distribution: { kind: "uniform", min: 18, max: 90 } },
            { name: "city", type: "category", distribution: { kind: "categorical", values: ["Oslo", "Lima"] } },
          ],
        },
      }),
    );
    const csvId = make.operation.result!.artifacts[0].id as string;
    const [analyze, fit, lift] = await Promise.all(
      (["ANALYZE", "FIT", "LIFT"] as const).map(async (kind) =>
        waitForGeneration(t.admin, await createGeneration(t.admin, { kind, spec: { input: csvId } })),
      ),
    );
    expect(analyze!.state).toBe("SUCCEEDED");
    expect(analyze!.operation.result).toMatchObject({ kind: "ANALYZE", rows: 300 });
    expect(analyze!.problems).toEqual([]);
    expect(analyze!.artifacts.map((a) => a.name)).toEqual(["profile.json"]);
    expect(fit!.state).toBe("SUCCEEDED");
    expect(fit!.operation.result).toMatchObject({ kind: "FIT", rows: 300 });
    expect(lift!.state).toBe("SUCCEEDED");
    expect(lift!.artifacts.map((a) => a.name)).toEqual(["lifted.jsonl", "schema.json"]);
    const jsonl = (await download(lift!.artifacts[0]!.downloadUrl, ADMIN_KEY)).toString("utf8").trimEnd().split("\n");
    expect(jsonl).toHaveLength(300);
    expect(typeof JSON.parse(jsonl[0]!).age).toBe("number");

    const good = make.artifacts[0]!.contentHash;
    const verify = await waitForGeneration(
      t.admin,
      await createGeneration(t.admin, {
        kind: "VERIFY",
        spec: {
          artifacts: [
            { artifactId: csvId, expectedHash: good },
            { artifactId: csvId, name: "wrong", expectedHash: `sha256:${"0".repeat(64)}` },
          ],
        },
      }),
    );
    expect(verify.state).toBe("FAILED");
    expect(verify.error).toMatchObject({ code: "VERIFY_MISMATCH" });
    expect(verify.problems).toEqual([
      {
        severity: "error",
        code: "HASH_MISMATCH",
        message: `wrong: expected sha256:${"0".repeat(64)}, found ${good}`,
        details: { name: "wrong", expected: `sha256:${"0".repeat(64)}`, actual: good },
      },
    ]);
  });

  it("ANALYZE records a problem for a column it could not infer, and still succeeds", async () => {
    const make = await waitForGeneration(
      t.admin,
      await createGeneration(t.admin, {
        kind: "MOCK",
        rows: 40,
        seed: 4,
        spec: {
          columns: [
            { name: "age", type: "int" },
            { name: "notes", type: "string", nullRate: 1 },
          ],
        },
      }),
    );
    const analyze = await waitForGeneration(
      t.admin,
      await createGeneration(t.admin, {
        kind: "ANALYZE",
        spec: { input: make.operation.result!.artifacts[0].id as string },
      }),
    );
    expect(analyze.state).toBe("SUCCEEDED");
    expect(analyze.problems).toEqual([
      {
        severity: "warning",
        code: "COLUMN_NOT_INFERRED",
        message: expect.stringContaining("column notes has no values (40 empty cells)"),
        details: { column: "notes", nulls: 40 },
      },
    ]);
  });

  it("fails a job whose input or spec is wrong, at once and without credits", async () => {
    const missing = await waitForGeneration(
      t.admin,
      await createGeneration(t.admin, { kind: "ANALYZE", spec: { input: "0190f5a4-0000-7000-8000-000000000000" } }),
    );
    expect(missing.state).toBe("FAILED");
    expect(missing.error?.code).toBe("INPUT_NOT_FOUND");
    expect(missing.chargedCredits).toBe(0);
    expect(missing.evidence).toBeNull();
    expect(missing.statusHistory.filter((h) => h.state === "RUNNING")).toHaveLength(1); // not retried

    // A built-in kind's spec is checked at creation: refused with the field, no job made.
    const badSpec = await t.admin.raw(
      `mutation($i: CreateGenerationJobInput!) { createGenerationJob(input: $i) { job { jobId } } }`,
      {
        i: { kind: "MOCK", rows: 10, spec: { columns: [{ name: "x", type: "int", nullrate: 0.5 }] } },
      },
    );
    expect(badSpec.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.spec.columns[0]" });
    const noInput = await t.admin.raw(`mutation { createGenerationJob(input: { kind: FIT }) { job { jobId } } }`);
    expect(noInput.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.spec.input" });
  });

  it("cancels a running generation job: it ends CANCELED, once, with no credits and no output", async () => {
    const jobId = await createGeneration(t.admin, {
      kind: "MOCK",
      rows: 10_000_000,
      seed: 9,
      spec: {
        columns: [
          { name: "a", type: "int" },
          { name: "b", type: "float" },
        ],
      },
    });
    // Woken by the job's own notifications until an executor has claimed it.
    await t.server.services.changes.waitUntil(jobId, 30_000, async () => {
      const rows = await db().query<{ state: string }>(`select "state" from "jobs" where "id" = $1::uuid`, [jobId]);
      return rows[0]?.state === "RUNNING" ? true : undefined;
    });
    const canceled = await t.admin.request<{ cancelJob: { state: string } }>(
      `mutation($id: ID!) { cancelJob(reasonerType: GENERATION, jobId: $id) { state } }`,
      { id: jobId },
    );
    expect(canceled.cancelJob.state).toBe("CANCELING");
    const job = await waitForGeneration(t.admin, jobId);
    expect(job.state).toBe("CANCELED");
    expect(terminalEntries(job.statusHistory)).toBe(1);
    expect(job.chargedCredits).toBe(0);
    expect(job.estimatedCredits).toBe(10);
    expect(job.artifacts).toEqual([]);
    expect(job.evidence).toBeNull();
    const charges = await db().query<{ n: number }>(
      `select count(*)::int as n from "credit_charges" where "jobId" = $1::uuid`,
      [jobId],
    );
    expect(charges[0]!.n).toBe(0);
  });

  it("VERIFY of a job whose evidence is not built yet builds it, and verifies", async () => {
    // A job's evidence is built just after its success commits (or, when that failed, when the job is
    // next read): a VERIFY started in between must not find "no evidence bundle".
    const jobId = await createGeneration(t.admin, { kind: "MOCK", rows: 100, seed: 7 });
    expect((await waitForGeneration(t.admin, jobId)).evidence?.verified).toBe(true);
    // As if the success hook had not run yet: no evidence, no seal (it is the chain's tip).
    await db().query(`update "generation_details" set "evidence" = null where "jobId" = $1::uuid`, [jobId]);
    await db().query(`delete from "provenance_seals" where "jobId" = $1::uuid`, [jobId]);
    const verify = await waitForGeneration(
      t.admin,
      await createGeneration(t.admin, { kind: "VERIFY", spec: { jobId } }),
    );
    expect(verify.error).toBeNull();
    expect(verify.state).toBe("SUCCEEDED");
    expect(verify.operation.result).toMatchObject({ ok: true, evidence: { verified: true, mismatches: [] } });
  });
  it("detects a rewritten seal, and another job's genuine evidence, by the API and by VERIFY", async () => {
    // Two jobs of one contract and seed: byte-identical outputs, each its own evidence and seal.
    const input = { kind: "MOCK", rows: 50, seed: 9 };
    const [a, b] = await Promise.all([
      createGeneration(t.admin, input).then((id) => waitForGeneration(t.admin, id)),
      createGeneration(t.admin, input).then((id) => waitForGeneration(t.admin, id)),
    ]);
    expect(a.artifacts[0]!.contentHash).toBe(b.artifacts[0]!.contentHash);
    const verifyOf = async (jobId: string) =>
      waitForGeneration(t.admin, await createGeneration(t.admin, { kind: "VERIFY", spec: { jobId } }));
    const evidenceProblems = (job: Awaited<ReturnType<typeof verifyOf>>) =>
      job.problems.filter((p) => p.code === "EVIDENCE_MISMATCH").map((p) => p.message);

    // A seal whose stored fields were rewritten no longer recomputes: VERIFY says so, as the API does.
    await db().query(
      `update "provenance_seals" set "createdOn" = "createdOn" + interval '1 second' where "jobId" = $1::uuid`,
      [a.jobId],
    );
    try {
      expect((await readGeneration(t.admin, a.jobId)).evidence!.verified).toBe(false);
      const check = await verifyOf(a.jobId);
      expect(check.state).toBe("FAILED");
      expect(check.error?.code).toBe("VERIFY_MISMATCH");
      expect(evidenceProblems(check)).toEqual([expect.stringContaining("provenance seal")]);
    } finally {
      await db().query(
        `update "provenance_seals" set "createdOn" = "createdOn" - interval '1 second' where "jobId" = $1::uuid`,
        [a.jobId],
      );
    }
    expect((await verifyOf(a.jobId)).state).toBe("SUCCEEDED");

    // b made to present a's evidence (copies of its files' rows, its root hash, b's seal recomputed
    // over it): every hash and signature holds, but the bundle is sealed for a.
    const [evidence] = await db().query<{ evidence: { rootHash: string } }>(
      `with "gone" as (delete from "artifacts" where "jobId" = $2::uuid and "purpose" = 'evidence'),
       "copies" as (
         insert into "artifacts" ("id", "tenantId", "jobId", "purpose", "name", "artifactType", "mimeType", "sizeBytes", "contentHash")
         select gen_random_uuid(), "tenantId", $2::uuid, "purpose", "name", "artifactType", "mimeType", "sizeBytes", "contentHash"
         from "artifacts" where "jobId" = $1::uuid and "purpose" = 'evidence' returning "id")
       update "generation_details" g
       set "evidence" = jsonb_set(s."evidence"::jsonb, '{fileIds}', (select jsonb_agg("id") from "copies"))
       from "generation_details" s where s."jobId" = $1::uuid and g."jobId" = $2::uuid
       returning g."evidence"`,
      [a.jobId, b.jobId],
    );
    const [seal] = await db().query<{ previousSealHash: string | null; createdOn: Date }>(
      `select "previousSealHash", "createdOn" from "provenance_seals" where "jobId" = $1::uuid`,
      [b.jobId],
    );
    await db().query(`update "provenance_seals" set "sealHash" = $2 where "jobId" = $1::uuid`, [
      b.jobId,
      computeSealHash({
        previousSealHash: seal!.previousSealHash,
        jobId: b.jobId,
        rootHash: evidence!.evidence.rootHash,
        createdOn: new Date(seal!.createdOn).toISOString(),
      }),
    ]);
    expect((await readGeneration(t.admin, b.jobId)).evidence!.verified).toBe(false);
    const check = await verifyOf(b.jobId);
    expect(check.state).toBe("FAILED");
    expect(evidenceProblems(check)).toEqual([`chain_seal.json: sealed for job ${a.jobId}, not for job ${b.jobId}`]);
  });
});
