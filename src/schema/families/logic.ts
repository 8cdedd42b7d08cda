import { builder } from "../builder.ts";
import { jobNodeOptions } from "../job.ts";
import type { JobRecord } from "../../jobs/model.ts";
import { transactionTimings } from "../../families/logic/timings.ts";

export const TransactionRef = builder.objectRef<JobRecord>("Transaction");

builder.node(TransactionRef, {
  ...jobNodeOptions(["LOGIC"]),
  fields: (t) => ({
    databaseName: t.string({ nullable: true, resolve: (job) => job.transaction?.databaseName ?? null }),
    engineName: t.string({ nullable: true, resolve: (job) => job.transaction?.engineName ?? null }),
    readOnly: t.boolean({ resolve: (job) => job.transaction?.readOnly ?? false }),
    abortReason: t.string({ nullable: true, resolve: (job) => job.transaction?.abortReason ?? null }),
    progress: t.field({ type: "JSON", nullable: true, resolve: (job) => job.transaction?.progress ?? null }),
    timings: t.field({
      type: "JSON",
      nullable: true,
      // A stored value is an upstream's (a relayed transaction); a local one is read from the job's moments.
      resolve: (job) => job.transaction?.timings ?? transactionTimings(job),
    }),
  }),
});
