// The queues every deployment has, by family (others appear once a job names them).
import { DEFAULT_AGENT_QUEUE, type ReasonerType } from "../jobs/model.ts";
import { BATCH_QUEUE } from "./batch/input.ts";
import { GENERATION_QUEUES } from "./generation/queues.ts";

export const KNOWN_QUEUES: readonly { reasonerType: string; queue: string }[] = [
  ...GENERATION_QUEUES.map((queue) => ({ reasonerType: "GENERATION", queue })),
  { reasonerType: "BATCH", queue: BATCH_QUEUE },
  { reasonerType: "AGENT", queue: DEFAULT_AGENT_QUEUE },
];

/**
 * The reasonerName a batch step or a schedule's job gets when it names none:
 * an agent job's is the agents' queue, as addAgentJob's, not a queue no agent claims from by default.
 */
export const defaultReasonerName = (reasonerType: ReasonerType): string =>
  reasonerType === "AGENT" ? DEFAULT_AGENT_QUEUE : "default";
