import { jobsError } from "../../errors.ts";
import type { ArtifactRecord, SealRecord } from "../../jobs/gateway.ts";
import type { GenerationKind, JobRecord } from "../../jobs/model.ts";
import { isTerminal } from "../../jobs/states.ts";
import { builder } from "../builder.ts";
import { GenerationKindEnum, PlanTierEnum } from "../enums.ts";
import { createdPayload, CreateJobPayloadRef } from "../job-mutations.ts";
import { ArtifactRef, jobNodeOptions } from "../job.ts";
import type { CreditEstimate } from "../../jobs/gateway.ts";
import { estimateCredits, trainingTier } from "../../families/generation/credits.ts";
import { generationJob, MAX_ROWS } from "../../families/generation/input.ts";

/** An estimate asked of this server; `upstream` holds the answer when GENERATION is served upstream. */
type EstimateRequest = { kind: GenerationKind; rows: number; upstream?: CreditEstimate };

const CreditEstimateRef = builder.objectRef<EstimateRequest>("CreditEstimate").implement({
  fields: (t) => ({
    kind: t.field({ type: GenerationKindEnum, resolve: (e) => e.kind }),
    rows: t.exposeInt("rows"),
    estimatedCredits: t.float({
      description:
        "1 per 1,000,000 rows (rounded up; FABRICATE, SCENARIO_FABRICATE and VERIFY make none), plus the training tier's price for kinds that train.",
      resolve: (e) => e.upstream?.estimatedCredits ?? estimateCredits(e.kind, e.rows),
    }),
    trainingTier: t.string({
      nullable: true,
      description: "GPU-S, GPU-M or GPU-L by rows, for kinds that train (SYNTHESIZE, TRAIN); null otherwise.",
      resolve: (e) => (e.upstream ? e.upstream.trainingTier : trainingTier(e.kind, e.rows)),
    }),
  }),
});

/** What generation_details.evidence holds once a job succeeded. */
export interface StoredEvidence {
  rootHash: string;
  signature: string;
  publicKey: string;
  fileIds: string[];
}

const EvidenceBundleRef = builder.objectRef<{ job: JobRecord; evidence: StoredEvidence }>("EvidenceBundle").implement({
  fields: (t) => ({
    rootHash: t.string({ description: "Root hash of the bundle's hash chain.", resolve: (e) => e.evidence.rootHash }),
    signature: t.string({ resolve: (e) => e.evidence.signature }),
    publicKey: t.string({ resolve: (e) => e.evidence.publicKey }),
    files: t.field({
      type: [ArtifactRef],
      resolve: async (e, _a, ctx) => {
        const gateway = ctx.services.registry.for("GENERATION");
        const expansions = gateway.expansionsFor?.(ctx.viewer, () => "GENERATION") ?? gateway.expansions;
        const found = await expansions.artifactsById(e.evidence.fileIds);
        return found.filter((a): a is ArtifactRecord => a !== null);
      },
    }),
    verified: t.boolean({
      resolve: async (e, _a, ctx) => {
        // An upstream job's bytes are the upstream's: it recomputes its evidence there.
        const upstream = ctx.services.registry.for("GENERATION").generation;
        if (upstream) return upstream.verifyEvidence(e.job.id, ctx.viewer);
        return ctx.services.evidence.verify(e.job, e.evidence);
      },
    }),
  }),
});

const ProvenanceSealRef = builder.objectRef<SealRecord>("ProvenanceSeal").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    sealHash: t.exposeString("sealHash"),
    previousSealHash: t.exposeString("previousSealHash", { nullable: true }),
    createdOn: t.expose("createdOn", { type: "DateTime" }),
  }),
});

export const GenerationJobRef = builder.objectRef<JobRecord>("GenerationJob");

