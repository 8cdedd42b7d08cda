// RFC 4180 CSV, read and written by mock, analyze, fit and lift. Written with "\n" record
// separators; read with "\r\n", "\n" or a lone "\r".

export class CsvParseError extends Error {
  override name = "CsvParseError";
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`CSV line ${line}: ${message}`);
  }
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

/** Decodes UTF-8 and drops a leading byte-order mark, which spreadsheets like to add. */
export function decodeCsv(input: Buffer | string): string {
  const text = typeof input === "string" ? input : input.toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export interface ParsedRecord {
  fields: string[];
  /** 1-based line the record starts on, for error messages. */
  line: number;
}

/**
 * Every record, fields unquoted. A final line break does not start an empty record; a blank line
 * elsewhere is a record of one empty field. Text after a closing quote is kept (lenient, as most
 * readers are); only an unterminated quote is an error, since the data's extent is then unknown.
 */
export function parseCsvRecords(input: Buffer | string): ParsedRecord[] {
  const text = decodeCsv(input);
  const n = text.length;
  const records: ParsedRecord[] = [];
  if (n === 0) return records;
  let i = 0;
  let line = 1;
  let record: string[] = [];
  let recordLine = 1;
  for (;;) {
    let field: string;
    if (text.charCodeAt(i) === QUOTE) {
      const startLine = line;
      let value = "";
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q === -1) throw new CsvParseError("unterminated quoted field", startLine);
        value += text.slice(from, q);
        if (text.charCodeAt(q + 1) === QUOTE) {
          value += '"';
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      line += countLineBreaks(value);
      const end = fieldEnd(text, i);
      field = end > i ? value + text.slice(i, end) : value;
      i = end;
    } else {
      const end = fieldEnd(text, i);
      field = text.slice(i, end);
      i = end;
    }
    record.push(field);
    if (i >= n) {
      records.push({ fields: record, line: recordLine });
      return records;
    }
    if (text.charCodeAt(i) === COMMA) {
      i += 1;
      if (i >= n) {
        record.push("");
        records.push({ fields: record, line: recordLine });
        return records;
      }
      continue;
    }
    // A record separator: "\r\n", "\n" or "\r".
    i += text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
    line += 1;
    records.push({ fields: record, line: recordLine });
    if (i >= n) return records;
    record = [];
    recordLine = line;
  }
}

export function parseCsv(input: Buffer | string): string[][] {
  return parseCsvRecords(input).map((r) => r.fields);
}

export interface CsvTable {
  /** The header exactly as written. */
  header: string[];
  /** Header names made unique and non-empty ("", "a", "a" → "column_1", "a", "a_2"), safe as JSON keys. */
  columns: string[];
  rows: string[][];
}

/**
 * A header row and data rows of the same width. Blank lines are skipped when there is more
 * than one column (with one column a blank line is an empty value); any other width is an error
 * rather than silently padded or cut data.
 */
export function parseCsvTable(input: Buffer | string): CsvTable {
  const records = parseCsvRecords(input);
  const first = records[0];
  if (!first) throw new CsvParseError("empty CSV: no header row", 1);
  const header = first.fields;
  const rows: string[][] = [];
  for (let r = 1; r < records.length; r++) {
    const { fields, line } = records[r] as ParsedRecord;
    if (fields.length !== header.length) {
      if (fields.length === 1 && fields[0] === "") continue;
      throw new CsvParseError(`expected ${header.length} fields as in the header, found ${fields.length}`, line);
    }
    rows.push(fields);
  }
  return { header, columns: uniqueColumnNames(header), rows };
}

export function uniqueColumnNames(header: readonly string[]): string[] {
  const taken = new Set<string>();
  return header.map((raw, index) => {
    const base = raw.trim() === "" ? `column_${index + 1}` : raw;
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base}_${k}`;
    taken.add(name);
    return name;
  });
}

const NEEDS_QUOTES = /[",\r\n]/;

/** One field, quoted only when RFC 4180 requires it. */
export function formatCsvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One record, without its line break. */
export function formatCsvRow(fields: readonly string[]): string {
  let out = "";
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) out += ",";
    out += formatCsvField(fields[i] as string);
  }
  return out;
}

/** Records joined by "\n", each line-terminated; no records gives "". */
export function formatCsv(rows: readonly (readonly string[])[]): string {
  let out = "";
  for (const row of rows) out += formatCsvRow(row) + "\n";
  return out;
}

function fieldEnd(text: string, from: number): number {
  let i = from;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === COMMA || c === LF || c === CR) break;
    i += 1;
  }
  return i;
}

function countLineBreaks(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === LF || (c === CR && value.charCodeAt(i + 1) !== LF)) count += 1;
  }
  return count;
}
