// The built-in generation kinds behind one call: bytes and a contract in, named outputs and a summary out.
// Pure: no database, no storage, no clock; the caller uploads outputs and records the result.
import { z } from "zod";
import type { GenerationKind } from "../../../jobs/model.ts";
import { analyzeDataset } from "./analyze.ts";
import {
  type ColumnSpec,
  formatPath,
  type MockContract,
  MockSpecError,
  type ParsedMockContract,
  parseMockContract,
} from "./column-spec.ts";
import { type CopulaModel, CopulaModelSchema, MODEL_FORMAT, synthesizeCsv, trainCopula } from "./copula.ts";
import { CsvParseError, type CsvTable } from "./csv.ts";
import { DatasetParseError, readDataset } from "./dataset.ts";
import { DataContractSchema, contractColumnSpecs, fabricateContract } from "./fabricate.ts";
import { fidelityReport, fidelitySummary } from "./fidelity.ts";
import { fitDataset } from "./fit.ts";
import { liftCsv } from "./lift.ts";
import { generateMock, resolveMockColumns } from "./mock.ts";
import type { Problem } from "./problems.ts";
import { fabricateScenario, ScenarioSchema } from "./scenario.ts";
import { DEFAULT_SIMULATE_ROWS, MAX_SIMULATE_ROWS, PlantSchema, SIMULATE_COLUMNS, simulateCsv } from "./simulate.ts";
import { verifyArtifacts } from "./verify.ts";

export const BUILT_IN_GENERATION_KINDS = [
  "MOCK",
  "ANALYZE",
  "FIT",
  "VERIFY",
  "LIFT",
  "TRAIN",
  "SYNTHESIZE",
  "SIMULATE",
  "FABRICATE",
  "SCENARIO_FABRICATE",
] as const satisfies readonly GenerationKind[];
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
  /** Data rows produced (MOCK, SYNTHESIZE, SIMULATE) or read (ANALYZE, FIT, LIFT, TRAIN); 0 for VERIFY and the fabricators. */
  rows: number;
  /** What the kind could not do or understand (FABRICATE, SCENARIO_FABRICATE), beside its output. */
  problems?: Problem[];
}

export interface GenerationRequest {
  /** The job's generation contract: rows, description, spec… as submitted. */
  contract: unknown;
  seed: number;
  /**
   * Input files, in order. ANALYZE, FIT, LIFT, TRAIN: one dataset; SYNTHESIZE: the real dataset,
   * then the model (model.json of a TRAIN job) when there is one; VERIFY: the files to check.
   */
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
  constructor(
    readonly field: string,
    /** What is wrong with the field. */
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

/**
 * The job's error code for an error caused by what the job asked for (its inputs or contract), or
 * null for faults of the executor: INVALID_INPUT for bad inputs and parameters, INVALID_SPEC for
 * contracts MOCK cannot use and unreadable CSV.
 */
export function inputFaultCode(error: unknown): "INVALID_INPUT" | "INVALID_SPEC" | null {
  if (error instanceof GenerationInputError || error instanceof DatasetParseError || error instanceof z.ZodError)
    return "INVALID_INPUT";
  if (error instanceof MockSpecError || error instanceof CsvParseError) return "INVALID_SPEC";
  return null;
}

/** True for errors caused by what the job asked for, as opposed to faults of the executor. */
export function isGenerationInputFault(error: unknown): boolean {
  return (
    error instanceof MockSpecError ||
    error instanceof CsvParseError ||
    error instanceof DatasetParseError ||
    error instanceof GenerationInputError ||
    error instanceof z.ZodError
  );
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
    case "TRAIN":
      return runTrain(request);
    case "SYNTHESIZE":
      return runSynthesize(request);
    case "SIMULATE":
      return runSimulate(request);
    case "FABRICATE":
      return runFabricate(request);
    case "SCENARIO_FABRICATE":
      return runScenarioFabricate(request);
    default:
      throw new UnsupportedKindError(kind);
  }
}

const MIME = { csv: "text/csv", jsonl: "application/x-ndjson", json: "application/json" } as const;

function runMock({ contract, seed }: GenerationRequest): GenerationRun {
  const mock = generateMock(readMockContract(contract).contract, seed);
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
    result: {
      kind: "FIT",
      rows: fit.rows,
      columns: fit.columns.map((c) => ({ name: c.name, kind: c.kind, type: c.type })),
    },
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
  const report = verifyArtifacts(
    expected.map((e, i) => ({ name: e.name, expectedHash: e.expectedHash, bytes: inputs[i] as Buffer })),
  );
  return {
    outputs: [jsonOutput("verify.json", "report", report)],
    result: { kind: "VERIFY", ...report },
    rows: 0,
  };
}

/**
 * MOCK's spec.contract (a data contract, as FABRICATE writes) stands for spec.columns: the columns
 * are taken from it, so a contract and the same columns written out give the same rows.
 */
export function withContractColumns(contract: unknown): unknown {
  const c = contract as { spec?: Record<string, unknown> | null } | null;
  const given = c?.spec?.contract;
  if (given === undefined || given === null) return contract;
  if (typeof given !== "object")
    throw new GenerationInputError(
      "spec.contract",
      "must be a data contract (or, for a job, the id of a FABRICATE job or of its contract.json)",
    );
  if (Array.isArray(c?.spec?.columns) && c.spec.columns.length > 0)
    throw new GenerationInputError("spec.contract", "give spec.contract or spec.columns, not both");
  const parsed = DataContractSchema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GenerationInputError(
      `spec.contract.${formatPath(issue?.path ?? [])}`,
      issue?.message ?? "invalid data contract",
    );
  }
  const { contract: _contract, ...spec } = c!.spec!;
  return { ...c, spec: { ...spec, columns: contractColumnSpecs(parsed.data) } };
}

