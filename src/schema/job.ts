// The Job interface every family implements, and the shared types its expansions return.
import type {
  ArtifactRecord,
  JobEventRecord,
  LogLineRecord,
  ProblemRecord,
  StatusChangeRecord,
} from "../jobs/gateway.ts";
import { connection, pageSize, parseSeqCursor, seqCursor } from "../jobs/cursor.ts";
import { JOB_TYPE_NAMES, type JobRecord, type ReasonerType } from "../jobs/model.ts";
import { isTerminal } from "../jobs/states.ts";
import { builder } from "./builder.ts";
import type { Context } from "./context.ts";
import { JobStateEnum, ReasonerTypeEnum } from "./enums.ts";
import { jobKeyOfNodeId, jobNodeId } from "./node-id.ts";

export const JobErrorRef = builder
  .objectRef<{ code: string; message: string; field?: string | null }>("JobError")
  .implement({
    fields: (t) => ({
      code: t.exposeString("code"),
      message: t.exposeString("message"),
      field: t.string({
        nullable: true,
        description: "The input field a refusal names (a createJobs item's BAD_USER_INPUT); null otherwise.",
        resolve: (e) => e.field ?? null,
      }),
    }),
  });

export const jobError = (job: JobRecord) =>
  job.errorCode || job.errorMessage ? { code: job.errorCode ?? "ERROR", message: job.errorMessage ?? "" } : null;

export const OperationRef = builder.objectRef<JobRecord>("Operation").implement({
  description: "A normalized long-running-operation view of a job.",
  fields: (t) => ({
    id: t.id({ resolve: (job) => job.id }),
    reasonerType: t.field({ type: ReasonerTypeEnum, resolve: (job) => job.reasonerType }),
    done: t.boolean({ resolve: (job) => isTerminal(job.state) }),
    state: t.expose("state", { type: JobStateEnum }),
    error: t.field({ type: JobErrorRef, nullable: true, resolve: jobError }),
    result: t.field({ type: "JSON", nullable: true, resolve: (job) => job.result ?? null }),
  }),
});

export const JobStatusRef = builder.objectRef<StatusChangeRecord>("JobStatus").implement({
  fields: (t) => ({
    id: t.id({ resolve: (s) => `${s.jobId}:${s.seq}` }),
    jobId: t.id({ resolve: (s) => s.jobId }),
    state: t.expose("state", { type: JobStateEnum }),
    nativeState: t.exposeString("nativeState"),
    message: t.exposeString("message", { nullable: true }),
    agentId: t.id({ nullable: true, resolve: (s) => s.agentId }),
    createdById: t.exposeString("createdById", { nullable: true }),
    createdOn: t.expose("createdOn", { type: "DateTime" }),
  }),
});

export const JobEventRef = builder.objectRef<JobEventRecord>("JobEvent").implement({
  fields: (t) => ({
    cursor: t.string({
      description: "Position in its stream; usable as a continuation token.",
      resolve: (e) => seqCursor(e.seq),
    }),
    stream: t.exposeString("stream"),
    createdOn: t.expose("createdOn", { type: "DateTime" }),
    data: t.expose("data", { type: "JSON" }),
  }),
});

export const LogLineRef = builder.objectRef<LogLineRecord>("LogLine").implement({
  fields: (t) => ({
    cursor: t.string({ resolve: (l) => seqCursor(l.seq) }),
    timestampMs: t.float({ resolve: (l) => Number(l.timestampMs) }),
    level: t.exposeString("level"),
    message: t.exposeString("message"),
    step: t.exposeString("step", { nullable: true }),
  }),
});

export const artifactUrl = (ctx: Context, id: string) => `${ctx.baseUrl}/artifacts/${id}`;

export const ArtifactRef = builder.objectRef<ArtifactRecord>("Artifact");
builder.node(ArtifactRef, {
  id: { resolve: (a) => a.id },
  isTypeOf: (v) => typeof v === "object" && v !== null && "artifactType" in v && "contentHash" in v,
  // Visible exactly when the artifact's job is (see visibleArtifacts), as for downloads.
  loadMany: async (ids, ctx) => {
    const byId = new Map((await ctx.services.artifacts.visibleByIds(ids, ctx.viewer)).map((a) => [a.id, a]));
    const elsewhere = ids.filter((id) => !byId.has(id));
    if (elsewhere.length > 0)
      for (const [id, artifact] of await ctx.services.jobs.upstreamArtifacts(elsewhere, ctx.viewer))
        byId.set(id, artifact);
    return ids.map((id) => byId.get(id) ?? null);
  },
  fields: (t) => ({
    name: t.exposeString("name"),
    artifactType: t.exposeString("artifactType"),
    mimeType: t.exposeString("mimeType", { nullable: true }),
    sizeBytes: t.float({ resolve: (a) => Number(a.sizeBytes) }),
    contentHash: t.exposeString("contentHash", { description: "sha256:<hex> of the bytes." }),
    downloadUrl: t.string({
      description: "Where the bytes can be fetched over HTTP with the same credentials.",
      resolve: (a, _args, ctx) => artifactUrl(ctx, a.id),
    }),
    createdOn: t.expose("createdOn", { type: "DateTime" }),
  }),
});

export const ProblemRef = builder.objectRef<ProblemRecord>("Problem").implement({
  fields: (t) => ({
    severity: t.exposeString("severity"),
    code: t.exposeString("code"),
    message: t.exposeString("message"),
    details: t.field({ type: "JSON", nullable: true, resolve: (p) => p.details ?? null }),
  }),
});

