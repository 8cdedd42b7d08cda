// Records the problems a run reported (a worker's completeJob/failJob, a built-in executor's
// outcome) on its job, in one statement, inside the transaction that ends the attempt.
import type { Sql } from "../../../db/database.ts";
import { newId } from "../../../ids.ts";

/** One problem as workers and executors report it; the same shape `Job.problems` answers. */
export interface ProblemReport {
  severity: string;
  code: string;
  message: string;
  details?: unknown;
}

export async function recordProblems(tx: Sql, jobId: string, problems: readonly ProblemReport[]): Promise<void> {
  if (problems.length === 0) return;
  // newId's ids ascend in the order made, so problems read back in the order reported.
  const rows = problems.map((p) => ({
    id: newId(),
    severity: p.severity,
    code: p.code,
    message: p.message,
    details: p.details ?? null,
  }));
  await tx.query(
    `insert into "problems" ("id", "jobId", "severity", "code", "message", "details")
     select p."id", $1::uuid, p."severity", p."code", p."message", p."details"
     from jsonb_to_recordset($2::jsonb) as p("id" uuid, "severity" text, "code" text, "message" text, "details" jsonb)`,
    [jobId, JSON.stringify(rows)],
  );
}
