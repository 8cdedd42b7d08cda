// One creator per reasoner type, each through the API as a client would.
import type { GraphQLClient } from "./server.ts";

export const JOB_FIELDS = `
  id jobId reasonerType reasonerName name state nativeState createdBy createdOn
  ... on Transaction { engineName readOnly abortReason }
  ... on ReasonerJob { result }
  ... on AgentJob { function { name version } archiveStatus assignedAgentPoolId }
  ... on GenerationJob { kind rows seed queue planTier estimatedCredits chargedCredits }
  ... on BatchJob { steps { name state ignoreChunkError } }
`;

export type ReasonerType = "LOGIC" | "PRESCRIPTIVE" | "PREDICTIVE" | "AGENT" | "GENERATION" | "BATCH";
export const REASONER_TYPES: ReasonerType[] = ["LOGIC", "PRESCRIPTIVE", "PREDICTIVE", "AGENT", "GENERATION", "BATCH"];

export interface CreatedJob {
  id: string;
  jobId: string;
  reasonerType: ReasonerType;
  state: string;
  nativeState: string;
  name: string | null;
  [key: string]: unknown;
}

const CREATE_JOB = `mutation($input: CreateJobInput!) { createJob(input: $input) { operation { id done state } job { ${JOB_FIELDS} } } }`;

/** A valid createJob input for each family. */
export function createJobInput(type: ReasonerType, n = 0, extra: Record<string, unknown> = {}) {
  const payloads: Record<ReasonerType, unknown> = {
    LOGIC: { query: "def output = 1 + 1", databaseName: "db1", readOnly: true },
    PRESCRIPTIVE: { problem: { maximize: "x + y", constraints: ["x <= 4", "y <= 3"] } },
    PREDICTIVE: { model: "churn", rows: 10 },
    AGENT: { functionName: "mesh", functionVersion: "1.2", modelId: "model-1", description: "mesh it" },
    GENERATION: { kind: "TRAIN", rows: 5000, planTier: "STANDARD" },
    BATCH: { steps: [{ name: "one", run: { reasonerType: "PREDICTIVE", payload: {} } }] },
  };
  return {
    reasonerType: type,
    reasonerName: type === "LOGIC" ? "engine-a" : "default",
    payload: payloads[type],
    name: `${type.toLowerCase()}-${n}`,
    ...extra,
  };
}

export async function createJob(
  client: GraphQLClient,
  type: ReasonerType,
  n = 0,
  extra: Record<string, unknown> = {},
): Promise<CreatedJob> {
  const data = await client.request<{ createJob: { job: CreatedJob } }>(CREATE_JOB, {
    input: createJobInput(type, n, extra),
  });
  return data.createJob.job;
}

/** A new API key of `userId` with `role`, made by `admin`; its secret. */
export async function createKey(admin: GraphQLClient, userId: string, role = "MEMBER"): Promise<string> {
  const data = await admin.request<{ createApiKey: { secret: string } }>(
    `mutation($u: String!, $r: Role) { createApiKey(userId: $u, role: $r) { secret } }`,
    { u: userId, r: role },
  );
  return data.createApiKey.secret;
}
