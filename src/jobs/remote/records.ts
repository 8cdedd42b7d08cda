// What the remote gateway selects upstream, and how the answers become the same records the local
// gateway returns, so everything above the seam cannot tell where a job lives.
import { decodeGlobalID, encodeGlobalID } from "@pothos/plugin-relay";
import { JOB_TYPE_NAMES } from "../model.ts";
import type {
  AccessGrantRecord,
  ArchiveChangeRecord,
  ArtifactRecord,
  BatchStepRecord,
  CommentRecord,
  FileRecord,
  JobEventRecord,
  LogLineRecord,
  ProblemRecord,
  SealRecord,
  StatusChangeRecord,
} from "../gateway.ts";
import type { JobKey, JobRecord, Viewer } from "../model.ts";

/**
 * A job is read whole through `raw` (the record as stored, every column, whatever the family): new
 * columns on either side then need no change here. Dates arrive as ISO strings.
 */
export const JOB_SELECTION = "raw";

const DATE_FIELDS = ["createdOn", "updatedOn", "startedOn", "finishedOn", "leaseExpiresOn"] as const;

type Json = Record<string, unknown>;

/** A worker id or lease token as the front hands it out for an upstream's. */
export const relayedHandle = (gateway: string, upstream: string): string => `@${gateway}/${upstream}`;

/** The gateway name and the upstream's own handle of a relayed one; null for the front's own. */
export function parseRelayedHandle(handle: string): { gateway: string; upstream: string } | null {
  const slash = handle.indexOf("/");
  if (!handle.startsWith("@") || slash < 2) return null;
  return { gateway: handle.slice(1, slash), upstream: handle.slice(slash + 1) };
}

/** An upstream's worker id as the front names it (as registerWorker answered it there); null stays null. */
export const workerIdAt = (gateway: string, id: unknown): string | null =>
  id == null ? null : relayedHandle(gateway, String(id));

/**
 * A worker id given to the front, as that upstream knows it: `@<gateway>/<id>` of this gateway is
 * `<id>`; anything else goes on as given, for the upstream to judge (it knows no other gateway's).
 */
export function upstreamWorkerId(gateway: string, id: string): string {
  const parsed = parseRelayedHandle(id);
  return parsed?.gateway === gateway ? parsed.upstream : id;
}

type Input = Record<string, unknown>;
export const isInput = (v: unknown): v is Input => typeof v === "object" && v !== null && !Array.isArray(v);

/** An agent job's input or payload (addAgentJob's, a createJob AGENT payload) with its assigned agent renamed. */
export function withAssignedAgent(input: unknown, rename: (agentId: string) => string): unknown {
  if (!isInput(input) || typeof input.assignedAgentId !== "string") return input;
  return { ...input, assignedAgentId: rename(input.assignedAgentId) };
}

/** A batch's input or payload (runBatchJob's, a createJob BATCH payload) with its agent steps' agents renamed. */
export function withStepAgents(input: unknown, rename: (agentId: string) => string): unknown {
  if (!isInput(input) || !Array.isArray(input.steps)) return input;
  const steps = input.steps.map((step: unknown) =>
    isInput(step) && isInput(step.run) && step.run.reasonerType === "AGENT"
      ? { ...step, run: { ...step.run, payload: withAssignedAgent(step.run.payload, rename) } }
      : step,
  );
  return { ...input, steps };
}

/**
 * An upstream job's payload as the front shows it: the agents it names (an agent job's, a batch's
 * agent steps') `@<gateway>/<id>`, as assignedAgentId reads, the inverse of what a create sends.
 */
export function payloadAtFront(reasonerType: unknown, payload: unknown, gateway: string): unknown {
  const atFront = (agentId: string) => relayedHandle(gateway, agentId);
  if (reasonerType === "AGENT") return withAssignedAgent(payload, atFront);
  if (reasonerType === "BATCH") return withStepAgents(payload, atFront);
  return payload;
}

/**
 * The upstream's record, in the front's terms: the front's tenant, Date objects, and the workers that
 * hold, ran or are assigned it named `@<gateway>/<id>`, as the front names that upstream's workers
 * (in its payload too).
 */
export function toJobRecord(raw: unknown, viewer: Viewer, gateway: string): JobRecord | null {
  if (!raw || typeof raw !== "object") return null;
  const job = { ...(raw as Json) };
  for (const f of DATE_FIELDS) if (typeof job[f] === "string") job[f] = new Date(job[f] as string);
  // The upstream's tenant is the gateway key's; the front's users see it as their own tenant's job.
  job.tenantId = viewer.tenantId;
  job.workerId = workerIdAt(gateway, job.workerId);
  job.payload = payloadAtFront(job.reasonerType, job.payload, gateway);
  if (job.agent && typeof job.agent === "object") {
    const agent = job.agent as Json;
    job.agent = {
      ...agent,
      agentId: workerIdAt(gateway, agent.agentId),
      assignedAgentId: workerIdAt(gateway, agent.assignedAgentId),
    };
  }
  return job as unknown as JobRecord;
}

export const globalJobId = (key: JobKey) =>
  encodeGlobalID(JOB_TYPE_NAMES[key.reasonerType], `${key.reasonerType}:${key.jobId}`);

export const artifactGlobalId = (id: string) => encodeGlobalID("Artifact", id);

