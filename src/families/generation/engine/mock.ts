// MOCK: seeded fake rows from column specs (given, or read from a description), as CSV or JSON lines.
import {
  type ColumnSpec,
  type ColumnType,
  type MockContract,
  type MockFormat,
  MockSpecError,
  type ParsedMockContract,
  parseMockContract,
  uniqueIntRange,
} from "./column-spec.ts";
import { formatCsvField, formatCsvRow } from "./csv.ts";
import { defaultDistribution, inferColumnsFromDescription } from "./describe-columns.ts";
import { cumulativeWeights, type Random, seededRandom } from "./random.ts";
import { EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, WORDS } from "./vocab.ts";

export {
  COLUMN_TYPES,
  ColumnSpecSchema,
  MAX_MOCK_ROWS,
  MockContractSchema,
  MockSpecError,
  parseMockContract,
  type ColumnSpec,
  type ColumnType,
  type Distribution,
  type MockContract,
  type MockFormat,
} from "./column-spec.ts";
export { inferColumnsFromDescription } from "./describe-columns.ts";

/** Bumped whenever the output for a given (contract, seed) would change, e.g. new word lists. */
const MOCK_STREAM = "mock/v1";
const FLOAT_DECIMALS = 2;
/** Dates fall in a fixed window, never relative to "today", so reruns match. */
const DATE_START_MS = Date.UTC(2015, 0, 1);
const DATE_DAYS = 3653; // 2015-01-01 … 2024-12-31
const DAY_MS = 86_400_000;
const DEFAULT_CHUNK_ROWS = 10_000;

export interface MockResult {
  format: MockFormat;
  /** The output in the requested format. */
  bytes: Buffer;
  /** The same rows as CSV (the same Buffer as bytes when the format is csv). */
  csv: Buffer;
  /** The columns generated, with the defaults each got filled in. */
  columns: ColumnSpec[];
  rows: number;
}

/** A cell as CSV text; null is an empty cell (CSV) or null (JSON lines). */
type Cell = string | null;
/** Consecutive rows; the first batch of a run also carries the CSV header. */
type RowBatch = { first: boolean; cells: Cell[][] };
/** A cell from the stream; row is its 0-based index (unique columns count with it). */
type CellDraw = (rng: Random, row: number) => string;

/** Same (contract, seed) ⇒ byte-identical output. */
export function generateMock(contract: MockContract, seed: number): MockResult {
  const plan = planMock(contract, seed);
  const csvChunks: Buffer[] = [];
  const jsonlChunks: Buffer[] = [];
  for (const rows of plan.rowBatches(DEFAULT_CHUNK_ROWS)) {
    csvChunks.push(Buffer.from(renderCsv(plan, rows), "utf8"));
    if (plan.format === "jsonl") jsonlChunks.push(Buffer.from(renderJsonl(plan, rows), "utf8"));
  }
  const csv = Buffer.concat(csvChunks);
  const bytes = plan.format === "jsonl" ? Buffer.concat(jsonlChunks) : csv;
  return { format: plan.format, bytes, csv, columns: plan.columns, rows: plan.rows };
}

/**
 * The same output as generateMock's bytes, in pieces of chunkRows rows (the CSV header rides in
 * the first), for writing to a stream without holding the whole file.
 */
export function* generateMockChunks(
  contract: MockContract,
  seed: number,
  options: { format?: MockFormat; chunkRows?: number } = {},
): Generator<Buffer, void, undefined> {
  const plan = planMock(contract, seed);
  const format = options.format ?? plan.format;
  for (const rows of plan.rowBatches(options.chunkRows ?? DEFAULT_CHUNK_ROWS)) {
    yield Buffer.from(format === "jsonl" ? renderJsonl(plan, rows) : renderCsv(plan, rows), "utf8");
  }
}

/** The columns a contract generates: its spec's, else those its description names. */
export function resolveMockColumns(contract: ParsedMockContract): ColumnSpec[] {
  const given = contract.spec?.columns;
  const columns = given && given.length > 0 ? given : inferColumnsFromDescription(contract.description ?? "");
  return columns.map((column) => {
    const resolved: ColumnSpec = { name: column.name, type: column.type };
    // A unique column counts up from its range's minimum: no default range is invented for it.
    const distribution = column.distribution ?? (column.unique ? null : defaultDistribution(column.name, column.type));
    if (distribution) resolved.distribution = distribution;
    if (column.nullRate) resolved.nullRate = column.nullRate;
    if (column.unique) resolved.unique = true;
    return resolved;
  });
}

