// Provenance seals: each succeeded job's seal names the hash of the seal before it, so the
// sequence can be replayed and any rewritten or dropped seal breaks every hash after it.
import { canonicalJson } from "./canonical-json.ts";
import { contentHash } from "./hash.ts";

export interface SealFields {
  /** The previous seal's hash; null for the first seal of a chain. */
  previousSealHash: string | null;
  jobId: string;
  /** The job's evidence bundle root hash. */
  rootHash: string;
  /** ISO 8601 timestamp, exactly as stored. */
  createdOn: string;
}

/** "sha256:<hex>" over the canonical JSON of exactly these four fields. */
export function computeSealHash(seal: SealFields): string {
  const { previousSealHash, jobId, rootHash, createdOn } = seal;
  return contentHash(canonicalJson({ previousSealHash, jobId, rootHash, createdOn }));
}

export interface SealChainCheck {
  ok: boolean;
  /** Index of the first seal whose hash or link is wrong; null when the chain holds. */
  brokenAt: number | null;
  reason: string | null;
}

/** Checks seals in chain order: each hash recomputes, and each names its predecessor's hash. */
export function verifySealChain(seals: readonly (SealFields & { sealHash: string })[]): SealChainCheck {
  for (const [i, seal] of seals.entries()) {
    const expectedPrevious = i === 0 ? seal.previousSealHash : (seals[i - 1] as { sealHash: string }).sealHash;
    if (seal.previousSealHash !== expectedPrevious) {
      return {
        ok: false,
        brokenAt: i,
        reason: `seal ${i} names ${seal.previousSealHash} as previous, not ${expectedPrevious}`,
      };
    }
    const recomputed = computeSealHash(seal);
    if (recomputed !== seal.sealHash) {
      return { ok: false, brokenAt: i, reason: `seal ${i} hash is ${seal.sealHash}, its fields give ${recomputed}` };
    }
  }
  return { ok: true, brokenAt: null, reason: null };
}
