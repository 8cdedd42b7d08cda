// TRAIN and SYNTHESIZE: a Gaussian copula. Each column's marginal is kept as it is in the data
// (numbers and datetimes: an empirical quantile function; categories and booleans: frequencies;
// nulls: a rate), and the columns are joined through the correlation matrix of their normal scores
// (Φ⁻¹ of each cell's rank), so relationships between columns survive synthesis. Sampling draws
// correlated normals (Cholesky factor of that matrix), maps each through Φ to a probability and
// that through the column's marginal back to a value. Pure and seed-reproducible.
import { CholeskyDecomposition, EigenvalueDecomposition, Matrix } from "ml-matrix";
import { z } from "zod";
import { type CsvTable, formatCsvRow } from "./csv.ts";
import { DatasetParseError } from "./dataset.ts";
import { dateCellMs, tableColumns, type TableColumn } from "./infer.ts";
import { normalCdf, normalQuantile } from "./normal.ts";
import { type Random, seededRandom } from "./random.ts";
import { quantileSorted, sortNumbers } from "./stats.ts";

export const MODEL_FORMAT = "gaussian-copula/v1";
/** Points of each numeric marginal's quantile function kept in the model. */
const QUANTILE_POINTS = 1001;
/** Categories kept per column, most frequent first; rarer values are not reproduced. */
export const MAX_CATEGORIES = 1000;
const MAX_DECIMALS = 6;
/** Smallest eigenvalue the repaired correlation matrix keeps, so its Cholesky factor exists. */
const MIN_EIGENVALUE = 1e-6;
const SYNTHESIZE_STREAM = "synthesize/v1";
const TRAIN_STREAM = "train/v1";

interface ColumnBasics {
  name: string;
  /** Share of empty cells. */
  nullRate: number;
}

export interface NumericModel extends ColumnBasics {
  kind: "numeric";
  type: "int" | "float";
  /** Most decimals written in the data (floats are written with this many). */
  decimals: number;
  /** QUANTILE_POINTS values of the quantile function at p = i / (QUANTILE_POINTS − 1). */
  quantiles: number[];
}

export interface DatetimeModel extends ColumnBasics {
  kind: "datetime";
  /** "date": written as YYYY-MM-DD; "datetime": ISO 8601 with milliseconds, UTC. */
  type: "date" | "datetime";
  /** Quantile function in epoch milliseconds. */
  quantiles: number[];
}

export interface CategoricalModel extends ColumnBasics {
  kind: "categorical";
  type: "bool" | "string";
  values: string[];
  /** Share of each value among the kept non-empty cells, summing to 1. */
  frequencies: number[];
}

export type ColumnModel = NumericModel | DatetimeModel | CategoricalModel;

export interface CopulaModel {
  format: typeof MODEL_FORMAT;
  /** Rows the model was trained on. */
  rows: number;
  columns: ColumnModel[];
  /** Correlation of the columns' normal scores, positive definite, in column order. */
  correlation: number[][];
  /** The dataset it was trained on (its artifact id), so SYNTHESIZE can compare against it. */
  trainedOn?: { input: string | null };
}

const Basics = { name: z.string(), nullRate: z.number().min(0).max(1) };
const Quantiles = z.array(z.number()).min(2);

