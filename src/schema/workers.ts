// The worker protocol's GraphQL surface: registerWorker, claimJob (and claimJobs), heartbeat, updateJobStatus,
// appendJobEvents, appendJobLogs, completeJob, failJob, releaseJob. Resolvers parse and delegate to the service.
import { DEFAULT_LEASE_SECONDS, type LeaseStatus } from "@jobs-api/client";
import type { JobRecord, ReasonerType } from "../jobs/model.ts";
import { builder } from "./builder.ts";
import { itemsOrErrors } from "./list-items.ts";
import { reportPartial } from "./partial-errors.ts";
import { isJobsError } from "../errors.ts";
import type { Context } from "./context.ts";
import { GenerationKindEnum, JobStateEnum, ReasonerTypeEnum } from "./enums.ts";
import { JobRef } from "./job.ts";
import type { WorkerView } from "../jobs/remote/workers.ts";
import { type ApiLease, MAX_COMPLETIONS_PER_CALL, requireWorkerRole } from "../workers/protocol/service.ts";
import { relayForTypes, relayOf, remoteWorkerRelays } from "../workers/relay.ts";
import { MAX_CLAIM_BATCH } from "../workers/protocol/sql/claimJob.ts";
import { MAX_FREE_HAND_BACKS } from "../workers/protocol/sql/failJob.ts";

/** Workers listed when `first` is not given. */
const WORKERS_PAGE = 100;

/**
 * The job as it is now, for a protocol verb's answer: through the request's loader (its fields'
 * expansions use the same loaders), but never from its cache (an earlier operation may have read it).
 * The verbs of one batched request share a read only when their loads fall in the same tick, which
 * they rarely do: each runs its own statements first.
 */
async function freshJob(ctx: Context, reasonerType: ReasonerType, jobId: string): Promise<JobRecord> {
  const key = { reasonerType, jobId };
  const job = await ctx.loaders.job.clear(key).load(key);
  if (!job) throw new Error(`job ${jobId} vanished after a protocol call`);
  return job;
}

/** A worker-protocol call on a worker id or lease token an upstream handed out: relayed there. */
function relayed(ctx: Context, handle: string) {
  const relay = relayOf(ctx.services.registry, handle);
  if (relay) requireWorkerRole(ctx.viewer);
  return relay;
}

const WorkerRef = builder.objectRef<WorkerView>("Worker").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    reasonerTypes: t.field({ type: [ReasonerTypeEnum], resolve: (w) => w.reasonerTypes }),
    reasonerNames: t.exposeStringList("reasonerNames"),
    generationKinds: t.field({ type: [GenerationKindEnum], resolve: (w) => w.generationKinds }),
    poolId: t.id({ nullable: true, resolve: (w) => w.poolId }),
    lastSeenOn: t.expose("lastSeenOn", { type: "DateTime" }),
  }),
});

const LeaseRef = builder.objectRef<ApiLease>("Lease").implement({
  description: "What a worker holds while it runs a job; every later call must present the token.",
  fields: (t) => ({
    token: t.exposeString("token"),
    expiresOn: t.expose("expiresOn", { type: "DateTime" }),
    job: t.field({ type: JobRef, resolve: (l) => l.job }),
  }),
});

const NoJobResponseRef = builder.objectRef<{ message: string }>("NoJobResponse").implement({
  fields: (t) => ({ message: t.exposeString("message") }),
});

const ClaimResultRef = builder.unionType("ClaimResult", {
  types: [LeaseRef, NoJobResponseRef],
  resolveType: (value) => ("token" in value ? LeaseRef : NoJobResponseRef),
});

const LeaseStatusRef = builder.objectRef<LeaseStatus<Date>>("LeaseStatus").implement({
  fields: (t) => ({
    expiresOn: t.expose("expiresOn", { type: "DateTime" }),
    cancelRequested: t.exposeBoolean("cancelRequested", {
      description: "The job was asked to stop: the worker should wind down and call failJob or completeJob.",
    }),
  }),
});

