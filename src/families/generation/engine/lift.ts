// LIFT: raw CSV (or JSON lines) → typed JSON lines (numbers as numbers, booleans as booleans, empty cells null) and the schema inferred.
import { readDataset } from "./dataset.ts";
import { type InferredType, tableColumns, typedCell } from "./infer.ts";

export interface LiftedColumn {
  name: string;
  type: InferredType;
  nullable: boolean;
}

export interface LiftResult {
  jsonl: Buffer;
  schema: { columns: LiftedColumn[] };
  rows: number;
}

export function liftCsv(csv: Buffer | string): LiftResult {
  const table = readDataset(csv);
  const columns = tableColumns(table);
  const schema = columns.map((c) => ({ name: c.name, type: c.inference.type, nullable: c.inference.nulls > 0 }));
  // Objects are written by hand: keys stay in header order, and a header such as "__proto__" stays a plain key.
  const keys = schema.map((c) => JSON.stringify(c.name));
  const lines: string[] = new Array(table.rows.length);
  for (let r = 0; r < table.rows.length; r++) {
    const row = table.rows[r] as string[];
    let line = "{";
    for (let c = 0; c < schema.length; c++) {
      if (c > 0) line += ",";
      line += `${keys[c]}:${JSON.stringify(typedCell(row[c] as string, (schema[c] as LiftedColumn).type))}`;
    }
    lines[r] = line + "}";
  }
  const text = lines.length > 0 ? lines.join("\n") + "\n" : "";
  return { jsonl: Buffer.from(text, "utf8"), schema: { columns: schema }, rows: table.rows.length };
}
