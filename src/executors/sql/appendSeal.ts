// Appends a job's seal to the one provenance chain (run inside a transaction). Appends are
// serialized by an advisory lock, each names the current tip's hash as previousSealHash, and each
// seal's createdOn is strictly later than the tip's, so the tip is always the newest row. The
// unique indexes (jobId, sealHash, previousSealHash) refuse a fork or a second seal even if the
// lock were bypassed; the caller retries on a unique violation.
import type { Sql } from "../../db/database.ts";
import { computeSealHash } from "../../families/generation/engine/seal.ts";

const SEAL_CHAIN_LOCK = 7291002;

export interface AppendedSeal {
  sealHash: string;
  previousSealHash: string | null;
  createdOn: Date;
}

/** Null when the job already has a seal. */
export async function appendSeal(
  tx: Sql,
  args: { id: string; jobId: string; rootHash: string },
): Promise<AppendedSeal | null> {
  await tx.query("select pg_advisory_xact_lock($1)", [SEAL_CHAIN_LOCK]);
  const existing = await tx.query<{ id: string }>(`select "id" from "provenance_seals" where "jobId" = $1::uuid`, [
    args.jobId,
  ]);
  if (existing[0]) return null;
  const tips = await tx.query<{ sealHash: string; createdOn: Date }>(
    `select "sealHash", "createdOn" from "provenance_seals" order by "createdOn" desc, "id" desc limit 1`,
  );
  const tip = tips[0];
  const after = tip ? new Date(tip.createdOn).getTime() + 1 : 0;
  const createdOn = new Date(Math.max(Date.now(), after));
  const previousSealHash = tip?.sealHash ?? null;
  const sealHash = computeSealHash({
    previousSealHash,
    jobId: args.jobId,
    rootHash: args.rootHash,
    createdOn: createdOn.toISOString(),
  });
  await tx.query(
    `insert into "provenance_seals" ("id", "jobId", "sealHash", "previousSealHash", "createdOn") values ($1::uuid, $2::uuid, $3, $4, $5::timestamptz)`,
    [args.id, args.jobId, sealHash, previousSealHash, createdOn.toISOString()],
  );
  return { sealHash, previousSealHash, createdOn };
}