const RegisterWorkerInput = builder.inputType("RegisterWorkerInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    reasonerTypes: t.field({ type: [ReasonerTypeEnum], required: true }),
    reasonerNames: t.stringList({
      required: false,
      description: "Restrict to these reasoner names / queues; empty means any.",
    }),
    poolId: t.id({ required: false }),
    generationKinds: t.field({
      type: [GenerationKindEnum],
      required: false,
      description: "Restrict GENERATION claims to these kinds; empty or absent means any.",
    }),
  }),
});

const LogLineInput = builder.inputType("LogLineInput", {
  fields: (t) => ({
    timestampMs: t.float({ required: false }),
    level: t.string({ required: false, defaultValue: "info" }),
    message: t.string({ required: true }),
    step: t.string({ required: false }),
  }),
});

const JobCompletionInput = builder.inputType("JobCompletionInput", {
  description: "One completion of completeJobs: what completeJob takes.",
  fields: (t) => ({
    leaseToken: t.string({ required: true }),
    result: t.field({ type: "JSON", required: false }),
    artifactIds: t.idList({ required: false }),
    problems: t.field({ type: [ProblemInput], required: false }),
  }),
});

const ProblemInput = builder.inputType("ProblemInput", {
  description: "A problem the run found (a row that failed, a column skipped, a mismatch); the job's problems list it.",
  fields: (t) => ({
    severity: t.string({ required: true }),
    code: t.string({ required: true }),
    message: t.string({ required: true }),
    details: t.field({ type: "JSON", required: false }),
  }),
});

const JobErrorInput = builder.inputType("JobErrorInput", {
  fields: (t) => ({
    code: t.string({ required: true }),
    message: t.string({ required: true }),
  }),
});

