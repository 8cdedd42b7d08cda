// The Subscription root: live jobs, events and log lines over graphql-ws. Each field opens a stream on
// the process's LiveFeed (one shared read per change, however many subscribers), scoped by the
// caller's viewer exactly as the matching query is.
import { jobsError } from "../errors.ts";
import { parseSeqCursor } from "../jobs/cursor.ts";
import { createJobLoaders } from "../jobs/loaders.ts";
import type { JobFilter, JobKey, JobRecord, ReasonerType, Viewer } from "../jobs/model.ts";
import { mapIterator, mergeIterators } from "../jobs/remote/live.ts";
import { isUuid } from "../jobs/validation.ts";
import type { JobDelivery } from "../live/feed.ts";
import { builder } from "./builder.ts";
import type { Context } from "./context.ts";
import { ReasonerTypeEnum } from "./enums.ts";
import { JobEventRef, JobRef, LogLineRef } from "./job.ts";
import { JobFilterInput, jobFilterOf } from "./job-queries.ts";

/** A relayed upstream job, delivered like a local change (its expansions read upstream per delivery). */
function remoteDeliveries(jobs: AsyncIterableIterator<JobRecord>, ctx: Context): AsyncIterableIterator<JobDelivery> {
  const registry = ctx.services.registry;
  return mapIterator(jobs, (job) => ({ job, loadersFor: (viewer: Viewer) => createJobLoaders(registry, viewer) }));
}

/** jobsChanged: this process's feed for local families, each remote gateway's relay for its own, merged. */
function watchJobs(
  filter: JobFilter & { reasonerType?: ReasonerType | null },
  ctx: Context,
): AsyncIterableIterator<JobDelivery> {
  const groups = ctx.services.registry.group(filter.reasonerType ? [filter.reasonerType] : undefined);
  const sources: AsyncIterableIterator<JobDelivery>[] = [];
  for (const [gateway, types] of groups) {
    if (gateway.watchJobs)
      sources.push(remoteDeliveries(gateway.watchJobs({ ...filter, reasonerTypes: types }, ctx.viewer), ctx));
    else sources.push(ctx.services.live.watchJobs(filter, ctx.viewer));
  }
  return sources.length === 1 ? sources[0]! : mergeIterators(sources);
}

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
    subscribe: (_root, args, ctx) => {
      const key = requireKey(args.reasonerType, args.jobId);
      const gateway = ctx.services.registry.for(key.reasonerType);
      return gateway.watchJob
        ? remoteDeliveries(gateway.watchJob(key, ctx.viewer), ctx)
        : ctx.services.live.watchJob(key, ctx.viewer);
    },
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
      const key = requireKey(args.reasonerType, args.jobId);
      const gateway = ctx.services.registry.for(key.reasonerType);
      if (gateway.watchEvents) return gateway.watchEvents(key, args.stream ?? "progress", afterSeq, ctx.viewer);
      return ctx.services.live.watchEvents(key, args.stream ?? "progress", afterSeq, ctx.viewer);
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
      const key = requireKey(args.reasonerType, args.jobId);
      const gateway = ctx.services.registry.for(key.reasonerType);
      if (gateway.watchLogs) return gateway.watchLogs(key, args.sinceMs ?? null, afterSeq, ctx.viewer);
      return ctx.services.live.watchLogs(key, args.sinceMs ?? null, afterSeq, ctx.viewer);
    },
    resolve: (line) => line,
  }),
  jobsChanged: t.field({
    type: JobRef,
    description: "Every job that the caller may see, as it is created or changes.",
    args: { filter: t.arg({ type: JobFilterInput, required: false }) },
    subscribe: (_root, args, ctx) => {
      return watchJobs(jobFilterOf(args.filter), ctx);
    },
    resolve: (delivery: JobDelivery, _args, ctx) => deliver(delivery, ctx),
  }),
}));
