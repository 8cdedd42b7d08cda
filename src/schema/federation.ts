// Apollo Federation 2: the job types are entities keyed by their global `id`, so another subgraph
// can reference a GenerationJob (or any job) and the router asks this one to resolve it — through
// the same per-request loaders and visibility rules as `node`.
import { decodeGlobalID } from "@pothos/plugin-relay";
import { AgentJobRef } from "../families/agent/schema.ts";
import { BatchJobRef } from "../families/batch/schema.ts";
import { GenerationJobRef } from "../families/generation/schema.ts";
import { TransactionRef } from "../families/logic/schema.ts";
import { ReasonerJobRef } from "../families/reasoner/schema.ts";
import type { JobRecord, ReasonerType } from "../jobs/model.ts";
import { isUuid } from "../jobs/validation.ts";
import { builder } from "./builder.ts";
import type { Context } from "./context.ts";

async function resolveJob(ref: { id: string }, ctx: Context, typeName: string, reasonerTypes: readonly ReasonerType[]): Promise<JobRecord | null> {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(String(ref.id));
  } catch {
    return null;
  }
  const [reasonerType, jobId] = decoded.id.split(":") as [ReasonerType, string | undefined];
  if (decoded.typename !== typeName || !jobId || !isUuid(jobId) || !reasonerTypes.includes(reasonerType)) return null;
  return ctx.loaders.job.load({ reasonerType, jobId });
}

const key = builder.selection<{ id: string }>("id");

builder.asEntity(TransactionRef, { key, resolveReference: (ref, ctx) => resolveJob(ref, ctx, "Transaction", ["LOGIC"]) });
builder.asEntity(ReasonerJobRef, { key, resolveReference: (ref, ctx) => resolveJob(ref, ctx, "ReasonerJob", ["PRESCRIPTIVE", "PREDICTIVE"]) });
builder.asEntity(AgentJobRef, { key, resolveReference: (ref, ctx) => resolveJob(ref, ctx, "AgentJob", ["AGENT"]) });
builder.asEntity(GenerationJobRef, { key, resolveReference: (ref, ctx) => resolveJob(ref, ctx, "GenerationJob", ["GENERATION"]) });
builder.asEntity(BatchJobRef, { key, resolveReference: (ref, ctx) => resolveJob(ref, ctx, "BatchJob", ["BATCH"]) });
