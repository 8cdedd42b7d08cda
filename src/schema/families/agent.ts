import { z } from "zod";
import { jobsError } from "../../errors.ts";
import type {
  AccessGrantRecord,
  ArchiveChangeRecord,
  CommentRecord,
  FileRecord,
  FileRevisionRecord,
} from "../../jobs/gateway.ts";
import type { JobRecord, Viewer } from "../../jobs/model.ts";
import { email255, name255, optionalName, parseInput } from "../../jobs/validation.ts";
import { builder } from "../builder.ts";
import type { Context } from "../context.ts";
import { AccessRelationEnum, ArchiveStatusEnum } from "../enums.ts";
import { createdPayload, CreateJobPayloadRef } from "../job-mutations.ts";
import { jobNodeOptions } from "../job.ts";
import { agentJob } from "../../families/agent/input.ts";
import { readSmallFile } from "../../families/agent/small-files.ts";

const FunctionVersionRef = builder.objectRef<JobRecord>("FunctionVersion").implement({
  fields: (t) => ({
    name: t.string({ resolve: (job) => job.agent?.functionName ?? "" }),
    version: t.string({ nullable: true, resolve: (job) => job.agent?.functionVersion ?? null }),
    toolName: t.string({ nullable: true, resolve: (job) => job.agent?.toolName ?? null }),
    toolVersion: t.string({ nullable: true, resolve: (job) => job.agent?.toolVersion ?? null }),
    operatingSystem: t.string({ nullable: true, resolve: (job) => job.agent?.operatingSystem ?? null }),
  }),
});

const FileRevisionRef = builder.objectRef<FileRevisionRecord>("FileRevision").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    mimeType: t.exposeString("mimeType", { nullable: true }),
    sizeBytes: t.float({ resolve: (r) => Number(r.sizeBytes) }),
    contentHash: t.exposeString("contentHash"),
    downloadUrl: t.string({ resolve: (r, _a, ctx) => `${ctx.baseUrl}/files/${r.id}` }),
    text: t.string({
      nullable: true,
      description: "The bytes as text (UTF-8), for small files only.",
      resolve: async (r, _a, ctx) => (await readSmallFile(ctx.services.blobs, r))?.toString("utf8") ?? null,
    }),
    json: t.field({
      type: "JSON",
      nullable: true,
      description: "The bytes parsed as JSON, for small JSON files only.",
      resolve: async (r, _a, ctx) => {
        const bytes = await readSmallFile(ctx.services.blobs, r);
        if (!bytes) return null;
        try {
          return JSON.parse(bytes.toString("utf8")) as unknown;
        } catch {
          return null;
        }
      },
    }),
    createdOn: t.expose("createdOn", { type: "DateTime" }),
  }),
});

const FileRef = builder.objectRef<FileRecord>("File").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    description: t.exposeString("description", { nullable: true }),
    displayName: t.exposeString("displayName", { nullable: true }),
    externalIdentifier: t.exposeString("externalIdentifier", { nullable: true }),
    versionName: t.exposeString("versionName", { nullable: true }),
    properties: t.field({ type: "JSON", nullable: true, resolve: (f) => f.properties ?? null }),
    revision: t.field({ type: FileRevisionRef, nullable: true, resolve: (f) => f.revisions.at(-1) ?? null }),
    revisions: t.field({ type: [FileRevisionRef], resolve: (f) => f.revisions }),
  }),
});

const CommentRef = builder.objectRef<CommentRecord>("Comment").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    content: t.exposeString("content"),
    createdById: t.exposeString("createdById"),
    createdOn: t.expose("createdOn", { type: "DateTime" }),
  }),
});

const ArchiveStatusChangeRef = builder.objectRef<ArchiveChangeRecord>("ArchiveStatusChange").implement({
  fields: (t) => ({
    status: t.field({ type: ArchiveStatusEnum, resolve: (c) => c.status }),
    reason: t.exposeString("reason", { nullable: true }),
    createdById: t.exposeString("createdById"),
    createdOn: t.expose("createdOn", { type: "DateTime" }),
  }),
});

const AccessGrantRef = builder.objectRef<AccessGrantRecord>("AccessGrant").implement({
  fields: (t) => ({
    subjectId: t.exposeString("subjectId"),
    email: t.exposeString("email", { nullable: true }),
    relation: t.field({ type: AccessRelationEnum, resolve: (g) => g.relation }),
  }),
});

