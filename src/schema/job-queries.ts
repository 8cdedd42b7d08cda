// Reading jobs: one by key, pages of them across families, and waiting for one to finish.
import { GraphQLError } from "graphql";
import { jobsError } from "../errors.ts";
import { pageOffset, pageSize } from "../jobs/cursor.ts";
import { isUuid } from "../jobs/validation.ts";
import type { JobCount } from "../jobs/gateway.ts";
import type { JobRecord } from "../jobs/model.ts";
import type { ListedJob } from "../jobs/service.ts";
import { DEFAULT_JOB_ORDER, type JobOrder, type JobOrderField } from "../jobs/order.ts";
import { builder } from "./builder.ts";
import { reportPartial } from "./partial-errors.ts";
import { ArchiveStatusEnum, JobStateEnum, ReasonerTypeEnum } from "./enums.ts";
import { ArtifactRef, JobRef } from "./job.ts";
import { listPrefetch, primeLoaders, readJobSelected, selectsCount, selectsPage } from "./list-prefetch.ts";

export function jobKey(reasonerType: JobRecord["reasonerType"], jobId: string | number) {
  const id = String(jobId);
  return { reasonerType, jobId: id, valid: isUuid(id) };
}

export const JobFilterInput = builder.inputType("JobFilter", {
  fields: (t) => ({
    reasonerType: t.field({ type: ReasonerTypeEnum, required: false }),
    jobId: t.id({ required: false }),
    state: t.field({ type: JobStateEnum, required: false }),
    name: t.string({ required: false, description: "Jobs of exactly this name." }),
    nameContains: t.string({
      required: false,
      description: "Jobs whose name holds this text, in any case (a search box's filter).",
    }),
    createdBy: t.string({ required: false }),
    onlyActive: t.boolean({ required: false, defaultValue: false }),
    allUsers: t.boolean({ required: false, defaultValue: false }),
    assignedAgentId: t.id({ required: false }),
    archiveStatus: t.field({ type: ArchiveStatusEnum, required: false }),
    createdAfter: t.field({
      type: "DateTime",
      required: false,
      description:
        "Jobs created at or after this time (inclusive). With createdBefore a half-open window [createdAfter, createdBefore): consecutive windows neither overlap nor skip a job.",
    }),
    createdBefore: t.field({
      type: "DateTime",
      required: false,
      description:
        "Jobs created before this time (exclusive). Not after or equal to createdAfter: BAD_USER_INPUT (field filter.createdBefore).",
    }),
  }),
});

/**
 * The filter as the services take it: ids as strings, whatever form the client sent them in. An empty
 * creation window (createdAfter at or after createdBefore) is refused rather than answered with no jobs:
 * it is the caller's mistake (bounds swapped), not a question.
 */
export function jobFilterOf(filter: JobFilterArg | null | undefined) {
  if (filter?.createdAfter && filter.createdBefore && filter.createdAfter.getTime() >= filter.createdBefore.getTime())
    throw jobsError("BAD_USER_INPUT", "filter.createdBefore: must be later than filter.createdAfter", {
      field: "filter.createdBefore",
    });
  return {
    ...filter,
    jobId: filter?.jobId != null ? String(filter.jobId) : null,
    assignedAgentId: filter?.assignedAgentId != null ? String(filter.assignedAgentId) : null,
  };
}
type JobFilterArg = typeof JobFilterInput.$inferInput;

export const JobOrderFieldEnum = builder.enumType("JobOrderField", {
  description: "What jobs(orderBy:) sorts by; ties (and every job of one key) in id order, the same direction.",
  values: {
    CREATED_ON: { value: "CREATED_ON", description: "When the job was created (the default, newest first)." },
    NAME: {
      value: "NAME",
      description:
        "The job's name, by its UTF-8 bytes (uppercase before lowercase); jobs without one as the empty name.",
    },
    STATE: { value: "STATE", description: "The job's state, in JobState's order (CREATED first, UNKNOWN last)." },
    FINISHED_ON: {
      value: "FINISHED_ON",
      description: "When the job finished; one not finished yet counts as later than every finished one.",
    },
  } as const satisfies Record<JobOrderField, unknown>,
});
export const OrderDirectionEnum = builder.enumType("OrderDirection", {
  values: {
    ASC: { value: "ASC", description: "Smallest (earliest) first." },
    DESC: { value: "DESC", description: "Largest (latest) first." },
  } as const,
});
export const JobOrderInput = builder.inputType("JobOrder", {
  description:
    "The order of a jobs page. A cursor belongs to its order: `after` from a page in another order is BAD_USER_INPUT.",
  fields: (t) => ({
    field: t.field({ type: JobOrderFieldEnum, required: true }),
    direction: t.field({ type: OrderDirectionEnum, required: true }),
  }),
});

/** The order as the services take it: newest first when none is given. */
export function jobOrderOf(order: typeof JobOrderInput.$inferInput | null | undefined): JobOrder {
  return order ? { field: order.field, direction: order.direction } : DEFAULT_JOB_ORDER;
}

