// The queues every deployment has, by family (others appear once a job names them).
import { DEFAULT_AGENT_QUEUE } from "../jobs/model.ts";
import { BATCH_QUEUE } from "./batch/input.ts";
import { GENERATION_QUEUES } from "./generation/queues.ts";

export const KNOWN_QUEUES: readonly { reasonerType: string; queue: string }[] = [
  ...GENERATION_QUEUES.map((queue) => ({ reasonerType: "GENERATION", queue })),
  { reasonerType: "BATCH", queue: BATCH_QUEUE },
  { reasonerType: "AGENT", queue: DEFAULT_AGENT_QUEUE },
];
