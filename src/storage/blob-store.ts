// Content-addressed blobs on the local file system, at <dir>/sha256/<first 2 hex>/<64 hex>.
// A blob is streamed into a temp file under <dir>/tmp (same file system, so the final rename is
// atomic) while it is hashed and counted, fsynced, then renamed into place: a path that exists holds
// a complete blob, and one that put() acknowledged survives a crash. The same bytes are kept once.
import { createHash, randomUUID } from "node:crypto";
import { createReadStream, openSync } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat, utimes, type FileHandle } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";

/** The only accepted form of a content hash; anything else is refused before it nears a path. */
const CONTENT_HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;

export interface StoredBlob {
  /** `sha256:<64 lower-case hex>` of the bytes. */
  contentHash: string;
  sizeBytes: number;
}

export class BlobTooLargeError extends Error {
  override readonly name = "BlobTooLargeError";
  constructor(readonly maxBytes: number) {
    super(`blob larger than ${maxBytes} bytes`);
  }
}

export class BlobNotFoundError extends Error {
  override readonly name = "BlobNotFoundError";
  constructor(readonly contentHash: string) {
    super(`blob ${contentHash} not found`);
  }
}

export class InvalidBlobHashError extends Error {
  override readonly name = "InvalidBlobHashError";
  constructor(value: unknown) {
    const shown =
      typeof value === "string" ? JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value) : typeof value;
    super(`not a content hash (want sha256:<64 lower-case hex>): ${shown}`);
  }
}

export function isContentHash(value: unknown): value is string {
  return typeof value === "string" && CONTENT_HASH_PATTERN.test(value);
}

function hexOf(contentHash: string): string {
  if (!isContentHash(contentHash)) throw new InvalidBlobHashError(contentHash);
  return contentHash.slice("sha256:".length);
}

const isErrno = (err: unknown, ...codes: string[]) =>
  typeof err === "object" && err !== null && codes.includes((err as NodeJS.ErrnoException).code ?? "");

async function writeAll(file: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.byteLength) {
    const { bytesWritten } = await file.write(bytes, offset, bytes.byteLength - offset);
    offset += bytesWritten;
  }
}

