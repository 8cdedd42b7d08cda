import { z } from "zod";
import { DEFAULT_AGENT_QUEUE } from "../../jobs/model.ts";
import type { NewJob } from "../../jobs/new-job.ts";
import { idempotencyKey, name255, parseInput, timeoutMins } from "../../jobs/validation.ts";

const optional255 = name255.nullish().transform((v) => v ?? null);

export const AddAgentJobInput = z.object({
  modelId: optional255,
  functionName: name255,
  functionVersion: optional255,
  toolName: optional255,
  toolVersion: optional255,
  operatingSystem: optional255,
  parameters: z.unknown().optional(),
  assignedAgentId: optional255,
  assignedAgentPoolId: optional255,
  description: z
    .string()
    .max(10_000)
    .nullish()
    .transform((v) => v ?? null),
  displayName: optional255,
  versionName: optional255,
  externalIdentifier: optional255,
  timeoutMins,
  idempotencyKey,
});

/**
 * The queue follows the pool, whatever `reasonerName` (createJob's) says: a pool's agents claim from
 * their pool's queue, so any other queue would leave the job unclaimable. Without a pool, createJob's
 * `reasonerName` names the queue; addAgentJob's jobs wait in `agents`.
 */
export function agentJob(input: unknown, path = "input", reasonerName?: string): NewJob {
  const a = parseInput(AddAgentJobInput, input, path);
  const queue = a.assignedAgentPoolId ?? reasonerName ?? DEFAULT_AGENT_QUEUE;
  return {
    reasonerType: "AGENT",
    reasonerName: queue,
    name: a.displayName ?? a.functionName,
    timeoutMins: a.timeoutMins,
    idempotencyKey: a.idempotencyKey,
    payload: a,
    queue,
    priority: 0,
    assignmentFields: { agent: `${path}.assignedAgentId`, pool: `${path}.assignedAgentPoolId` },
    agent: {
      modelId: a.modelId,
      functionName: a.functionName,
      functionVersion: a.functionVersion,
      toolName: a.toolName,
      toolVersion: a.toolVersion,
      operatingSystem: a.operatingSystem,
      parameters: a.parameters ?? null,
      assignedAgentId: a.assignedAgentId,
      assignedAgentPoolId: a.assignedAgentPoolId,
    },
    file: {
      description: a.description,
      displayName: a.displayName,
      externalIdentifier: a.externalIdentifier,
      versionName: a.versionName,
    },
  };
}
