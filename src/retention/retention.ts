// Retention: removes finished jobs older than a configured age with everything that hangs off
// them, then the blobs no row names any more; now and then also walks the blob store for blobs no
// row names (orphans a crash left between writing a blob and the row naming it). Any number of
// processes may run it: the statements take rows with SKIP LOCKED, and a blob is deleted only when
// no row names it and no put() stored or touched it within the grace time.
import { runEvery } from "../background/every.ts";
import type { Database } from "../db/database.ts";
import type { BlobStore } from "../storage/blob-store.ts";
import { removeFinishedJobs, removeUnattachedUploads, unreferencedHashes, type RemovedBatch } from "./sql.ts";

export interface RetentionOptions {
  /** Finished jobs (and never-attached uploads) older than this are removed. */
  maxAgeMs: number;
  /** Rows removed per statement (each its own short transaction). */
  batchSize: number;
  /** Keep succeeded generation jobs: their seals and evidence (the provenance chain stays verifiable). */
  keepProvenance: boolean;
  /** A blob stored or touched by put() this recently is kept even when no row names it yet. */
  blobGraceMs: number;
}

export interface RetentionLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface RetentionPass {
  jobs: number;
  uploads: number;
  blobs: number;
}

/** Hashes checked against the tables per statement when walking the blob store. */
const ORPHAN_CHECK_BATCH = 500;

export class Retention {
  constructor(
    private readonly db: Database,
    private readonly blobs: BlobStore,
    private readonly options: RetentionOptions,
  ) {}

  /** Removes everything due, a batch at a time, until a batch comes back short (or `signal` aborts, between batches). */
  async runOnce(signal?: AbortSignal): Promise<RetentionPass> {
    const pass: RetentionPass = { jobs: 0, uploads: 0, blobs: 0 };
    const maxAgeS = this.options.maxAgeMs / 1000;
    const drain = async (removeBatch: () => Promise<RemovedBatch>): Promise<number> => {
      let removed = 0;
      for (;;) {
        const batch = await removeBatch();
        removed += batch.removed;
        pass.blobs += await this.removeBlobs(batch.hashes);
        if (batch.removed < this.options.batchSize || signal?.aborted) return removed;
      }
    };
    pass.jobs = await drain(() =>
      removeFinishedJobs(this.db, maxAgeS, this.options.batchSize, this.options.keepProvenance),
    );
    if (signal?.aborted) return pass;
    pass.uploads = await drain(() => removeUnattachedUploads(this.db, maxAgeS, this.options.batchSize));
    return pass;
  }

  /** Deletes the blobs of `hashes` that no row names (and that no writer touched within the grace time). */
  async removeBlobs(hashes: readonly string[]): Promise<number> {
    let removed = 0;
    for (const hash of await unreferencedHashes(this.db, hashes))
      if (await this.blobs.remove(hash, this.options.blobGraceMs)) removed++;
    return removed;
  }

  /** Walks the blob store and deletes blobs no row names, older than the grace time. */
  async collectOrphanBlobs(): Promise<number> {
    const cutoff = Date.now() - this.options.blobGraceMs;
    let removed = 0;
    let batch: string[] = [];
    for await (const blob of this.blobs.list()) {
      if (blob.mtimeMs > cutoff) continue;
      batch.push(blob.contentHash);
      if (batch.length === ORPHAN_CHECK_BATCH) {
        removed += await this.removeBlobs(batch);
        batch = [];
      }
    }
    return removed + (await this.removeBlobs(batch));
  }
}

export interface RetentionSchedule {
  /** Time between passes. */
  intervalMs: number;
  /** Time between walks of the blob store for orphans. */
  orphanScanMs: number;
}

/**
 * Runs retention every intervalMs (never two passes at once in this process) and the orphan walk
 * every orphanScanMs. Returns a stop function that waits for a pass in flight.
 */
export function startRetention(
  retention: Retention,
  schedule: RetentionSchedule,
  logger: RetentionLogger,
): () => Promise<void> {
  let lastOrphanScan = Date.now();
  // Stopping ends a long pass after its current batch, so shutdown never waits for a whole backlog.
  return runEvery(
    schedule.intervalMs,
    async (stopping) => {
      const removed = await retention.runOnce(stopping);
      if (removed.jobs || removed.uploads || removed.blobs)
        logger.info({ ...removed }, "retention removed finished jobs");
      if (!stopping.aborted && Date.now() - lastOrphanScan >= schedule.orphanScanMs) {
        lastOrphanScan = Date.now();
        const orphans = await retention.collectOrphanBlobs();
        if (orphans) logger.info({ orphans }, "retention removed orphan blobs");
      }
    },
    (err) => logger.warn({ err }, "retention pass failed; retrying next interval"),
  );
}
