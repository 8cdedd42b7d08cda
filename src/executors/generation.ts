// The built-in generation executor: every generation kind through the pure engine, run by a
// GenerationEngine (worker threads in a server, see cpu/). Inputs are artifacts named by id in the
// spec (`spec.input`, `spec.model`, `spec.contract`, `spec.scenario`), read through the port; outputs
// are uploaded through it. MOCK output is made in a worker thread in chunks and uploaded as they
// come, so a large run neither holds the file in memory nor stalls the process; a cancel ends the
// thread at once.
import { isJobsError } from "../errors.ts";
import { verifyEvidenceBundle } from "@jobs-api/client/evidence";
import {
  BUILT_IN_GENERATION_KINDS,
  checkModelFormat,
  type GenerationOutput,
  type GenerationRun,
  inputFaultCode,
  isBuiltInGenerationKind,
  readMockContract,
} from "../families/generation/engine/index.ts";
import { computeSealHash } from "../families/generation/engine/seal.ts";
import type { GenerationKind } from "../jobs/model.ts";
import { type GenerationEngine, inlineEngine } from "./cpu/engine.ts";
import {
  type ArtifactBytes,
  type GenerationContract,
  InputFault,
  type JobArtifacts,
  NotRunnableHere,
  type ProblemReport,
  type UploadedArtifact,
} from "./port.ts";
import type { Executor, ExecutorContext, Outcome } from "./runner.ts";

const MOCK_CHUNK_ROWS = 10_000;
const PROGRESS_EVERY_MS = 1000;

/** The contract the engine (and the evidence bundle) sees: exactly what the output depends on. */
export function engineContract(g: GenerationContract): Record<string, unknown> {
  return { kind: g.kind, rows: g.rows, description: g.description, seed: g.seed, spec: g.spec, planTier: g.planTier };
}

/** The generation executor, its CPU work done by `engine` (worker threads in a server; inline by default). */
export function generationExecutor(engine: GenerationEngine = inlineEngine): Executor {
  return {
    name: "generation",
    filter: { reasonerTypes: ["GENERATION"], generationKinds: BUILT_IN_GENERATION_KINDS },
    async run(ctx) {
      const g = ctx.job.generation;
      if (!g) throw new InputFault("INVALID_JOB", `job ${ctx.job.id} is not a generation job`);
      // In-process claims filter by kind; a worker over HTTP cannot, so it hands such jobs back.
      if (!isBuiltInGenerationKind(g.kind))
        throw new NotRunnableHere(`generation kind ${g.kind} has no built-in executor`);
      const chosen = (ctx.job.payload as { kindChosen?: { reason: string } } | null)?.kindChosen;
      await ctx.log(`${g.kind} started (seed ${g.seed})${chosen ? `; kind ${g.kind} chosen: ${chosen.reason}` : ""}`);
      try {
        const outcome =
          g.kind === "MOCK"
            ? await runMock(ctx, g, engine)
            : g.kind === "VERIFY"
              ? await runVerifyJob(ctx, g, engine)
              : await runEngineKind(ctx, g, engine);
        await ctx.log(`${g.kind} finished: ${describe(outcome)}`);
        return outcome;
      } catch (err) {
        throw asInputFault(err) ?? err;
      }
    },
  };
}

function describe(outcome: Outcome): string {
  const artifacts = (outcome.result as { artifacts?: { name: string; sizeBytes: number }[] }).artifacts ?? [];
  return artifacts.map((a) => `${a.name} (${a.sizeBytes} bytes)`).join(", ") || "no output";
}

/** Faults of the request, as opposed to the executor: the job fails without retries. */
function asInputFault(err: unknown): InputFault | null {
  if (err instanceof InputFault) return err;
  const code = inputFaultCode(err);
  if (code) return new InputFault(code, (err as Error).message);
  if (isJobsError(err, "BAD_USER_INPUT")) return new InputFault("INVALID_OUTPUT", err.message);
  return null;
}

