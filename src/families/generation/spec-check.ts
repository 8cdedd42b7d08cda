// A built-in kind's spec, checked when the job is created: a bad spec is BAD_USER_INPUT naming the
// field, not a job accepted and then failed. Kinds without a built-in executor are their worker's to check.
import { z } from "zod";
import { jobsError } from "../../errors.ts";
import type { GenerationKind, PlanTier } from "../../jobs/model.ts";
import { parseInput } from "../../jobs/validation.ts";
import { MockSpecError } from "./engine/column-spec.ts";
import { parseMockContract, resolveMockColumns } from "./engine/mock.ts";

/** The generation contract a job was created with: what its output is a pure function of. */
export interface GenerationContract {
  kind: GenerationKind;
  rows: number | null;
  description: string | null;
  seed: number;
  spec: Record<string, unknown> | null;
  planTier: PlanTier;
}

/** spec.input: one artifact id, or a list of them (a batch step may name an earlier step's output). */
const ArtifactRefs = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
  error: "name the artifact to read: its id, or a list of ids",
});

const ReadsInput = z.object({ input: ArtifactRefs }, { error: "name the CSV artifact to read in spec.input" });

const Verify = z.union(
  [
    z.object({ jobId: z.string().min(1) }),
    z.object({
      artifacts: z.array(z.object({ artifactId: z.string().min(1), expectedHash: z.string().min(1) })).min(1),
    }),
    z.object({ artifacts: z.array(z.object({ expectedHash: z.string().min(1) })).min(1), input: ArtifactRefs }),
  ],
  {
    error:
      "VERIFY needs spec.jobId, or spec.artifacts [{ artifactId, expectedHash }] (ids may instead be in spec.input)",
  },
);

export function checkBuiltInSpec(g: GenerationContract, path: string): void {
  switch (g.kind) {
    case "MOCK":
      try {
        resolveMockColumns(
          parseMockContract({
            kind: g.kind,
            rows: g.rows,
            description: g.description,
            seed: g.seed,
            spec: g.spec,
            planTier: g.planTier,
          }),
        );
      } catch (err) {
        if (!(err instanceof MockSpecError)) throw err;
        const field = `${path}.${err.field}`;
        throw jobsError("BAD_USER_INPUT", `${field}: ${err.issues[0]?.message ?? err.message}`, { field });
      }
      return;
    case "ANALYZE":
    case "FIT":
    case "LIFT":
      if (g.spec?.inputs !== undefined && g.spec.input === undefined)
        parseInput(ArtifactRefs, g.spec.inputs, `${path}.spec.inputs`);
      else parseInput(ReadsInput, g.spec ?? {}, `${path}.spec`);
      return;
    case "VERIFY":
      parseInput(Verify, g.spec ?? {}, `${path}.spec`);
      return;
    default:
      return;
  }
}