/** The native id of an upstream artifact (the upstream answers its Relay id). */
export function artifactIdOf(globalId: string): string {
  try {
    return decodeGlobalID(globalId).id;
  } catch {
    return globalId;
  }
}

const date = (v: unknown) => new Date(String(v));
const dateOrNull = (v: unknown) => (v == null ? null : new Date(String(v)));

export const STATUS_SELECTION = "id state nativeState message agentId createdById createdOn";
export function toStatus(jobId: string, s: Json, gateway: string): StatusChangeRecord {
  return {
    jobId,
    seq: Number(String(s.id).split(":").at(-1)),
    state: s.state as StatusChangeRecord["state"],
    nativeState: String(s.nativeState),
    message: (s.message as string | null) ?? null,
    agentId: workerIdAt(gateway, s.agentId),
    createdById: (s.createdById as string | null) ?? null,
    createdOn: date(s.createdOn),
  };
}

export const EVENT_SELECTION = "cursor stream createdOn data";
export function toEvent(jobId: string, e: Json): JobEventRecord {
  return { jobId, seq: Number(e.cursor), stream: String(e.stream), data: e.data, createdOn: date(e.createdOn) };
}

export const LOG_SELECTION = "cursor timestampMs level message step";
export function toLogLine(jobId: string, l: Json): LogLineRecord {
  return {
    jobId,
    seq: Number(l.cursor),
    timestampMs: Number(l.timestampMs),
    level: String(l.level),
    message: String(l.message),
    step: (l.step as string | null) ?? null,
  };
}

export const ARTIFACT_SELECTION = "id name artifactType mimeType sizeBytes contentHash createdOn";
export function toArtifact(jobId: string | null, a: Json, viewer: Viewer): ArtifactRecord {
  return {
    id: artifactIdOf(String(a.id)),
    tenantId: viewer.tenantId,
    jobId,
    purpose: "output",
    name: String(a.name),
    artifactType: String(a.artifactType),
    mimeType: (a.mimeType as string | null) ?? null,
    sizeBytes: Number(a.sizeBytes),
    contentHash: String(a.contentHash),
    createdOn: date(a.createdOn),
  };
}

export const PROBLEM_SELECTION = "severity code message details";
export const toProblem = (jobId: string, p: Json): ProblemRecord => ({
  jobId,
  severity: String(p.severity),
  code: String(p.code),
  message: String(p.message),
  details: p.details ?? null,
});

export const COMMENT_SELECTION = "id content createdById createdOn";
export const toComment = (jobId: string, c: Json): CommentRecord => ({
  id: String(c.id),
  jobId,
  content: String(c.content),
  createdById: String(c.createdById),
  createdOn: date(c.createdOn),
});

export const ARCHIVE_SELECTION = "status reason createdById createdOn";
export const toArchiveChange = (jobId: string, a: Json): ArchiveChangeRecord => ({
  jobId,
  status: a.status as ArchiveChangeRecord["status"],
  reason: (a.reason as string | null) ?? null,
  createdById: String(a.createdById),
  createdOn: date(a.createdOn),
});

export const ACCESS_SELECTION = "subjectId email relation";
export const toAccess = (jobId: string, a: Json): AccessGrantRecord => ({
  jobId,
  subjectId: String(a.subjectId),
  email: (a.email as string | null) ?? null,
  relation: a.relation as AccessGrantRecord["relation"],
});

export const FILE_SELECTION =
  "id description displayName externalIdentifier versionName properties revisions { id name mimeType sizeBytes contentHash createdOn }";
export function toFile(jobId: string, f: Json | null): FileRecord | null {
  if (!f) return null;
  return {
    id: String(f.id),
    jobId,
    description: (f.description as string | null) ?? null,
    displayName: (f.displayName as string | null) ?? null,
    externalIdentifier: (f.externalIdentifier as string | null) ?? null,
    versionName: (f.versionName as string | null) ?? null,
    properties: f.properties ?? null,
    revisions: ((f.revisions as Json[] | null) ?? []).map((r) => ({
      id: String(r.id),
      fileId: String(f.id),
      name: String(r.name),
      mimeType: (r.mimeType as string | null) ?? null,
      sizeBytes: Number(r.sizeBytes),
      contentHash: String(r.contentHash),
      createdOn: date(r.createdOn),
    })),
  };
}

export const STEP_SELECTION = "name state childJobId metadata ignoreChunkError startedOn finishedOn";
export const toStep = (jobId: string, s: Json, position: number): BatchStepRecord => ({
  jobId,
  position,
  name: String(s.name),
  run: null,
  metadata: s.metadata ?? null,
  ignoreChunkError: Boolean(s.ignoreChunkError),
  state: s.state as BatchStepRecord["state"],
  childJobId: (s.childJobId as string | null) ?? null,
  startedOn: dateOrNull(s.startedOn),
  finishedOn: dateOrNull(s.finishedOn),
});

export const SEAL_SELECTION = "id sealHash previousSealHash createdOn";
export const toSeal = (jobId: string, s: Json | null): SealRecord | null =>
  s
    ? {
        id: String(s.id),
        jobId,
        sealHash: String(s.sealHash),
        previousSealHash: (s.previousSealHash as string | null) ?? null,
        createdOn: date(s.createdOn),
      }
    : null;
