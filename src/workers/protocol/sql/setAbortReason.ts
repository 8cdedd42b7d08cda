// A logic transaction says why it ended without success (RelationalAI's `abort_reason`): every path
// that ends one that way records it here. Other families have no such column, so this is a no-op
// for them, and callers need not know which families do.
import type { Sql } from "../../../db/database.ts";

export async function setAbortReason(
  tx: Sql,
  job: { id: string; reasonerType: string },
  reason: string,
): Promise<void> {
  if (job.reasonerType !== "LOGIC") return;
  await tx.query(`update "transaction_details" set "abortReason" = $2::text where "jobId" = $1::uuid`, [
    job.id,
    reason,
  ]);
}