/** A model read back from JSON (a TRAIN job's model.json): checked, since a user may hand in any file. */
export const CopulaModelSchema = z
  .object({
    format: z.literal(MODEL_FORMAT),
    rows: z.number().int().min(0),
    columns: z
      .array(
        z.discriminatedUnion("kind", [
          z.object({
            ...Basics,
            kind: z.literal("numeric"),
            type: z.enum(["int", "float"]),
            decimals: z.number().int().min(0).max(MAX_DECIMALS),
            quantiles: Quantiles,
          }),
          z.object({
            ...Basics,
            kind: z.literal("datetime"),
            type: z.enum(["date", "datetime"]),
            quantiles: Quantiles,
          }),
          z.object({
            ...Basics,
            kind: z.literal("categorical"),
            type: z.enum(["bool", "string"]),
            values: z.array(z.string()).min(1),
            frequencies: z.array(z.number().min(0)).min(1),
          }),
        ]),
      )
      .min(1),
    correlation: z.array(z.array(z.number().min(-1).max(1))),
    trainedOn: z.object({ input: z.string().nullable() }).optional(),
  })
  .superRefine((m, ctx) => {
    const d = m.columns.length;
    if (m.correlation.length !== d || m.correlation.some((row) => row.length !== d)) {
      ctx.addIssue({
        code: "custom",
        path: ["correlation"],
        message: `must be ${d} × ${d}, one row and column per column`,
      });
    }
    m.columns.forEach((c, i) => {
      if (c.kind === "categorical" && c.values.length !== c.frequencies.length) {
        ctx.addIssue({ code: "custom", path: ["columns", i, "frequencies"], message: "needs one frequency per value" });
      }
    });
  });

export function trainCopula(table: CsvTable, seed: number): CopulaModel {
  const rows = table.rows.length;
  // The data's fault, not the executor's: the job fails at once (INVALID_INPUT), not after retries.
  if (rows < 2) throw new DatasetParseError(`TRAIN needs at least 2 data rows, got ${rows}`);
  // Categories' normal scores are drawn within each category's probability band: seeded.
  const rng = seededRandom({ columns: table.columns, rows }, seed, TRAIN_STREAM);
  const columns: ColumnModel[] = [];
  const scores: Float64Array[] = [];
  for (const column of tableColumns(table)) {
    const fitted = fitColumn(column, rows, rng);
    columns.push(fitted.model);
    scores.push(fitted.scores);
  }
  return { format: MODEL_FORMAT, rows, columns, correlation: nearestCorrelation(pairwiseCorrelation(scores)) };
}

function fitColumn(column: TableColumn, rows: number, rng: Random): { model: ColumnModel; scores: Float64Array } {
  const { name, values, inference } = column;
  const nullRate = inference.nulls / rows;
  if (inference.type === "int" || inference.type === "float" || inference.type === "date") {
    const numbers = values.map((v) =>
      v === "" ? NaN : inference.type === "date" ? (dateCellMs(v) as number) : Number(v),
    );
    const sorted = sortNumbers(numbers.filter((x) => !Number.isNaN(x)));
    const quantiles = Array.from({ length: QUANTILE_POINTS }, (_, i) =>
      quantileSorted(sorted, i / (QUANTILE_POINTS - 1)),
    );
    const scores = rankScores(numbers);
    if (inference.type === "date") {
      const type = values.every((v) => v === "" || v.length === 10) ? "date" : "datetime";
      return { model: { name, nullRate, kind: "datetime", type, quantiles }, scores };
    }
    const decimals = inference.type === "int" ? 0 : Math.min(MAX_DECIMALS, Math.max(...values.map(decimalsOf)));
    return { model: { name, nullRate, kind: "numeric", type: inference.type, decimals, quantiles }, scores };
  }
  const counts = new Map<string, number>();
  for (const v of values) if (v !== "") counts.set(v, (counts.get(v) ?? 0) + 1);
  const kept = [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, MAX_CATEGORIES);
  const total = kept.reduce((sum, [, c]) => sum + c, 0);
  const frequencies = kept.map(([, c]) => c / total);
  // Each value owns the band [F(previous), F(value)) of the uniform; its cells get normal scores of
  // points drawn inside their band, so the copula sees an ordinal variable with the right shares.
  const bandStart = new Map<string, [number, number]>();
  let cumulative = 0;
  kept.forEach(([value], i) => {
    const share = frequencies[i] as number;
    bandStart.set(value, [cumulative, share]);
    cumulative += share;
  });
  const scores = new Float64Array(values.length);
  values.forEach((v, r) => {
    const band = bandStart.get(v);
    scores[r] = band ? normalQuantile(band[0] + band[1] * rng.next()) : NaN;
  });
  const type = inference.type === "bool" ? "bool" : "string";
  return { model: { name, nullRate, kind: "categorical", type, values: kept.map(([v]) => v), frequencies }, scores };
}