export const JobEventConnection = builder.connectionObject(
  { type: JobEventRef, name: "JobEventConnection" },
  { name: "JobEventEdge" },
);
export const LogLineConnection = builder.connectionObject(
  { type: LogLineRef, name: "LogLineConnection" },
  { name: "LogLineEdge" },
);

/** The job as JSON, as stored, without secrets. */
function rawJob(job: JobRecord) {
  return { ...job };
}

export function familyDetails(job: JobRecord): unknown {
  return job.transaction ?? job.agent ?? job.generation ?? job.batch ?? null;
}

export const JobRef = builder.interfaceRef<JobRecord>("Job").implement({
  interfaces: [builder.nodeInterfaceRef()],
  resolveType: (job) => JOB_TYPE_NAMES[job.reasonerType],
  fields: (t) => ({
    jobId: t.id({ resolve: (job) => job.id }),
    reasonerType: t.field({ type: ReasonerTypeEnum, resolve: (job) => job.reasonerType }),
    reasonerName: t.exposeString("reasonerName", { description: "Which reasoner, worker pool or queue it runs on." }),
    name: t.exposeString("name", { nullable: true }),
    state: t.expose("state", { type: JobStateEnum }),
    nativeState: t.exposeString("nativeState"),
    createdBy: t.exposeString("createdBy"),
    createdOn: t.expose("createdOn", { type: "DateTime" }),
    startedOn: t.expose("startedOn", { type: "DateTime", nullable: true }),
    finishedOn: t.expose("finishedOn", { type: "DateTime", nullable: true }),
    durationMs: t.float({
      nullable: true,
      resolve: (job) => (job.startedOn ? (job.finishedOn ?? new Date()).getTime() - job.startedOn.getTime() : null),
    }),
    timeoutMins: t.exposeInt("timeoutMins", { nullable: true }),
    payload: t.field({ type: "JSON", nullable: true, resolve: (job) => job.payload ?? null }),
    error: t.field({ type: JobErrorRef, nullable: true, resolve: jobError }),
    operation: t.field({ type: OperationRef, resolve: (job) => job }),
    statusHistory: t.field({ type: [JobStatusRef], resolve: (job, _a, ctx) => ctx.loaders.statusHistory.load(job) }),
    events: t.field({
      type: JobEventConnection,
      description: "Expansions, each loaded in batches across the whole response.",
      args: {
        stream: t.arg.string({ defaultValue: "progress", required: false }),
        first: t.arg.int({ defaultValue: 100, required: false }),
        after: t.arg.string({ required: false }),
      },
      resolve: async (job, args, ctx) => {
        const first = pageSize(args.first, 100);
        const afterSeq = parseSeqCursor(args.after);
        const rows = await ctx.loaders.events({ stream: args.stream ?? "progress", afterSeq, first }).load(job);
        const page = rows.slice(0, first);
        return connection(
          page.map((e) => ({ cursor: seqCursor(e.seq), node: e })),
          rows.length > first,
          afterSeq > 0,
        );
      },
    }),
    logs: t.field({
      type: LogLineConnection,
      args: {
        sinceMs: t.arg.float({ required: false }),
        first: t.arg.int({ defaultValue: 500, required: false }),
        after: t.arg.string({ required: false }),
      },
      resolve: async (job, args, ctx) => {
        const first = pageSize(args.first, 500);
        const afterSeq = parseSeqCursor(args.after);
        const rows = await ctx.loaders.logs({ sinceMs: args.sinceMs ?? null, afterSeq, first }).load(job);
        const page = rows.slice(0, first);
        return connection(
          page.map((l) => ({ cursor: seqCursor(l.seq), node: l })),
          rows.length > first,
          afterSeq > 0,
        );
      },
    }),
    execTimeMs: t.float({
      nullable: true,
      description: "Milliseconds from the job's first start to its end (to now while running); null until it starts.",
      // Measured by the server, from its first start to its end: log lines carry the worker's own
      // timestamps, which any worker may set (a line stamped 1 made this 1.8e12).
      resolve: (job) => {
        if (!job.startedOn) return null;
        return Math.max(0, (job.finishedOn?.getTime() ?? Date.now()) - job.startedOn.getTime());
      },
    }),
    artifacts: t.field({ type: [ArtifactRef], resolve: (job, _a, ctx) => ctx.loaders.artifacts.load(job) }),
    problems: t.field({ type: [ProblemRef], resolve: (job, _a, ctx) => ctx.loaders.problems.load(job) }),
    details: t.field({ type: "JSON", nullable: true, resolve: familyDetails }),
    raw: t.field({ type: "JSON", nullable: true, resolve: rawJob }),
    updatedOn: t.expose("updatedOn", {
      type: "DateTime",
      description: "When anything about the job last changed (state, events, logs, file, comments).",
    }),
  }),
});

/** What every job family's node needs: global id `<ReasonerType>:<jobId>`, type check, batch load. */
export function jobNodeOptions(reasonerTypes: readonly ReasonerType[]) {
  return {
    interfaces: [JobRef] as [typeof JobRef],
    id: { resolve: jobNodeId },
    isTypeOf: (value: unknown) =>
      typeof value === "object" &&
      value !== null &&
      reasonerTypes.includes((value as JobRecord).reasonerType) &&
      "nativeState" in value,
    loadMany: (ids: readonly string[], ctx: Context) =>
      Promise.all(
        ids.map((part) => {
          const key = jobKeyOfNodeId(part);
          return key && reasonerTypes.includes(key.reasonerType) ? ctx.loaders.job.load(key) : null;
        }),
      ),
  };
}
