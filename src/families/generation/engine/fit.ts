// FIT: the statistics later synthesis draws from — moments and a histogram per numeric column,
// value frequencies per categorical one — plus column specs a MOCK contract can use directly.
import type { ColumnSpec } from "./column-spec.ts";
import { readDataset } from "./dataset.ts";
import { dateRange, tableColumns, type TableColumn } from "./infer.ts";
import { histogram, type Histogram, summarize } from "./stats.ts";

const HISTOGRAM_BINS = 10;
const TOP_VALUES = 20;

interface FitBasics {
  name: string;
  count: number;
  nulls: number;
  /** nulls / rows. */
  nullRate: number;
}

export interface NumericFit extends FitBasics {
  kind: "numeric";
  type: "int" | "float";
  mean: number;
  /** Sample standard deviation (n − 1). */
  std: number;
  min: number;
  max: number;
  histogram: Histogram;
}

export interface DateFit extends FitBasics {
  kind: "date";
  type: "date";
  min: string;
  max: string;
}

export interface ValueFrequency {
  value: string;
  count: number;
  /** count / non-empty cells. */
  frequency: number;
}

export interface CategoricalFit extends FitBasics {
  kind: "categorical";
  type: "bool" | "string";
  distinct: number;
  /** The most frequent values, most frequent first, ties in value order. */
  top: ValueFrequency[];
  /** Non-empty cells holding a value outside top. */
  otherCount: number;
}

export type ColumnFit = NumericFit | DateFit | CategoricalFit;

export interface DatasetFit {
  rows: number;
  columns: ColumnFit[];
  /** Column specs that regenerate data shaped like this (normal numbers, weighted categories). */
  columnSpecs: ColumnSpec[];
}

export function fitDataset(csv: Buffer | string): DatasetFit {
  const table = readDataset(csv);
  const rows = table.rows.length;
  const columns = tableColumns(table).map((column) => fitColumn(column, rows));
  return { rows, columns, columnSpecs: columns.map(specFromFit) };
}

function fitColumn(column: TableColumn, rows: number): ColumnFit {
  const { name, values, inference } = column;
  const present = values.filter((v) => v !== "");
  const basics: FitBasics = {
    name,
    count: inference.count,
    nulls: inference.nulls,
    nullRate: rows > 0 ? inference.nulls / rows : 0,
  };
  if (inference.type === "int" || inference.type === "float") {
    const numbers = present.map(Number);
    const { mean, std, min, max } = summarize(numbers);
    return {
      ...basics,
      kind: "numeric",
      type: inference.type,
      mean,
      std,
      min,
      max,
      histogram: histogram(numbers, min, max, HISTOGRAM_BINS),
    };
  }
  if (inference.type === "date") {
    const { min, max } = dateRange(present) as { min: string; max: string };
    return { ...basics, kind: "date", type: "date", min, max };
  }
  const counts = new Map<string, number>();
  for (const v of present) counts.set(v, (counts.get(v) ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const top = ranked
    .slice(0, TOP_VALUES)
    .map(([value, count]) => ({ value, count, frequency: count / present.length }));
  const inTop = top.reduce((sum, t) => sum + t.count, 0);
  return {
    ...basics,
    kind: "categorical",
    type: inference.type,
    distinct: counts.size,
    top,
    otherCount: present.length - inTop,
  };
}

function specFromFit(fit: ColumnFit): ColumnSpec {
  const spec: ColumnSpec = { name: fit.name, type: "string" };
  if (fit.nullRate > 0) spec.nullRate = fit.nullRate;
  switch (fit.kind) {
    case "numeric":
      spec.type = fit.type;
      spec.distribution = { kind: "normal", mean: fit.mean, std: fit.std };
      break;
    case "date":
      spec.type = "date";
      break;
    case "categorical":
      if (fit.type === "bool") spec.type = "bool";
      else if (fit.otherCount === 0 && fit.top.length > 0) {
        // Every value seen is in top: the column is a category and can be reproduced exactly.
        spec.type = "category";
        spec.distribution = {
          kind: "categorical",
          values: fit.top.map((t) => t.value),
          weights: fit.top.map((t) => t.count),
        };
      }
      break;
  }
  return spec;
}
