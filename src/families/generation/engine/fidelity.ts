// How faithful synthetic data is to the real table it imitates, and how private: per column the
// distance between the marginals (two-sample Kolmogorov–Smirnov statistic for numbers and dates,
// total variation distance for categories), the largest absolute difference between the two
// correlation matrices (Pearson, over the numeric and date columns), and the share of synthetic
// rows that are exact copies of a training row.
import { pairwiseCorrelation } from "./copula.ts";
import type { CsvTable } from "./csv.ts";
import { dateCellMs, inferColumnType } from "./infer.ts";
import { sortNumbers } from "./stats.ts";

export interface ColumnFidelity {
  name: string;
  kind: "numeric" | "datetime" | "categorical";
  metric: "ks" | "tv";
  /** KS statistic or total variation distance: 0 identical, 1 disjoint. */
  distance: number;
  realNullRate: number;
  syntheticNullRate: number;
  /** Numeric columns only. */
  realMean?: number;
  syntheticMean?: number;
}

export interface FidelityReport {
  realRows: number;
  syntheticRows: number;
  columns: ColumnFidelity[];
  correlation: {
    /** The numeric and date columns the matrices are over, in order. */
    columns: string[];
    real: number[][];
    synthetic: number[][];
    maxAbsDifference: number;
  };
  privacy: {
    /** Synthetic rows identical, cell for cell, to some training row. */
    exactCopies: number;
    exactCopyShare: number;
  };
}

export function fidelityReport(real: CsvTable, synthetic: CsvTable): FidelityReport {
  const columns: ColumnFidelity[] = [];
  const realSeries: Float64Array[] = [];
  const syntheticSeries: Float64Array[] = [];
  const correlated: string[] = [];
  real.columns.forEach((name, c) => {
    const s = synthetic.columns.indexOf(name);
    const realValues = real.rows.map((row) => row[c] as string);
    const syntheticValues = s < 0 ? [] : synthetic.rows.map((row) => row[s] as string);
    const type = inferColumnType(realValues).type;
    const realNullRate = nullShare(realValues);
    const syntheticNullRate = nullShare(syntheticValues);
    if (type === "int" || type === "float" || type === "date") {
      const toNumber =
        type === "date"
          ? (v: string) => (v === "" ? NaN : (dateCellMs(v) ?? NaN))
          : (v: string) => (v === "" ? NaN : Number(v));
      const a = Float64Array.from(realValues, toNumber);
      const b = Float64Array.from(syntheticValues, toNumber);
      realSeries.push(a);
      syntheticSeries.push(b);
      correlated.push(name);
      const entry: ColumnFidelity = {
        name,
        kind: type === "date" ? "datetime" : "numeric",
        metric: "ks",
        distance: ksStatistic(a, b),
        realNullRate,
        syntheticNullRate,
      };
      if (type !== "date") {
        entry.realMean = mean(a);
        entry.syntheticMean = mean(b);
      }
      columns.push(entry);
    } else {
      columns.push({
        name,
        kind: "categorical",
        metric: "tv",
        distance: totalVariation(realValues, syntheticValues),
        realNullRate,
        syntheticNullRate,
      });
    }
  });
  const realCorrelation = pairwiseCorrelation(realSeries);
  const syntheticCorrelation = pairwiseCorrelation(syntheticSeries);
  let maxAbsDifference = 0;
  for (const [i, row] of realCorrelation.entries()) {
    for (const [j, r] of row.entries()) {
      maxAbsDifference = Math.max(maxAbsDifference, Math.abs(r - (syntheticCorrelation[i]?.[j] ?? 0)));
    }
  }
  const seen = new Set(real.rows.map(rowKey));
  const exactCopies = synthetic.rows.reduce((n, row) => n + (seen.has(rowKey(row)) ? 1 : 0), 0);
  return {
    realRows: real.rows.length,
    syntheticRows: synthetic.rows.length,
    columns,
    correlation: { columns: correlated, real: realCorrelation, synthetic: syntheticCorrelation, maxAbsDifference },
    privacy: { exactCopies, exactCopyShare: synthetic.rows.length > 0 ? exactCopies / synthetic.rows.length : 0 },
  };
}

/** The headline numbers, for a job's result (the full report is its artifact). */
export function fidelitySummary(report: FidelityReport) {
  return {
    realRows: report.realRows,
    syntheticRows: report.syntheticRows,
    columns: report.columns.map(({ name, metric, distance, realMean, syntheticMean }) => ({
      name,
      metric,
      distance,
      ...(realMean !== undefined ? { realMean, syntheticMean } : {}),
    })),
    maxCorrelationDifference: report.correlation.maxAbsDifference,
    exactCopyShare: report.privacy.exactCopyShare,
  };
}

const rowKey = (row: readonly string[]) => row.join("\u0000");

function nullShare(values: readonly string[]): number {
  return values.length > 0 ? values.filter((v) => v === "").length / values.length : 0;
}

function mean(values: Float64Array): number {
  let n = 0;
  let sum = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    n++;
    sum += v;
  }
  return n > 0 ? sum / n : NaN;
}

/** sup |F_a − F_b| over the non-null values of both samples (1 when one side has none). */
export function ksStatistic(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const x = sortNumbers(Array.from(a).filter((v) => !Number.isNaN(v)));
  const y = sortNumbers(Array.from(b).filter((v) => !Number.isNaN(v)));
  if (x.length === 0 || y.length === 0) return x.length === y.length ? 0 : 1;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i] as number, y[j] as number);
    while (i < x.length && x[i] === v) i++;
    while (j < y.length && y[j] === v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/** ½ Σ |p_a(v) − p_b(v)| over the non-null values' shares. */
export function totalVariation(a: readonly string[], b: readonly string[]): number {
  const pa = shares(a);
  const pb = shares(b);
  if (pa.size === 0 || pb.size === 0) return pa.size === pb.size ? 0 : 1;
  let sum = 0;
  for (const [v, p] of pa) sum += Math.abs(p - (pb.get(v) ?? 0));
  for (const [v, p] of pb) if (!pa.has(v)) sum += p;
  return sum / 2;
}

function shares(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  let n = 0;
  for (const v of values) {
    if (v === "") continue;
    counts.set(v, (counts.get(v) ?? 0) + 1);
    n++;
  }
  for (const [v, c] of counts) counts.set(v, c / n);
  return counts;
}
