// Dataset uploads (PUT /uploads): a file streamed from disk (or bytes in memory) with progress, its
// MIME type guessed from the file name so the server records what the dataset is.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, extname } from "node:path";
import type { DatasetUploadRequest, UploadBody } from "./http.ts";

export interface UploadProgress {
  sentBytes: number;
  /** The file's size; null for streams of unknown length. */
  totalBytes: number | null;
}

export interface UploadOptions {
  /** The artifact's name (default: the file's base name; required for bytes and streams). */
  name?: string;
  /** The artifact type (default `dataset`). */
  type?: string;
  /** Default: from the file name (.csv, .jsonl/.ndjson, .json), else none. */
  mimeType?: string;
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

const MIME_BY_EXTENSION: Record<string, string> = {
  ".csv": "text/csv",
  ".jsonl": "application/x-ndjson",
  ".ndjson": "application/x-ndjson",
  ".json": "application/json",
};

export async function uploadRequest(
  source: string | UploadBody,
  options: UploadOptions,
): Promise<DatasetUploadRequest> {
  const name = options.name ?? (typeof source === "string" ? basename(source) : undefined);
  if (!name) throw new RangeError("upload: name the dataset (options.name) when uploading bytes or a stream");
  const mimeType = options.mimeType ?? MIME_BY_EXTENSION[extname(name).toLowerCase()];
  let totalBytes: number | null = null;
  let body: UploadBody;
  if (typeof source === "string") {
    const file = await stat(source);
    // A folder would fail as the request's body is read, looking like the server was unreachable.
    if (!file.isFile()) throw new RangeError(`upload: ${source} is not a file`);
    totalBytes = file.size;
    body = createReadStream(source);
  } else {
    body = source;
    if (source instanceof Uint8Array) totalBytes = source.length;
  }
  return {
    name,
    type: options.type ?? "dataset",
    ...(mimeType ? { mimeType } : {}),
    body: options.onProgress ? metered(body, totalBytes, options.onProgress) : body,
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

async function* metered(
  body: UploadBody,
  totalBytes: number | null,
  onProgress: (p: UploadProgress) => void,
): AsyncGenerator<Uint8Array> {
  let sentBytes = 0;
  const chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array> = body instanceof Uint8Array ? [body] : body;
  for await (const chunk of chunks) {
    yield chunk;
    sentBytes += chunk.length;
    onProgress({ sentBytes, totalBytes });
  }
}