function decimalsOf(text: string): number {
  const dot = text.indexOf(".");
  if (dot < 0 || /[eE]/.test(text)) return 0;
  return text.length - dot - 1;
}

/** Φ⁻¹((rank − ½) / n) of each non-null value, ties sharing their mean rank; NaN for nulls. */
function rankScores(numbers: readonly number[]): Float64Array {
  const order = numbers.map((_, i) => i).filter((i) => !Number.isNaN(numbers[i] as number));
  order.sort((a, b) => (numbers[a] as number) - (numbers[b] as number) || a - b);
  const scores = new Float64Array(numbers.length).fill(NaN);
  const n = order.length;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && numbers[order[end] as number] === numbers[order[start] as number]) end++;
    const meanRank = (start + end + 1) / 2; // 1-based mean of ranks start+1 … end
    const score = normalQuantile((meanRank - 0.5) / n);
    for (let k = start; k < end; k++) scores[order[k] as number] = score;
    start = end;
  }
  return scores;
}

/** Pearson correlation of each pair over the rows where both are non-null (0 when under 3 such rows or no spread). */
export function pairwiseCorrelation(columns: readonly ArrayLike<number>[]): number[][] {
  const d = columns.length;
  const out = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const r = pearson(columns[i] as ArrayLike<number>, columns[j] as ArrayLike<number>);
      (out[i] as number[])[j] = r;
      (out[j] as number[])[i] = r;
    }
  }
  return out;
}

function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let k = 0; k < x.length; k++) {
    const a = x[k] as number;
    const b = y[k] as number;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    n++;
    sx += a;
    sy += b;
  }
  if (n < 3) return 0;
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let k = 0; k < x.length; k++) {
    const a = x[k] as number;
    const b = y[k] as number;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    sxy += (a - mx) * (b - my);
    sxx += (a - mx) * (a - mx);
    syy += (b - my) * (b - my);
  }
  return sxx > 0 && syy > 0 ? Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy))) : 0;
}

/**
 * Pairwise-complete correlations need not form a valid (positive definite) matrix: eigenvalues
 * are clipped to MIN_EIGENVALUE and the result rescaled to a unit diagonal (Higham's first step).
 */
export function nearestCorrelation(c: number[][]): number[][] {
  const d = c.length;
  if (d === 0) return [];
  const eig = new EigenvalueDecomposition(new Matrix(c), { assumeSymmetric: true });
  const values = eig.realEigenvalues;
  if (Math.min(...values) >= MIN_EIGENVALUE) return c;
  const v = eig.eigenvectorMatrix;
  const clipped = Matrix.diag(values.map((x) => Math.max(x, MIN_EIGENVALUE)));
  const repaired = v.mmul(clipped).mmul(v.transpose());
  const scale = Array.from({ length: d }, (_, i) => 1 / Math.sqrt(repaired.get(i, i)));
  // Averaged with its transpose: the product is symmetric only up to rounding, and Cholesky checks exactly.
  const at = (i: number, j: number) =>
    ((repaired.get(i, j) + repaired.get(j, i)) / 2) * ((scale[i] as number) * (scale[j] as number));
  return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : at(i, j))));
}

