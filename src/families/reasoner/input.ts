import type { CreateJobRequest, NewJob } from "../../jobs/new-job.ts";
import { idempotencyKey, jsonObject, name255, optionalName, parseInput, timeoutMins } from "../../jobs/validation.ts";

/** PRESCRIPTIVE and PREDICTIVE jobs: the payload is the reasoner's own business, as long as it is an object. */
export function reasonerJob(req: CreateJobRequest): NewJob {
  const reasonerName = parseInput(name255, req.reasonerName, "input.reasonerName");
  return {
    reasonerType: req.reasonerType,
    reasonerName,
    name: parseInput(optionalName, req.name, "input.name"),
    timeoutMins: parseInput(timeoutMins, req.timeoutMins, "input.timeoutMins"),
    idempotencyKey: parseInput(idempotencyKey, req.idempotencyKey, "input.idempotencyKey"),
    payload: parseInput(jsonObject, req.payload, "input.payload"),
    queue: reasonerName,
    priority: 0,
  };
}
