// ANALYZE: a per-column profile of a dataset (CSV or JSON lines) (type, nulls, distinct values, range, moments, quartiles).
import { readDataset } from "./dataset.ts";
import { dateRange, tableColumns, type TableColumn } from "./infer.ts";
import { quantileSorted, sortNumbers, summarize } from "./stats.ts";

interface ColumnBasics {
  name: string;
  /** Non-empty cells. */
  count: number;
  /** Empty cells. */
  nulls: number;
  /** Distinct non-empty values (by numeric value for number columns, so "1.0" and "1" are one). */
  distinct: number;
}

export interface NumericColumnProfile extends ColumnBasics {
  type: "int" | "float";
  min: number;
  max: number;
  mean: number;
  /** Sample standard deviation (n − 1). */
  std: number;
  p25: number;
  p50: number;
  p75: number;
}

export interface DateColumnProfile extends ColumnBasics {
  type: "date";
  /** The earliest and latest values, as written. */
  min: string;
  max: string;
}

export interface OtherColumnProfile extends ColumnBasics {
  type: "bool" | "string";
}

export type ColumnProfile = NumericColumnProfile | DateColumnProfile | OtherColumnProfile;

export interface DatasetProfile {
  rows: number;
  columns: ColumnProfile[];
}

export function analyzeDataset(csv: Buffer | string): DatasetProfile {
  const table = readDataset(csv);
  return { rows: table.rows.length, columns: tableColumns(table).map(profileColumn) };
}

function profileColumn(column: TableColumn): ColumnProfile {
  const { name, values, inference } = column;
  const present = values.filter((v) => v !== "");
  const basics = { name, count: inference.count, nulls: inference.nulls };
  switch (inference.type) {
    case "int":
    case "float": {
      const sorted = sortNumbers(present.map(Number));
      const { min, max, mean, std } = summarize(sorted);
      return {
        ...basics,
        type: inference.type,
        distinct: new Set(sorted).size,
        min,
        max,
        mean,
        std,
        p25: quantileSorted(sorted, 0.25),
        p50: quantileSorted(sorted, 0.5),
        p75: quantileSorted(sorted, 0.75),
      };
    }
    case "date": {
      const { min, max } = dateRange(present) as { min: string; max: string };
      return { ...basics, type: "date", distinct: new Set(present).size, min, max };
    }
    case "bool":
      return { ...basics, type: "bool", distinct: new Set(present.map((v) => v.toLowerCase())).size };
    case "string":
      return { ...basics, type: "string", distinct: new Set(present).size };
  }
}