builder.node(GenerationJobRef, {
  ...jobNodeOptions(["GENERATION"]),
  fields: (t) => ({
    kind: t.field({ type: GenerationKindEnum, resolve: (job) => job.generation!.kind }),
    rows: t.int({ nullable: true, resolve: (job) => job.generation?.rows ?? null }),
    description: t.string({ nullable: true, resolve: (job) => job.generation?.description ?? null }),
    seed: t.int({ resolve: (job) => job.generation?.seed ?? 0 }),
    queue: t.exposeString("queue"),
    planTier: t.field({ type: PlanTierEnum, resolve: (job) => job.generation?.planTier ?? "STANDARD" }),
    estimatedCredits: t.float({ resolve: (job) => job.generation?.estimatedCredits ?? 0 }),
    chargedCredits: t.float({
      description: "Charged only when the job succeeds; 0 until then.",
      resolve: (job) => job.generation?.chargedCredits ?? 0,
    }),
    rerunOf: t.field({
      type: GenerationJobRef,
      nullable: true,
      resolve: (job, _a, ctx) =>
        job.generation?.rerunOfId
          ? ctx.loaders.job.load({ reasonerType: "GENERATION", jobId: job.generation.rerunOfId })
          : null,
    }),
    // Evidence and seal are built just after the SUCCEEDED commit; a reader who comes in between
    // (or after a crash) gets them built on the spot (idempotent), so a succeeded job always has them.
    evidence: t.field({
      type: EvidenceBundleRef,
      nullable: true,
      resolve: async (job, _a, ctx) => {
        let evidence = (job.generation?.evidence ?? null) as StoredEvidence | null;
        if (!evidence && job.state === "SUCCEEDED") evidence = await ctx.services.evidence.ensure(job.id);
        return evidence ? { job, evidence } : null;
      },
    }),
    seal: t.field({
      type: ProvenanceSealRef,
      nullable: true,
      resolve: async (job, _a, ctx) => {
        const seal = await ctx.loaders.seal.load(job);
        // Evidence is built where the job ran: an upstream job's seal is the upstream's answer.
        if (seal || job.state !== "SUCCEEDED" || ctx.services.registry.for("GENERATION").kind === "remote") return seal;
        await ctx.services.evidence.ensure(job.id);
        return (await ctx.services.registry.for("GENERATION").expansions.seals([job.id]))[0] ?? null;
      },
    }),
  }),
});

const CreateGenerationJobInput = builder.inputType("CreateGenerationJobInput", {
  fields: (t) => ({
    kind: t.field({
      type: GenerationKindEnum,
      required: false,
      description:
        "Absent: chosen from the input (a description alone makes MOCK, spec.model SYNTHESIZE, spec.input alone ANALYZE); the job's kind and payload.kindChosen say which.",
    }),
    rows: t.int({ required: false }),
    description: t.string({ required: false }),
    seed: t.int({ required: false }),
    spec: t.field({
      type: "JSON",
      required: false,
      description: "Column definitions, datasets or other kind-specific input.",
    }),
    planTier: t.field({ type: PlanTierEnum, required: false, defaultValue: "STANDARD" }),
    name: t.string({ required: false }),
    timeoutMins: t.int({ required: false }),
    idempotencyKey: t.string({ required: false }),
  }),
});

builder.queryField("estimateCredits", (t) =>
  t.field({
    type: CreditEstimateRef,
    args: { kind: t.arg({ type: GenerationKindEnum, required: true }), rows: t.arg.int({ required: true }) },
    resolve: async (_root, { kind, rows }, ctx): Promise<EstimateRequest> => {
      if (rows < 0 || rows > MAX_ROWS)
        throw jobsError("BAD_USER_INPUT", `rows: must be between 0 and ${MAX_ROWS}`, { field: "rows" });
      // Priced where the jobs would run.
      const upstream = ctx.services.registry.for("GENERATION").generation;
      return upstream
        ? { kind, rows, upstream: await upstream.estimateCredits(kind, rows, ctx.viewer) }
        : { kind, rows };
    },
  }),
);

builder.mutationFields((t) => ({
  createGenerationJob: t.field({
    type: CreateJobPayloadRef,
    args: { input: t.arg({ type: CreateGenerationJobInput, required: true }) },
    auditTarget: (made) => made.job.id,
    resolve: async (_root, { input }, ctx) =>
      createdPayload(
        await ctx.services.jobs.create(
          generationJob(input, ctx.services.config),
          { createGenerationJob: input },
          ctx.viewer,
        ),
      ),
  }),
  rerunJob: t.field({
    type: CreateJobPayloadRef,
    description: "Same contract, same seed: byte-identical output.",
    args: { jobId: t.arg.id({ required: true }) },
    // The new job (it names the original as what it reruns); a refused rerun names the original.
    auditTarget: (made) => made.job.id,
    resolve: async (_root, args, ctx) => {
      const jobId = String(args.jobId);
      const original = await ctx.services.jobs.requireFamily(jobId, "GENERATION", "rerunJob", ctx.viewer);
      // A rerun reproduces a finished job; one still running has no output to reproduce yet.
      if (!isTerminal(original.state)) {
        throw jobsError("INVALID_TRANSITION", `job ${jobId} is ${original.state}; only a finished job can be rerun`, {
          field: "jobId",
          state: original.state,
        });
      }
      const g = original.generation!;
      const input = {
        kind: g.kind,
        rows: g.rows,
        description: g.description,
        seed: g.seed,
        spec: g.spec as Record<string, unknown> | null,
        planTier: g.planTier,
        name: original.name,
        timeoutMins: original.timeoutMins,
      };
      return createdPayload(
        await ctx.services.jobs.create(
          generationJob(input, ctx.services.config, "input", original.id),
          { rerunJob: jobId, at: Date.now() },
          ctx.viewer,
        ),
      );
    },
  }),
}));
