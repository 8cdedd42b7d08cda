// Artifacts: bytes in the content-addressed blob store, a row per named file. Workers upload under
// their lease (the row remembers the lease hash; only completeJob under that lease attaches it);
// the server writes its own (evidence files) straight onto the job. Downloads follow the job's
// visibility: an artifact of a job the caller cannot see reads as not found.
import type { Readable } from "node:stream";
import type { GraphQLError } from "graphql";
import type { Database } from "../db/database.ts";
import { jobsError } from "../errors.ts";
import { newId } from "../ids.ts";
import { creatorViewer } from "../executors/creator.ts";
import { artifactRows } from "../jobs/local/artifact-rows.ts";
import { Conditions } from "../jobs/local/conditions.ts";
import { visibleArtifactsSql } from "../jobs/local/visibility.ts";
import type { ArtifactRecord, StoredArtifact } from "../jobs/gateway.ts";
import type { Viewer } from "../jobs/model.ts";
import { isUuid, name255, parseInput } from "../jobs/validation.ts";
import { readingSight } from "../jobs/visibility.ts";
import { BlobTooLargeError, type BlobStore } from "../storage/blob-store.ts";
import { leaseLost, parseLeaseToken } from "../workers/protocol/lease.ts";
import { IN_PROCESS, requireWorkerRole, type Caller } from "../workers/protocol/service.ts";
import { TERMINAL_SQL } from "../workers/protocol/states-sql.ts";

export type ArtifactPurpose = "output" | "evidence" | "upload";

export interface ArtifactUpload {
  leaseToken: string;
  caller: Caller;
  name: string;
  artifactType?: string | null;
  mimeType?: string | null;
  /** Streamed into the blob store; bytes already in memory may be passed as they are. */
  body: Readable | AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array;
}

/** A dataset a user uploads (PUT /uploads), for generation jobs to read through spec.input. */
export interface DatasetUpload {
  viewer: Viewer;
  name: string;
  artifactType?: string | null;
  mimeType?: string | null;
  body: Readable | AsyncIterable<Uint8Array> | Uint8Array;
}

export interface ServerArtifact {
  jobId: string;
  tenantId: string;
  name: string;
  artifactType: string;
  mimeType: string | null;
  bytes: Uint8Array;
  purpose: ArtifactPurpose;
}

export interface Download {
  name: string;
  mimeType: string | null;
  contentHash: string;
  sizeBytes: number;
  open(): Readable;
}

const DEFAULT_TYPE = "file";
const DEFAULT_UPLOAD_TYPE = "dataset";

/**
 * The refusal of an upload over JOBS_MAX_ARTIFACT_BYTES, in one wording however it was found: its
 * declared content-length, or its bytes counted as they arrived (a chunked body).
 */
export function artifactTooLarge(maxBytes: number): GraphQLError {
  return jobsError("BAD_USER_INPUT", `artifact larger than ${maxBytes} bytes (JOBS_MAX_ARTIFACT_BYTES)`, {
    field: "body",
    maxBytes,
  });
}

export class ArtifactService {
  constructor(
    private readonly db: Database,
    private readonly blobs: BlobStore,
  ) {}

  get maxBytes(): number {
    return this.blobs.maxBytes;
  }

