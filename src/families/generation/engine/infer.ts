// Cell and column type inference shared by analyze, fit and lift, so the three never disagree
// about what a column holds.
import type { CsvTable } from "./csv.ts";

export type InferredType = "int" | "float" | "bool" | "date" | "string";

// Integers and decimals without leading zeros: "007" and "00.5" are codes (zip, account), not numbers.
const INT = /^[+-]?(?:0|[1-9]\d*)$/;
// A float needs a decimal point or an exponent; plain digit strings are ints or (when too long) strings.
const FLOAT = /^[+-]?(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const BOOL = /^(?:true|false)$/i;
// ISO 8601 calendar dates, optionally with a time and zone.
const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function isIntCell(value: string): boolean {
  return INT.test(value) && Number.isSafeInteger(Number(value));
}

export function isFloatCell(value: string): boolean {
  return FLOAT.test(value) && /[.eE]/.test(value) && Number.isFinite(Number(value));
}

export function isBoolCell(value: string): boolean {
  return BOOL.test(value);
}

/** Milliseconds since the epoch for an ISO date or date-time (no zone read as UTC); null if not one. */
export function dateCellMs(value: string): number | null {
  const m = DATE.exec(value);
  if (!m) return null;
  const [, y, mo, d, hh, mi, ss, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  // Date.UTC rolls 2024-02-30 over to March; a round trip rejects such dates.
  const midnight = Date.UTC(year, month - 1, day);
  const check = new Date(midnight);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  if (hh === undefined) return midnight;
  if (Number(hh) > 23 || Number(mi) > 59 || Number(ss ?? 0) > 59) return null;
  const iso = `${value.slice(0, 10)}T${value.slice(11)}${zone === undefined ? "Z" : ""}`;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

/** The earliest and latest of non-empty date cells, as written; null when there are none. */
export function dateRange(values: readonly string[]): { min: string; max: string } | null {
  let min: string | null = null;
  let max: string | null = null;
  let minMs = Infinity;
  let maxMs = -Infinity;
  for (const value of values) {
    const ms = value === "" ? null : dateCellMs(value);
    if (ms === null) continue;
    if (ms < minMs) [min, minMs] = [value, ms];
    if (ms > maxMs) [max, maxMs] = [value, ms];
  }
  return min === null || max === null ? null : { min, max };
}

export interface ColumnInference {
  type: InferredType;
  /** Non-empty cells. */
  count: number;
  /** Empty cells. */
  nulls: number;
}

/**
 * The narrowest type every non-empty cell fits: int, then float (ints and floats mixed), bool,
 * date, else string. An all-empty column is a string column.
 */
export function inferColumnType(values: readonly string[]): ColumnInference {
  let count = 0;
  let nulls = 0;
  let allInt = true;
  let allNumber = true;
  let allBool = true;
  let allDate = true;
  for (const value of values) {
    if (value === "") {
      nulls += 1;
      continue;
    }
    count += 1;
    if (allNumber) {
      const int = isIntCell(value);
      if (!int) allInt = false;
      if (!int && !isFloatCell(value)) allNumber = false;
    }
    if (allBool && !isBoolCell(value)) allBool = false;
    if (allDate && dateCellMs(value) === null) allDate = false;
    if (!allNumber && !allBool && !allDate) break;
  }
  if (count === 0) return { type: "string", count, nulls: values.length };
  if (!allNumber && !allBool && !allDate) {
    // The loop stopped early; finish counting empties.
    count = 0;
    nulls = 0;
    for (const value of values) {
      if (value === "") nulls += 1;
      else count += 1;
    }
  }
  const type: InferredType =
    allInt && allNumber ? "int" : allNumber ? "float" : allBool ? "bool" : allDate ? "date" : "string";
  return { type, count, nulls };
}

export type TypedValue = number | boolean | string | null;

/** A cell as the JSON value of its column's type; empty cells are null. */
export function typedCell(value: string, type: InferredType): TypedValue {
  if (value === "") return null;
  switch (type) {
    case "int":
    case "float":
      return Number(value);
    case "bool":
      return value.toLowerCase() === "true";
    default:
      return value;
  }
}

export interface TableColumn {
  name: string;
  values: string[];
  inference: ColumnInference;
}

/** The table turned column-wise, each column with its inferred type. */
export function tableColumns(table: CsvTable): TableColumn[] {
  return table.columns.map((name, c) => {
    const values = table.rows.map((row) => row[c] as string);
    return { name, values, inference: inferColumnType(values) };
  });
}
