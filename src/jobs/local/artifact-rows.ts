// Artifact rows as Prisma's findMany gave them (same keys in the same order, sizeBytes a bigint), read
// by name from one column list: the output-artifacts expansion and node(id:) both read them so.
import type { ArtifactRecord } from "../gateway.ts";
import { bigint, type Columns, plain, recordReader, timestamp } from "./columns.ts";

/** An artifact row; the lease token under which a worker uploaded it comes along, as Prisma's did. */
export type ArtifactRow = Required<ArtifactRecord> & { leaseToken: string | null; sizeBytes: bigint };

const ARTIFACT_COLUMNS: Columns<ArtifactRow> = {
  id: plain(),
  tenantId: plain(),
  jobId: plain(),
  leaseToken: plain(),
  purpose: plain(),
  name: plain(),
  artifactType: plain(),
  mimeType: plain(),
  sizeBytes: bigint(),
  contentHash: plain(),
  createdOn: timestamp(),
  uploadedBy: plain(),
};

export const artifactRows = recordReader(ARTIFACT_COLUMNS);
