// FABRICATE: a plain-words description becomes a data contract (columns, types, ranges, enumerations,
// uniqueness, formats, null rates) that MOCK takes as spec.contract. No language model is reachable
// here, so this is a deterministic parser of the common phrasings:
//   "orders with unique order id; customer email; amount in USD between 5 and 500;
//    status one of pending, shipped, delivered; 10% missing notes; quantity integer from 1 to 20"
// Clauses are separated by ";", new lines or commas (an enumeration takes the commas after
// "one of" while its items are single words). Whatever it cannot read is listed in problems; a
// model-backed FABRICATE can still serve the kind through the worker protocol.
import { z } from "zod";
import { canonicalJson } from "./canonical-json.ts";
import { type ColumnSpec, ColumnSpecSchema, type ColumnType } from "./column-spec.ts";
import { phraseHint } from "./describe-columns.ts";
import { contentHash } from "./hash.ts";
import type { Problem } from "./problems.ts";

const CONTRACT_FORMAT = "data-contract/v1";
const MAX_COLUMNS = 200;
const MAX_NAME_WORDS = 4;

const ContractColumnSchema = z.object({
  name: z.string().min(1),
  type: ColumnSpecSchema.shape.type,
  distribution: ColumnSpecSchema.shape.distribution,
  nullRate: ColumnSpecSchema.shape.nullRate,
  unique: ColumnSpecSchema.shape.unique,
  /** A currency or physical unit the values are in ("USD", "kg"); informative. */
  unit: z.string().nullish(),
  /** How values are written: "email", "uuid", "iso-date", "decimal(2)"; informative. */
  format: z.string().nullish(),
});
export type ContractColumn = z.output<typeof ContractColumnSchema>;

/** What MOCK reads from a contract (a FABRICATE output, or one written by hand in the same shape). */
export const DataContractSchema = z.object({
  format: z.literal(CONTRACT_FORMAT).default(CONTRACT_FORMAT),
  name: z.string().nullish(),
  columns: z.array(ContractColumnSchema).min(1).max(1000),
});

export interface DataContract {
  format: typeof CONTRACT_FORMAT;
  name: string | null;
  description: string;
  columns: ContractColumn[];
  /** sha256 of the canonical JSON of { format, name, columns }: what the contract promises, sealed. */
  contractHash: string;
  problems: Problem[];
}

/** The MOCK column specs a contract stands for (informative fields dropped). */
export function contractColumnSpecs(contract: unknown): ColumnSpec[] {
  const parsed = DataContractSchema.parse(contract);
  return parsed.columns.map(({ name, type, distribution, nullRate, unique }) => {
    const spec: ColumnSpec = { name, type };
    if (distribution) spec.distribution = distribution;
    if (nullRate) spec.nullRate = nullRate;
    if (unique) spec.unique = true;
    return spec;
  });
}

const TYPE_WORDS: [RegExp, ColumnType][] = [
  [/\b(?:integers?|ints?|whole numbers?|counts?)\b/, "int"],
  [/\b(?:decimals?|floats?|real numbers?|numbers?|numeric)\b/, "float"],
  [/\b(?:booleans?|bools?|yes\/no|true\/false|flags?)\b/, "bool"],
  [/\b(?:dates?|datetimes?|timestamps?)\b/, "date"],
  [/\b(?:e-?mails?(?: address(?:es)?)?)\b/, "email"],
  [/\b(?:uuids?|guids?)\b/, "uuid"],
  [/\b(?:text|strings?|free text)\b/, "string"],
];
const CURRENCIES: Record<string, string> = {
  usd: "USD",
  dollars: "USD",
  eur: "EUR",
  euros: "EUR",
  gbp: "GBP",
  pounds: "GBP",
  jpy: "JPY",
  yen: "JPY",
  chf: "CHF",
};
const UNITS =
  /\bin\s+(usd|dollars|eur|euros|gbp|pounds|jpy|yen|chf|kg|g|lb|cm|mm|m|km|seconds|minutes|hours|days|percent|%)\b/;
const NUM = "(-?\\d[\\d,]*(?:\\.\\d+)?)";
const ENUM = /\b(?:one of|either|any of|among|values?)\b:?\s*/;
const STOP = new Set([
  "a",
  "an",
  "the",
  "with",
  "of",
  "and",
  "or",
  "is",
  "are",
  "has",
  "have",
  "each",
  "every",
  "its",
  "their",
  "column",
  "field",
  "value",
  "values",
]);