/** Makes a directory's entries (a rename, a new subdirectory) durable. Not every platform can. */
async function syncDir(path: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, "r");
    await handle.sync();
  } catch (err) {
    if (!isErrno(err, "EISDIR", "EPERM", "EINVAL", "EBADF", "ENOTSUP", "EACCES")) throw err;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

export class BlobStore {
  readonly dir: string;
  readonly maxBytes: number;
  private readonly tmpDir: string;

  constructor(options: { dir: string; maxBytes: number }) {
    if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes < 0)
      throw new RangeError(`maxBytes must be a non-negative integer, got ${options.maxBytes}`);
    this.dir = options.dir;
    this.maxBytes = options.maxBytes;
    this.tmpDir = join(options.dir, "tmp");
  }

  /** Where the blob lives (whether or not it is there). Throws InvalidBlobHashError. */
  pathOf(contentHash: string): string {
    const hex = hexOf(contentHash);
    return join(this.dir, "sha256", hex.slice(0, 2), hex);
  }

  /**
   * Stores the bytes of `source`. Refuses with BlobTooLargeError as soon as more than `maxBytes`
   * have arrived, leaving nothing behind. A Readable source is not destroyed when put() stops
   * early, so that an HTTP handler reading a request body can still answer (413) on its socket.
   */
  async put(source: Readable | AsyncIterable<Uint8Array>): Promise<StoredBlob> {
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = join(this.tmpDir, `${randomUUID()}.part`);
    const file = await open(tmp, "wx", 0o600);
    let fileOpen = true;
    try {
      const hash = createHash("sha256");
      let sizeBytes = 0;
      const chunks: AsyncIterable<unknown> =
        source instanceof Readable ? source.iterator({ destroyOnReturn: false }) : source;
      for await (const chunk of chunks) {
        const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : (chunk as Uint8Array);
        sizeBytes += bytes.byteLength;
        if (sizeBytes > this.maxBytes) throw new BlobTooLargeError(this.maxBytes);
        hash.update(bytes);
        await writeAll(file, bytes);
      }
      await file.sync();
      fileOpen = false;
      await file.close();

      const contentHash = `sha256:${hash.digest("hex")}`;
      const target = this.pathOf(contentHash);
      const existing = await stat(target).catch(() => null);
      if (existing?.isFile() && existing.size === sizeBytes) {
        // Already stored. Touched so that remove() (retention) keeps it while the caller writes the
        // row naming it; gone meanwhile (removed just now): put in place below.
        const now = new Date();
        if (
          await utimes(target, now, now).then(
            () => true,
            (err: unknown) => (isErrno(err, "ENOENT") ? false : Promise.reject(err)),
          )
        ) {
          await rm(tmp, { force: true });
          return { contentHash, sizeBytes };
        }
      }
      const shard = dirname(target);
      const created = await mkdir(shard, { recursive: true });
      try {
        await rename(tmp, target);
      } catch (err) {
        // Where rename cannot replace a file, a concurrent put of the same bytes may have won.
        const now = await stat(target).catch(() => null);
        if (!(now?.isFile() && now.size === sizeBytes)) throw err;
        await rm(tmp, { force: true });
        return { contentHash, sizeBytes };
      }
      await syncDir(shard);
      if (created !== undefined) {
        await syncDir(dirname(shard));
        await syncDir(this.dir);
      }
      return { contentHash, sizeBytes };
    } catch (err) {
      if (fileOpen) await file.close().catch(() => undefined);
      await rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
  }

  async putBytes(bytes: Uint8Array): Promise<StoredBlob> {
    if (bytes.byteLength > this.maxBytes) throw new BlobTooLargeError(this.maxBytes);
    return this.put(
      (async function* () {
        yield bytes;
      })(),
    );
  }

  /** Throws InvalidBlobHashError for a malformed hash. */
  async has(contentHash: string): Promise<boolean> {
    const path = this.pathOf(contentHash);
    const found = await stat(path).catch((err: unknown) => {
      if (isErrno(err, "ENOENT", "ENOTDIR")) return null;
      throw err;
    });
    return found?.isFile() ?? false;
  }

  /** The blob's bytes as a stream, optionally a byte range (`end` inclusive, as for fs streams).
   * Throws BlobNotFoundError or InvalidBlobHashError at once, not on the stream. */
  open(contentHash: string, range: { start?: number; end?: number } = {}): Readable {
    const path = this.pathOf(contentHash);
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch (err) {
      if (isErrno(err, "ENOENT", "ENOTDIR")) throw new BlobNotFoundError(contentHash);
      throw err;
    }
    return createReadStream(path, { fd, autoClose: true, ...range });
  }

  /** The whole blob in memory; with `limitBytes`, refuses (BlobTooLargeError) a larger one unread. */
  async read(contentHash: string, limitBytes?: number): Promise<Buffer> {
    const path = this.pathOf(contentHash);
    let file: FileHandle;
    try {
      file = await open(path, "r");
    } catch (err) {
      if (isErrno(err, "ENOENT", "ENOTDIR")) throw new BlobNotFoundError(contentHash);
      throw err;
    }
    try {
      if (limitBytes !== undefined) {
        const { size } = await file.stat();
        if (size > limitBytes) throw new BlobTooLargeError(limitBytes);
      }
      return await file.readFile();
    } finally {
      await file.close();
    }
  }

  /**
   * Deletes the blob unless it was stored or touched by put() within the last `graceMs` (a writer
   * may be about to name it in a row). The blob is first moved aside, then its time read, so a put()
   * racing this either touched what was moved (it is put back) or puts a fresh copy. True if removed.
   */
  async remove(contentHash: string, graceMs: number): Promise<boolean> {
    const path = this.pathOf(contentHash);
    await mkdir(this.tmpDir, { recursive: true });
    const aside = join(this.tmpDir, `${randomUUID()}.removing`);
    try {
      await rename(path, aside);
    } catch (err) {
      if (isErrno(err, "ENOENT", "ENOTDIR")) return false;
      throw err;
    }
    const info = await stat(aside);
    if (info.mtimeMs > Date.now() - graceMs) {
      await rename(aside, path);
      return false;
    }
    await rm(aside, { force: true });
    return true;
  }

  /** Every stored blob's hash and last write (or put() touch), shard by shard. */
  async *list(): AsyncGenerator<{ contentHash: string; mtimeMs: number }> {
    const root = join(this.dir, "sha256");
    const shards = await readdir(root).catch((err: unknown) =>
      isErrno(err, "ENOENT") ? ([] as string[]) : Promise.reject(err),
    );
    for (const shard of shards) {
      const names = await readdir(join(root, shard)).catch((err: unknown) =>
        isErrno(err, "ENOENT", "ENOTDIR") ? ([] as string[]) : Promise.reject(err),
      );
      for (const name of names) {
        const contentHash = `sha256:${name}`;
        if (!isContentHash(contentHash)) continue;
        const info = await stat(join(root, shard, name)).catch(() => null);
        if (info?.isFile()) yield { contentHash, mtimeMs: info.mtimeMs };
      }
    }
  }

  /** Removes temp files a crash left behind, older than `olderThanMs`; returns how many. */
  async removeStaleTempFiles(olderThanMs = 24 * 60 * 60 * 1000): Promise<number> {
    const names = await readdir(this.tmpDir).catch((err: unknown) => {
      if (isErrno(err, "ENOENT")) return [] as string[];
      throw err;
    });
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    for (const name of names) {
      if (!name.endsWith(".part")) continue;
      const path = join(this.tmpDir, name);
      const info = await stat(path).catch(() => null);
      if (info && info.mtimeMs < cutoff) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }
}
