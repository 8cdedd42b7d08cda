import type { BatchStepRecord } from "../../jobs/gateway.ts";
import type { JobRecord } from "../../jobs/model.ts";
import { builder } from "../builder.ts";
import { JobStateEnum } from "../enums.ts";
import { createdPayload, CreateJobPayloadRef } from "../job-mutations.ts";
import { jobNodeOptions } from "../job.ts";
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
  }),
});

export const BatchJobRef = builder.objectRef<JobRecord>("BatchJob");

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
