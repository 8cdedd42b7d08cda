// A seeded, deterministic PRNG (xoshiro128**), so generated data depends only on (contract, seed)
// and a rerun with the same seed reproduces its output byte for byte.
import { canonicalJson } from "./canonical-json.ts";
import { sha256 } from "./hash.ts";

const TWO_POW_53 = 2 ** 53;

export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Box–Muller yields normals in pairs; the second is kept for the next call. */
  private spareNormal: number | null = null;

  /** 128 bits of state; at least 16 bytes are required. */
  constructor(state: Uint8Array) {
    if (state.length < 16) throw new RangeError("Random needs 16 bytes of seed state");
    const view = new DataView(state.buffer, state.byteOffset, 16);
    this.s0 = view.getUint32(0, false);
    this.s1 = view.getUint32(4, false);
    this.s2 = view.getUint32(8, false);
    this.s3 = view.getUint32(12, false);
    // xoshiro's only bad state is all zeros, which would emit zeros for ever.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 0x9e3779b9;
  }

  /** The next raw 32-bit output, as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A float in [0, 1) with 53 bits of randomness, so wide integer ranges stay uniform. */
  next(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67_108_864 + low) / TWO_POW_53;
  }

  /** A float in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** A normal draw by Box–Muller. */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + std * z;
    }
    // 1 - next() lies in (0, 1], so the logarithm is finite.
    const u1 = 1 - this.next();
    const u2 = this.next();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    this.spareNormal = radius * Math.sin(angle);
    return mean + std * radius * Math.cos(angle);
  }

  /** An integer in [min, max], both inclusive. */
  integer(min: number, max: number): number {
    const lo = Math.ceil(min);
    const hi = Math.floor(max);
    if (hi < lo) throw new RangeError(`empty integer range [${min}, ${max}]`);
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  bool(p = 0.5): boolean {
    return this.next() < p;
  }

  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("choice from an empty list");
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks items[i] with probability weights[i] / sum(weights). */
  weightedChoice<T>(items: readonly T[], weights: readonly number[]): T {
    return items[this.weightedIndex(cumulativeWeights(weights))] as T;
  }

  /**
   * The index drawn from precomputed cumulative weights (see cumulativeWeights), so a column
   * drawn thousands of times does not re-sum its weights per row.
   */
  weightedIndex(cumulative: readonly number[]): number {
    const total = cumulative[cumulative.length - 1] ?? 0;
    if (!(total > 0)) throw new RangeError("weighted choice needs a positive total weight");
    const target = this.next() * total;
    // Binary search for the first cumulative weight above the target.
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** 16 random bytes, for identifiers such as UUIDs. */
  bytes16(): Buffer {
    const out = Buffer.allocUnsafe(16);
    for (let i = 0; i < 16; i += 4) out.writeUInt32BE(this.nextUint32(), i);
    return out;
  }
}

export function cumulativeWeights(weights: readonly number[]): number[] {
  let sum = 0;
  return weights.map((w) => {
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`invalid weight ${w}`);
    sum += w;
    return sum;
  });
}

/**
 * A generator seeded from sha256(domain, canonical contract JSON, seed), first 128 bits.
 * The domain keeps different uses of one contract (e.g. two engines) from sharing a stream.
 */
export function seededRandom(contract: unknown, seed: number, domain = "generation"): Random {
  const material = `${domain}\n${canonicalJson(contract)}\n${seed}`;
  return new Random(sha256(material).subarray(0, 16));
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