/** Rows drawn from the model, as CSV text cells ("" for null), in batches. Same (model, rows, seed) ⇒ same rows. */
export function* sampleCopula(
  model: CopulaModel,
  rows: number,
  seed: number,
  batchRows = 10_000,
): Generator<string[][], void, undefined> {
  const d = model.columns.length;
  const lower = choleskyLower(model.correlation);
  const rng = seededRandom(
    { format: model.format, rows, correlation: model.correlation, columns: model.columns },
    seed,
    SYNTHESIZE_STREAM,
  );
  const draws = model.columns.map(valueFor);
  const e = new Float64Array(d);
  for (let start = 0; start < rows; start += batchRows) {
    const count = Math.min(batchRows, rows - start);
    const batch: string[][] = new Array(count);
    for (let r = 0; r < count; r++) {
      for (let j = 0; j < d; j++) e[j] = rng.normal();
      const row: string[] = new Array(d);
      for (let j = 0; j < d; j++) {
        const l = lower[j] as Float64Array;
        let z = 0;
        for (let k = 0; k <= j; k++) z += (l[k] as number) * (e[k] as number);
        const column = model.columns[j] as ColumnModel;
        // The null draw comes after the score, so a column's nulls do not shift other columns' draws.
        const isNull = column.nullRate > 0 && rng.next() < column.nullRate;
        row[j] = isNull ? "" : (draws[j] as (u: number) => string)(normalCdf(z));
      }
      batch[r] = row;
    }
    yield batch;
  }
}

/** The model's rows as CSV with a header, in chunks of batchRows rows. */
export function* synthesizeCsv(
  model: CopulaModel,
  rows: number,
  seed: number,
  batchRows = 10_000,
): Generator<{ text: string; rows: string[][] }, void, undefined> {
  let header = formatCsvRow(model.columns.map((c) => c.name)) + "\n";
  if (rows === 0) yield { text: header, rows: [] };
  for (const batch of sampleCopula(model, rows, seed, batchRows)) {
    let text = header;
    header = "";
    for (const row of batch) text += formatCsvRow(row) + "\n";
    yield { text, rows: batch };
  }
}

function choleskyLower(correlation: number[][]): Float64Array[] {
  if (correlation.length === 0) return [];
  const chol = new CholeskyDecomposition(new Matrix(correlation));
  const source = chol.isPositiveDefinite() ? correlation : nearestCorrelation(correlation);
  const l = (chol.isPositiveDefinite() ? chol : new CholeskyDecomposition(new Matrix(source))).lowerTriangularMatrix;
  return Array.from({ length: correlation.length }, (_, i) => Float64Array.from(l.getRow(i)));
}

/** u in (0, 1) → a cell of the column, through its marginal. */
function valueFor(column: ColumnModel): (u: number) => string {
  switch (column.kind) {
    case "numeric": {
      const q = column.quantiles;
      if (column.type === "int") return (u) => String(Math.round(interpolate(q, u)));
      return (u) => fixed(interpolate(q, u), column.decimals);
    }
    case "datetime": {
      const q = column.quantiles;
      if (column.type === "date")
        return (u) => new Date(Math.round(interpolate(q, u) / 86_400_000) * 86_400_000).toISOString().slice(0, 10);
      return (u) => new Date(Math.round(interpolate(q, u))).toISOString();
    }
    case "categorical": {
      const cumulative: number[] = [];
      let sum = 0;
      for (const f of column.frequencies) cumulative.push((sum += f));
      const last = column.values.length - 1;
      return (u) => {
        let lo = 0;
        let hi = last;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if ((cumulative[mid] as number) > u) hi = mid;
          else lo = mid + 1;
        }
        return column.values[lo] as string;
      };
    }
  }
}

function interpolate(quantiles: readonly number[], u: number): number {
  const position = Math.min(Math.max(u, 0), 1) * (quantiles.length - 1);
  const lower = Math.floor(position);
  const lo = quantiles[lower] as number;
  const hi = quantiles[Math.min(lower + 1, quantiles.length - 1)] as number;
  return lo + (hi - lo) * (position - lower);
}

function fixed(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  return /^-0(?:\.0*)?$/.test(text) ? text.slice(1) : text;
}
