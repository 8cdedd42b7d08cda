// The built-in generation executor: MOCK, ANALYZE, FIT, VERIFY and LIFT through the pure engine.
// Inputs are artifacts named by id in the spec (`spec.input`), read through the port; outputs are
// uploaded through it. MOCK output is generated and uploaded in chunks, yielding between them, so
// a large run neither holds the file in memory nor stalls the process, and stops promptly on cancel.
import { setImmediate as nextTurn } from "node:timers/promises";
import { isJobsError } from "../errors.ts";
import { BUILT_IN_KINDS } from "../families/generation/queues.ts";
import { verifyEvidenceBundle } from "../families/generation/engine/evidence.ts";
import {
  type GenerationOutput,
  GenerationInputError,
  type GenerationRun,
  isBuiltInGenerationKind,
  isGenerationInputFault,
  runBuiltInGeneration,
} from "../families/generation/engine/index.ts";
import { generateMockChunks, type MockContract, parseMockContract, resolveMockColumns } from "../families/generation/engine/mock.ts";
import { type ArtifactBytes, type GenerationContract, InputFault, NotRunnableHere, type ProblemReport, type UploadedArtifact } from "./port.ts";
import type { Executor, JobContext, Outcome } from "./runner.ts";

const MOCK_CHUNK_ROWS = 10_000;
const PROGRESS_EVERY_MS = 1000;

/** The contract the engine (and the evidence bundle) sees: exactly what the output depends on. */
export function engineContract(g: GenerationContract): Record<string, unknown> {
  return { kind: g.kind, rows: g.rows, description: g.description, seed: g.seed, spec: g.spec, planTier: g.planTier };
}

export const generationExecutor: Executor = {
  name: "generation",
  filter: { reasonerTypes: ["GENERATION"], generationKinds: BUILT_IN_KINDS },
  async run(ctx) {
    const g = ctx.job.generation;
    if (!g) throw new InputFault("INVALID_JOB", `job ${ctx.job.id} is not a generation job`);
    // In-process claims filter by kind; a worker over HTTP cannot, so it hands such jobs back.
    if (!isBuiltInGenerationKind(g.kind)) throw new NotRunnableHere(`generation kind ${g.kind} has no built-in executor`);
    const chosen = (ctx.job.payload as { kindChosen?: { reason: string } } | null)?.kindChosen;
    await ctx.log(`${g.kind} started (seed ${g.seed})${chosen ? `; kind ${g.kind} chosen: ${chosen.reason}` : ""}`);
    try {
      const outcome = g.kind === "MOCK" ? await runMock(ctx, g) : await runFromInputs(ctx, g);
      await ctx.log(`${g.kind} finished: ${describe(outcome)}`);
      return outcome;
    } catch (err) {
      throw asInputFault(err) ?? err;
    }
  },
};

function describe(outcome: Outcome): string {
  const artifacts = (outcome.result as { artifacts?: { name: string; sizeBytes: number }[] }).artifacts ?? [];
  return artifacts.map((a) => `${a.name} (${a.sizeBytes} bytes)`).join(", ") || "no output";
}

/** Faults of the request, as opposed to the executor: the job fails without retries. */
function asInputFault(err: unknown): InputFault | null {
  if (err instanceof InputFault) return err;
  if (isGenerationInputFault(err)) return new InputFault(err instanceof GenerationInputError ? "INVALID_INPUT" : "INVALID_SPEC", (err as Error).message);
  if (isJobsError(err, "BAD_USER_INPUT")) return new InputFault("INVALID_OUTPUT", err.message);
  return null;
}

async function runMock(ctx: JobContext, g: GenerationContract): Promise<Outcome> {
  const contract = engineContract(g);
  const parsed = parseMockContract(contract);
  const columns = resolveMockColumns(parsed);
  const format = parsed.spec?.format ?? "csv";
  const total = parsed.rows;
  let done = 0;
  let lastProgress = Date.now();
  const progress: Promise<void>[] = [];
  async function* chunks(): AsyncGenerator<Uint8Array> {
    // parseMockContract above has checked the contract's shape.
    for (const chunk of generateMockChunks(contract as MockContract, g.seed, { chunkRows: MOCK_CHUNK_ROWS })) {
      yield chunk;
      done = Math.min(total, done + MOCK_CHUNK_ROWS);
      if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = Date.now();
        progress.push(ctx.event({ phase: "generating", rows: done, totalRows: total }).catch(() => undefined));
      }
      await nextTurn();
      ctx.signal.throwIfAborted();
    }
  }
  const uploaded = await ctx.upload({ name: `mock.${format}`, artifactType: "dataset", mimeType: format === "csv" ? "text/csv" : "application/x-ndjson", body: chunks() });
  await Promise.all(progress);
  await ctx.event({ phase: "done", rows: total, totalRows: total });
  return {
    result: { kind: "MOCK", rows: total, format, columns, artifacts: [summary(`mock.${format}`, uploaded)] },
    artifactIds: [uploaded.id],
  };
}