  /** Streams a worker's upload into the blob store; the lease must be live before and after. */
  async upload(u: ArtifactUpload): Promise<StoredArtifact> {
    if (u.caller !== IN_PROCESS) requireWorkerRole(u.caller);
    const tenantScope = u.caller === IN_PROCESS ? null : u.caller.tenantId;
    const name = parseInput(name255, u.name, "name");
    const artifactType = parseInput(name255, u.artifactType ?? DEFAULT_TYPE, "type");
    const mimeType = u.mimeType ? parseInput(name255, u.mimeType, "mimeType") : null;
    const lease = parseLeaseToken(String(u.leaseToken ?? ""));
    // Checked first so a stranger cannot fill the disk; checked again at insert time.
    if (!(await this.leaseHolds(lease.jobId, lease.hash, tenantScope))) throw leaseLost();
    const blob = await this.store(u.body);
    const id = newId();
    const rows = await this.db.query<{ id: string }>(
      `insert into "artifacts" ("id", "tenantId", "jobId", "leaseToken", "purpose", "name", "artifactType", "mimeType", "sizeBytes", "contentHash")
       select $1::uuid, j."tenantId", null, $3::text, 'output', $4, $5, $6, $7::bigint, $8 from "jobs" j
       where j."id" = $2::uuid and j."leaseToken" = $3::text and ($9::uuid is null or j."tenantId" = $9::uuid)
         and j."state" not in ${TERMINAL_SQL}
       returning "id"`,
      [id, lease.jobId, lease.hash, name, artifactType, mimeType, blob.sizeBytes, blob.contentHash, tenantScope],
    );
    if (!rows[0]) throw leaseLost();
    return { id, contentHash: blob.contentHash, sizeBytes: blob.sizeBytes };
  }

  /** Datasets are uploaded by MEMBER and ADMIN keys (here, or at a front that sends them on upstream). */
  checkDatasetUploader(viewer: Viewer): void {
    if (viewer.role !== "MEMBER" && viewer.role !== "ADMIN") {
      throw jobsError("FORBIDDEN", "uploads need a MEMBER or ADMIN key");
    }
  }

  /** Streams a MEMBER's or ADMIN's dataset into the blob store as an artifact of no job, owned by its uploader. */
  async uploadDataset(u: DatasetUpload): Promise<StoredArtifact> {
    this.checkDatasetUploader(u.viewer);
    const name = parseInput(name255, u.name, "name");
    const artifactType = parseInput(name255, u.artifactType || DEFAULT_UPLOAD_TYPE, "type");
    const mimeType = u.mimeType ? parseInput(name255, u.mimeType, "mimeType") : null;
    const blob = await this.store(u.body);
    const id = newId();
    await this.db.query(
      `insert into "artifacts" ("id", "tenantId", "jobId", "purpose", "name", "artifactType", "mimeType", "sizeBytes", "contentHash", "uploadedBy")
       values ($1::uuid, $2::uuid, null, 'upload', $3, $4, $5, $6::bigint, $7, $8)`,
      [id, u.viewer.tenantId, name, artifactType, mimeType, blob.sizeBytes, blob.contentHash, u.viewer.userId],
    );
    return { id, contentHash: blob.contentHash, sizeBytes: blob.sizeBytes };
  }

  /** Files the server itself produces for a job (evidence bundles), attached at once. */
  async attach(a: ServerArtifact): Promise<StoredArtifact> {
    const blob = await this.blobs.putBytes(a.bytes);
    const id = newId();
    await this.db.query(
      `insert into "artifacts" ("id", "tenantId", "jobId", "purpose", "name", "artifactType", "mimeType", "sizeBytes", "contentHash")
       values ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6, $7, $8::bigint, $9)`,
      [id, a.tenantId, a.jobId, a.purpose, a.name, a.artifactType, a.mimeType, blob.sizeBytes, blob.contentHash],
    );
    return { id, contentHash: blob.contentHash, sizeBytes: blob.sizeBytes };
  }

  /** An attached artifact of a job the viewer may see, or an upload of theirs (admins: any of the tenant's); NOT_FOUND otherwise. */
  async artifactDownload(artifactId: string, viewer: Viewer): Promise<Download> {
    const [row] = isUuid(artifactId) ? await this.visibleByIds([artifactId], viewer) : [];
    if (!row) throw jobsError("NOT_FOUND", `artifact ${artifactId} not found`);
    return this.download(row.name, row.mimeType, row.contentHash, Number(row.sizeBytes));
  }

  /** The artifacts of these ids the viewer may see (node(id:)); others are simply absent. */
  async visibleByIds(ids: readonly string[], viewer: Viewer): Promise<ArtifactRecord[]> {
    const valid = ids.filter(isUuid);
    if (!valid.length) return [];
    const where = new Conditions();
    where.add("ids", `a."id" = any(${where.param(valid)}::uuid[])`);
    where.add("visible", visibleArtifactsSql(viewer, where.param));
    return this.db.queryRecords(
      `select ${artifactRows.select("a")} from "artifacts" a where ${where.parts.join(" and ")}`,
      where.values,
      artifactRows.read,
    );
  }

