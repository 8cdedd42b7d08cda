// `npm run worker` as a separate process, talking to a server that runs no executors of its own
// (JOBS_WORKERS=0) over HTTP with a WORKER key: it runs MOCK, reads inputs over GET for ANALYZE and
// VERIFY, uploads with PUT /artifacts, and the server still builds the evidence.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateMock } from "../../src/families/generation/engine/mock.ts";
import { backends } from "../helpers/backends.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.ts";
import { createGeneration, download, sha256, terminalEntries, waitForGeneration } from "./helpers.ts";
import { type Child, spawnTs, stopChild } from "./processes.ts";

describe.each(backends.map((b) => [b.name, b] as const))("npm run worker against a server on %s", (_name, backend) => {
  let t: TestServer;
  let worker: Child | undefined;
  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_WORKERS: "0" });
    const key = await t.admin.request<{ createApiKey: { secret: string } }>(
      `mutation { createApiKey(userId: "runner", role: WORKER) { secret } }`,
    );
    worker = spawnTs("src/worker.ts", {
      JOBS_URL: t.url,
      JOBS_API_KEY: key.createApiKey.secret,
      JOBS_WORKERS: "2",
      JOBS_LOG_LEVEL: "warn",
    });
  });
  afterAll(async () => {
    if (worker) await stopChild(worker);
    await t?.stop();
  });

  it("completes MOCK, ANALYZE and VERIFY jobs over HTTP, with evidence built by the server", async () => {
    const spec = {
      columns: [
        { name: "id", type: "uuid" },
        { name: "score", type: "float", distribution: { kind: "normal", mean: 50, std: 10 } },
      ],
    };
    const mock = await waitForGeneration(
      t.admin,
      await createGeneration(t.admin, { kind: "MOCK", rows: 2_000, seed: 5, spec }),
    );
    expect(mock.state).toBe("SUCCEEDED");
    expect(terminalEntries(mock.statusHistory)).toBe(1);
    expect(mock.statusHistory.find((h) => h.state === "RUNNING")?.message).toContain(
      "claimed by worker npm run worker",
    );
    const bytes = await download(mock.artifacts[0]!.downloadUrl, ADMIN_KEY);
    expect(sha256(bytes)).toBe(mock.artifacts[0]!.contentHash);
    expect(bytes.equals(generateMock({ rows: 2_000, spec: spec as never }, 5).bytes)).toBe(true);
    expect(mock.chargedCredits).toBe(1);
    expect(mock.evidence?.verified).toBe(true);
    expect(mock.seal).not.toBeNull();
    expect(mock.logs.edges.map((e) => e.node.message).join("\n")).toContain("MOCK finished");

    const analyze = await waitForGeneration(
      t.admin,
      await createGeneration(t.admin, { kind: "ANALYZE", spec: { input: mock.operation.result!.artifacts[0].id } }),
    );
    expect(analyze.state).toBe("SUCCEEDED");
    expect(analyze.operation.result).toMatchObject({ kind: "ANALYZE", rows: 2_000 });

    const verify = await waitForGeneration(
      t.admin,
      await createGeneration(t.admin, { kind: "VERIFY", spec: { jobId: mock.jobId } }),
    );
    expect(verify.state).toBe("SUCCEEDED");
    expect(verify.operation.result).toMatchObject({ ok: true, checked: 5, evidence: { verified: true } });

    const missing = await waitForGeneration(
      t.admin,
      await createGeneration(t.admin, { kind: "LIFT", spec: { input: "0190f5a4-0000-7000-8000-00000000beef" } }),
    );
    expect(missing.state).toBe("FAILED");
    expect(missing.error?.code).toBe("INPUT_NOT_FOUND");
  });

  it("trains on an uploaded dataset and synthesizes from the model over HTTP, in its worker threads", async () => {
    const csv = Buffer.from(
      ["a,b,c", ...Array.from({ length: 200 }, (_, i) => `${i},${i * 2 + (i % 7)},${i % 3 === 0 ? "x" : "y"}`)].join(
        "\n",
      ) + "\n",
    );
    const res = await fetch(`${t.url}/uploads?name=data.csv`, {
      method: "PUT",
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
      body: csv,
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const train = await waitForGeneration(
      t.admin,
      await createGeneration(t.admin, { kind: "TRAIN", spec: { input: id }, seed: 1 }),
    );
    expect(train.state).toBe("SUCCEEDED");
    expect(train.statusHistory.find((h) => h.state === "RUNNING")?.message).toContain(
      "claimed by worker npm run worker",
    );
    const synth = await waitForGeneration(
      t.admin,
      await createGeneration(t.admin, { kind: "SYNTHESIZE", rows: 300, spec: { model: train.jobId }, seed: 2 }),
    );
    expect(synth.state).toBe("SUCCEEDED");
    expect(synth.operation.result).toMatchObject({
      kind: "SYNTHESIZE",
      rows: 300,
      fidelity: { realRows: 200, syntheticRows: 300 },
    });
    expect(synth.evidence?.verified).toBe(true);
  });

  it("reads a job's inputs as its creator: another member's upload is not found, as in-process", async () => {
    const memberKey = async (userId: string) =>
      (
        await t.admin.request<{ createApiKey: { secret: string } }>(
          `mutation($u: String!) { createApiKey(userId: $u, role: MEMBER) { secret } }`,
          { u: userId },
        )
      ).createApiKey.secret;
    const owner = t.client(await memberKey("dataset-owner"));
    const stranger = t.client(await memberKey("dataset-stranger"));
    const res = await fetch(`${t.url}/uploads?name=private.csv`, {
      method: "PUT",
      headers: { authorization: `Bearer ${owner.key}` },
      body: "ssn,salary\n111-22-3333,100000\n222-33-4444,200000\n",
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };

    // The WORKER key sees its whole tenant; the stranger's job must not borrow that sight.
    const stolen = await waitForGeneration(
      stranger,
      await createGeneration(stranger, { kind: "LIFT", spec: { input: id } }),
    );
    expect(stolen.state).toBe("FAILED");
    expect(stolen.error?.code).toBe("INPUT_NOT_FOUND");
    expect(stolen.artifacts).toEqual([]);

    const own = await waitForGeneration(owner, await createGeneration(owner, { kind: "LIFT", spec: { input: id } }));
    expect(own.state).toBe("SUCCEEDED");
    expect(own.operation.result).toMatchObject({ kind: "LIFT" });
  });

  it("VERIFY reads its target as its creator: another member's job answers as one that does not exist", async () => {
    const memberKey = async (userId: string) =>
      (
        await t.admin.request<{ createApiKey: { secret: string } }>(
          `mutation($u: String!) { createApiKey(userId: $u, role: MEMBER) { secret } }`,
          { u: userId },
        )
      ).createApiKey.secret;
    const owner = t.client(await memberKey("verify-owner"));
    const prober = t.client(await memberKey("verify-prober"));
    const target = await waitForGeneration(owner, await createGeneration(owner, { kind: "MOCK", rows: 100 }));
    expect(target.state).toBe("SUCCEEDED");

    // What the prober's VERIFY shows of a job: with the id itself blanked, nothing may differ
    // between the owner's job and a job that does not exist.
    const verifyAs = async (client: typeof prober, jobId: string) => {
      const job = await waitForGeneration(
        client,
        await createGeneration(client, { kind: "VERIFY", seed: 1, spec: { jobId } }),
      );
      const blank = (text: string) => text.replaceAll(jobId, "<job>");
      return {
        state: job.state,
        error: job.error && { code: job.error.code, message: blank(job.error.message) },
        problems: job.problems.map((p) => blank(JSON.stringify(p))),
        logs: job.logs.edges.map((e) => blank(e.node.message)),
        statusHistory: job.statusHistory.map((h) => ({ ...h, message: h.message && blank(h.message) })),
      };
    };
    const probed = await verifyAs(prober, target.jobId);
    const absent = await verifyAs(prober, "0190f5a4-0000-7000-8000-00000000dead");
    expect(probed.state).toBe("FAILED");
    expect(probed.error?.code).toBe("INPUT_NOT_FOUND");
    expect(probed).toEqual(absent);

    // Its creator verifies it.
    const own = await waitForGeneration(
      owner,
      await createGeneration(owner, { kind: "VERIFY", spec: { jobId: target.jobId } }),
    );
    expect(own.state).toBe("SUCCEEDED");
    expect(own.operation.result).toMatchObject({ ok: true });
  });

  it("stops cleanly on SIGTERM", async () => {
    const exit = await stopChild(worker!);
    expect(exit.code).toBe(0);
    worker = undefined;
  });
});
