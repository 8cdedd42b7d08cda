// Every generation kind on the running server (JOBS_WORKERS=2, CPU work in worker threads), on PGlite
// and PostgreSQL, fed with data uploaded through PUT /uploads: TRAIN and SYNTHESIZE keep a 0.95
// correlation and the means (3,000 real rows, 5,000 synthetic), FABRICATE's contract drives MOCK,
// SCENARIO_FABRICATE's scenario drives SIMULATE; reruns are byte-identical, credits are charged
// once, evidence verifies; a small query answers while a big MOCK runs, and cancel stops it.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobsClient } from "@jobs-api/client/node";
import { parseCsvTable } from "../../src/families/generation/engine/csv.ts";
import { seededRandom } from "../../src/families/generation/engine/random.ts";
import { backends } from "../helpers/backends.ts";
import { startTestServer, type GraphQLClient, type TestServer } from "../helpers/server.ts";
import { newTenant, type TestTenant } from "../http/tenant.ts";
import {
  createGeneration,
  download,
  readGeneration,
  sha256,
  terminalEntries,
  waitForGeneration,
  type GenerationJobView,
} from "./helpers.ts";

const BIN = join(import.meta.dirname, "..", "..", "bin", "jobsctl.mjs");

/** 3,000 rows whose x and y correlate at 0.95, with a category, a date and some nulls. */
function correlatedCsv(rows: number): Buffer {
  const rng = seededRandom("generation-kinds", 11, "test");
  const lines = ["x,y,segment,signup,note"];
  for (let i = 0; i < rows; i++) {
    const a = rng.normal();
    const b = 0.95 * a + Math.sqrt(1 - 0.95 ** 2) * rng.normal();
    const segment = a > 0.6 ? "enterprise" : a > -0.4 ? "smb" : "consumer";
    const signup = new Date(Date.UTC(2023, 0, 1) + rng.integer(0, 700) * 86_400_000).toISOString().slice(0, 10);
    const note = rng.next() < 0.2 ? "" : rng.choice(["new", "renewal", "upsell"]);
    lines.push(`${(100 + 15 * a).toFixed(2)},${(5000 + 800 * b).toFixed(2)},${segment},${signup},${note}`);
  }
  return Buffer.from(lines.join("\n") + "\n");
}

