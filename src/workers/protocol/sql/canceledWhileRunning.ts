// What a job canceled while it ran says in its error.message: the reason its cancel was requested
// with, when one was given (a batch's child: "canceled: batch <id> timed out"), as a job canceled
// before it started says; else that it was canceled while running. The reason is in the history
// entry of the move to CANCELING (src/jobs/local/gateway.ts writes "cancel requested: <reason>").
import type { Sql } from "../../../db/database.ts";

const REQUESTED = "cancel requested: ";

export async function canceledWhileRunning(tx: Sql, jobId: string): Promise<string> {
  const [request] = await tx.query<{ message: string | null }>(
    `select "message" from "job_status_changes" where "jobId" = $1::uuid and "state" = 'CANCELING' order by "seq" desc limit 1`,
    [jobId],
  );
  const message = request?.message;
  return message?.startsWith(REQUESTED) ? `canceled: ${message.slice(REQUESTED.length)}` : "canceled while running";
}