async function runMock(ctx: ExecutorContext, g: GenerationContract, engine: GenerationEngine): Promise<Outcome> {
  const { contract, parsed, columns } = readMockContract(await withResolvedRefs(ctx, engineContract(g)));
  const format = parsed.spec?.format ?? "csv";
  const total = parsed.rows;
  let done = 0;
  let lastProgress = Date.now();
  const progress: Promise<void>[] = [];
  async function* chunks(): AsyncGenerator<Uint8Array> {
    // parseMockContract above has checked the contract's shape.
    for await (const chunk of engine.mockChunks({ contract, seed: g.seed, chunkRows: MOCK_CHUNK_ROWS }, ctx.signal)) {
      yield chunk;
      done = Math.min(total, done + MOCK_CHUNK_ROWS);
      if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = Date.now();
        progress.push(ctx.event({ phase: "generating", rows: done, totalRows: total }).catch(() => undefined));
      }
      ctx.signal.throwIfAborted();
    }
  }
  const uploaded = await ctx.upload({
    name: `mock.${format}`,
    artifactType: "dataset",
    mimeType: format === "csv" ? "text/csv" : "application/x-ndjson",
    body: chunks(),
  });
  await Promise.all(progress);
  await ctx.event({ phase: "done", rows: total, totalRows: total });
  return {
    result: { kind: "MOCK", rows: total, format, columns, artifacts: [summary(`mock.${format}`, uploaded)] },
    artifactIds: [uploaded.id],
  };
}

async function runVerifyJob(ctx: ExecutorContext, g: GenerationContract, engine: GenerationEngine): Promise<Outcome> {
  const run = await runVerify(ctx, g, engineContract(g), engine);
  failOnMismatch(run.result);
  return uploadRun(ctx, run);
}

async function runEngineKind(ctx: ExecutorContext, g: GenerationContract, engine: GenerationEngine): Promise<Outcome> {
  const contract = await withResolvedRefs(ctx, engineContract(g));
  const inputs = await inputsOf(ctx, g, contract);
  if (inputs.length > 0) await ctx.log(`read ${inputs.map((i) => `${i.name} (${i.bytes.length} bytes)`).join(", ")}`);
  ctx.signal.throwIfAborted();
  const run = await engine.run(g.kind, { contract, seed: g.seed, inputs: inputs.map((i) => i.bytes) }, ctx.signal);
  return uploadRun(ctx, run, g.kind === "ANALYZE" ? uninferredColumns(run.result) : []);
}

async function uploadRun(ctx: ExecutorContext, run: GenerationRun, found: ProblemReport[] = []): Promise<Outcome> {
  const problems: ProblemReport[] = [...(run.problems ?? []), ...found];
  const uploaded = await uploadAll(ctx, run.outputs);
  return {
    result: { ...run.result, artifacts: run.outputs.map((o, i) => summary(o.name, uploaded[i]!)) },
    artifactIds: uploaded.map((u) => u.id),
    ...(problems.length ? { problems } : {}),
  };
}

/** What each kind reads: a dataset (spec.input), and for SYNTHESIZE from a model the data it was trained on. */
async function inputsOf(
  ctx: ExecutorContext,
  g: GenerationContract,
  contract: Record<string, unknown>,
): Promise<ArtifactBytes[]> {
  switch (g.kind) {
    case "SIMULATE":
    case "FABRICATE":
    case "SCENARIO_FABRICATE":
      return [];
    case "SYNTHESIZE": {
      const spec = (contract.spec ?? {}) as { model?: unknown; input?: unknown };
      if (spec.model === undefined || spec.model === null) return readInputs(ctx, g);
      // Whether it is a model at all, before asking which data it was trained on.
      const model = spec.model;
      checkModelFormat(model);
      const trainedOn = (model.trainedOn as { input?: unknown } | undefined)?.input;
      const dataId = inputIds(g.spec)[0] ?? (typeof trainedOn === "string" ? trainedOn : null);
      if (!dataId)
        throw new InputFault(
          "INVALID_SPEC",
          "spec.input: name the training data (the model does not say which it was)",
        );
      const data = await ctx.readArtifact(dataId);
      const bytes = Buffer.from(JSON.stringify(spec.model));
      return [data, { id: "spec.model", name: "model.json", contentHash: "", bytes }];
    }
    default:
      return readInputs(ctx, g);
  }
}

/** Which output of which kind a reference to a job names, per spec field. */
const REFERENCES: Record<string, { kind: GenerationKind; output: string }> = {
  contract: { kind: "FABRICATE", output: "contract.json" },
  scenario: { kind: "SCENARIO_FABRICATE", output: "scenario.json" },
  model: { kind: "TRAIN", output: "model.json" },
};

/**
 * spec.contract, spec.scenario and spec.model may be given inline or by id: an artifact's id, or
 * the id of the job that made it. Resolved here, so the engine only ever sees the JSON itself.
 */
async function withResolvedRefs(
  ctx: ExecutorContext,
  contract: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const spec = contract.spec as Record<string, unknown> | null;
  if (!spec) return contract;
  const resolved: Record<string, unknown> = { ...spec };
  for (const [field, ref] of Object.entries(REFERENCES)) {
    const value = spec[field];
    if (typeof value === "string") resolved[field] = await readJsonRef(ctx, field, value, ref);
  }
  return { ...contract, spec: resolved };
}