export function fabricateContract(description: string): DataContract {
  const problems: Problem[] = [];
  const subject = /^\s*([\w\s-]{1,60}?)\s*(?::|\bwith\b|\bcontaining\b|\bhaving\b)\s*/i.exec(description);
  const name = subject ? (subject[1] as string).trim() : null;
  const body = subject ? description.slice(subject[0].length) : description;
  const columns: ContractColumn[] = [];
  const taken = new Set<string>();
  for (const clause of clausesOf(body)) {
    const column = parseClause(clause, problems);
    if (!column) continue;
    let unique = column.name;
    for (let k = 2; taken.has(unique); k++) unique = `${column.name}_${k}`;
    taken.add(unique);
    columns.push({ ...column, name: unique });
    if (columns.length >= MAX_COLUMNS) {
      problems.push({
        severity: "warning",
        code: "TOO_MANY_COLUMNS",
        message: `only the first ${MAX_COLUMNS} columns are kept`,
      });
      break;
    }
  }
  if (columns.length === 0)
    problems.push({ severity: "error", code: "NO_COLUMNS", message: "no column could be read from the description" });
  const sealed = { format: CONTRACT_FORMAT, name, columns } as const;
  return { ...sealed, description, contractHash: contentHash(canonicalJson(sealed)), problems };
}

