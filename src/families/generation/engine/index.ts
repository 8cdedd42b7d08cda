// The built-in generation kinds behind one call: bytes and a contract in, named outputs and a summary out.
// Pure: no database, no storage, no clock; the caller uploads outputs and records the result.
import { z } from "zod";
import type { GenerationKind } from "../../../jobs/model.ts";
import { analyzeDataset } from "./analyze.ts";
import { formatPath, type MockContract, MockSpecError } from "./column-spec.ts";
import { CsvParseError } from "./csv.ts";
import { fitDataset } from "./fit.ts";
import { liftCsv } from "./lift.ts";
import { generateMock } from "./mock.ts";
import { verifyArtifacts } from "./verify.ts";

export const BUILT_IN_GENERATION_KINDS = ["MOCK", "ANALYZE", "FIT", "VERIFY", "LIFT"] as const satisfies readonly GenerationKind[];
export type BuiltInGenerationKind = (typeof BUILT_IN_GENERATION_KINDS)[number];

export interface GenerationOutput {
  name: string;
  artifactType: string;
  mimeType: string;
  bytes: Buffer;
}

export interface GenerationRun {
  outputs: GenerationOutput[];
  /** A JSON-serialisable summary, suitable as the job's result. */
  result: Record<string, unknown>;
  /** Data rows produced (MOCK) or read (ANALYZE, FIT, LIFT); 0 for VERIFY. */
  rows: number;
}

export interface GenerationRequest {
  /** The job's generation contract: rows, description, spec… as submitted. */
  contract: unknown;
  seed: number;
  /** Input files, in order (ANALYZE, FIT, LIFT: one CSV; VERIFY: the files to check). */
  inputs: Buffer[];
}

export class UnsupportedKindError extends Error {
  override name = "UnsupportedKindError";
  constructor(readonly kind: string) {
    super(`generation kind ${kind} has no built-in executor (built in: ${BUILT_IN_GENERATION_KINDS.join(", ")})`);
  }
}

/** The job's inputs or contract cannot be used; retrying will not help. */
export class GenerationInputError extends Error {
  override name = "GenerationInputError";
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
  }
}

/** True for errors caused by what the job asked for, as opposed to faults of the executor. */
export function isGenerationInputFault(error: unknown): boolean {
  return error instanceof MockSpecError || error instanceof CsvParseError || error instanceof GenerationInputError;
}

export function isBuiltInGenerationKind(kind: string): kind is BuiltInGenerationKind {
  return (BUILT_IN_GENERATION_KINDS as readonly string[]).includes(kind);
}

export function runBuiltInGeneration(kind: GenerationKind, request: GenerationRequest): GenerationRun {
  switch (kind) {
    case "MOCK":
      return runMock(request);
    case "ANALYZE":
      return runAnalyze(request);
    case "FIT":
      return runFit(request);
    case "LIFT":
      return runLift(request);
    case "VERIFY":
      return runVerify(request);
    default:
      throw new UnsupportedKindError(kind);
  }
}

const MIME = { csv: "text/csv", jsonl: "application/x-ndjson", json: "application/json" } as const;

function runMock({ contract, seed }: GenerationRequest): GenerationRun {
  // generateMock validates the contract itself and throws MockSpecError naming the bad field.
  const mock = generateMock(contract as MockContract, seed);
  return {
    outputs: [{ name: `mock.${mock.format}`, artifactType: "dataset", mimeType: MIME[mock.format], bytes: mock.bytes }],
    result: { kind: "MOCK", rows: mock.rows, format: mock.format, columns: mock.columns },
    rows: mock.rows,
  };
}

function runAnalyze(request: GenerationRequest): GenerationRun {
  const profile = analyzeDataset(singleInput("ANALYZE", request));
  return {
    outputs: [jsonOutput("profile.json", "profile", profile)],
    result: { kind: "ANALYZE", ...profile },
    rows: profile.rows,
  };
}

function runFit(request: GenerationRequest): GenerationRun {
  const fit = fitDataset(singleInput("FIT", request));
  return {
    outputs: [jsonOutput("fit.json", "fit", fit)],
    // The full fit is in fit.json; the result names what was fitted.
    result: { kind: "FIT", rows: fit.rows, columns: fit.columns.map((c) => ({ name: c.name, kind: c.kind, type: c.type })) },
    rows: fit.rows,
  };
}

function runLift(request: GenerationRequest): GenerationRun {
  const lifted = liftCsv(singleInput("LIFT", request));
  return {
    outputs: [
      { name: "lifted.jsonl", artifactType: "dataset", mimeType: MIME.jsonl, bytes: lifted.jsonl },
      jsonOutput("schema.json", "schema", lifted.schema),
    ],
    result: { kind: "LIFT", rows: lifted.rows, schema: lifted.schema },
    rows: lifted.rows,
  };
}

/** VERIFY reads the expected hashes from spec.artifacts, one entry per input, in input order. */
const VerifyContractSchema = z.object({
  spec: z.object({
    artifacts: z.array(z.object({ name: z.string().min(1), expectedHash: z.string().min(1) })).min(1),
  }),
});

function runVerify({ contract, inputs }: GenerationRequest): GenerationRun {
  const parsed = VerifyContractSchema.safeParse(contract);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GenerationInputError(
      issue ? formatPath(issue.path) : "spec.artifacts",
      `${issue?.message ?? "invalid"} (VERIFY needs spec.artifacts: [{ name, expectedHash }], one per input)`,
    );
  }
  const expected = parsed.data.spec.artifacts;
  if (expected.length !== inputs.length) {
    throw new GenerationInputError("spec.artifacts", `lists ${expected.length} artifacts for ${inputs.length} inputs`);
  }
  const report = verifyArtifacts(expected.map((e, i) => ({ name: e.name, expectedHash: e.expectedHash, bytes: inputs[i] as Buffer })));
  return {
    outputs: [jsonOutput("verify.json", "report", report)],
    result: { kind: "VERIFY", ...report },
    rows: 0,
  };
}

function singleInput(kind: BuiltInGenerationKind, { inputs }: GenerationRequest): Buffer {
  const [input] = inputs;
  if (input === undefined || inputs.length !== 1) {
    throw new GenerationInputError("inputs", `${kind} takes exactly one CSV input, got ${inputs.length}`);
  }
  return input;
}

function jsonOutput(name: string, artifactType: string, value: unknown): GenerationOutput {
  return { name, artifactType, mimeType: MIME.json, bytes: Buffer.from(JSON.stringify(value, null, 2) + "\n", "utf8") };
}