builder.queryField("workers", (t) =>
  t.field({
    type: [WorkerRef],
    description:
      "Admins: the tenant's registered workers, most recently seen (claim or heartbeat) first. At a front, each upstream's too (ids `@<gateway>/<id>`); an upstream that cannot answer is an error beside the others' workers.",
    args: { first: t.arg.int({ required: false, defaultValue: WORKERS_PAGE }) },
    resolve: async (_root, args, ctx, info) => {
      const first = args.first ?? WORKERS_PAGE;
      const own: WorkerView[] = await ctx.services.protocol.listWorkers(first, ctx.viewer);
      const upstreams = await Promise.all(
        remoteWorkerRelays(ctx.services.registry).map(({ workers }) =>
          workers.list(first, ctx.viewer).catch((error: unknown) => {
            if (!isJobsError(error)) throw error;
            reportPartial(ctx, info, error);
            return [];
          }),
        ),
      );
      return [own, ...upstreams]
        .flat()
        .sort((a, b) => b.lastSeenOn.getTime() - a.lastSeenOn.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .slice(0, first);
    },
  }),
);

builder.mutationFields((t) => ({
  registerWorker: t.field({
    type: WorkerRef,
    args: { input: t.arg({ type: RegisterWorkerInput, required: true }) },
    auditTarget: (worker) => worker.id,
    resolve: (_root, { input }, ctx) => {
      const relay = relayForTypes(ctx.services.registry, input.reasonerTypes);
      if (relay) {
        requireWorkerRole(ctx.viewer);
        return relay.register(input, ctx.viewer);
      }
      return ctx.services.protocol.registerWorker(
        { ...input, poolId: input.poolId == null ? input.poolId : String(input.poolId) },
        ctx.viewer,
      );
    },
  }),
  claimJob: t.field({
    type: ClaimResultRef,
    description: "Atomically hands one eligible job to this worker, or says there is none.",
    args: {
      workerId: t.arg.id({ required: true }),
      leaseSeconds: t.arg.int({ required: false, defaultValue: DEFAULT_LEASE_SECONDS }),
    },
    // The claimed job (the lease's token is never written); none when no job was waiting.
    auditTarget: (claim) => ("token" in claim ? claim.job.id : null),
    resolve: async (_root, args, ctx) => {
      const relay = relayed(ctx, String(args.workerId));
      if (relay) {
        const [relayedLease] = await relay.workers.claim(relay.handle, args.leaseSeconds, 1, ctx.viewer);
        return relayedLease ?? { message: "no eligible job is waiting for this worker" };
      }
      const [lease] = await ctx.services.protocol.claimForWorker(String(args.workerId), args.leaseSeconds, ctx.viewer);
      return lease ?? { message: "no eligible job is waiting for this worker" };
    },
  }),
  claimJobs: t.field({
    type: [LeaseRef],
    description: `Atomically hands up to \`limit\` (at most ${MAX_CLAIM_BATCH}) eligible jobs to this worker, each under its own lease, in one statement; empty when none is waiting. A worker with several free slots fills them with one call.`,
    args: {
      workerId: t.arg.id({ required: true }),
      leaseSeconds: t.arg.int({ required: false, defaultValue: DEFAULT_LEASE_SECONDS }),
      limit: t.arg.int({ required: true }),
    },
    auditTarget: (leases) => leases.map((l) => l.job.id),
    resolve: async (_root, args, ctx) => {
      const relay = relayed(ctx, String(args.workerId));
      if (relay) return relay.workers.claim(relay.handle, args.leaseSeconds, args.limit, ctx.viewer);
      // The jobs as the claim left them, read from its own rows.
      return ctx.services.protocol.claimForWorker(String(args.workerId), args.leaseSeconds, ctx.viewer, args.limit);
    },
  }),
  heartbeat: t.field({
    type: LeaseStatusRef,
    args: { leaseToken: t.arg.string({ required: true }), progress: t.arg({ type: "JSON", required: false }) },
    resolve: (_root, args, ctx) => {
      const relay = relayed(ctx, args.leaseToken);
      if (relay) return relay.workers.heartbeat(relay.handle, args.progress, ctx.viewer);
      return ctx.services.protocol.heartbeat(args.leaseToken, args.progress, ctx.viewer);
    },
  }),
  updateJobStatus: t.field({
    type: JobRef,
    description:
      "Moves a claimed job through the family's non-terminal states (e.g. VALIDATING, RUNNING, UPLOADING). A move to the state the job is already in changes nothing and answers the job as it is.",
    args: {
      leaseToken: t.arg.string({ required: true }),
      state: t.arg({ type: JobStateEnum, required: true }),
      message: t.arg.string({ required: false }),
    },
    resolve: (_root, args, ctx) => {
      const relay = relayed(ctx, args.leaseToken);
      if (relay) return relay.workers.updateStatus(relay.handle, args.state, args.message, ctx.viewer);
      return ctx.services.protocol.updateStatus(args.leaseToken, args.state, args.message, ctx.viewer);
    },
  }),
  appendJobEvents: t.int({
    args: {
      leaseToken: t.arg.string({ required: true }),
      stream: t.arg.string({ required: false, defaultValue: "progress" }),
      events: t.arg({ type: ["JSON"], required: true }),
    },
    resolve: (_root, args, ctx) => {
      const relay = relayed(ctx, args.leaseToken);
      if (relay) return relay.workers.appendEvents(relay.handle, args.stream, args.events, ctx.viewer);
      return ctx.services.protocol.appendEvents(args.leaseToken, args.stream, args.events, ctx.viewer);
    },
  }),
  appendJobLogs: t.int({
    args: {
      leaseToken: t.arg.string({ required: true }),
      lines: t.arg({ type: [LogLineInput], required: true }),
    },
    resolve: (_root, args, ctx) => {
      const relay = relayed(ctx, args.leaseToken);
      if (relay) return relay.workers.appendLogs(relay.handle, args.lines, ctx.viewer);
      return ctx.services.protocol.appendLogs(args.leaseToken, args.lines, ctx.viewer);
    },
  }),
  completeJob: t.field({
    type: JobRef,
    args: {
      leaseToken: t.arg.string({ required: true }),
      result: t.arg({ type: "JSON", required: false }),
      artifactIds: t.arg.idList({ required: false }),
      problems: t.arg({ type: [ProblemInput], required: false }),
    },
    resolve: async (_root, args, ctx) => {
      const relay = relayed(ctx, args.leaseToken);
      if (relay)
        return relay.workers.complete(
          relay.handle,
          { ...args, artifactIds: args.artifactIds?.map(String) },
          ctx.viewer,
        );
      const protocol = ctx.services.protocol;
      const done = await protocol.complete(
        args.leaseToken,
        args.result,
        args.artifactIds?.map(String),
        ctx.viewer,
        args.problems,
      );
      return done.record ?? freshJob(ctx, done.reasonerType, done.jobId);
    },
  }),
  completeJobs: t.field({
    type: [JobRef],
    nullable: { list: false, items: true },
    description: `completeJob for up to ${MAX_COMPLETIONS_PER_CALL} leases in one operation, answered in order. Each completion succeeds or fails on its own: a failed one is null, with its error at path [completeJobs, index] (LEASE_LOST, BAD_USER_INPUT, ...). A worker whose slots finish together reports them all with one call.`,
    args: { completions: t.arg({ type: [JobCompletionInput], required: true }) },
    resolve: (_root, args, ctx) => {
      const completions = args.completions.map((c) => ({
        leaseToken: c.leaseToken,
        result: c.result,
        artifactIds: c.artifactIds?.map(String) ?? null,
        problems: c.problems,
      }));
      // Relayed leases complete upstream one by one; the front's own together, as before.
      const relays = completions.map((c) => relayed(ctx, c.leaseToken));
      const local = completions.filter((_c, i) => !relays[i]);
      const completing = local.length ? ctx.services.protocol.completeMany(local, ctx.viewer) : [];
      let next = 0;
      return itemsOrErrors(
        completions.map((c, i) => {
          const relay = relays[i];
          if (relay) return relay.workers.complete(relay.handle, c, ctx.viewer);
          // The common completion answers from its own statement's rows; the others read the job again.
          return completing[next++]!.then((done) => done.record ?? freshJob(ctx, done.reasonerType, done.jobId));
        }),
      );
    },
  }),
  failJob: t.field({
    type: JobRef,
    args: {
      leaseToken: t.arg.string({ required: true }),
      error: t.arg({ type: JobErrorInput, required: true }),
      retryable: t.arg.boolean({ required: false, defaultValue: false }),
      problems: t.arg({ type: [ProblemInput], required: false }),
    },
    resolve: async (_root, args, ctx) => {
      const relay = relayed(ctx, args.leaseToken);
      if (relay) return relay.workers.fail(relay.handle, args.error, args.retryable, args.problems, ctx.viewer);
      const protocol = ctx.services.protocol;
      const failed = await protocol.fail(args.leaseToken, args.error, args.retryable, ctx.viewer, args.problems);
      return freshJob(ctx, failed.reasonerType, failed.jobId);
    },
  }),
  releaseJob: t.field({
    type: JobRef,
    description: `Hands a leased job back unfinished, for a worker that is stopping: the job waits again at once, the attempt not counted (after ${MAX_FREE_HAND_BACKS} hand-backs of one job, each further one counts as a retryable failure), the lease is dropped and the status history says why. Only the lease holder can; a job being canceled ends CANCELED.`,
    args: {
      leaseToken: t.arg.string({ required: true }),
      reason: t.arg.string({ required: false, description: "Recorded in the status history." }),
    },
    resolve: async (_root, args, ctx) => {
      const relay = relayed(ctx, args.leaseToken);
      if (relay) return relay.workers.release(relay.handle, args.reason, ctx.viewer);
      const released = await ctx.services.protocol.release(args.leaseToken, args.reason, ctx.viewer);
      return freshJob(ctx, released.reasonerType, released.jobId);
    },
  }),
}));
