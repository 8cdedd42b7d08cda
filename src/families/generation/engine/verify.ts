// VERIFY: recompute each artefact's content hash and compare it with the one recorded.
import { contentHash, normalizeContentHash } from "./hash.ts";

export interface ArtifactCheckItem {
  name: string;
  /** "sha256:<hex>"; bare hex and upper case are accepted too. */
  expectedHash: string;
  bytes: Buffer;
}

export interface ArtifactMismatch {
  name: string;
  expected: string;
  actual: string;
}

export interface ArtifactVerification {
  ok: boolean;
  checked: number;
  mismatches: ArtifactMismatch[];
}

export function verifyArtifacts(items: readonly ArtifactCheckItem[]): ArtifactVerification {
  const mismatches: ArtifactMismatch[] = [];
  for (const item of items) {
    const actual = contentHash(item.bytes);
    // A malformed expected hash can never match; it is reported as given.
    if (normalizeContentHash(item.expectedHash) !== actual)
      mismatches.push({ name: item.name, expected: item.expectedHash, actual });
  }
  return { ok: mismatches.length === 0, checked: items.length, mismatches };
}