/** An edge of a page of jobs; its cursor is encoded only when selected. */
class JobEdge {
  constructor(private readonly item: ListedJob) {}
  get node(): JobRecord {
    return this.item.job;
  }
  get cursor(): string {
    return this.item.cursor;
  }
}

type JobsConnection = {
  edges: { cursor: string; node: JobRecord }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: () => Promise<JobCount>;
};

const JobConnection = builder.connectionObject(
  {
    type: JobRef,
    name: "JobConnection",
    fields: (t) => ({
      totalCount: t.int({ resolve: async (c) => (await (c as unknown as JobsConnection).totalCount()).value }),
      totalCountIsEstimate: t.boolean({
        description:
          "Whether totalCount is the database's estimate: up to 100 matching jobs are always counted; past that, counts are exact while the planner expects at most JOBS_EXACT_COUNT_LIMIT matching jobs (and there are), and its estimate otherwise.",
        resolve: async (c) => (await (c as unknown as JobsConnection).totalCount()).estimated,
      }),
    }),
  },
  { name: "JobEdge" },
);

builder.queryFields((t) => ({
  job: t.field({
    type: JobRef,
    nullable: true,
    args: { reasonerType: t.arg({ type: ReasonerTypeEnum, required: true }), jobId: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx, info) => {
      const key = jobKey(args.reasonerType, args.jobId);
      if (!key.valid) return null;
      return readJobSelected({ reasonerType: key.reasonerType, jobId: key.jobId }, ctx, info);
    },
  }),
  jobs: t.field({
    type: JobConnection,
    description: "Newest first unless orderBy says otherwise; with no reasonerType, merged across every family.",
    args: {
      filter: t.arg({ type: JobFilterInput, required: false }),
      orderBy: t.arg({ type: JobOrderInput, required: false }),
      first: t.arg.int({ required: false, defaultValue: 50 }),
      after: t.arg.string({ required: false }),
      offset: t.arg.int({ required: false, description: "Skip this many (instead of after)." }),
    },
    resolve: async (_root, args, ctx, info) => {
      const first = pageSize(args.first, 50);
      const offset = pageOffset(args.offset, args.after);
      const filter = jobFilterOf(args.filter);
      if (filter.jobId && !isUuid(filter.jobId)) {
        return {
          edges: [],
          pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
          totalCount: async () => ({ value: 0, estimated: false }),
        };
      }
      // Remote gateways read the selected expansions with the list (one upstream request per page).
      const prefetch = ctx.services.registry.gateways().some((g) => g.kind === "remote")
        ? listPrefetch(info)
        : undefined;
      // A query of the count alone reads a page of one (which still checks the arguments and reports
      // unavailable gateways): the page's jobs, cursors and hasNextPage are not selected.
      const read = selectsPage(info) ? first : 1;
      const page = await ctx.services.jobs.list(filter, read, args.after ?? null, ctx.viewer, {
        offset,
        prefetch,
        order: jobOrderOf(args.orderBy),
        counted: selectsCount(info),
      });
      primeLoaders(page, ctx);
      for (const error of page.unavailable) reportPartial(ctx, info, error);
      for (const { job } of page.items) ctx.loaders.job.prime({ reasonerType: job.reasonerType, jobId: job.id }, job);
      const edges = page.items.map((item) => new JobEdge(item));
      return {
        edges,
        pageInfo: {
          hasNextPage: page.hasNextPage,
          hasPreviousPage: args.after != null || offset > 0,
          get startCursor() {
            return edges[0]?.cursor ?? null;
          },
          get endCursor() {
            return edges.at(-1)?.cursor ?? null;
          },
        },
        totalCount: page.totalCount,
      };
    },
  }),
  artifacts: t.field({
    type: [ArtifactRef],
    description: "Every artifact of a job the caller may see, whatever its family.",
    args: { jobId: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const job = await ctx.services.jobs.findById(String(args.jobId), ctx.viewer);
      if (!job) throw jobsError("NOT_FOUND", `job ${args.jobId} not found`);
      return ctx.loaders.artifacts.load(job);
    },
  }),
  waitForJob: t.field({
    type: JobRef,
    description: "Blocks until the job is terminal; fails with JOB_TIMEOUT after timeoutS.",
    args: {
      reasonerType: t.arg({ type: ReasonerTypeEnum, required: true }),
      jobId: t.arg.id({ required: true }),
      timeoutS: t.arg.float({ required: false, defaultValue: 900 }),
    },
    resolve: (_root, args, ctx) => {
      const key = jobKey(args.reasonerType, args.jobId);
      if (!key.valid) throw jobsError("NOT_FOUND", `${key.reasonerType} job ${key.jobId} not found`);
      return ctx.services.jobs.waitForTerminal(key, args.timeoutS ?? 900, ctx.viewer, ctx.signal);
    },
  }),
}));
