import type { FileRevisionRecord } from "../../jobs/gateway.ts";
import type { BlobStore } from "../../storage/blob-store.ts";

/** `text` and `json` read files up to this size; larger ones are for downloadUrl. */
const SMALL_FILE_BYTES = 1024 * 1024;

export async function readSmallFile(blobs: BlobStore, revision: FileRevisionRecord): Promise<Buffer | null> {
  if (Number(revision.sizeBytes) > SMALL_FILE_BYTES) return null;
  try {
    return await blobs.read(revision.contentHash, SMALL_FILE_BYTES);
  } catch {
    return null;
  }
}
