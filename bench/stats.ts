// Order statistics for benchmark samples. Percentiles use the nearest-rank method (the value at
// rank ceil(p * n)), so a p99 over 1,000 samples is the 990th smallest sample, never interpolated.

export function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Nearest-rank percentile, p in [0, 1]. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError("percentile of no samples");
  if (p < 0 || p > 1) throw new RangeError(`percentile must be in [0, 1], got ${p}`);
  const s = sorted(values);
  const rank = Math.max(1, Math.ceil(p * s.length));
  return s[rank - 1]!;
}

/** The middle value (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of no samples");
  const s = sorted(values);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("mean of no samples");
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Milliseconds since `start` (a process.hrtime.bigint() reading). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Rounds for display and JSON (3 significant decimals is plenty for these figures). */
export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
