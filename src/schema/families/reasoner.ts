import { builder } from "../builder.ts";
import { jobNodeOptions } from "../job.ts";
import type { JobRecord } from "../../jobs/model.ts";

export const ReasonerJobRef = builder.objectRef<JobRecord>("ReasonerJob");

builder.node(ReasonerJobRef, {
  ...jobNodeOptions(["PRESCRIPTIVE", "PREDICTIVE"]),
  fields: (t) => ({
    result: t.field({ type: "JSON", nullable: true, resolve: (job) => job.result ?? null }),
  }),
});