async function readJsonRef(
  ctx: ExecutorContext,
  field: string,
  id: string,
  ref: { kind: GenerationKind; output: string },
): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = (await ctx.readArtifact(id)).bytes;
  } catch (err) {
    if (!(err instanceof InputFault)) throw err;
    const job = await ctx.jobArtifacts(id).catch((e: unknown) => {
      if (e instanceof InputFault)
        throw new InputFault(
          "INPUT_NOT_FOUND",
          `spec.${field}: ${id} is neither an artifact nor a ${ref.kind} job you can read`,
        );
      throw e;
    });
    const output = job.outputs.find((o) => o.name === ref.output);
    if (!output)
      throw new InputFault(
        "INPUT_NOT_FOUND",
        `spec.${field}: job ${id} has no ${ref.output} (is it a finished ${ref.kind} job?)`,
      );
    bytes = (await ctx.readArtifact(output.id)).bytes;
  }
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new InputFault("INVALID_INPUT", `spec.${field}: ${id} is not JSON`);
  }
}

/** ANALYZE: a column without a single value has no type to infer; it is read as text, and said so. */
function uninferredColumns(result: Record<string, unknown>): ProblemReport[] {
  const columns = (result.columns ?? []) as { name: string; count: number; nulls: number }[];
  return columns
    .filter((c) => c.count === 0)
    .map((c) => ({
      severity: "warning",
      code: "COLUMN_NOT_INFERRED",
      message: `column ${c.name} has no values (${c.nulls} empty cells); its type could not be inferred, so it is profiled as string`,
      details: { column: c.name, nulls: c.nulls },
    }));
}

async function uploadAll(ctx: ExecutorContext, outputs: GenerationOutput[]): Promise<UploadedArtifact[]> {
  const uploaded: UploadedArtifact[] = [];
  for (const o of outputs)
    uploaded.push(
      await ctx.upload({ name: o.name, artifactType: o.artifactType, mimeType: o.mimeType, body: slices(o.bytes) }),
    );
  return uploaded;
}

/** Upload slices: a large output is hashed and written a slice per turn of the event loop, never in one long call. */
const UPLOAD_SLICE_BYTES = 1024 * 1024;

async function* slices(bytes: Buffer): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < bytes.length; start += UPLOAD_SLICE_BYTES)
    yield bytes.subarray(start, start + UPLOAD_SLICE_BYTES);
  if (bytes.length === 0) yield bytes;
}

const summary = (name: string, a: UploadedArtifact) => ({
  name,
  id: a.id,
  contentHash: a.contentHash,
  sizeBytes: a.sizeBytes,
});

/** spec.input: one artifact id (or a list of them). */
export function inputIds(spec: Record<string, unknown> | null): string[] {
  const v = spec?.input ?? spec?.inputs;
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  return [];
}

async function readInputs(ctx: ExecutorContext, g: GenerationContract): Promise<ArtifactBytes[]> {
  const ids = inputIds(g.spec);
  if (ids.length === 0)
    throw new InputFault(
      "INVALID_SPEC",
      `spec.input: ${g.kind} reads a dataset; name an upload's or an artifact's id in spec.input`,
    );
  const read: ArtifactBytes[] = [];
  for (const id of ids) read.push(await ctx.readArtifact(id));
  return read;
}

/** A VERIFY that found any mismatch fails, with one problem per mismatch (RadMah's verify). */
function failOnMismatch(result: Record<string, unknown>): void {
  if (result.ok !== false) return;
  const files = (result.mismatches ?? []) as { name: string; expected: string; actual: string }[];
  const evidence = (result.evidence as { mismatches?: string[] } | undefined)?.mismatches ?? [];
  const problems: ProblemReport[] = [
    ...files.map((m) => ({
      severity: "error",
      code: "HASH_MISMATCH",
      message: `${m.name}: expected ${m.expected}, found ${m.actual}`,
      details: { name: m.name, expected: m.expected, actual: m.actual },
    })),
    ...evidence.map((message) => ({ severity: "error", code: "EVIDENCE_MISMATCH", message })),
  ];
  throw new InputFault(
    "VERIFY_MISMATCH",
    `${problems.length} mismatch(es) found: ${problems.map((p) => p.message).join("; ")}`.slice(0, 10_000),
    problems,
  );
}

/**
 * The job's provenance seal recomputed from its stored fields and the evidence's root hash: a
 * seal rewritten or lost breaks it. The problem found, or null.
 */
