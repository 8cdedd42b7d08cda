// Records a succeeded generation job's evidence (run inside a transaction): the bundle's files as
// artifacts with purpose "evidence" and generation_details.evidence, together or not at all, under
// the job's generation_details row lock, so concurrent builders (the completing process, a repair
// pass, a reader) record it once. The blobs must already be in the blob store.
import type { Sql } from "../../db/database.ts";
import { newId } from "../../ids.ts";

export interface StoredEvidence {
  rootHash: string;
  signature: string;
  publicKey: string;
  fileIds: string[];
}

export interface EvidenceFileRow {
  name: string;
  mimeType: string;
  sizeBytes: number;
  contentHash: string;
}

/** The evidence now recorded for the job (this call's, or the one recorded before it). */
export async function saveEvidence(
  tx: Sql,
  job: { jobId: string; tenantId: string },
  bundle: { rootHash: string; signature: string; publicKey: string },
  files: readonly EvidenceFileRow[],
): Promise<StoredEvidence> {
  const locked = await tx.query<{ evidence: StoredEvidence | null }>(
    `select "evidence" from "generation_details" where "jobId" = $1::uuid for update`,
    [job.jobId],
  );
  const before = locked[0]?.evidence;
  if (before) return before;
  const ids = files.map(() => newId());
  await tx.query(
    `insert into "artifacts" ("id", "tenantId", "jobId", "purpose", "name", "artifactType", "mimeType", "sizeBytes", "contentHash")
     select f.id, $1::uuid, $2::uuid, 'evidence', f.name, 'evidence', f.mime, f.size, f.hash
     from unnest($3::uuid[], $4::text[], $5::text[], $6::bigint[], $7::text[]) with ordinality as f(id, name, mime, size, hash, ord)
     order by f.ord`,
    [
      job.tenantId,
      job.jobId,
      ids,
      files.map((f) => f.name),
      files.map((f) => f.mimeType),
      files.map((f) => f.sizeBytes),
      files.map((f) => f.contentHash),
    ],
  );
  const evidence: StoredEvidence = {
    rootHash: bundle.rootHash,
    signature: bundle.signature,
    publicKey: bundle.publicKey,
    fileIds: ids,
  };
  await tx.query(`update "generation_details" set "evidence" = $2::jsonb where "jobId" = $1::uuid`, [
    job.jobId,
    JSON.stringify(evidence),
  ]);
  return evidence;
}
