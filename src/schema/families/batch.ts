import type { BatchStepRecord } from "../../jobs/gateway.ts";
import type { JobRecord } from "../../jobs/model.ts";
import { builder } from "../builder.ts";
import { JobStateEnum } from "../enums.ts";
import { createdPayload, CreateJobPayloadRef } from "../job-mutations.ts";
import { JobRef, jobNodeOptions } from "../job.ts";
import { batchJob } from "../../families/batch/input.ts";
import { batchStepRunCheck } from "../../families/index.ts";

const BatchStepRef = builder.objectRef<BatchStepRecord>("BatchStep").implement({
  fields: (t) => ({
    name: t.exposeString("name"),
    state: t.field({ type: JobStateEnum, resolve: (s) => s.state }),
    metadata: t.field({ type: "JSON", nullable: true, resolve: (s) => s.metadata ?? null }),
    ignoreChunkError: t.exposeBoolean("ignoreChunkError"),
    startedOn: t.expose("startedOn", { type: "DateTime", nullable: true }),
    finishedOn: t.expose("finishedOn", { type: "DateTime", nullable: true }),
    childJobId: t.id({ nullable: true, description: "The job this step created.", resolve: (s) => s.childJobId }),
    batchJobId: t.id({ description: "The batch this step belongs to.", resolve: (s) => s.jobId }),
    position: t.exposeInt("position", { description: "The step's place in its batch: 0 for the first." }),
    batch: t.field({
      type: BatchJobRef,
      nullable: true,
      description: "The batch this step belongs to, when you may see it.",
      resolve: (s, _a, ctx) => ctx.loaders.job.load({ reasonerType: "BATCH", jobId: s.jobId }),
    }),
  }),
});

// Declared before BatchStep's fields are built (they name it), implemented below.
export const BatchJobRef = builder.objectRef<JobRecord>("BatchJob");

builder.interfaceFields(JobRef, (t) => ({
  batchStep: t.field({
    type: BatchStepRef,
    nullable: true,
    description:
      "The batch step that made this job (a batch's child): null for a job no batch made, or whose batch you may not see.",
    resolve: async (job, _a, ctx) => {
      const step = await ctx.loaders.batchStep.load(job);
      if (!step) return null;
      // The child is visible to whoever may see it; its batch only to whoever may see that.
      return (await ctx.loaders.job.load({ reasonerType: "BATCH", jobId: step.jobId })) ? step : null;
    },
  }),
}));

builder.node(BatchJobRef, {
  ...jobNodeOptions(["BATCH"]),
  fields: (t) => ({
    steps: t.field({ type: [BatchStepRef], resolve: (job, _a, ctx) => ctx.loaders.steps.load(job) }),
    metadata: t.field({ type: "JSON", nullable: true, resolve: (job) => job.batch?.metadata ?? null }),
    instanceType: t.string({ nullable: true, resolve: (job) => job.batch?.instanceType ?? null }),
    region: t.string({ nullable: true, resolve: (job) => job.batch?.region ?? null }),
  }),
});

const BatchStepInput = builder.inputType("BatchStepInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    run: t.field({ type: "JSON", required: true, description: "What the step runs, as its worker understands it." }),
    metadata: t.field({ type: "JSON", required: false }),
    ignoreChunkError: t.boolean({ required: false, defaultValue: false }),
  }),
});

const RunBatchJobInput = builder.inputType("RunBatchJobInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    steps: t.field({ type: [BatchStepInput], required: true }),
    metadata: t.field({ type: "JSON", required: false }),
    instanceType: t.string({ required: false }),
    region: t.string({ required: false }),
    timeoutMins: t.int({ required: false }),
    idempotencyKey: t.string({ required: false }),
  }),
});

builder.mutationField("runBatchJob", (t) =>
  t.field({
    type: CreateJobPayloadRef,
    args: { input: t.arg({ type: RunBatchJobInput, required: true }) },
    auditTarget: (made) => made.job.id,
    resolve: async (_root, { input }, ctx) =>
      createdPayload(
        await ctx.services.jobs.create(
          batchJob(input, "input", batchStepRunCheck(ctx.services.config)),
          { runBatchJob: input },
          ctx.viewer,
        ),
      ),
  }),
);
