// Artifact downloads: streamed to a temporary file beside the target while hashing, renamed into
// place only when the sha256 matches what the API promised; otherwise removed.
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { ContentHashMismatchError } from "./client-errors.ts";
import { JobsApiError } from "./errors.ts";
import type { Fetch } from "./http.ts";

export interface DownloadProgress {
  receivedBytes: number;
  /** From Content-Length or the artifact's sizeBytes; null when neither is known. */
  totalBytes: number | null;
}

export interface DownloadOptions {
  /** Check against this instead of the artifact's contentHash ("sha256:<hex>" or bare hex). */
  expectedHash?: string;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
}

export interface DownloadedFile {
  path: string;
  sizeBytes: number;
  /** "sha256:<hex>" of the bytes written, equal to the expected hash. */
  contentHash: string;
}

export interface DownloadRequest {
  url: string;
  headers: Record<string, string>;
  expectedHash: string;
  sizeBytes: number | null;
  path: string;
}

export async function downloadToFile(
  fetch: Fetch,
  req: DownloadRequest,
  options: DownloadOptions = {},
): Promise<DownloadedFile> {
  const expected = normalizeHash(req.expectedHash);
  let res: Response;
  try {
    res = await fetch(req.url, { headers: req.headers, signal: options.signal });
  } catch (err) {
    if (options.signal?.aborted) throw err;
    throw new JobsApiError("NETWORK_ERROR", `cannot reach ${req.url}: ${(err as Error).message}`, { cause: err });
  }
  if (!res.ok || !res.body) throw await downloadRefused(res, req.url);

  const lengthHeader = Number(res.headers.get("content-length"));
  const totalBytes = Number.isFinite(lengthHeader) && lengthHeader > 0 ? lengthHeader : req.sizeBytes;
  const hash = createHash("sha256");
  let receivedBytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      receivedBytes += chunk.length;
      options.onProgress?.({ receivedBytes, totalBytes });
      done(null, chunk);
    },
  });

  await mkdir(dirname(req.path), { recursive: true });
  const partial = join(dirname(req.path), `.${basename(req.path)}.${randomBytes(4).toString("hex")}.partial`);
  try {
    await pipeline(
      Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
      meter,
      createWriteStream(partial, { flags: "wx" }),
      { signal: options.signal },
    );
    const actual = `sha256:${hash.digest("hex")}`;
    if (actual !== expected) throw new ContentHashMismatchError(expected, actual, req.path);
    await rename(partial, req.path);
    return { path: req.path, sizeBytes: receivedBytes, contentHash: actual };
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}

/** Accepts "sha256:<hex>" or bare hex in any case; anything else is a usage error, not a mismatch. */
export function normalizeHash(value: string): string {
  const lower = value.trim().toLowerCase();
  const hex = lower.startsWith("sha256:") ? lower.slice("sha256:".length) : lower;
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new RangeError(`not a sha256 content hash: ${value}`);
  return `sha256:${hex}`;
}

async function downloadRefused(res: Response, url: string): Promise<JobsApiError> {
  const text = await res.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { errors?: { message: string; extensions?: Record<string, unknown> }[] };
    if (body.errors?.length) return JobsApiError.fromErrors(body.errors, res.status);
  } catch {
    // not JSON: described below
  }
  const code =
    res.status === 404
      ? "NOT_FOUND"
      : res.status === 401
        ? "UNAUTHENTICATED"
        : res.status === 403
          ? "FORBIDDEN"
          : "BAD_RESPONSE";
  return new JobsApiError(code, `GET ${url} answered HTTP ${res.status}`, { status: res.status });
}