function pearson(x: number[], y: number[]): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((a, i) => {
    const b = y[i]!;
    sxy += (a - mx) * (b - my);
    sxx += (a - mx) ** 2;
    syy += (b - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const column = (csv: Buffer, name: string) => {
  const table = parseCsvTable(csv);
  const c = table.columns.indexOf(name);
  return table.rows.map((r) => r[c]!);
};

describe.each(backends.map((b) => [b.name, b] as const))("generation kinds on %s", (_name, backend) => {
  let t: TestServer;
  let tn: TestTenant;
  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_WORKERS: "2", JOBS_RATE_LIMIT: "0" });
    tn = await newTenant(t);
  });
  afterAll(async () => t?.stop());

  const key = () => tn.member.key!;
  async function upload(bytes: Buffer, name: string): Promise<{ id: string; contentHash: string }> {
    const res = await fetch(`${t.url}/uploads?name=${name}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${key()}`, "content-type": "text/csv" },
      body: bytes,
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; contentHash: string };
  }
  const run = async (client: GraphQLClient, input: Record<string, unknown>) =>
    waitForGeneration(client, await createGeneration(client, input), 300);
  const artifact = (job: GenerationJobView, name: string) => {
    const a = job.artifacts.find((x) => x.name === name);
    if (!a)
      throw new Error(
        `job ${job.jobId} (${job.state}: ${job.error?.message}) has no ${name}: ${job.artifacts.map((x) => x.name).join(", ")}`,
      );
    return a;
  };
  const bytesOf = (job: GenerationJobView, name: string) => download(artifact(job, name).downloadUrl, key());
  /** The error createGenerationJob answers `input` with (none: the job was made). */
  async function refusal(input: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
    const answer = await tn.member.raw(
      `mutation($i: CreateGenerationJobInput!) { createGenerationJob(input: $i) { job { jobId } } }`,
      { i: input },
    );
    return answer.errors?.[0]?.extensions as Record<string, unknown> | undefined;
  }
  async function jobCount(): Promise<number> {
    const page = await tn.member.request<{ jobs: { totalCount: number } }>(
      `{ jobs(first: 1, filter: { reasonerType: GENERATION }) { totalCount } }`,
    );
    return page.jobs.totalCount;
  }
  async function rerun(jobId: string): Promise<GenerationJobView> {
    const again = await tn.member.request<{ rerunJob: { job: { jobId: string } } }>(
      `mutation($id: ID!) { rerunJob(jobId: $id) { job { jobId } } }`,
      { id: jobId },
    );
    return waitForGeneration(tn.member, again.rerunJob.job.jobId, 300);
  }

  it("TRAIN then SYNTHESIZE keep a 0.95 correlation within 0.1 and each mean within 5%, byte-identical on rerun, charged once, with evidence", async () => {
    const real = correlatedCsv(3000);
    const uploaded = await upload(real, "customers.csv");

    const train = await run(tn.member, { kind: "TRAIN", spec: { input: uploaded.id }, seed: 7 });
    expect(train.state).toBe("SUCCEEDED");
    expect(train.artifacts.map((a) => a.name).sort()).toEqual(["fidelity.json", "model.json"]);
    const model = JSON.parse((await bytesOf(train, "model.json")).toString("utf8"));
    expect(model).toMatchObject({ format: "gaussian-copula/v1", rows: 3000, trainedOn: { input: uploaded.id } });
    expect(model.columns.map((c: { name: string; kind: string }) => `${c.name}:${c.kind}`)).toEqual([
      "x:numeric",
      "y:numeric",
      "segment:categorical",
      "signup:datetime",
      "note:categorical",
    ]);
    expect(train.operation.result).toMatchObject({
      kind: "TRAIN",
      rows: 3000,
      fidelity: { realRows: 3000, syntheticRows: 3000 },
    });
    expect(train.evidence?.verified).toBe(true);

    const synth = await run(tn.member, { kind: "SYNTHESIZE", rows: 5000, spec: { model: train.jobId }, seed: 42 });
    expect(synth.state).toBe("SUCCEEDED");
    expect(synth.artifacts.map((a) => a.name).sort()).toEqual(["fidelity.json", "synthetic.csv"]);
    const synthetic = await bytesOf(synth, "synthetic.csv");
    const [rx, ry] = [column(real, "x").map(Number), column(real, "y").map(Number)];
    const [sx, sy] = [column(synthetic, "x").map(Number), column(synthetic, "y").map(Number)];
    expect(sx).toHaveLength(5000);
    const realCorrelation = pearson(rx, ry);
    expect(realCorrelation).toBeGreaterThan(0.93);
    expect(Math.abs(pearson(sx, sy) - realCorrelation)).toBeLessThan(0.1);
    expect(Math.abs(mean(sx) - mean(rx)) / mean(rx)).toBeLessThan(0.05);
    expect(Math.abs(mean(sy) - mean(ry)) / mean(ry)).toBeLessThan(0.05);
    // Categories and nulls keep their shares; dates stay in range.
    const share = (values: string[], v: string) => values.filter((x) => x === v).length / values.length;
    expect(
      Math.abs(share(column(synthetic, "segment"), "enterprise") - share(column(real, "segment"), "enterprise")),
    ).toBeLessThan(0.05);
    expect(Math.abs(share(column(synthetic, "note"), "") - share(column(real, "note"), ""))).toBeLessThan(0.05);
    expect(column(synthetic, "signup").every((d) => d >= "2023-01-01" && d <= "2024-12-31")).toBe(true);

    // The fidelity report: KS per numeric column, total variation per categorical, correlation gap, privacy.
    const fidelity = synth.operation.result!.fidelity;
    expect(fidelity.syntheticRows).toBe(5000);
    expect(fidelity.columns.map((c: { name: string; metric: string }) => `${c.name}:${c.metric}`)).toEqual([
      "x:ks",
      "y:ks",
      "segment:tv",
      "signup:ks",
      "note:tv",
    ]);
    for (const c of fidelity.columns) expect(c.distance).toBeLessThan(0.1);
    expect(fidelity.maxCorrelationDifference).toBeLessThan(0.1);
    expect(fidelity.exactCopyShare).toBe(0);
    const report = JSON.parse((await bytesOf(synth, "fidelity.json")).toString("utf8"));
    expect(report.correlation.columns).toEqual(["x", "y", "signup"]);
    expect(report.privacy).toEqual({ exactCopies: 0, exactCopyShare: 0 });

    // Credits charged once (1 for the rows, 2 for the GPU-S training SYNTHESIZE does), evidence and
    // seal; a rerun gives the same bytes.
    expect(synth.estimatedCredits).toBe(3);
    expect(synth.chargedCredits).toBe(3);
    expect(synth.evidence?.verified).toBe(true);
    expect(synth.seal?.sealHash).toMatch(/^sha256:/);
    const again = await rerun(synth.jobId);
    expect(again.state).toBe("SUCCEEDED");
    expect(artifact(again, "synthetic.csv").contentHash).toBe(artifact(synth, "synthetic.csv").contentHash);
    expect(artifact(again, "fidelity.json").contentHash).toBe(artifact(synth, "fidelity.json").contentHash);
    expect(sha256(synthetic)).toBe(artifact(synth, "synthetic.csv").contentHash);

    // spec.input without a model: trained here, then sampled; the model comes out too.
    const direct = await run(tn.member, { kind: "SYNTHESIZE", rows: 1000, spec: { input: uploaded.id }, seed: 7 });
    expect(direct.state).toBe("SUCCEEDED");
    expect(direct.artifacts.map((a) => a.name).sort()).toEqual(["fidelity.json", "model.json", "synthetic.csv"]);
    expect(direct.operation.result).toMatchObject({ trained: true, rows: 1000 });
    // Trained with the same seed as the TRAIN job: the same model.
    expect(artifact(direct, "model.json").contentHash).toBe(artifact(train, "model.json").contentHash);
  });

  it("FABRICATE turns words into a sealed contract that MOCK takes as spec.contract, listing what it did not understand", async () => {
    const description =
      "orders with unique order number integer; customer email; amount in USD between 5 and 500; status one of pending, shipped, delivered; 10% missing notes; the phase of the moon in the seventh house";
    const fab = await run(tn.member, { kind: "FABRICATE", description, seed: 1 });
    expect(fab.state).toBe("SUCCEEDED");
    const contract = JSON.parse((await bytesOf(fab, "contract.json")).toString("utf8"));
    expect(contract).toMatchObject({
      format: "data-contract/v1",
      name: "orders",
      contractHash: expect.stringMatching(/^sha256:/),
    });
    expect(contract.columns).toEqual([
      { name: "order_number", type: "int", unique: true },
      { name: "customer_email", type: "email", format: "email" },
      {
        name: "amount",
        type: "float",
        distribution: { kind: "uniform", min: 5, max: 500 },
        unit: "USD",
        format: "decimal(2)",
      },
      {
        name: "status",
        type: "category",
        distribution: { kind: "categorical", values: ["pending", "shipped", "delivered"] },
      },
      { name: "notes", type: "string", nullRate: 0.1 },
    ]);
    expect(fab.operation.result!.problems).toEqual([
      expect.objectContaining({
        severity: "warning",
        code: "UNRECOGNIZED_PHRASE",
        message: expect.stringContaining("phase of the moon"),
      }),
    ]);
    expect(fab.evidence?.verified).toBe(true);

    const mock = await run(tn.member, { kind: "MOCK", rows: 2000, seed: 3, spec: { contract: fab.jobId } });
    expect(mock.state).toBe("SUCCEEDED");
    const rows = parseCsvTable(await bytesOf(mock, "mock.csv"));
    expect(rows.columns).toEqual(["order_number", "customer_email", "amount", "status", "notes"]);
    expect(new Set(rows.rows.map((r) => r[0])).size).toBe(2000);
    expect(rows.rows.every((r) => Number(r[2]) >= 5 && Number(r[2]) <= 500)).toBe(true);
    expect(new Set(rows.rows.map((r) => r[3]))).toEqual(new Set(["pending", "shipped", "delivered"]));
    expect(rows.rows.every((r) => /^[a-z]+\.[a-z]+\d+@/.test(r[1]!))).toBe(true);
    // The contract.json artifact's id works too, and gives the same rows.
    const contractId = (fab.operation.result!.artifacts as { name: string; id: string }[]).find(
      (a) => a.name === "contract.json",
    )!.id;
    const byArtifact = await run(tn.member, { kind: "MOCK", rows: 2000, seed: 3, spec: { contract: contractId } });
    expect(artifact(byArtifact, "mock.csv").contentHash).toBe(artifact(mock, "mock.csv").contentHash);
    const again = await rerun(mock.jobId);
    expect(artifact(again, "mock.csv").contentHash).toBe(artifact(mock, "mock.csv").contentHash);
  });

  it("SCENARIO_FABRICATE writes a scenario SIMULATE plays: labelled faults, reproducible, documented columns", async () => {
    const scenario = await run(tn.member, {
      kind: "SCENARIO_FABRICATE",
      description: "pump trip at 2 min for 60 s; spoof the level sensor to 0.5 at 300 s for 120 s; something odd",
      seed: 1,
    });
    expect(scenario.state).toBe("SUCCEEDED");
    expect(scenario.operation.result).toMatchObject({
      events: [
        { type: "PUMP_TRIP", startS: 120, durationS: 60 },
        { type: "SENSOR_SPOOF", startS: 300, durationS: 120, tag: "level", value: 0.5 },
      ],
      problems: [expect.objectContaining({ code: "UNRECOGNIZED_EVENT" })],
    });

    const sim = await run(tn.member, {
      kind: "SIMULATE",
      rows: 600,
      seed: 4,
      spec: { scenario: scenario.jobId, intervalS: 1 },
    });
    expect(sim.state).toBe("SUCCEEDED");
    const table = parseCsvTable(await bytesOf(sim, "simulation.csv"));
    expect(table.columns).toEqual([
      "timestamp",
      "level_m",
      "level_setpoint_m",
      "inflow_m3s",
      "outflow_m3s",
      "pressure_kpa",
      "pump_running",
      "valve_command_pct",
      "valve_position_pct",
      "label",
    ]);
    expect(table.rows).toHaveLength(600);
    const at = (s: number) => table.rows[s]!;
    expect(at(0)[0]).toBe("2026-01-01T00:00:00.000Z");
    expect(at(119)[9]).toBe("NORMAL");
    expect(at(150)[9]).toBe("PUMP_TRIP");
    expect(at(150)[6]).toBe("0");
    expect(at(200)[6]).toBe("1");
    expect(at(350)[9]).toBe("SENSOR_SPOOF");
    expect(Number(at(350)[1])).toBe(0.5);
    // While the level reads low, the controller opens the valve fully: the attack moves the plant.
    expect(Number(at(400)[7])).toBe(100);
    const again = await rerun(sim.jobId);
    expect(artifact(again, "simulation.csv").contentHash).toBe(artifact(sim, "simulation.csv").contentHash);
    expect(sim.evidence?.verified).toBe(true);

    // Inline scenarios work too; a bad parameter is refused at creation, naming the field.
    const inline = await run(tn.member, {
      kind: "SIMULATE",
      rows: 30,
      seed: 4,
      spec: { scenario: { events: [{ type: "LEAK", startS: 10, durationS: 5 }] } },
    });
    expect(inline.state).toBe("SUCCEEDED");
    expect(await refusal({ kind: "SIMULATE", rows: 30, seed: 4, spec: { intervalS: -1 } })).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "input.spec.intervalS",
    });
  });

  it("prices the rows a kind makes, as far as creation can know them, and charges that estimate", async () => {
    const estimated = async (input: Record<string, unknown>) =>
      (await readGeneration(tn.member, await createGeneration(tn.member, input))).estimatedCredits;
    const charged = async (input: Record<string, unknown>) => {
      const job = await run(tn.member, input);
      expect(job.state, JSON.stringify(job.error)).toBe("SUCCEEDED");
      expect(job.chargedCredits).toBe(job.estimatedCredits);
      return job;
    };
    // SIMULATE without rows records its default 3,600 time steps: 1 credit.
    const sim = await charged({ kind: "SIMULATE", seed: 4 });
    expect(sim.operation.result!.rows).toBe(3600);
    expect(sim.estimatedCredits).toBe(1);
    // FABRICATE writes a contract, never rows: rows are not priced.
    const fab = await charged({ kind: "FABRICATE", rows: 2_500_000, description: "orders with amount in USD" });
    expect(fab.estimatedCredits).toBe(0);
    for (const kind of ["FABRICATE", "SCENARIO_FABRICATE", "VERIFY"]) {
      const quote = await tn.member.request<{ estimateCredits: { estimatedCredits: number } }>(
        `query($k: GenerationKind!) { estimateCredits(kind: $k, rows: 2500000) { estimatedCredits } }`,
        { k: kind },
      );
      expect(quote.estimateCredits.estimatedCredits, kind).toBe(0);
    }
    // SYNTHESIZE without rows makes as many as its model was trained on: known from a model given
    // inline (1 credit for 300 rows, 2 for GPU-S training), not from one named by id.
    const data = await upload(correlatedCsv(300), "priced.csv");
    const train = await run(tn.member, { kind: "TRAIN", spec: { input: data.id }, seed: 2 });
    const model = JSON.parse((await bytesOf(train, "model.json")).toString("utf8"));
    const inline = await charged({ kind: "SYNTHESIZE", seed: 3, spec: { model, input: data.id } });
    expect(inline.operation.result!.rows).toBe(300);
    expect(inline.estimatedCredits).toBe(3);
    expect(await estimated({ kind: "SYNTHESIZE", seed: 3, spec: { model: train.jobId } })).toBe(2);
  });

  it("refuses at creation what a built-in kind cannot run, naming the field, and makes no job", async () => {
    const before = await jobCount();
    const uniqueUpTo10 = { name: "n", type: "int", unique: true, distribution: { kind: "uniform", min: 1, max: 10 } };
    const refused: [Record<string, unknown>, string][] = [
      [{ kind: "SYNTHESIZE", rows: 10, spec: { model: 5 } }, "input.spec.model"],
      [{ kind: "SYNTHESIZE", rows: 10, spec: { model: ["x"] } }, "input.spec.model"],
      [{ kind: "SYNTHESIZE", rows: 10, spec: { model: { foo: 1 } } }, "input.spec.model"],
      [{ kind: "MOCK", rows: 11, spec: { columns: [uniqueUpTo10] } }, "input.spec.columns[0].unique"],
      [
        { kind: "MOCK", rows: 11, spec: { contract: { columns: [uniqueUpTo10] } } },
        "input.spec.contract.columns[0].unique",
      ],
      // At least 42 bytes a row (a uuid, a float, a comma and a line break): over 256 MiB.
      [{ kind: "MOCK", rows: 10_000_000 }, "input.rows"],
      [{ kind: "SIMULATE", rows: 30, spec: { valveGain: "high" } }, "input.spec"],
      [{ kind: "SIMULATE", rows: 30, spec: { intervalS: 0 } }, "input.spec.intervalS"],
      [
        { kind: "SIMULATE", rows: 30, spec: { scenario: { events: [{ type: "LEAK", startS: -5 }] } } },
        "input.spec.scenario.events.0.startS",
      ],
      [{ kind: "SIMULATE", rows: 20_000_000 }, "input.rows"],
      [{ kind: "FABRICATE" }, "input.description"],
      [{ kind: "SCENARIO_FABRICATE", description: "   " }, "input.description"],
    ];
    for (const [input, field] of refused) {
      const error = await refusal(input);
      expect(error, JSON.stringify(input)).toMatchObject({ code: "BAD_USER_INPUT" });
      expect(String(error?.field), JSON.stringify(input)).toContain(field);
    }
    expect(await jobCount()).toBe(before);
    // TRAIN and SYNTHESIZE are made as RadMah's users make them, with rows alone: their data is the run's to find.
    await createGeneration(tn.member, { kind: "TRAIN", rows: 10 });
    await createGeneration(tn.member, { kind: "SYNTHESIZE", rows: 10, spec: { model: "a-train-job-id" } });
    // As many unique ints as the range holds, and a contract named by id (its columns are the run's to read).
    await createGeneration(tn.member, { kind: "MOCK", rows: 10, spec: { columns: [uniqueUpTo10] } });
    await createGeneration(tn.member, { kind: "MOCK", rows: 10_000_000, spec: { contract: "a-fabricate-job-id" } });
    expect(await jobCount()).toBe(before + 4);
  });

  it("fails what only the run can find with a clear error: a missing model, a file that is not a model, nothing to verify, a result that cannot be stored", async () => {
    const missing = await run(tn.member, {
      kind: "SYNTHESIZE",
      rows: 10,
      spec: { model: "0190f5a4-0000-7000-8000-00000000beef" },
    });
    expect(missing.error?.code).toBe("INPUT_NOT_FOUND");
    const data = await upload(Buffer.from("a,b\n1,2\n3,4\n"), "tiny.csv");
    const notModel = await run(tn.member, { kind: "SYNTHESIZE", rows: 10, spec: { model: data.id, input: data.id } });
    expect(notModel.error).toMatchObject({ code: "INVALID_INPUT", message: expect.stringContaining("spec.model") });
    // JSON that is not a model is named as such, not as training data the model does not name.
    const json = await upload(Buffer.from('{"foo":1}'), "foo.json");
    const jsonNotModel = await run(tn.member, { kind: "SYNTHESIZE", rows: 10, spec: { model: json.id } });
    expect(jsonNotModel.error).toMatchObject({
      code: "INVALID_INPUT",
      message: "spec.model: not a gaussian-copula/v1 model (name a TRAIN job or its model.json)",
    });
    // VERIFY of a job that made nothing says so, in the terms it was asked in.
    const verifyNothing = await run(tn.member, { kind: "VERIFY", spec: { jobId: missing.jobId } });
    expect(verifyNothing.error).toMatchObject({
      code: "INPUT_NOT_FOUND",
      message: `spec.jobId: job ${missing.jobId} has no outputs to verify (only a job that succeeded has them)`,
    });
    // Another member cannot train on someone else's upload.
    const stolen = await run(tn.otherMember, { kind: "TRAIN", spec: { input: data.id } });
    expect(stolen.error?.code).toBe("INPUT_NOT_FOUND");
    // Too little data to train on is the data's fault: failed at once, not retried as a crash.
    const headerOnly = await upload(Buffer.from("h1,h2\n"), "header-only.csv");
    const untrainable = await run(tn.member, { kind: "TRAIN", spec: { input: headerOnly.id } });
    expect(untrainable.error).toMatchObject({ code: "INVALID_INPUT", message: expect.stringContaining("2 data rows") });
    // A profile that would carry a NUL from the data cannot be stored: the job fails at once, not
    // after its lease lapses three times.
    const nul = await upload(Buffer.from("a\u0000b,c\n1,2\n3,4\n"), "nul.csv");
    const profiled = await run(tn.member, { kind: "ANALYZE", spec: { input: nul.id } });
    expect(profiled.state).toBe("FAILED");
    expect(profiled.error).toMatchObject({ code: "INVALID_RESULT", message: expect.stringContaining("NUL") });
  });

  it("runs from the SDK and the CLI too", async () => {
    const data = await upload(correlatedCsv(300), "small.csv");
    const client = new JobsClient({ url: t.url, apiKey: key() });
    try {
      const job = await (await client.createGeneration({ kind: "TRAIN", spec: { input: data.id }, seed: 2 })).wait(300);
      expect(job.state).toBe("SUCCEEDED");
      const cli = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const payload = JSON.stringify({ kind: "SYNTHESIZE", rows: 100, seed: 5, spec: { model: job.jobId } });
        execFile(
          process.execPath,
          [BIN, "--json", "create", "--type", "GENERATION", "--payload", payload, "--wait", "--timeout", "300"],
          { env: { ...process.env, JOBS_URL: t.url, JOBS_API_KEY: key() } },
          (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }),
        );
      });
      expect(cli.stderr).toBe("");
      expect(cli.code).toBe(0);
      const created = JSON.parse(cli.stdout) as { jobId: string; state: string };
      expect(created.state).toBe("SUCCEEDED");
      expect((await readGeneration(tn.member, created.jobId)).operation.result).toMatchObject({
        kind: "SYNTHESIZE",
        rows: 100,
      });
    } finally {
      await client.close();
    }
  });

  it("answers a small query while a big MOCK runs in a worker thread, and cancel stops it", async () => {
    const jobId = await createGeneration(tn.member, {
      kind: "MOCK",
      rows: 5_000_000,
      seed: 9,
      spec: {
        columns: [
          { name: "a", type: "int" },
          { name: "who", type: "name" },
          { name: "b", type: "float" },
        ],
      },
    });
    await t.server.services.changes.waitUntil(jobId, 60_000, async () => {
      const rows = await t.server.services.db.query<{ state: string }>(
        `select "state" from "jobs" where "id" = $1::uuid`,
        [jobId],
      );
      return rows[0]?.state === "RUNNING" ? true : undefined;
    });
    // Several small queries answer while the MOCK is still running.
    for (let i = 0; i < 5; i++) {
      const page = await tn.member.request<{ jobs: { totalCount: number } }>(
        `{ jobs(filter: { reasonerType: GENERATION }, first: 5) { totalCount } }`,
      );
      expect(page.jobs.totalCount).toBeGreaterThan(0);
    }
    expect((await readGeneration(tn.member, jobId)).state).toBe("RUNNING");

    await tn.member.request(`mutation($id: ID!) { cancelJob(reasonerType: GENERATION, jobId: $id) { state } }`, {
      id: jobId,
    });
    const canceled = await waitForGeneration(tn.member, jobId, 120);
    expect(canceled.state).toBe("CANCELED");
    expect(terminalEntries(canceled.statusHistory)).toBe(1);
    expect(canceled.chargedCredits).toBe(0);
    expect(canceled.artifacts).toEqual([]);
  });

  describe("a MOCK against JOBS_MAX_ARTIFACT_BYTES", () => {
    const MAX_BYTES = 65_536;
    let small: TestServer;
    beforeAll(async () => {
      small = await startTestServer(backend, { JOBS_WORKERS: "1", JOBS_MAX_ARTIFACT_BYTES: String(MAX_BYTES) });
    });
    afterAll(async () => small?.stop());

    /** The default columns (a uuid and a float): at least 42 bytes a row as CSV, 59 as JSON lines. */
    const mock = (rows: number, format = "csv") => ({ kind: "MOCK", rows, seed: 1, spec: { format } });
    async function errorOf(query: string, variables: Record<string, unknown>) {
      return (await small.admin.raw(query, variables)).errors?.[0]?.extensions as Record<string, unknown> | undefined;
    }

    it("is refused at creation, wherever it is asked for, when its output could never be stored", async () => {
      const refusal = { code: "BAD_USER_INPUT", maxBytes: MAX_BYTES };
      expect(
        await errorOf(`mutation($i: CreateGenerationJobInput!) { createGenerationJob(input: $i) { job { jobId } } }`, {
          i: mock(1_600),
        }),
      ).toMatchObject({ ...refusal, field: "input.rows" });
      expect(
        await errorOf(`mutation($i: CreateGenerationJobInput!) { createGenerationJob(input: $i) { job { jobId } } }`, {
          i: mock(1_200, "jsonl"),
        }),
      ).toMatchObject({ ...refusal, field: "input.rows" });
      expect(
        await errorOf(`mutation($i: CreateJobInput!) { createJob(input: $i) { job { jobId } } }`, {
          i: { reasonerType: "GENERATION", reasonerName: "default", payload: mock(1_600) },
        }),
      ).toMatchObject({ ...refusal, field: "input.payload.rows" });
      expect(
        await errorOf(`mutation($i: RunBatchJobInput!) { runBatchJob(input: $i) { job { jobId } } }`, {
          i: { name: "too big", steps: [{ name: "make", run: { reasonerType: "GENERATION", payload: mock(1_600) } }] },
        }),
      ).toMatchObject({ ...refusal, field: "input.steps.0.run.payload.rows" });
      expect(
        await errorOf(`mutation($i: CreateScheduleInput!) { createSchedule(input: $i) { id } }`, {
          i: { name: "too big", cron: "0 3 * * *", job: { reasonerType: "GENERATION", payload: mock(1_600) } },
        }),
      ).toMatchObject({ ...refusal, field: "input.job.payload.rows" });
      const answer = await small.admin.raw(
        `mutation($i: CreateGenerationJobInput!) { createGenerationJob(input: $i) { job { jobId } } }`,
        { i: mock(1_600) },
      );
      expect(answer.errors?.[0]?.message).toBe(
        "input.rows: 1600 rows of these columns make at least 67200 bytes, more than the largest artifact this server stores (65536 bytes); ask for fewer rows or columns",
      );
    });

    it("runs when it fits, and fails with INVALID_OUTPUT when it was accepted but does not", async () => {
      const fits = await waitForGeneration(small.admin, await createGeneration(small.admin, mock(1_400)), 120);
      expect(fits.state).toBe("SUCCEEDED");
      expect(fits.artifacts[0]!.sizeBytes).toBeLessThanOrEqual(MAX_BYTES);
      // 1,500 rows make at least 63,000 bytes, so the job is accepted; these make 65,851.
      const over = await waitForGeneration(small.admin, await createGeneration(small.admin, mock(1_500)), 120);
      expect(over.state).toBe("FAILED");
      expect(over.error).toMatchObject({ code: "INVALID_OUTPUT", message: expect.stringContaining(String(MAX_BYTES)) });
      expect(over.chargedCredits).toBe(0);
    });
  });
});
