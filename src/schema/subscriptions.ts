// The Subscription root: live jobs, events and log lines over graphql-ws. Each field opens a stream on
// the process's LiveFeed (one shared read per change, however many subscribers), scoped by the
// caller's viewer exactly as the matching query is.
import { jobsError } from "../errors.ts";
import { parseSeqCursor } from "../jobs/cursor.ts";
import type { JobKey } from "../jobs/model.ts";
import { isUuid } from "../jobs/validation.ts";
import { type JobDelivery, liveFeedFor } from "../live/feed.ts";
import { builder } from "./builder.ts";
import type { Context } from "./context.ts";
import { ReasonerTypeEnum } from "./enums.ts";
import { JobEventRef, JobRef, LogLineRef } from "./job.ts";
import { JobFilterInput, jobFilterOf } from "./job-queries.ts";

function requireKey(reasonerType: JobKey["reasonerType"], jobId: string | number): JobKey {
  const id = String(jobId);
  if (!isUuid(id)) throw jobsError("NOT_FOUND", `${reasonerType} job ${id} not found`);
  return { reasonerType, jobId: id };
}

/**
 * Each delivery is resolved with loaders shared by every subscriber of the same read (fresh per
 * delivery: an operation's own loaders would cache the first delivery's expansions forever).
 * graphql-js executes one delivery of an operation at a time, so swapping them here is safe.
 */
function deliver(delivery: JobDelivery, ctx: Context) {
  ctx.loaders = delivery.loadersFor(ctx.viewer);
  return delivery.job;
}

builder.subscriptionFields((t) => ({
  jobUpdated: t.field({
    type: JobRef,
    description: "The job as it is now, then again after every change.",
    args: {
      reasonerType: t.arg({ type: ReasonerTypeEnum, required: true }),
      jobId: t.arg.id({ required: true }),
    },
    subscribe: (_root, args, ctx) => liveFeedFor(ctx.services).watchJob(requireKey(args.reasonerType, args.jobId), ctx.viewer),
    resolve: (delivery: JobDelivery, _args, ctx) => deliver(delivery, ctx),
  }),
  jobEvents: t.field({
    type: JobEventRef,
    description: "Events after `after` (all when null), then live ones: no gap, no repeat.",
    args: {
      reasonerType: t.arg({ type: ReasonerTypeEnum, required: true }),
      jobId: t.arg.id({ required: true }),
      stream: t.arg.string({ required: false, defaultValue: "progress" }),
      after: t.arg.string({ required: false }),
    },
    subscribe: (_root, args, ctx) => {
      const afterSeq = parseSeqCursor(args.after);
      return liveFeedFor(ctx.services).watchEvents(requireKey(args.reasonerType, args.jobId), args.stream ?? "progress", afterSeq, ctx.viewer);
    },
    resolve: (event) => event,
  }),
  jobLogs: t.field({
    type: LogLineRef,
    description: "Log lines at or after sinceMs, then live ones. `after` resumes after a line's cursor.",
    args: {
      reasonerType: t.arg({ type: ReasonerTypeEnum, required: true }),
      jobId: t.arg.id({ required: true }),
      sinceMs: t.arg.float({ required: false }),
      after: t.arg.string({ required: false }),
    },
    subscribe: (_root, args, ctx) => {
      const afterSeq = parseSeqCursor(args.after);
      return liveFeedFor(ctx.services).watchLogs(requireKey(args.reasonerType, args.jobId), args.sinceMs ?? null, afterSeq, ctx.viewer);
    },
    resolve: (line) => line,
  }),
  jobsChanged: t.field({
    type: JobRef,
    description: "Every job that the caller may see, as it is created or changes.",
    args: { filter: t.arg({ type: JobFilterInput, required: false }) },
    subscribe: (_root, args, ctx) => {
      return liveFeedFor(ctx.services).watchJobs(jobFilterOf(args.filter), ctx.viewer);
    },
    resolve: (delivery: JobDelivery, _args, ctx) => deliver(delivery, ctx),
  }),
}));