  /**
   * Whom a worker reads as when it names the lease of the job it runs (GET /artifacts/:id with
   * x-lease-token): that job's creator, so the job reads only what its creator could, as the
   * in-process executors do. A WORKER key alone sees its whole tenant; a job must not.
   */
  async leaseReader(leaseToken: string, caller: Viewer): Promise<Viewer> {
    requireWorkerRole(caller);
    const lease = parseLeaseToken(leaseToken);
    const [job] = await this.db.query<{ createdBy: string }>(
      `select "createdBy" from "jobs" where "id" = $1::uuid and "leaseToken" = $2::text and "tenantId" = $3::uuid
         and "state" not in ${TERMINAL_SQL}`,
      [lease.jobId, lease.hash, caller.tenantId],
    );
    if (!job) throw leaseLost();
    return creatorViewer(this.db, caller.tenantId, job.createdBy);
  }

  /** A revision of an agent job's file, when the viewer may see the job. */
  async fileRevisionDownload(revisionId: string, viewer: Viewer): Promise<Download> {
    const row = isUuid(revisionId) ? await this.visibleRevision(revisionId, viewer) : undefined;
    if (!row) throw jobsError("NOT_FOUND", `file revision ${revisionId} not found`);
    return this.download(row.name, row.mimeType, row.contentHash, Number(row.sizeBytes));
  }

  private async visibleRevision(revisionId: string, viewer: Viewer) {
    const where = new Conditions();
    where.add("id", `r."id" = ${where.param(revisionId)}::uuid`);
    where.sight(readingSight(viewer));
    const [row] = await this.db.query<{
      name: string;
      mimeType: string | null;
      contentHash: string;
      sizeBytes: string | number;
    }>(
      `select r."name", r."mimeType", r."contentHash", r."sizeBytes" from "file_revisions" r
       join "files" f on f."id" = r."fileId" join "jobs" j on j."id" = f."jobId"
       where ${where.parts.join(" and ")}`,
      where.values,
    );
    return row;
  }

  /** Bytes of an artifact for server-side readers (executors, evidence checks); no viewer scope. */
  async readAttached(
    artifactId: string,
    limitBytes?: number,
  ): Promise<{ name: string; contentHash: string; bytes: Buffer }> {
    const row = isUuid(artifactId) ? await this.db.prisma.artifact.findUnique({ where: { id: artifactId } }) : null;
    if (!row) throw jobsError("NOT_FOUND", `artifact ${artifactId} not found`);
    return { name: row.name, contentHash: row.contentHash, bytes: await this.blobs.read(row.contentHash, limitBytes) };
  }

  private async store(body: Readable | AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array) {
    try {
      return body instanceof Uint8Array ? await this.blobs.putBytes(body) : await this.blobs.put(asyncChunks(body));
    } catch (err) {
      if (err instanceof BlobTooLargeError) {
        throw artifactTooLarge(err.maxBytes);
      }
      throw err;
    }
  }

  private download(name: string, mimeType: string | null, contentHash: string, sizeBytes: number): Download {
    return { name, mimeType, contentHash, sizeBytes, open: () => this.blobs.open(contentHash) };
  }

  private async leaseHolds(jobId: string, hash: string, tenantId: string | null): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `select "id" from "jobs" where "id" = $1::uuid and "leaseToken" = $2::text and ($3::uuid is null or "tenantId" = $3::uuid)
         and "state" not in ${TERMINAL_SQL}`,
      [jobId, hash, tenantId],
    );
    return rows.length > 0;
  }
}

/** The blob store reads async sources; chunks already in memory are handed over one by one. */
function asyncChunks(
  body: Readable | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Readable | AsyncIterable<Uint8Array> {
  if (Symbol.asyncIterator in body) return body;
  return (async function* () {
    yield* body;
  })();
}
