// GraphQL for schedules: the Schedule type, the schedules query and the four mutations.
import { builder } from "./builder.ts";
import { ReasonerTypeEnum } from "./enums.ts";
import { JobRef } from "./job.ts";
import type { CatchUpPolicies, ScheduleRecord } from "../schedules/model.ts";

const CatchUpPolicyEnum = builder.enumType("CatchUpPolicy", {
  description: "What a schedule does with ticks missed while no server ran.",
  values: {
    ONCE: { description: "Run once on start-up for all the ticks missed (the default), then on schedule." },
    SKIP: { description: "Drop missed ticks; run at the next tick." },
  } satisfies Record<(typeof CatchUpPolicies)[number], unknown>,
});

export const ScheduleRef = builder.objectRef<ScheduleRecord>("Schedule").implement({
  description: "A job created on a cron schedule, once per tick, however many servers run.",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    cron: t.exposeString("cron", {
      description:
        "Five-field cron expression; six fields (the first the second) where the server sets JOBS_SCHEDULE_SECONDS.",
    }),
    timezone: t.exposeString("timezone"),
    catchUp: t.field({ type: CatchUpPolicyEnum, resolve: (s) => s.catchUp }),
    paused: t.exposeBoolean("paused"),
    job: t.field({
      type: "JSON",
      description: "What each tick creates: {reasonerType, reasonerName, payload, name}.",
      resolve: (s) => s.job,
    }),
    nextRunOn: t.field({
      type: "DateTime",
      nullable: true,
      description: "Null while paused.",
      resolve: (s) => s.nextRunOn,
    }),
    lastRunOn: t.field({
      type: "DateTime",
      nullable: true,
      description: "When the last tick's job was created.",
      resolve: (s) => s.lastRunOn,
    }),
    lastJob: t.field({
      type: JobRef,
      nullable: true,
      description: "The last tick's job, if the caller may see it.",
      resolve: (s, _a, ctx) =>
        s.lastJobId ? ctx.loaders.job.load({ reasonerType: s.job.reasonerType, jobId: s.lastJobId }) : null,
    }),
    lastError: t.string({
      nullable: true,
      description: "Why the last tick made no job (refused, skipped), until a tick makes one.",
      resolve: (s) => s.lastError,
    }),
    createdBy: t.exposeString("createdBy", { description: "Whose jobs the ticks create." }),
    createdOn: t.field({ type: "DateTime", resolve: (s) => s.createdOn }),
  }),
});

const ScheduleConnectionRef = builder.connectionObject(
  { type: ScheduleRef, name: "ScheduleConnection" },
  { name: "ScheduleEdge" },
);

const ScheduledJobInput = builder.inputType("ScheduledJobInput", {
  fields: (t) => ({
    reasonerType: t.field({ type: ReasonerTypeEnum, required: true }),
    reasonerName: t.string({ required: false }),
    payload: t.field({
      type: "JSON",
      required: true,
      description: "For GENERATION, a CreateGenerationJobInput as JSON; for others, the job's payload.",
    }),
    name: t.string({ required: false }),
  }),
});

const CreateScheduleInput = builder.inputType("CreateScheduleInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    cron: t.string({ required: true }),
    timezone: t.string({ required: false, defaultValue: "UTC" }),
    catchUp: t.field({ type: CatchUpPolicyEnum, required: false, defaultValue: "ONCE" }),
    job: t.field({ type: ScheduledJobInput, required: true }),
  }),
});

builder.queryFields((t) => ({
  schedules: t.field({
    type: ScheduleConnectionRef,
    description: "Newest first: a member's own schedules; an admin's, every schedule of the tenant.",
    args: { first: t.arg.int({ required: false, defaultValue: 50 }), after: t.arg.string({ required: false }) },
    resolve: (_root, args, ctx) => ctx.services.schedules.list(args.first, args.after, ctx.viewer),
  }),
}));

builder.mutationFields((t) => ({
  createSchedule: t.field({
    type: ScheduleRef,
    args: { input: t.arg({ type: CreateScheduleInput, required: true }) },
    auditTarget: (schedule) => schedule.id,
    resolve: (_root, { input }, ctx) => ctx.services.schedules.create(input, ctx.viewer),
  }),
  pauseSchedule: t.field({
    type: ScheduleRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => ctx.services.schedules.pause(String(id), ctx.viewer),
  }),
  resumeSchedule: t.field({
    type: ScheduleRef,
    description: "Armed at the first tick from now; ticks that passed while paused are not caught up.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => ctx.services.schedules.resume(String(id), ctx.viewer),
  }),
  deleteSchedule: t.field({
    type: "Boolean",
    description: "The jobs it created stay.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => ctx.services.schedules.delete(String(id), ctx.viewer),
  }),
}));
