import { z } from "zod";
import { jobsError } from "../../errors.ts";
import { referencesToUnknownSteps } from "../../executors/batch-refs.ts";
import { ReasonerTypes } from "../../jobs/model.ts";
import type { AssignmentToCheck, NewJob } from "../../jobs/new-job.ts";
import { idempotencyKey, name255, optionalName, parseInput, timeoutMins } from "../../jobs/validation.ts";

const MAX_STEPS = 100;
export const BATCH_QUEUE = "batch";

const StepRun = z.looseObject({
  reasonerType: z.enum(ReasonerTypes).refine((t) => t !== "BATCH", "a step cannot run another batch"),
  reasonerName: name255.optional(),
  payload: z.unknown(),
});

const BatchStepInput = z.object({
  name: name255.regex(/^[A-Za-z0-9_.-]+$/, "step names use letters, digits, _ . and - only"),
  run: StepRun,
  metadata: z.unknown().optional(),
  ignoreChunkError: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
});

export const RunBatchJobInput = z.object({
  name: name255,
  steps: z
    .array(BatchStepInput)
    .min(1, "a batch needs at least one step")
    .max(MAX_STEPS, `at most ${MAX_STEPS} steps`)
    .refine((steps) => new Set(steps.map((s) => s.name)).size === steps.length, "step names must be unique"),
  metadata: z.unknown().optional(),
  instanceType: optionalName,
  region: optionalName,
  timeoutMins,
  idempotencyKey,
});

/** A step may read only what the steps before it made: a reference to any other name can never resolve. */
function checkStepReferences(steps: readonly { name: string; run: { payload?: unknown } }[], path: string): void {
  const earlier = new Set<string>();
  for (const [k, step] of steps.entries()) {
    const [unknown] = referencesToUnknownSteps(step.run.payload, earlier);
    if (unknown !== undefined) {
      const field = `${path}.steps.${k}.run.payload`;
      throw jobsError("BAD_USER_INPUT", `${field}: ${unknown} names no step before "${step.name}"`, { field });
    }
    earlier.add(step.name);
  }
}

/** Checks one step's run as createJob will check it when the step starts; throws naming `field`'s parts. */
export type StepRunCheck = (run: z.output<typeof StepRun>, field: string) => void;

export function batchJob(input: unknown, path = "input", checkStepRun?: StepRunCheck): NewJob {
  const b = parseInput(RunBatchJobInput, input, path);
  checkStepReferences(b.steps, path);
  // A step that could never start is refused with the batch, before any step runs.
  if (checkStepRun) for (const [k, step] of b.steps.entries()) checkStepRun(step.run, `${path}.steps.${k}.run`);
  const stepAssignments = agentStepAssignments(b.steps, path);
  return {
    reasonerType: "BATCH",
    reasonerName: BATCH_QUEUE,
    name: b.name,
    timeoutMins: b.timeoutMins,
    idempotencyKey: b.idempotencyKey,
    payload: b,
    queue: BATCH_QUEUE,
    priority: 0,
    batch: { metadata: b.metadata ?? null, instanceType: b.instanceType, region: b.region },
    steps: b.steps.map((s) => ({
      name: s.name,
      run: s.run,
      metadata: s.metadata ?? null,
      ignoreChunkError: s.ignoreChunkError,
    })),
    stepsField: `${path}.steps`,
    ...(stepAssignments.length > 0 ? { stepAssignments } : {}),
  };
}

/** The agents and pools the batch's AGENT steps are assigned to (as createJob would read them when the step starts). */
function agentStepAssignments(
  steps: readonly { run: { reasonerType: string; payload?: unknown } }[],
  path: string,
): AssignmentToCheck[] {
  const found: AssignmentToCheck[] = [];
  for (const [k, { run }] of steps.entries()) {
    if (run.reasonerType !== "AGENT" || typeof run.payload !== "object" || run.payload === null) continue;
    const { assignedAgentId, assignedAgentPoolId } = run.payload as Record<string, unknown>;
    const agentId = typeof assignedAgentId === "string" ? assignedAgentId : null;
    const agentPoolId = typeof assignedAgentPoolId === "string" ? assignedAgentPoolId : null;
    if (agentId === null && agentPoolId === null) continue;
    const field = `${path}.steps.${k}.run.payload`;
    found.push({
      agentId,
      agentPoolId,
      fields: { agent: `${field}.assignedAgentId`, pool: `${field}.assignedAgentPoolId` },
    });
  }
  return found;
}
