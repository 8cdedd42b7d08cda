// Uploaded datasets as one table, whatever their format: CSV (RFC 4180, header row) or JSON lines
// (one object per line; columns in order of first appearance). Cells are CSV text either way, so
// type inference (infer.ts) treats both alike.
import { type CsvTable, parseCsvTable, uniqueColumnNames } from "./csv.ts";

export class DatasetParseError extends Error {
  override name = "DatasetParseError";
}

/** JSON lines when the first non-blank character opens an object; CSV otherwise. */
export function readDataset(input: Buffer | string): CsvTable {
  const text = typeof input === "string" ? input : input.toString("utf8");
  const start = text.search(/\S/);
  return start >= 0 && text[start] === "{" ? parseJsonLines(text) : parseCsvTable(text);
}

function parseJsonLines(text: string): CsvTable {
  const header: string[] = [];
  const index = new Map<string, number>();
  const records: Record<string, unknown>[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new DatasetParseError(`JSON lines line ${i + 1}: ${(err as Error).message}`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value))
      throw new DatasetParseError(`JSON lines line ${i + 1}: not an object`);
    for (const key of Object.keys(value)) {
      if (!index.has(key)) {
        index.set(key, header.length);
        header.push(key);
      }
    }
    records.push(value as Record<string, unknown>);
  });
  if (header.length === 0) throw new DatasetParseError("JSON lines: no records");
  // Own keys only: a record without "__proto__" (or "constructor") must read it as missing, not inherited.
  const rows = records.map((r) => header.map((key) => cellText(Object.hasOwn(r, key) ? r[key] : undefined)));
  return { header, columns: uniqueColumnNames(header), rows };
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}