/**
 * MOCK's contract, its spec.contract read into spec.columns, checked: MockSpecError names the bad
 * field as the job gave it (`spec.contract.columns[0].unique` for a contract's column).
 */
export function readMockContract(contract: unknown): {
  contract: MockContract;
  parsed: ParsedMockContract;
  columns: ColumnSpec[];
} {
  const withColumns = withContractColumns(contract) as MockContract;
  try {
    const parsed = parseMockContract(withColumns);
    return { contract: withColumns, parsed, columns: resolveMockColumns(parsed) };
  } catch (err) {
    if (!(err instanceof MockSpecError) || withColumns === contract) throw err;
    throw new MockSpecError(
      err.issues.map((i) => ({ ...i, field: i.field.replace(/^spec\.columns\b/, "spec.contract.columns") })),
    );
  }
}

const RowsSchema = z.object({ rows: z.number().int().min(0).max(MAX_SIMULATE_ROWS).nullish() });

function runTrain(request: GenerationRequest): GenerationRun {
  const real = readDataset(singleInput("TRAIN", request));
  const model = trainModel(real, request);
  // The model's own check: as many synthetic rows as it was trained on, compared with the data.
  const report = fidelityReport(real, readDataset(sampleCsv(model, real.rows.length, request.seed)));
  return {
    outputs: [jsonOutput("model.json", "model", model), jsonOutput("fidelity.json", "report", report)],
    result: {
      kind: "TRAIN",
      rows: model.rows,
      model: MODEL_FORMAT,
      columns: modelColumns(model),
      fidelity: fidelitySummary(report),
    },
    rows: model.rows,
  };
}

/** SYNTHESIZE compares at most this many synthetic rows with the real ones in its fidelity report. */
const FIDELITY_SAMPLE_ROWS = 200_000;

function runSynthesize({ contract, seed, inputs }: GenerationRequest): GenerationRun {
  const [data, modelBytes] = inputs;
  if (!data || inputs.length > 2)
    throw new GenerationInputError(
      "inputs",
      `SYNTHESIZE takes the training data and optionally its model, got ${inputs.length} inputs`,
    );
  const real = readDataset(data);
  const trained = !modelBytes;
  const model = modelBytes ? parseModel(modelBytes) : trainModel(real, { contract, seed });
  const asked = RowsSchema.parse({ rows: (contract as { rows?: unknown } | null)?.rows ?? null }).rows;
  const rows = asked ?? model.rows;
  const chunks: Buffer[] = [];
  const compared: string[][] = [];
  for (const chunk of synthesizeCsv(model, rows, seed)) {
    chunks.push(Buffer.from(chunk.text, "utf8"));
    for (const row of chunk.rows) if (compared.length < FIDELITY_SAMPLE_ROWS) compared.push(row);
  }
  const report = fidelityReport(real, {
    header: model.columns.map((c) => c.name),
    columns: model.columns.map((c) => c.name),
    rows: compared,
  });
  const outputs: GenerationOutput[] = [
    { name: "synthetic.csv", artifactType: "dataset", mimeType: MIME.csv, bytes: Buffer.concat(chunks) },
    jsonOutput("fidelity.json", "report", report),
  ];
  if (trained) outputs.push(jsonOutput("model.json", "model", model));
  return {
    outputs,
    result: { kind: "SYNTHESIZE", rows, trained, columns: modelColumns(model), fidelity: fidelitySummary(report) },
    rows,
  };
}

