// Creating, cancelling and waiting for jobs of any family.
import { GraphQLError } from "graphql";
import { defaultReasonerName } from "../families/queues.ts";
import type { JobRecord } from "../jobs/model.ts";
import { noteAuditTarget } from "./audit-target-plugin.ts";
import { builder } from "./builder.ts";
import { ReasonerTypeEnum } from "./enums.ts";
import { JobErrorRef, JobRef, OperationRef } from "./job.ts";

export const CreateJobPayloadRef = builder.objectRef<{ job: JobRecord }>("CreateJobPayload").implement({
  fields: (t) => ({
    operation: t.field({ type: OperationRef, resolve: (p) => p.job }),
    job: t.field({ type: JobRef, resolve: (p) => p.job }),
  }),
});

export const createdPayload = (job: JobRecord) => ({ job });

const CreateJobInput = builder.inputType("CreateJobInput", {
  fields: (t) => ({
    reasonerType: t.field({ type: ReasonerTypeEnum, required: true }),
    reasonerName: t.string({
      required: false,
      description:
        "Which reasoner, worker pool or queue it runs on. Omitted: `agents` for AGENT jobs (an agent pool named in the payload wins), else `default`.",
    }),
    payload: t.field({ type: "JSON", required: true }),
    name: t.string({ required: false }),
    timeoutMins: t.int({ required: false }),
    idempotencyKey: t.string({
      required: false,
      description: "The same key from the same caller returns the job it first created.",
    }),
  }),
});

type CreateJobArgs = typeof CreateJobInput.$inferInput;

/**
 * The input as the server reads (and forwards) it: an omitted reasonerName is the family's default,
 * as a schedule's job or a batch step gets it, so every path puts an agent job in the agents' queue.
 */
const withDefaults = (input: CreateJobArgs) => ({
  ...input,
  reasonerName: input.reasonerName ?? defaultReasonerName(input.reasonerType),
  payload: input.payload,
});

/** One answer of createJobs: the item's job, or why it was not created. */
type CreateJobResult =
  | { job: JobRecord; error: null }
  | { job: null; error: { code: string; message: string; field: string | null } };

const CreateJobResultRef = builder.objectRef<CreateJobResult>("CreateJobResult").implement({
  fields: (t) => ({
    job: t.field({ type: JobRef, nullable: true, resolve: (r) => r.job }),
    error: t.field({ type: JobErrorRef, nullable: true, resolve: (r) => r.error }),
  }),
});

/** A refusal as createJobs' results and validateJobs report it. */
const asJobError = (error: GraphQLError) => ({
  code: String(error.extensions.code ?? "INTERNAL_SERVER_ERROR"),
  message: error.message,
  field: typeof error.extensions.field === "string" ? error.extensions.field : null,
});

const toResult = (answer: JobRecord | GraphQLError): CreateJobResult =>
  answer instanceof GraphQLError ? { job: null, error: asJobError(answer) } : { job: answer, error: null };

builder.queryFields((t) => ({
  validateJob: t.boolean({
    description:
      "Checks the input as createJob would, as the caller, creating nothing: true, or createJob's error (a family served upstream is checked there).",
    args: { input: t.arg({ type: CreateJobInput, required: true }) },
    resolve: async (_root, args, ctx) => {
      await ctx.services.jobs.validate(withDefaults(args.input), ctx.viewer);
      return true;
    },
  }),
  validateJobs: t.field({
    type: [JobErrorRef],
    nullable: { list: false, items: true },
    description:
      "Checks the inputs as createJobs would, creating nothing: one answer per input, in order, null where createJobs would create the job, else its error.",
    args: { inputs: t.arg({ type: [CreateJobInput], required: true }) },
    resolve: async (_root, { inputs }, ctx) =>
      (await ctx.services.jobs.validateMany(inputs.map(withDefaults), ctx.viewer)).map((e) => e && asJobError(e)),
  }),
}));

builder.mutationFields((t) => ({
  createJobs: t.field({
    type: [CreateJobResultRef],
    description: "Up to 1,000 jobs in one call; one result per input, in order, each its job or its error.",
    args: { inputs: t.arg({ type: [CreateJobInput], required: true }) },
    auditTarget: (results) => results.flatMap((r) => (r.job ? [r.job.id] : [])),
    resolve: async (_root, { inputs }, ctx) =>
      (await ctx.services.jobs.createMany(inputs.map(withDefaults), ctx.viewer)).map(toResult),
  }),
  createJob: t.field({
    type: CreateJobPayloadRef,
    args: { input: t.arg({ type: CreateJobInput, required: true }) },
    auditTarget: (made) => made.job.id,
    resolve: async (_root, args, ctx) => {
      const input = withDefaults(args.input);
      return createdPayload(
        await ctx.services.jobs.create(ctx.services.jobs.read(input), { createJob: input }, ctx.viewer),
      );
    },
  }),
  createJobReady: t.field({
    type: JobRef,
    description: "Creates the job and returns it once terminal; fails with JOB_TIMEOUT after timeoutS.",
    args: {
      input: t.arg({ type: CreateJobInput, required: true }),
      timeoutS: t.arg.float({ required: false, defaultValue: 900 }),
    },
    auditTarget: (job) => job.id,
    resolve: async (_root, args, ctx, info) => {
      const input = withDefaults(args.input);
      // A wait the server would refuse is refused before the job is made, not after.
      ctx.services.jobs.checkWaitS(args.timeoutS ?? 900);
      const job = await ctx.services.jobs.create(ctx.services.jobs.read(input), { createJob: input }, ctx.viewer);
      // The job exists whatever the wait ends with (JOB_TIMEOUT, say): the audit row names it.
      noteAuditTarget(ctx, info, job.id);
      return ctx.services.jobs.waitForTerminal(
        { reasonerType: job.reasonerType, jobId: job.id },
        args.timeoutS ?? 900,
        ctx.viewer,
        ctx.signal,
      );
    },
  }),
  cancelJob: t.field({
    type: JobRef,
    description: "allUsers is accepted for LOGIC only, and only from admins.",
    args: {
      reasonerType: t.arg({ type: ReasonerTypeEnum, required: true }),
      jobId: t.arg.id({ required: true }),
      allUsers: t.arg.boolean({ required: false, defaultValue: false }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.jobs.cancel(
        { reasonerType: args.reasonerType, jobId: String(args.jobId) },
        args.allUsers ?? false,
        ctx.viewer,
      ),
  }),
}));