async function runFromInputs(ctx: JobContext, g: GenerationContract): Promise<Outcome> {
  const contract = engineContract(g);
  let run: GenerationRun;
  if (g.kind === "VERIFY") {
    run = await runVerify(ctx, g, contract);
  } else {
    const inputs = await readInputs(ctx, g);
    await ctx.log(`read ${inputs.map((i) => `${i.name} (${i.bytes.length} bytes)`).join(", ")}`);
    ctx.signal.throwIfAborted();
    run = runBuiltInGeneration(g.kind, { contract, seed: g.seed, inputs: inputs.map((i) => i.bytes) });
  }
  if (g.kind === "VERIFY") failOnMismatch(run.result);
  const uploaded = await uploadAll(ctx, run.outputs);
  return {
    result: { ...run.result, artifacts: run.outputs.map((o, i) => summary(o.name, uploaded[i]!)) },
    artifactIds: uploaded.map((u) => u.id),
    problems: g.kind === "ANALYZE" ? uninferredColumns(run.result) : [],
  };
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

async function uploadAll(ctx: JobContext, outputs: GenerationOutput[]): Promise<UploadedArtifact[]> {
  const uploaded: UploadedArtifact[] = [];
  for (const o of outputs) uploaded.push(await ctx.upload({ name: o.name, artifactType: o.artifactType, mimeType: o.mimeType, body: o.bytes }));
  return uploaded;
}

const summary = (name: string, a: UploadedArtifact) => ({ name, id: a.id, contentHash: a.contentHash, sizeBytes: a.sizeBytes });

/** spec.input: one artifact id (or a list of them). */
export function inputIds(spec: Record<string, unknown> | null): string[] {
  const v = spec?.input ?? spec?.inputs;
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  return [];
}

async function readInputs(ctx: JobContext, g: GenerationContract): Promise<ArtifactBytes[]> {
  const ids = inputIds(g.spec);
  if (ids.length === 0) throw new InputFault("INVALID_SPEC", `spec.input: ${g.kind} reads a CSV artifact; name its id in spec.input`);
  const read: ArtifactBytes[] = [];
  for (const id of ids) read.push(await ctx.readArtifact(id));
  return read;
}

/** A VERIFY that found any mismatch fails, with one problem per mismatch (RadMah's verify). */
function failOnMismatch(result: Record<string, unknown>): void {
  if (result.ok !== false) return;
  const files = (result.mismatches ?? []) as { name: string; expected: string; actual: string }[];
  const evidence = ((result.evidence as { mismatches?: string[] } | undefined)?.mismatches ?? []);
  const problems: ProblemReport[] = [
    ...files.map((m) => ({
      severity: "error",
      code: "HASH_MISMATCH",
      message: `${m.name}: expected ${m.expected}, found ${m.actual}`,
      details: { name: m.name, expected: m.expected, actual: m.actual },
    })),
    ...evidence.map((message) => ({ severity: "error", code: "EVIDENCE_MISMATCH", message })),
  ];
  throw new InputFault("VERIFY_MISMATCH", `${problems.length} mismatch(es) found: ${problems.map((p) => p.message).join("; ")}`.slice(0, 10_000), problems);
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
async function runVerify(ctx: JobContext, g: GenerationContract, contract: Record<string, unknown>): Promise<GenerationRun> {
  const spec = g.spec ?? {};
  if (typeof spec.jobId === "string") {
    const target = await ctx.jobArtifacts(spec.jobId);
    const listed = [...target.outputs, ...(target.evidence?.files ?? [])];
    const files = [];
    for (const a of listed) files.push(await ctx.readArtifact(a.id));
    await ctx.log(`re-hashing ${files.length} artifacts of job ${spec.jobId}`);
    const run = runBuiltInGeneration("VERIFY", {
      contract: { ...contract, spec: { artifacts: listed.map((a) => ({ name: a.name, expectedHash: a.contentHash })) } },
      seed: g.seed,
      inputs: files.map((f) => f.bytes),
    });
    const evidence = target.evidence
      ? verifyEvidenceBundle(
          // Named as the job lists them: the bundle's file names are part of what is checked.
          files.slice(target.outputs.length).map((f, i) => ({ name: target.evidence!.files[i]!.name, bytes: f.bytes })),
          { rootHash: target.evidence.rootHash, artefacts: target.outputs.map((o) => ({ name: o.name, contentHash: o.contentHash })) },
        )
      : { verified: false, mismatches: ["the job has no evidence bundle"], rootHash: "" };
    const report = { ...(run.result as Record<string, unknown>), jobId: spec.jobId, evidence: { verified: evidence.verified, mismatches: evidence.mismatches } };
    const ok = (run.result as { ok: boolean }).ok && evidence.verified;
    return {
      rows: 0,
      result: { ...report, ok },
      outputs: [{ name: "verify.json", artifactType: "report", mimeType: "application/json", bytes: Buffer.from(JSON.stringify({ ...report, ok }, null, 2) + "\n") }],
    };
  }
  const entries: VerifyEntry[] = Array.isArray(spec.artifacts) ? (spec.artifacts as VerifyEntry[]) : [];
  const given = inputIds(spec);
  const ids = entries.every((e) => typeof e?.artifactId === "string") && entries.length > 0 ? entries.map((e) => e.artifactId as string) : given;
  if (ids.length === 0) {
    throw new InputFault("INVALID_SPEC", "spec: VERIFY needs spec.jobId, or spec.artifacts [{ artifactId, expectedHash }] (ids may instead be in spec.input)");
  }
  const files: ArtifactBytes[] = [];
  for (const id of ids) files.push(await ctx.readArtifact(id));
  const artifacts = entries.map((e, i) => ({ name: typeof e?.name === "string" ? e.name : (files[i]?.name ?? `input ${i}`), expectedHash: e?.expectedHash }));
  return runBuiltInGeneration("VERIFY", { contract: { ...contract, spec: { artifacts } }, seed: g.seed, inputs: files.map((f) => f.bytes) });
}
