// A built-in kind's spec, checked when the job is created: a bad spec is BAD_USER_INPUT naming the
// field, not a job accepted and then failed. What only the run can know (whether an artifact exists
// and is readable, what a model or scenario named by id holds) is the run's to find. Kinds without a
// built-in executor are their worker's to check.
import { z } from "zod";
import { jobsError } from "../../errors.ts";
import type { GenerationKind, PlanTier } from "../../jobs/model.ts";
import type { CreationLimits } from "../../jobs/new-job.ts";
import { parseInput } from "../../jobs/validation.ts";
import { MockSpecError } from "./engine/column-spec.ts";
import { GenerationInputError, readMockContract, readModel } from "./engine/index.ts";
import { mockBytesAtLeast } from "./engine/mock.ts";
import { ScenarioSchema } from "./engine/scenario.ts";
import { MAX_SIMULATE_ROWS, PlantSchema } from "./engine/simulate.ts";

/** The generation contract a job was created with: what its output is a pure function of. */
export interface GenerationContract {
  kind: GenerationKind;
  rows: number | null;
  description: string | null;
  seed: number;
  spec: Record<string, unknown> | null;
  planTier: PlanTier;
}

/** spec.input: one artifact id, or a list of them (a batch step may name an earlier step's output). */
const ArtifactRefs = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
  error: "name the artifact to read: its id, or a list of ids",
});

const ReadsInput = z.object({ input: ArtifactRefs }, { error: "name the CSV artifact to read in spec.input" });

const Verify = z.union(
  [
    z.object({ jobId: z.string().min(1) }),
    z.object({
      artifacts: z.array(z.object({ artifactId: z.string().min(1), expectedHash: z.string().min(1) })).min(1),
    }),
    z.object({ artifacts: z.array(z.object({ expectedHash: z.string().min(1) })).min(1), input: ArtifactRefs }),
  ],
  {
    error:
      "VERIFY needs spec.jobId, or spec.artifacts [{ artifactId, expectedHash }] (ids may instead be in spec.input)",
  },
);

/** spec.input (or spec.inputs) naming the dataset a kind reads. */
function checkReadsInput(spec: Record<string, unknown> | null, path: string): void {
  if (spec?.inputs !== undefined && spec.input === undefined)
    parseInput(ArtifactRefs, spec.inputs, `${path}.spec.inputs`);
  else parseInput(ReadsInput, spec ?? {}, `${path}.spec`);
}

/**
 * SYNTHESIZE and TRAIN are made as RadMah's users make them (rows alone; the data is the run's, or
 * the worker's that takes them from its queue, to find), so only what can never be a model is
 * refused: spec.model names one by id (an artifact, or the TRAIN job that made it) or is one.
 */
const ModelRef = z.union([z.string().min(1), z.record(z.string(), z.unknown())], {
  error: "name a TRAIN job or its model.json by id, or give the model itself (a JSON object)",
});

/** spec.model: an id is the run's to read; a model given inline must be one SYNTHESIZE can sample. */
function checkModel(model: unknown, path: string): void {
  if (model === undefined || model === null) return;
  parseInput(ModelRef, model, `${path}.spec.model`);
  if (typeof model === "string") return;
  try {
    readModel(model);
  } catch (err) {
    throw asBadUserInput(err, path);
  }
}

/** The engine's complaint about a spec as the caller's BAD_USER_INPUT, naming the field under path; other errors as they are. */
function asBadUserInput(err: unknown, path: string): unknown {
  const named =
    err instanceof MockSpecError
      ? { field: err.field, problem: err.issues[0]?.message ?? err.message }
      : err instanceof GenerationInputError
        ? err
        : null;
  if (!named) return err;
  const field = `${path}.${named.field}`;
  return jobsError("BAD_USER_INPUT", `${field}: ${named.problem}`, { field });
}

/** SIMULATE: the plant's parameters beside an optional scenario, at most MAX_SIMULATE_ROWS time steps. */
function checkSimulate(g: GenerationContract, path: string): void {
  const { scenario, input: _input, ...plant } = g.spec ?? {};
  parseInput(PlantSchema, plant, `${path}.spec`);
  // A scenario by id (an artifact, or the SCENARIO_FABRICATE job that made it) is the run's to read.
  if (scenario !== undefined && scenario !== null && typeof scenario !== "string")
    parseInput(ScenarioSchema, scenario, `${path}.spec.scenario`);
  if (g.rows !== null && g.rows > MAX_SIMULATE_ROWS)
    throw jobsError("BAD_USER_INPUT", `${path}.rows: at most ${MAX_SIMULATE_ROWS} time steps`, {
      field: `${path}.rows`,
    });
}

/** FABRICATE and SCENARIO_FABRICATE write what their description says. */
function checkDescribed(g: GenerationContract, path: string): void {
  if (typeof g.description !== "string" || g.description.trim() === "")
    throw jobsError("BAD_USER_INPUT", `${path}.description: ${g.kind} reads its description; give one`, {
      field: `${path}.description`,
    });
}

/**
 * MOCK: its columns (given, from an inline contract, or from its description) and, when they are
 * known, that its output could fit in an artifact: refused only when even the narrowest rows those
 * columns make would not.
 */
function checkMock(g: GenerationContract, path: string, limits: CreationLimits): void {
  // A contract named by id is the run's to read: its columns are not known yet.
  const { contract: byId, ...rest } = g.spec ?? {};
  const columnsUnknown = typeof byId === "string";
  let mock: ReturnType<typeof readMockContract>;
  try {
    mock = readMockContract({ ...g, spec: columnsUnknown ? rest : g.spec });
  } catch (err) {
    throw asBadUserInput(err, path);
  }
  if (columnsUnknown) return;
  const { rows, spec } = mock.parsed;
  const bytes = mockBytesAtLeast(mock.columns, rows, spec?.format ?? "csv");
  if (bytes > limits.maxArtifactBytes)
    throw jobsError(
      "BAD_USER_INPUT",
      `${path}.rows: ${rows} rows of these columns make at least ${bytes} bytes, more than the largest artifact this server stores (${limits.maxArtifactBytes} bytes); ask for fewer rows or columns`,
      { field: `${path}.rows`, maxBytes: limits.maxArtifactBytes },
    );
}

export function checkBuiltInSpec(g: GenerationContract, path: string, limits: CreationLimits): void {
  switch (g.kind) {
    case "MOCK":
      checkMock(g, path, limits);
      return;
    case "ANALYZE":
    case "FIT":
    case "LIFT":
      checkReadsInput(g.spec, path);
      return;
    case "SYNTHESIZE":
      checkModel(g.spec?.model, path);
      return;
    case "SIMULATE":
      checkSimulate(g, path);
      return;
    case "FABRICATE":
    case "SCENARIO_FABRICATE":
      checkDescribed(g, path);
      return;
    case "VERIFY":
      parseInput(Verify, g.spec ?? {}, `${path}.spec`);
      return;
    default:
      return;
  }
}
