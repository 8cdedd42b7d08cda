// Shared by the execution suites: creating generation jobs, waiting for them over the API and
// downloading what they produced, as a client would.
import { createHash } from "node:crypto";
import type { GraphQLClient } from "../helpers/server.ts";

export const GENERATION_FIELDS = `
  jobId state nativeState kind rows seed queue estimatedCredits chargedCredits execTimeMs
  error { code message }
  problems { severity code message details }
  operation { done result }
  statusHistory { state nativeState message }
  artifacts { id name artifactType mimeType sizeBytes contentHash downloadUrl }
  logs(first: 500) { edges { node { level message step timestampMs } } }
  rerunOf { jobId }
  evidence { rootHash signature publicKey verified files { name contentHash downloadUrl } }
  seal { sealHash previousSealHash createdOn }
`;

export interface GenerationJobView {
  jobId: string;
  state: string;
  nativeState: string;
  kind: string;
  rows: number | null;
  seed: number;
  queue: string;
  estimatedCredits: number;
  chargedCredits: number;
  execTimeMs: number | null;
  error: { code: string; message: string } | null;
  problems: { severity: string; code: string; message: string; details: Record<string, any> | null }[];
  operation: { done: boolean; result: Record<string, any> | null };
  statusHistory: { state: string; nativeState: string; message: string | null }[];
  artifacts: {
    id: string;
    name: string;
    artifactType: string;
    mimeType: string | null;
    sizeBytes: number;
    contentHash: string;
    downloadUrl: string;
  }[];
  logs: { edges: { node: { level: string; message: string; step: string | null; timestampMs: number } }[] };
  rerunOf: { jobId: string } | null;
  evidence: {
    rootHash: string;
    signature: string;
    publicKey: string;
    verified: boolean;
    files: { name: string; contentHash: string; downloadUrl: string }[];
  } | null;
  seal: { sealHash: string; previousSealHash: string | null; createdOn: string } | null;
}

export async function createGeneration(client: GraphQLClient, input: Record<string, unknown>): Promise<string> {
  const data = await client.request<{ createGenerationJob: { job: { jobId: string } } }>(
    `mutation($i: CreateGenerationJobInput!) { createGenerationJob(input: $i) { job { jobId } } }`,
    { i: input },
  );
  return data.createGenerationJob.job.jobId;
}

/** Blocks (server-side, woken by notifications) until the job is terminal. */
export async function waitForGeneration(
  client: GraphQLClient,
  jobId: string,
  timeoutS = 120,
): Promise<GenerationJobView> {
  const data = await client.request<{ waitForJob: GenerationJobView }>(
    `query($id: ID!, $t: Float) { waitForJob(reasonerType: GENERATION, jobId: $id, timeoutS: $t) { ... on GenerationJob { ${GENERATION_FIELDS} } } }`,
    { id: jobId, t: timeoutS },
  );
  return data.waitForJob;
}

export async function readGeneration(client: GraphQLClient, jobId: string): Promise<GenerationJobView> {
  const data = await client.request<{ job: GenerationJobView }>(
    `query($id: ID!) { job(reasonerType: GENERATION, jobId: $id) { ... on GenerationJob { ${GENERATION_FIELDS} } } }`,
    { id: jobId },
  );
  return data.job;
}

export async function download(url: string, key: string): Promise<Buffer> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

export const sha256 = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

/** How many status-history entries are terminal. */
export const terminalEntries = (history: { state: string }[]) =>
  history.filter((h) => ["SUCCEEDED", "FAILED", "CANCELED"].includes(h.state)).length;

/** A fresh tenant with its own ADMIN key, so suites sharing a server never see each other's jobs. */
export async function tenantAdmin(
  admin: GraphQLClient,
  client: (key: string) => GraphQLClient,
  name: string,
): Promise<GraphQLClient> {
  const t = await admin.request<{ createTenant: { id: string } }>(
    `mutation($n: String!) { createTenant(name: $n) { id } }`,
    { n: name },
  );
  const k = await admin.request<{ createApiKey: { secret: string } }>(
    `mutation($t: ID!) { createApiKey(userId: "owner", role: ADMIN, tenantId: $t) { secret } }`,
    { t: t.createTenant.id },
  );
  return client(k.createApiKey.secret);
}