/** The model of a dataset, noting which upload or artifact it came from (spec.input). */
function trainModel(real: CsvTable, { contract, seed }: Pick<GenerationRequest, "contract" | "seed">): CopulaModel {
  const input = (contract as { spec?: { input?: unknown } | null } | null)?.spec?.input;
  return { ...trainCopula(real, seed), trainedOn: { input: typeof input === "string" ? input : null } };
}

function parseModel(bytes: Buffer): CopulaModel {
  let model: unknown;
  try {
    model = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new GenerationInputError("spec.model", "the model is not JSON");
  }
  return readModel(model);
}

/** spec.model as SYNTHESIZE samples it: a TRAIN job's model.json, else GenerationInputError naming the field. */
export function readModel(model: unknown): CopulaModel {
  checkModelFormat(model);
  return parseField(CopulaModelSchema, model, "spec.model") as CopulaModel;
}

/** The cheap half of readModel: whether spec.model says it is a model this engine samples. */
export function checkModelFormat(model: unknown): asserts model is { format: string; trainedOn?: unknown } {
  if ((model as { format?: unknown } | null)?.format !== MODEL_FORMAT)
    throw new GenerationInputError("spec.model", `not a ${MODEL_FORMAT} model (name a TRAIN job or its model.json)`);
}

function sampleCsv(model: CopulaModel, rows: number, seed: number): string {
  let text = "";
  for (const chunk of synthesizeCsv(model, rows, seed)) text += chunk.text;
  return text;
}

const modelColumns = (model: CopulaModel) =>
  model.columns.map((c) => ({ name: c.name, kind: c.kind, type: c.type, nullRate: c.nullRate }));

function runSimulate({ contract, seed }: GenerationRequest): GenerationRun {
  const c = (contract ?? {}) as { rows?: number | null; spec?: Record<string, unknown> | null };
  const { scenario: given, input: _input, ...plantSpec } = c.spec ?? {};
  const plant = parseField(PlantSchema, plantSpec, "spec");
  const scenario = parseField(ScenarioSchema, given ?? { events: [] }, "spec.scenario");
  const rows = c.rows ?? DEFAULT_SIMULATE_ROWS;
  if (rows > MAX_SIMULATE_ROWS) throw new GenerationInputError("rows", `at most ${MAX_SIMULATE_ROWS} time steps`);
  const bytes = Buffer.from([...simulateCsv({ plant, scenario, rows }, seed)].join(""), "utf8");
  return {
    outputs: [{ name: "simulation.csv", artifactType: "dataset", mimeType: MIME.csv, bytes }],
    result: {
      kind: "SIMULATE",
      rows,
      intervalS: plant.intervalS,
      columns: [...SIMULATE_COLUMNS],
      events: scenario.events,
    },
    rows,
  };
}

function runFabricate({ contract }: GenerationRequest): GenerationRun {
  const description = describedBy("FABRICATE", contract);
  const fabricated = fabricateContract(description);
  if (fabricated.columns.length === 0)
    throw new GenerationInputError("description", `no column could be read from "${description.slice(0, 200)}"`);
  return {
    outputs: [jsonOutput("contract.json", "contract", fabricated)],
    result: {
      kind: "FABRICATE",
      contractHash: fabricated.contractHash,
      columns: fabricated.columns.map((col) => ({ name: col.name, type: col.type })),
      problems: fabricated.problems,
    },
    rows: 0,
    problems: fabricated.problems,
  };
}

function runScenarioFabricate({ contract }: GenerationRequest): GenerationRun {
  const description = describedBy("SCENARIO_FABRICATE", contract);
  const scenario = fabricateScenario(description);
  return {
    outputs: [jsonOutput("scenario.json", "scenario", scenario)],
    result: {
      kind: "SCENARIO_FABRICATE",
      scenarioHash: scenario.scenarioHash,
      events: scenario.events,
      problems: scenario.problems ?? [],
    },
    rows: 0,
    problems: scenario.problems ?? [],
  };
}

function describedBy(kind: BuiltInGenerationKind, contract: unknown): string {
  const description = (contract as { description?: unknown } | null)?.description;
  if (typeof description !== "string" || description.trim() === "")
    throw new GenerationInputError("description", `${kind} reads its description; give one`);
  return description;
}

function parseField<T extends z.ZodType>(schema: T, value: unknown, field: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.length ? `${field}.${formatPath(issue.path)}` : field;
  throw new GenerationInputError(path, issue?.message ?? "invalid");
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