/** Clauses: split on ";" and new lines, then commas, an enumeration keeping the one-word items after it. */
function clausesOf(body: string): string[] {
  const out: string[] = [];
  for (const part of body.split(/[;\n]/)) {
    let open = false;
    for (const raw of part.split(",")) {
      const piece = raw.trim().replace(/\.$/, "");
      if (piece === "") continue;
      const item = piece.replace(/^(?:and|or)\s+/i, "");
      // "b", "or c", "b or c": one-word items continue the enumeration before them.
      const items = item.split(/\s+(?:or|and)\s+/i);
      if (open && out.length > 0 && items.every((i) => /^["']?[\w.-]+["']?$/.test(i)) && phraseHint(item) === null) {
        out[out.length - 1] += `, ${item}`;
        continue;
      }
      out.push(item);
      open = ENUM.test(item.toLowerCase());
    }
  }
  return out;
}

function parseClause(clause: string, problems: Problem[]): ContractColumn | null {
  let text = ` ${clause.toLowerCase()} `;
  const column: Partial<ContractColumn> = {};
  const cut = (re: RegExp) => {
    text = text.replace(re, " ");
  };

  if (/\b(?:unique|distinct)\b/.test(text)) {
    column.unique = true;
    cut(/\b(?:unique|distinct)\b/g);
  }
  const missing = new RegExp(
    `${NUM}\\s*%\\s*(?:of (?:them|rows|values)\\s*)?(?:are\\s*)?(?:missing|null|empty|blank)`,
  ).exec(text);
  if (missing) {
    column.nullRate = Math.min(1, Number((missing[1] as string).replace(/,/g, "")) / 100);
    cut(new RegExp(missing[0].replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  } else if (/\b(?:optional|sometimes missing|nullable)\b/.test(text)) {
    column.nullRate = 0.1;
    cut(/\b(?:optional|sometimes missing|nullable)\b/);
  }

  const enumAt = ENUM.exec(text);
  if (enumAt) {
    const values = text
      .slice(enumAt.index + enumAt[0].length)
      .split(/,|\bor\b|\band\b|\|/)
      .map((v) => v.trim().replace(/^["'(]+|["')]+$/g, ""))
      .filter((v) => v !== "");
    // Values keep the description's spelling, not the lower-cased text's.
    const original = clause.slice(clause.toLowerCase().indexOf(enumAt[0].trim()) + enumAt[0].trim().length);
    const spelled = original
      .split(/,|\bor\b|\band\b|\|/i)
      .map((v) =>
        v
          .trim()
          .replace(/^[:"'(]+|["')]+$/g, "")
          .trim(),
      )
      .filter((v) => v !== "");
    column.type = "category";
    column.distribution = { kind: "categorical", values: spelled.length === values.length ? spelled : values };
    text = text.slice(0, enumAt.index);
  }

  const unit = UNITS.exec(text);
  if (unit) {
    const word = unit[1] as string;
    column.unit = CURRENCIES[word] ?? (word === "percent" ? "%" : word);
    cut(UNITS);
  }

  const range =
    new RegExp(`\\b(?:between|from)\\s+\\$?${NUM}\\s*(?:and|to|-)\\s*\\$?${NUM}`).exec(text) ??
    new RegExp(`\\$?${NUM}\\s*(?:-|to)\\s*\\$?${NUM}`).exec(text);
  let integerBounds = false;
  if (range) {
    const [lo, hi] = [range[1], range[2]].map((v) => Number((v as string).replace(/,/g, ""))) as [number, number];
    column.distribution = { kind: "uniform", min: Math.min(lo, hi), max: Math.max(lo, hi) };
    integerBounds = Number.isInteger(lo) && Number.isInteger(hi) && !/\./.test(range[0]);
    text = text.replace(range[0], " ");
  } else {
    const atLeast = new RegExp(`\\b(?:at least|minimum|min|over|above)\\s+\\$?${NUM}`).exec(text);
    const atMost = new RegExp(`\\b(?:at most|maximum|max|up to|under|below)\\s+\\$?${NUM}`).exec(text);
    if (atLeast || atMost) {
      const lo = atLeast ? Number((atLeast[1] as string).replace(/,/g, "")) : 0;
      const hi = atMost ? Number((atMost[1] as string).replace(/,/g, "")) : lo + 1000;
      column.distribution = { kind: "uniform", min: Math.min(lo, hi), max: Math.max(lo, hi) };
      integerBounds = Number.isInteger(lo) && Number.isInteger(hi);
      for (const m of [atLeast, atMost]) if (m) text = text.replace(m[0], " ");
    }
  }
  const around = new RegExp(
    `\\b(?:around|about|mean|averaging|average)\\s+${NUM}\\s*(?:±|\\+/-|\\+-|(?:with )?(?:sd|std|standard deviation|give or take))\\s*${NUM}`,
  ).exec(text);
  if (around && !column.distribution) {
    column.distribution = {
      kind: "normal",
      mean: Number((around[1] as string).replace(/,/g, "")),
      std: Math.abs(Number((around[2] as string).replace(/,/g, ""))),
    };
    integerBounds = false;
    text = text.replace(around[0], " ");
  }

  let explicit: ColumnType | undefined;
  for (const [re, type] of TYPE_WORDS) {
    if (re.test(text)) {
      explicit = type;
      // Words that are only a type ("integer") leave the name; "email" and "date" also name the column.
      if (type === "int" || type === "float" || type === "bool" || type === "string") text = text.replace(re, " ");
      break;
    }
  }

  const words = text
    .replace(/[^a-z0-9_\s-]/g, " ")
    .split(/\s+/)
    .filter((w) => w !== "" && !STOP.has(w) && !/^-?\d/.test(w));
  if (words.length === 0) {
    problems.push({
      severity: "warning",
      code: "NO_COLUMN_NAME",
      message: `no column name in "${clause}"`,
      details: { clause },
    });
    return null;
  }
  if (words.length > MAX_NAME_WORDS) {
    problems.push({
      severity: "warning",
      code: "UNRECOGNIZED_PHRASE",
      message: `did not understand "${clause}"; no column made`,
      details: { clause },
    });
    return null;
  }
  const name = words.join("_").replace(/-/g, "_");
  const hint = phraseHint(words.join(" "));
  const money = typeof column.unit === "string" && Object.values(CURRENCIES).includes(column.unit);

  let type: ColumnType;
  if (column.type === "category") type = "category";
  else if (explicit) type = explicit;
  else if (column.distribution?.kind === "uniform" || column.distribution?.kind === "normal")
    type = money || !integerBounds ? "float" : hint?.type === "float" ? "float" : "int";
  else if (hint) type = hint.type;
  else {
    type = "string";
    problems.push({
      severity: "info",
      code: "TYPE_ASSUMED",
      message: `no type recognised for "${clause}": text assumed`,
      details: { clause, column: name },
    });
  }
  if (type === "int" && money) type = "float";
  // Numeric ranges go with numeric types only; a hint's own default range applies when none was given.
  if (column.distribution && column.distribution.kind !== "categorical" && type !== "int" && type !== "float") {
    problems.push({
      severity: "warning",
      code: "RANGE_IGNORED",
      message: `a range does not apply to the ${type} column ${name}`,
      details: { clause },
    });
    delete column.distribution;
  }
  if (!column.distribution && hint?.type === type && hint.distribution) column.distribution = hint.distribution;
  if (column.unique && !["int", "string", "email", "uuid"].includes(type)) {
    problems.push({
      severity: "warning",
      code: "UNIQUE_IGNORED",
      message: `a ${type} column cannot be unique: ${name}`,
      details: { clause },
    });
    delete column.unique;
  }
  if (column.unique && column.distribution?.kind === "normal") delete column.distribution;
  const format =
    type === "email"
      ? "email"
      : type === "uuid"
        ? "uuid"
        : type === "date"
          ? "iso-date"
          : type === "float"
            ? "decimal(2)"
            : null;
  const out: ContractColumn = { name, type };
  if (column.distribution) out.distribution = column.distribution;
  if (column.nullRate) out.nullRate = column.nullRate;
  if (column.unique) out.unique = true;
  if (column.unit) out.unit = column.unit;
  if (format) out.format = format;
  // The contract must be one MOCK accepts: checked here, so a bad phrase is a problem, not a failed MOCK.
  const check = ColumnSpecSchema.safeParse({
    name,
    type,
    distribution: out.distribution,
    nullRate: out.nullRate,
    unique: out.unique,
  });
  if (!check.success) {
    problems.push({
      severity: "warning",
      code: "INVALID_COLUMN",
      message: `${name}: ${check.error.issues[0]?.message ?? "invalid"}`,
      details: { clause },
    });
    return null;
  }
  return out;
}
