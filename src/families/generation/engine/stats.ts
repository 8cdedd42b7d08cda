// Descriptive statistics over plain number arrays, shared by analyze and fit.

export interface NumericSummary {
  count: number;
  min: number;
  max: number;
  mean: number;
  /** Sample standard deviation (n − 1), as pandas and R report; 0 for a single value. */
  std: number;
}

/** Summary of a non-empty list; two passes, so the variance does not suffer cancellation. */
export function summarize(values: readonly number[]): NumericSummary {
  const n = values.length;
  if (n === 0) throw new RangeError("summarize needs at least one value");
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const mean = sum / n;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  return { count: n, min, max, mean, std: n > 1 ? Math.sqrt(squares / (n - 1)) : 0 };
}

/**
 * The p-quantile of ascending values by linear interpolation between closest ranks
 * (Hyndman–Fan type 7, the default of numpy, pandas and R).
 */
export function quantileSorted(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError("quantile of no values");
  const position = (n - 1) * p;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const lo = sorted[lower] as number;
  const hi = sorted[upper] as number;
  return lo + (hi - lo) * (position - lower);
}

export function sortNumbers(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

export interface Histogram {
  /** bins + 1 ascending edges; bin i covers [edges[i], edges[i+1]), the last bin includes its upper edge. */
  edges: number[];
  counts: number[];
}

/** Equal-width bins from min to max; when all values are equal every value falls in the first bin. */
export function histogram(values: readonly number[], min: number, max: number, bins = 10): Histogram {
  const width = (max - min) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? max : min + i * width));
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    const bin = width > 0 ? Math.min(bins - 1, Math.floor((v - min) / width)) : 0;
    counts[bin] = (counts[bin] as number) + 1;
  }
  return { edges, counts };
}
