import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BlobNotFoundError, BlobStore, BlobTooLargeError, InvalidBlobHashError } from "../../src/storage/blob-store.ts";

const sha256 = (bytes: Uint8Array) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Every file under `dir`, relative. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe("BlobStore", () => {
  let dir: string;
  let store: BlobStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "blob-store-"));
    store = new BlobStore({ dir, maxBytes: 1024 * 1024 });
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("round-trips a stream, addressed by the sha256 of its bytes", async () => {
    const bytes = randomBytes(300_000);
    const chunks = [bytes.subarray(0, 1), bytes.subarray(1, 65_536), bytes.subarray(65_536)];
    const stored = await store.put(Readable.from(chunks));
    expect(stored).toEqual({ contentHash: sha256(bytes), sizeBytes: bytes.length });
    const hex = stored.contentHash.slice(7);
    expect(store.pathOf(stored.contentHash)).toBe(join(dir, "sha256", hex.slice(0, 2), hex));
    expect(readFileSync(store.pathOf(stored.contentHash)).equals(bytes)).toBe(true);
    expect(await store.has(stored.contentHash)).toBe(true);
    expect((await store.read(stored.contentHash)).equals(bytes)).toBe(true);
    expect((await collect(store.open(stored.contentHash))).equals(bytes)).toBe(true);
    expect((await collect(store.open(stored.contentHash, { start: 10, end: 19 }))).equals(bytes.subarray(10, 20))).toBe(
      true,
    );
    expect(filesUnder(dir)).toEqual([join("sha256", hex.slice(0, 2), hex)]);
  });

  it("takes any async iterable of bytes, and bytes in memory; the empty blob too", async () => {
    const parts = [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])];
    const fromIterable = await store.put(
      (async function* () {
        yield* parts;
      })(),
    );
    expect(fromIterable).toEqual({ contentHash: sha256(Buffer.from([1, 2, 3, 4, 5])), sizeBytes: 5 });
    expect(await store.putBytes(Buffer.from([1, 2, 3, 4, 5]))).toEqual(fromIterable);
    const empty = await store.putBytes(new Uint8Array());
    expect(empty).toEqual({
      contentHash: "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      sizeBytes: 0,
    });
    expect((await store.read(empty.contentHash)).length).toBe(0);
  });

  it("keeps the same bytes once", async () => {
    const bytes = Buffer.from("the same bytes, twice");
    const first = await store.putBytes(bytes);
    const second = await store.put(Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]));
    expect(second).toEqual(first);
    expect(filesUnder(dir)).toEqual([store.pathOf(first.contentHash).slice(dir.length + 1)]);
  });

  it("stores concurrent puts of the same bytes once, and both succeed", async () => {
    const bytes = randomBytes(200_000);
    const slowly = async function* () {
      for (let i = 0; i < bytes.length; i += 10_000) {
        yield bytes.subarray(i, i + 10_000);
        await new Promise((r) => setImmediate(r));
      }
    };
    const results = await Promise.all([
      store.put(slowly()),
      store.put(slowly()),
      store.putBytes(bytes),
      store.put(Readable.from([bytes])),
    ]);
    for (const r of results) expect(r).toEqual({ contentHash: sha256(bytes), sizeBytes: bytes.length });
    expect(filesUnder(dir)).toEqual([store.pathOf(sha256(bytes)).slice(dir.length + 1)]);
    expect((await store.read(sha256(bytes))).equals(bytes)).toBe(true);
  });

  it("accepts exactly maxBytes, and refuses more as soon as it arrives, leaving no temp file", async () => {
    const small = new BlobStore({ dir, maxBytes: 10 });
    expect((await small.putBytes(Buffer.alloc(10, 1))).sizeBytes).toBe(10);

    let pulled = 0;
    const endless = async function* () {
      for (;;) {
        pulled++;
        yield Buffer.alloc(6, 2);
      }
    };
    const err = await small.put(endless()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlobTooLargeError);
    expect((err as BlobTooLargeError).maxBytes).toBe(10);
    expect(pulled).toBe(2);

    // A Readable (an HTTP body, say) is left alone, so its owner can still answer on the socket.
    const body = Readable.from([Buffer.alloc(8), Buffer.alloc(8), Buffer.alloc(8)], { objectMode: false });
    await expect(small.put(body)).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(body.destroyed).toBe(false);
    body.destroy();

    await expect(small.putBytes(Buffer.alloc(11))).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(filesUnder(join(dir, "tmp"))).toEqual([]);
    expect(filesUnder(dir)).toEqual([small.pathOf(sha256(Buffer.alloc(10, 1))).slice(dir.length + 1)]);
  });

  it("cleans up when the source fails", async () => {
    const failing = async function* () {
      yield Buffer.from("partial");
      throw new Error("connection reset");
    };
    await expect(store.put(failing())).rejects.toThrow("connection reset");
    expect(filesUnder(dir)).toEqual([]);
  });

  it("reports missing blobs, and refuses to read past a limit", async () => {
    const missing = `sha256:${"0".repeat(64)}`;
    expect(await store.has(missing)).toBe(false);
    expect(() => store.open(missing)).toThrow(BlobNotFoundError);
    await expect(store.read(missing)).rejects.toBeInstanceOf(BlobNotFoundError);

    const { contentHash } = await store.putBytes(Buffer.alloc(100, 7));
    await expect(store.read(contentHash, 99)).rejects.toBeInstanceOf(BlobTooLargeError);
    expect((await store.read(contentHash, 100)).length).toBe(100);
  });

  it("refuses anything but sha256:<64 lower-case hex>, so no path can be reached", async () => {
    const hex = "a".repeat(64);
    const bad = [
      "",
      hex,
      `sha256:${hex.slice(1)}`,
      `sha256:${hex}0`,
      `sha256:${"A".repeat(64)}`,
      `sha1:${hex}`,
      `SHA256:${hex}`,
      `sha256:${hex}\n`,
      ` sha256:${hex}`,
      `sha256:../../${hex.slice(6)}`,
      `sha256:${hex.slice(0, 62)}/..`,
      `sha256:${hex}/../../etc/passwd`,
      "sha256:../../../../etc/passwd",
    ];
    for (const value of bad) {
      expect(() => store.pathOf(value), JSON.stringify(value)).toThrow(InvalidBlobHashError);
      expect(() => store.open(value), JSON.stringify(value)).toThrow(InvalidBlobHashError);
      await expect(store.has(value), JSON.stringify(value)).rejects.toBeInstanceOf(InvalidBlobHashError);
      await expect(store.read(value), JSON.stringify(value)).rejects.toBeInstanceOf(InvalidBlobHashError);
    }
    expect(() => store.pathOf(undefined as unknown as string)).toThrow(InvalidBlobHashError);
  });

  it("removes temp files a crash left behind", async () => {
    await store.putBytes(Buffer.from("x"));
    const { writeFileSync, utimesSync } = await import("node:fs");
    const stale = join(dir, "tmp", "crashed.part");
    writeFileSync(stale, "half a blob");
    const old = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    utimesSync(stale, old, old);
    writeFileSync(join(dir, "tmp", "fresh.part"), "in progress");
    expect(await store.removeStaleTempFiles()).toBe(1);
    expect(readdirSync(join(dir, "tmp"))).toEqual(["fresh.part"]);
  });
  it("remove() deletes a blob older than the grace time, keeps one put (or put again) within it, and lists what is stored", async () => {
    const bytes = randomBytes(100);
    const { contentHash } = await store.putBytes(bytes);
    const path = store.pathOf(contentHash);
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(path, old, old);
    const listed = [];
    for await (const blob of store.list()) listed.push(blob);
    expect(listed).toEqual([{ contentHash, mtimeMs: expect.closeTo(old.getTime(), -3) }]);
    // A put() of the same bytes touches the stored blob: a writer is about to name it.
    await store.putBytes(bytes);
    expect(await store.remove(contentHash, 60 * 60 * 1000)).toBe(false);
    expect(readFileSync(path)).toEqual(bytes);
    utimesSync(path, old, old);
    expect(await store.remove(contentHash, 60 * 60 * 1000)).toBe(true);
    expect(await store.has(contentHash)).toBe(false);
    expect(await store.remove(contentHash, 0)).toBe(false);
    expect(readdirSync(join(dir, "tmp"))).toEqual([]);
  });
});