interface MockPlan {
  format: MockFormat;
  columns: ColumnSpec[];
  rows: number;
  /** All rows in batches of size, drawn in order from one seeded generator. */
  rowBatches(size: number): Generator<RowBatch, void, undefined>;
  /** JSON-encoded keys, computed once. */
  jsonKeys: string[];
}

function planMock(contract: MockContract, seed: number): MockPlan {
  if (!Number.isSafeInteger(seed))
    throw new MockSpecError([{ field: "seed", message: `must be an integer, got ${seed}` }]);
  const parsed = parseMockContract(contract);
  const columns = resolveMockColumns(parsed);
  const rows = parsed.rows;
  const draws = columns.map(cellDraw);
  const nullRates = columns.map((c) => c.nullRate ?? 0);
  return {
    format: parsed.spec?.format ?? "csv",
    columns,
    rows,
    jsonKeys: columns.map((c) => JSON.stringify(c.name)),
    *rowBatches(size) {
      const rng = seededRandom(seedMaterial(parsed), seed, MOCK_STREAM);
      const batch = Math.max(1, Math.floor(size));
      let first = true;
      for (let start = 0; start < rows || first; start += batch) {
        const count = Math.min(batch, rows - start);
        const cells: Cell[][] = new Array(Math.max(0, count));
        for (let r = 0; r < count; r++) {
          const row: Cell[] = new Array(draws.length);
          for (let c = 0; c < draws.length; c++) {
            const nullRate = nullRates[c] as number;
            row[c] = nullRate > 0 && rng.next() < nullRate ? null : (draws[c] as CellDraw)(rng, start + r);
          }
          cells[r] = row;
        }
        yield { first, cells };
        first = false;
      }
    },
  };
}

/**
 * What the random stream is seeded from: the parsed contract without its output format (CSV and
 * JSON lines of one contract carry the same values) and with null and absent treated alike, so
 * only a change that alters the columns or rows changes the data.
 */
function seedMaterial(contract: ParsedMockContract): unknown {
  const columns = contract.spec?.columns;
  return withoutNulls({
    rows: contract.rows,
    description: contract.description,
    columns: columns && columns.length > 0 ? columns : null,
  });
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== null && v !== undefined) out[key] = withoutNulls(v);
  return out;
}

function renderCsv(plan: MockPlan, batch: RowBatch): string {
  const lines: string[] = [];
  if (batch.first) lines.push(formatCsvRow(plan.columns.map((c) => c.name)));
  for (const row of batch.cells) {
    let line = "";
    for (let c = 0; c < row.length; c++) {
      if (c > 0) line += ",";
      const cell = row[c];
      if (cell != null) line += formatCsvField(cell);
    }
    lines.push(line);
  }
  return lines.length > 0 ? lines.join("\n") + "\n" : "";
}

function renderJsonl(plan: MockPlan, batch: RowBatch): string {
  // Numbers and booleans are written as JSON literals: the CSV text of an int, fixed-decimal
  // float or bool is already valid JSON, so both formats carry identical values.
  const literal = plan.columns.map((c) => c.type === "int" || c.type === "float" || c.type === "bool");
  const lines: string[] = [];
  for (const row of batch.cells) {
    let line = "{";
    for (let c = 0; c < row.length; c++) {
      if (c > 0) line += ",";
      const cell = row[c];
      line += `${plan.jsonKeys[c]}:${cell == null ? "null" : literal[c] ? cell : JSON.stringify(cell)}`;
    }
    lines.push(line + "}");
  }
  return lines.length > 0 ? lines.join("\n") + "\n" : "";
}

