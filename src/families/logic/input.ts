import { z } from "zod";
import type { CreateJobRequest, NewJob } from "../../jobs/new-job.ts";
import { idempotencyKey, name255, optionalName, parseInput, timeoutMins } from "../../jobs/validation.ts";

const LogicPayload = z.looseObject({
  query: z.string().max(1_000_000).optional(),
  databaseName: name255.optional(),
  engineName: name255.optional(),
  readOnly: z.boolean().optional(),
});

export function logicJob(req: CreateJobRequest): NewJob {
  const payload = parseInput(LogicPayload, req.payload, "input.payload");
  const reasonerName = parseInput(name255, req.reasonerName, "input.reasonerName");
  return {
    reasonerType: "LOGIC",
    reasonerName,
    name: parseInput(optionalName, req.name, "input.name"),
    timeoutMins: parseInput(timeoutMins, req.timeoutMins, "input.timeoutMins"),
    idempotencyKey: parseInput(idempotencyKey, req.idempotencyKey, "input.idempotencyKey"),
    payload,
    queue: reasonerName,
    priority: 0,
    transaction: {
      databaseName: payload.databaseName ?? null,
      engineName: payload.engineName ?? reasonerName,
      readOnly: payload.readOnly ?? false,
    },
  };
}