export const AgentJobRef = builder.objectRef<JobRecord>("AgentJob");

builder.node(AgentJobRef, {
  ...jobNodeOptions(["AGENT"]),
  fields: (t) => ({
    modelId: t.id({ nullable: true, resolve: (job) => job.agent?.modelId ?? null }),
    tenantId: t.id({ nullable: true, resolve: (job) => job.tenantId }),
    function: t.field({ type: FunctionVersionRef, resolve: (job) => job }),
    assignedAgentId: t.id({ nullable: true, resolve: (job) => job.agent?.assignedAgentId ?? null }),
    assignedAgentPoolId: t.id({ nullable: true, resolve: (job) => job.agent?.assignedAgentPoolId ?? null }),
    agentId: t.id({ nullable: true, resolve: (job) => job.agent?.agentId ?? null }),
    file: t.field({ type: FileRef, nullable: true, resolve: (job, _a, ctx) => ctx.loaders.file.load(job) }),
    comments: t.field({ type: [CommentRef], resolve: (job, _a, ctx) => ctx.loaders.comments.load(job) }),
    archiveStatus: t.field({ type: ArchiveStatusEnum, resolve: (job) => job.agent?.archiveStatus ?? "ACTIVE" }),
    archiveStatusHistory: t.field({
      type: [ArchiveStatusChangeRef],
      resolve: (job, _a, ctx) => ctx.loaders.archiveHistory.load(job),
    }),
    access: t.field({ type: [AccessGrantRef], resolve: (job, _a, ctx) => ctx.loaders.access.load(job) }),
  }),
});

const AddAgentJobInput = builder.inputType("AddAgentJobInput", {
  fields: (t) => ({
    modelId: t.id({ required: false }),
    functionName: t.string({ required: true }),
    functionVersion: t.string({ required: false }),
    toolName: t.string({ required: false }),
    toolVersion: t.string({ required: false }),
    operatingSystem: t.string({ required: false }),
    parameters: t.field({ type: "JSON", required: false }),
    assignedAgentId: t.id({ required: false }),
    assignedAgentPoolId: t.id({ required: false }),
    description: t.string({ required: false }),
    displayName: t.string({ required: false }),
    versionName: t.string({ required: false }),
    externalIdentifier: t.string({ required: false }),
    timeoutMins: t.int({ required: false }),
    idempotencyKey: t.string({ required: false }),
  }),
});

const UpdateJobFileInput = builder.inputType("UpdateJobFileInput", {
  fields: (t) => ({
    description: t.string({ required: false }),
    displayName: t.string({ required: false }),
    externalIdentifier: t.string({ required: false }),
    versionName: t.string({ required: false }),
    properties: t.field({
      type: "JSON",
      required: false,
      description: "Replaces the whole properties map (null clears it).",
    }),
    mergeProperties: t.field({
      type: "JSON",
      required: false,
      description:
        "Merged into the properties map key by key (a null value removes its key); the keys not named are kept.",
    }),
  }),
  description: "Only the fields given change; the others keep their values.",
});

const FileUpdateSchema = z.object({
  description: z.string().max(10_000).nullish(),
  displayName: optionalName.optional(),
  externalIdentifier: optionalName.optional(),
  versionName: optionalName.optional(),
  properties: z.record(z.string(), z.unknown()).nullish(),
  mergeProperties: z.record(z.string(), z.unknown()).nullish(),
});

function agentExtras(ctx: Context) {
  const extras = ctx.services.registry.for("AGENT").agent;
  if (!extras) throw jobsError("BAD_USER_INPUT", "the gateway serving AGENT jobs does not support this");
  return extras;
}
const id = (v: string | number) => String(v);
const requireEditor = (viewer: Viewer) => {
  if (viewer.role === "WORKER") throw jobsError("FORBIDDEN", "worker keys run the worker protocol only");
};

