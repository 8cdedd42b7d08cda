// The one place the engine hashes bytes, so every digest (artefacts, evidence, seals, seeds, lease
// tokens, API key secrets) agrees on form. One-shot crypto.hash: a third of createHash's cost for the
// short inputs hashed on every request (a token, a key).
import { hash } from "node:crypto";

export type Hashable = Buffer | Uint8Array | string;

/** The raw 32-byte SHA-256 digest; strings are hashed as their UTF-8 bytes. */
export function sha256(bytes: Hashable): Buffer {
  return hash("sha256", bytes, "buffer");
}

export function sha256Hex(bytes: Hashable): string {
  return hash("sha256", bytes, "hex");
}

export const CONTENT_HASH_PREFIX = "sha256:";

/** The form the API uses for every content hash: "sha256:<lowercase hex>". */
export function contentHash(bytes: Hashable): string {
  return CONTENT_HASH_PREFIX + sha256Hex(bytes);
}

const CONTENT_HASH = /^sha256:[0-9a-f]{64}$/;

export function isContentHash(value: string): boolean {
  return CONTENT_HASH.test(value);
}

/**
 * Accepts "sha256:<hex>" or bare hex, in any case, and returns the canonical "sha256:<lowercase hex>";
 * null when it is neither, so callers can report a malformed hash instead of a false mismatch.
 */
export function normalizeContentHash(value: string): string | null {
  const lower = value.trim().toLowerCase();
  const candidate = lower.startsWith(CONTENT_HASH_PREFIX) ? lower : CONTENT_HASH_PREFIX + lower;
  return CONTENT_HASH.test(candidate) ? candidate : null;
}