/** How one column's cells are drawn, with anything per-column (weights, bounds) worked out once. */
function cellDraw(column: ColumnSpec): CellDraw {
  const d = column.distribution;
  if (column.unique) return uniqueDraw(column);
  if (d?.kind === "categorical") {
    const values = d.values;
    if (!d.weights) return (rng) => rng.choice(values);
    const cumulative = cumulativeWeights(d.weights);
    return (rng) => values[rng.weightedIndex(cumulative)] as string;
  }
  switch (column.type) {
    case "int": {
      if (d?.kind === "normal") return (rng) => String(Math.round(rng.normal(d.mean, d.std)));
      const { min, max } = d?.kind === "uniform" ? d : { min: 0, max: 1000 };
      const lo = Math.ceil(min);
      const hi = Math.floor(max);
      return (rng) => String(rng.integer(lo, hi));
    }
    case "float": {
      if (d?.kind === "normal") return (rng) => formatFloat(rng.normal(d.mean, d.std));
      const { min, max } = d?.kind === "uniform" ? d : { min: 0, max: 1000 };
      // Clamped: rounding to fixed decimals must not step outside [min, max].
      return (rng) => formatFloat(rng.uniform(min, max), min, max);
    }
    case "bool":
      return (rng) => (rng.next() < 0.5 ? "true" : "false");
    case "date":
      return (rng) => isoDay(rng.integer(0, DATE_DAYS - 1));
    case "email":
      return (rng) =>
        `${rng.choice(FIRST_NAMES).toLowerCase()}.${rng.choice(LAST_NAMES).toLowerCase()}${rng.integer(1, 999)}@${rng.choice(EMAIL_DOMAINS)}`;
    case "name":
      return (rng) => `${rng.choice(FIRST_NAMES)} ${rng.choice(LAST_NAMES)}`;
    case "uuid":
      return (rng) => uuidV4(rng.bytes16());
    case "category":
    case "string":
      return (rng) => `${rng.choice(WORDS)} ${rng.choice(WORDS)}`;
  }
}

/** Unique columns: the row number makes each value distinct (uuids are distinct by their 122 random bits). */
function uniqueDraw(column: ColumnSpec): CellDraw {
  switch (column.type) {
    case "int": {
      // MockContractSchema has checked that the rows fit in the range.
      const { lo } = uniqueIntRange(column)!;
      return (_rng, row) => String(lo + row);
    }
    case "email":
      return (rng, row) =>
        `${rng.choice(FIRST_NAMES).toLowerCase()}.${rng.choice(LAST_NAMES).toLowerCase()}${row + 1}@${rng.choice(EMAIL_DOMAINS)}`;
    case "uuid":
      return (rng) => uuidV4(rng.bytes16());
    default:
      return (rng, row) => `${rng.choice(WORDS)}-${row + 1}`;
  }
}

/**
 * A floor under the bytes a MOCK writes (its header aside), from its columns alone, for refusing
 * at creation what could never be stored: each cell at its narrowest (the value nearest zero a
 * range allows, the shortest label or word, unique columns' row numbers summed exactly), nulls
 * empty. A column with a null rate counts the cells the rate leaves filled less 4·√rows: fewer
 * are filled with probability below e^-32 (Hoeffding).
 */
export function mockBytesAtLeast(columns: readonly ColumnSpec[], rows: number, format: MockFormat): number {
  const json = format === "jsonl";
  // Each row: its separators and line break; in JSON lines also the braces and every `"key":`.
  const keys = json ? columns.reduce((n, c) => n + Buffer.byteLength(JSON.stringify(c.name)) + 1, 2) : 0;
  let total = rows * (columns.length + keys);
  for (const column of columns) {
    const nullRate = column.nullRate ?? 0;
    const filled = nullRate > 0 ? Math.max(0, rows * (1 - nullRate) - 4 * Math.sqrt(rows)) : rows;
    const { chars, numberedFrom } = narrowestCell(column);
    const quotes = json && !JSON_LITERAL_TYPES.includes(column.type) ? 2 : 0;
    total += filled * (chars + quotes);
    if (numberedFrom === null) continue;
    // Which rows are null is drawn, so with a null rate each number is counted at its narrowest.
    total +=
      nullRate > 0
        ? filled * String(nearestZero(numberedFrom, numberedFrom + rows - 1)).length
        : digitsOf(numberedFrom, rows);
  }
  return Math.floor(total);
}