function sealMismatch(target: JobArtifacts, rootHash: string): string | null {
  const seal = target.seal;
  if (!seal) return "provenance seal: the job has none";
  const recomputed = computeSealHash({
    previousSealHash: seal.previousSealHash,
    jobId: target.jobId,
    rootHash,
    createdOn: seal.createdOn,
  });
  return recomputed === seal.sealHash ? null : `provenance seal: ${seal.sealHash} is not its fields' ${recomputed}`;
}

interface VerifyEntry {
  artifactId?: unknown;
  name?: unknown;
  expectedHash?: unknown;
}

/**
 * VERIFY re-hashes artifacts against the hashes expected of them:
 *  - spec.jobId: every output and evidence file of that generation job against its recorded hash,
 *    and the job's evidence bundle (hash chain, signatures, listed outputs) recomputed;
 *  - spec.artifacts: [{ artifactId?, name?, expectedHash }], the ids given per entry or in spec.input.
 */
async function runVerify(
  ctx: ExecutorContext,
  g: GenerationContract,
  contract: Record<string, unknown>,
  engine: GenerationEngine,
): Promise<GenerationRun> {
  const spec = g.spec ?? {};
  if (typeof spec.jobId === "string") {
    const target = await ctx.jobArtifacts(spec.jobId);
    if (target.outputs.length === 0)
      throw new InputFault(
        "INPUT_NOT_FOUND",
        `spec.jobId: job ${spec.jobId} has no outputs to verify (only a job that succeeded has them)`,
      );
    const listed = [...target.outputs, ...(target.evidence?.files ?? [])];
    const files = [];
    for (const a of listed) files.push(await ctx.readArtifact(a.id));
    await ctx.log(`re-hashing ${files.length} artifacts of job ${spec.jobId}`);
    const run = await engine.run(
      "VERIFY",
      {
        contract: {
          ...contract,
          spec: { artifacts: listed.map((a) => ({ name: a.name, expectedHash: a.contentHash })) },
        },
        seed: g.seed,
        inputs: files.map((f) => f.bytes),
      },
      ctx.signal,
    );
    const evidence = target.evidence
      ? verifyEvidenceBundle(
          // Named as the job lists them: the bundle's file names are part of what is checked.
          files.slice(target.outputs.length).map((f, i) => ({ name: target.evidence!.files[i]!.name, bytes: f.bytes })),
          {
            jobId: target.jobId,
            rootHash: target.evidence.rootHash,
            artefacts: target.outputs.map((o) => ({ name: o.name, contentHash: o.contentHash })),
          },
        )
      : { verified: false, mismatches: ["the job has no evidence bundle"], rootHash: "" };
    const sealed = target.evidence ? sealMismatch(target, target.evidence.rootHash) : null;
    const mismatches = sealed ? [...evidence.mismatches, sealed] : evidence.mismatches;
    const report = {
      ...(run.result as Record<string, unknown>),
      jobId: spec.jobId,
      evidence: { verified: mismatches.length === 0, mismatches },
    };
    const ok = (run.result as { ok: boolean }).ok && mismatches.length === 0;
    return {
      rows: 0,
      result: { ...report, ok },
      outputs: [
        {
          name: "verify.json",
          artifactType: "report",
          mimeType: "application/json",
          bytes: Buffer.from(JSON.stringify({ ...report, ok }, null, 2) + "\n"),
        },
      ],
    };
  }
  const entries: VerifyEntry[] = Array.isArray(spec.artifacts) ? (spec.artifacts as VerifyEntry[]) : [];
  const given = inputIds(spec);
  const ids =
    entries.every((e) => typeof e?.artifactId === "string") && entries.length > 0
      ? entries.map((e) => e.artifactId as string)
      : given;
  if (ids.length === 0) {
    throw new InputFault(
      "INVALID_SPEC",
      "spec: VERIFY needs spec.jobId, or spec.artifacts [{ artifactId, expectedHash }] (ids may instead be in spec.input)",
    );
  }
  const files: ArtifactBytes[] = [];
  for (const id of ids) files.push(await ctx.readArtifact(id));
  const artifacts = entries.map((e, i) => ({
    name: typeof e?.name === "string" ? e.name : (files[i]?.name ?? `input ${i}`),
    expectedHash: e?.expectedHash,
  }));
  return engine.run(
    "VERIFY",
    { contract: { ...contract, spec: { artifacts } }, seed: g.seed, inputs: files.map((f) => f.bytes) },
    ctx.signal,
  );
}