builder.mutationFields((t) => ({
  addAgentJob: t.field({
    type: CreateJobPayloadRef,
    args: { input: t.arg({ type: AddAgentJobInput, required: true }) },
    auditTarget: (made) => made.job.id,
    resolve: async (_root, { input }, ctx) =>
      createdPayload(await ctx.services.jobs.create(agentJob(input), { addAgentJob: input }, ctx.viewer)),
  }),
  addJobComment: t.field({
    type: CommentRef,
    args: { jobId: t.arg.id({ required: true }), content: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => {
      requireEditor(ctx.viewer);
      const content = parseInput(z.string().trim().min(1, "must not be empty").max(10_000), args.content, "content");
      return agentExtras(ctx).addComment(id(args.jobId), content, ctx.viewer);
    },
  }),
  archiveJob: t.field({
    type: AgentJobRef,
    args: { jobId: t.arg.id({ required: true }), reason: t.arg.string({ required: false }) },
    resolve: (_root, args, ctx) => {
      requireEditor(ctx.viewer);
      return agentExtras(ctx).setArchiveStatus(
        id(args.jobId),
        "ARCHIVED",
        parseInput(optionalName, args.reason, "reason"),
        ctx.viewer,
      );
    },
  }),
  restoreJob: t.field({
    type: AgentJobRef,
    args: { jobId: t.arg.id({ required: true }), reason: t.arg.string({ required: false }) },
    resolve: (_root, args, ctx) => {
      requireEditor(ctx.viewer);
      return agentExtras(ctx).setArchiveStatus(
        id(args.jobId),
        "ACTIVE",
        parseInput(optionalName, args.reason, "reason"),
        ctx.viewer,
      );
    },
  }),
  updateJobFile: t.field({
    type: AgentJobRef,
    args: { jobId: t.arg.id({ required: true }), input: t.arg({ type: UpdateJobFileInput, required: true }) },
    resolve: (_root, args, ctx) => {
      requireEditor(ctx.viewer);
      return agentExtras(ctx).updateFile(id(args.jobId), parseInput(FileUpdateSchema, args.input), ctx.viewer);
    },
  }),
  assignJobAgent: t.field({
    type: AgentJobRef,
    description:
      "Reassigns a waiting agent job to another agent or pool (neither: any agent of its queue); the previous agent no longer gets it.",
    args: {
      jobId: t.arg.id({ required: true }),
      agentId: t.arg.id({ required: false }),
      agentPoolId: t.arg.id({ required: false }),
    },
    resolve: async (_root, args, ctx) => {
      requireEditor(ctx.viewer);
      const jobId = id(args.jobId);
      await ctx.services.jobs.requireFamily(jobId, "AGENT", "assignJobAgent", ctx.viewer);
      const extras = agentExtras(ctx);
      if (!extras.assignAgent) throw jobsError("BAD_USER_INPUT", "the gateway serving AGENT jobs cannot reassign them");
      const target = {
        agentId: args.agentId == null ? null : parseInput(name255, String(args.agentId), "agentId"),
        agentPoolId: args.agentPoolId == null ? null : parseInput(name255, String(args.agentPoolId), "agentPoolId"),
      };
      return extras.assignAgent(jobId, target, ctx.viewer);
    },
  }),
  createJobAccess: t.field({
    type: AccessGrantRef,
    args: {
      jobId: t.arg.id({ required: true }),
      subjectId: t.arg.string({ required: false }),
      email: t.arg.string({ required: false }),
      relation: t.arg({ type: AccessRelationEnum, required: true }),
    },
    resolve: (_root, args, ctx) => {
      requireEditor(ctx.viewer);
      const subjectId = args.subjectId == null ? null : parseInput(name255, args.subjectId, "subjectId");
      const email = args.email == null ? null : parseInput(email255, args.email, "email");
      return agentExtras(ctx).createAccess(id(args.jobId), { subjectId, email }, args.relation, ctx.viewer);
    },
  }),
  updateJobAccess: t.field({
    type: AccessGrantRef,
    args: {
      jobId: t.arg.id({ required: true }),
      subjectId: t.arg.string({ required: true }),
      relation: t.arg({ type: AccessRelationEnum, required: true }),
    },
    resolve: (_root, args, ctx) => {
      requireEditor(ctx.viewer);
      return agentExtras(ctx).updateAccess(id(args.jobId), args.subjectId, args.relation, ctx.viewer);
    },
  }),
  removeJobAccess: t.field({
    type: "Boolean",
    args: { jobId: t.arg.id({ required: true }), subjectId: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => {
      requireEditor(ctx.viewer);
      return agentExtras(ctx).removeAccess(id(args.jobId), args.subjectId, ctx.viewer);
    },
  }),
}));