const JSON_LITERAL_TYPES: readonly ColumnType[] = ["int", "float", "bool"];
const shortest = (words: readonly string[]) => Math.min(...words.map((w) => Buffer.byteLength(w)));
const SHORTEST = {
  word: shortest(WORDS),
  name: shortest(FIRST_NAMES) + 1 + shortest(LAST_NAMES),
  // first.last<n>@domain, lower case
  email:
    shortest(FIRST_NAMES.map((n) => n.toLowerCase())) +
    1 +
    shortest(LAST_NAMES.map((n) => n.toLowerCase())) +
    1 +
    shortest(EMAIL_DOMAINS),
};

/** The fewest bytes a filled cell takes, besides the row number (counting from numberedFrom) some unique columns carry. */
function narrowestCell(column: ColumnSpec): { chars: number; numberedFrom: number | null } {
  const d = column.distribution;
  if (column.unique) {
    switch (column.type) {
      case "int":
        return { chars: 0, numberedFrom: uniqueIntRange(column)!.lo };
      case "email":
        return { chars: SHORTEST.email, numberedFrom: 1 };
      case "uuid":
        return { chars: 36, numberedFrom: null };
      default:
        return { chars: SHORTEST.word + 1, numberedFrom: 1 };
    }
  }
  if (d?.kind === "categorical") return { chars: shortest(d.values), numberedFrom: null };
  const range = d?.kind === "uniform" ? d : null;
  switch (column.type) {
    case "int":
      return {
        chars: range ? String(nearestZero(Math.ceil(range.min), Math.floor(range.max))).length : 1,
        numberedFrom: null,
      };
    case "float":
      // d.dd at the least; the sign is not counted.
      return {
        chars: String(Math.floor(Math.abs(range ? nearestZero(range.min, range.max) : 0))).length + 3,
        numberedFrom: null,
      };
    case "bool":
      return { chars: 4, numberedFrom: null };
    case "date":
      return { chars: 10, numberedFrom: null };
    case "email":
      return { chars: SHORTEST.email + 1, numberedFrom: null };
    case "name":
      return { chars: SHORTEST.name, numberedFrom: null };
    case "uuid":
      return { chars: 36, numberedFrom: null };
    case "category":
    case "string":
      return { chars: 2 * SHORTEST.word + 1, numberedFrom: null };
  }
}

/** The value of [lo, hi] nearest zero. */
const nearestZero = (lo: number, hi: number) => (lo > 0 ? lo : Math.min(hi, 0));

/** The characters of `count` consecutive integers from `from`, written out. */
function digitsOf(from: number, count: number): number {
  const to = from + count - 1;
  if (count <= 0) return 0;
  if (to < 0) return count + digitsOf(-to, count); // a minus sign each
  if (from < 0) return digitsOf(from, -from) + digitsOf(0, to + 1);
  let total = 0;
  for (let d = 1; d <= 21; d++) {
    const lo = d === 1 ? 0 : 10 ** (d - 1);
    const hi = 10 ** d - 1;
    total += Math.max(0, Math.min(to, hi) - Math.max(from, lo) + 1) * d;
  }
  // Past 10^21 numbers print as 1e+21 and on: at least a character each.
  return total + Math.max(0, to - Math.max(from, 10 ** 21) + 1);
}

/** Fixed decimals, never "-0.00", optionally kept inside [min, max] after rounding. */
export function formatFloat(value: number, min = -Infinity, max = Infinity): string {
  const scale = 10 ** FLOAT_DECIMALS;
  let rounded = Math.round(value * scale) / scale;
  if (rounded < min) rounded = Math.ceil(min * scale) / scale;
  if (rounded > max) rounded = Math.floor(max * scale) / scale;
  const text = rounded.toFixed(FLOAT_DECIMALS);
  return text.startsWith("-") && Number(text) === 0 ? text.slice(1) : text;
}

// Formatting a day is the costliest part of a date cell, and there are only DATE_DAYS of them.
const dayCache: string[] = [];
function isoDay(offset: number): string {
  return (dayCache[offset] ??= new Date(DATE_START_MS + offset * DAY_MS).toISOString().slice(0, 10));
}

/** An RFC 4122 version-4 UUID from 16 seeded bytes. */
function uuidV4(bytes: Buffer): string {
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
