// Turns a generic createJob request into the family's NewJob: the one place that knows which
// family reads which payload.
import { jobsError } from "../errors.ts";
import type { CreateJobRequest, CreationLimits, NewJob } from "../jobs/new-job.ts";
import {
  assertPayloadSize,
  idempotencyKey,
  movedUnder,
  optionalName,
  parseInput,
  timeoutMins,
} from "../jobs/validation.ts";
import { agentJob } from "./agent/input.ts";
import { batchJob, type StepRunCheck } from "./batch/input.ts";
import { generationJob } from "./generation/input.ts";
import { logicJob } from "./logic/input.ts";
import { reasonerJob } from "./reasoner/input.ts";
import { withReferencesAs } from "../executors/batch-refs.ts";
import { defaultReasonerName } from "./queues.ts";

export function newJobFromRequest(req: CreateJobRequest, limits: CreationLimits): NewJob {
  assertPayloadSize(req.payload, "input.payload");
  if (req.payload === null || typeof req.payload !== "object" || Array.isArray(req.payload)) {
    throw jobsError("BAD_USER_INPUT", "input.payload: must be a JSON object", { field: "input.payload" });
  }
  // LOGIC and reasoner jobs validate the generic fields themselves: parsed once, not twice per item.
  const defaultName = req.defaultName ?? null;
  switch (req.reasonerType) {
    case "LOGIC": {
      const job = logicJob(req);
      return { ...job, name: job.name ?? defaultName };
    }
    case "PRESCRIPTIVE":
    case "PREDICTIVE": {
      const job = reasonerJob(req);
      return { ...job, name: job.name ?? defaultName };
    }
  }
  // The generic fields win over the same fields inside a typed payload.
  const common = {
    name: parseInput(optionalName, req.name, "input.name"),
    timeoutMins: parseInput(timeoutMins, req.timeoutMins, "input.timeoutMins"),
    idempotencyKey: parseInput(idempotencyKey, req.idempotencyKey, "input.idempotencyKey"),
  };
  const payload = req.payload as Record<string, unknown>;
  switch (req.reasonerType) {
    case "AGENT": {
      const job = agentJob(
        { ...payload, ...definedOnly({ timeoutMins: common.timeoutMins, idempotencyKey: common.idempotencyKey }) },
        "input.payload",
        req.reasonerName,
      );
      // Named by the request, else the payload's displayName, else the default, else the function.
      return { ...job, name: common.name ?? job.file?.displayName ?? defaultName ?? job.name };
    }
    case "GENERATION": {
      const job = generationJob({ ...payload, ...definedOnly(common) }, limits, "input.payload");
      return { ...job, name: job.name ?? defaultName };
    }
    case "BATCH":
      return batchJob(
        { ...payload, ...definedOnly(common), name: common.name ?? payload.name ?? defaultName ?? undefined },
        "input.payload",
        batchStepRunCheck(limits),
      );
  }
}

/** A reference to an earlier step's output, as a step's payload holds it once it runs: an id. */
const REFERENCED_ID = "00000000-0000-7000-8000-000000000000";

/**
 * A step's run as the createJob request its step will make when it starts, references to earlier
 * steps read as ids: what creation checks of it, here or (a family served upstream) there.
 */
export function stepRunRequest(run: {
  reasonerType: string;
  reasonerName?: unknown;
  payload?: unknown;
}): CreateJobRequest {
  const reasonerType = run.reasonerType as CreateJobRequest["reasonerType"];
  return {
    reasonerType,
    reasonerName: typeof run.reasonerName === "string" ? run.reasonerName : defaultReasonerName(reasonerType),
    payload: withReferencesAs(run.payload ?? {}, REFERENCED_ID),
  };
}

/**
 * A batch step's run, checked when the batch is created as createJob checks it when the step starts
 * (references to earlier steps read as ids), its errors naming the step: `input.steps.0.run.payload.rows`.
 */
export const batchStepRunCheck =
  (limits: CreationLimits): StepRunCheck =>
  (run, field) => {
    try {
      newJobFromRequest(stepRunRequest(run), limits);
    } catch (error) {
      throw movedUnder(error, field, /payload\b/, `${field}.payload`);
    }
  };

function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}
