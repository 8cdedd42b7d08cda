// Columns from words: a free-text description ("customers with name, email, age and signup date")
// becomes column specs, and a column named like a known field (age, country…) gets sensible defaults.
import type { ColumnSpec, ColumnType, Distribution } from "./column-spec.ts";
import { DEFAULT_CATEGORIES } from "./vocab.ts";

interface Hint {
  type: ColumnType;
  distribution?: Distribution;
}

const uniform = (min: number, max: number): Distribution => ({ kind: "uniform", min, max });
const normal = (mean: number, std: number): Distribution => ({ kind: "normal", mean, std });
const labels = (...values: string[]): Distribution => ({ kind: "categorical", values });

/** Keyword → column. Checked per word, so "signup date" is a date and "customer id" a uuid. */
const HINTS = new Map<string, Hint>(
  Object.entries({
    id: { type: "uuid" },
    uuid: { type: "uuid" },
    guid: { type: "uuid" },
    identifier: { type: "uuid" },
    email: { type: "email" },
    mail: { type: "email" },
    name: { type: "name" },
    fullname: { type: "name" },
    age: { type: "int", distribution: uniform(18, 90) },
    date: { type: "date" },
    birthday: { type: "date" },
    birthdate: { type: "date" },
    dob: { type: "date" },
    day: { type: "date" },
    signup: { type: "date" },
    created: { type: "date" },
    updated: { type: "date" },
    joined: { type: "date" },
    timestamp: { type: "date" },
    price: { type: "float", distribution: uniform(1, 1000) },
    amount: { type: "float", distribution: uniform(1, 1000) },
    cost: { type: "float", distribution: uniform(1, 1000) },
    revenue: { type: "float", distribution: uniform(1, 1000) },
    total: { type: "float", distribution: uniform(1, 1000) },
    balance: { type: "float", distribution: uniform(1, 1000) },
    spend: { type: "float", distribution: uniform(1, 1000) },
    fee: { type: "float", distribution: uniform(1, 1000) },
    payment: { type: "float", distribution: uniform(1, 1000) },
    value: { type: "float", distribution: uniform(0, 1000) },
    salary: { type: "float", distribution: normal(55_000, 15_000) },
    income: { type: "float", distribution: normal(55_000, 15_000) },
    score: { type: "float", distribution: uniform(0, 100) },
    weight: { type: "float", distribution: normal(70, 15) },
    height: { type: "float", distribution: normal(170, 10) },
    temperature: { type: "float", distribution: normal(20, 8) },
    latitude: { type: "float", distribution: uniform(-90, 90) },
    longitude: { type: "float", distribution: uniform(-180, 180) },
    rating: { type: "int", distribution: uniform(1, 5) },
    quantity: { type: "int", distribution: uniform(1, 100) },
    qty: { type: "int", distribution: uniform(1, 100) },
    count: { type: "int", distribution: uniform(0, 100) },
    units: { type: "int", distribution: uniform(1, 100) },
    country: { type: "category", distribution: labels("US", "GB", "DE", "FR", "JP", "IN", "BR", "CA") },
    city: {
      type: "category",
      distribution: labels("London", "Paris", "Berlin", "Tokyo", "Mumbai", "Toronto", "Sydney", "Lagos"),
    },
    status: { type: "category", distribution: labels("active", "inactive", "pending") },
    category: { type: "category", distribution: labels("A", "B", "C", "D") },
    type: { type: "category", distribution: labels("A", "B", "C") },
    segment: { type: "category", distribution: labels("consumer", "smb", "enterprise") },
    tier: { type: "category", distribution: labels("free", "standard", "premium") },
    plan: { type: "category", distribution: labels("free", "standard", "premium") },
    region: { type: "category", distribution: labels("north", "south", "east", "west") },
    department: { type: "category", distribution: labels("sales", "engineering", "finance", "support", "marketing") },
    channel: { type: "category", distribution: labels("web", "mobile", "store", "partner") },
    currency: { type: "category", distribution: labels("USD", "EUR", "GBP", "JPY") },
    level: { type: "category", distribution: labels("low", "medium", "high") },
    priority: { type: "category", distribution: labels("low", "medium", "high") },
    color: { type: "category", distribution: labels("red", "green", "blue", "black", "white") },
    colour: { type: "category", distribution: labels("red", "green", "blue", "black", "white") },
    active: { type: "bool" },
    enabled: { type: "bool" },
    verified: { type: "bool" },
    subscribed: { type: "bool" },
    churned: { type: "bool" },
    deleted: { type: "bool" },
    paid: { type: "bool" },
    flag: { type: "bool" },
    phone: { type: "string" },
    address: { type: "string" },
    description: { type: "string" },
    comment: { type: "string" },
    notes: { type: "string" },
    title: { type: "string" },
    company: { type: "string" },
    product: { type: "string" },
    username: { type: "string" },
  } satisfies Record<string, Hint>),
);

const STOPWORDS = new Set([
  "a",
  "an",
  "the",
  "their",
  "his",
  "her",
  "its",
  "our",
  "your",
  "of",
  "each",
  "every",
  "some",
  "random",
  "whether",
  "they",
  "them",
  "it",
  "are",
  "is",
  "was",
  "were",
  "has",
  "have",
  "be",
  "been",
  "for",
  "per",
  "in",
  "on",
  "at",
  "to",
  "by",
  "as",
  "plus",
  "also",
  "column",
  "columns",
  "field",
  "fields",
  "data",
]);

/** Words that end the subject and start the column list: "customers with …", "orders: …". */
const LIST_START = /\b(?:with|containing|having|including|columns?|fields?)\b|:/;
const PHRASE_SPLIT = /,|;|&|\/|\n|\.|\band\b|\bor\b|\bplus\b/;

const MAX_INFERRED_COLUMNS = 64;
const FALLBACK_COLUMNS: ColumnSpec[] = [
  { name: "id", type: "uuid" },
  { name: "value", type: "float", distribution: uniform(0, 1000) },
];

/** The type a phrase names by its last known keyword ("customer email" → email), as describe-columns reads it; null if none. */
export function phraseHint(phrase: string): { type: ColumnType; distribution?: Distribution } | null {
  const words = toWords(phrase);
  for (let i = words.length - 1; i >= 0; i--) {
    const keyword = keywordOf(words[i] as string);
    if (keyword !== null) return structuredClone(HINTS.get(keyword) as Hint);
  }
  return null;
}

/** The keyword for a word or its plural ("prices" → "price", "countries" → "country"). */
function keywordOf(word: string): string | null {
  const candidates = [word];
  if (word.endsWith("ies")) candidates.push(`${word.slice(0, -3)}y`);
  if (word.endsWith("es")) candidates.push(word.slice(0, -2));
  if (word.endsWith("s")) candidates.push(word.slice(0, -1));
  return candidates.find((c) => HINTS.has(c)) ?? null;
}

function toWords(phrase: string): string[] {
  return phrase
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .split(" ")
    .filter((w) => w !== "" && !STOPWORDS.has(w) && !/^\d+$/.test(w));
}

/**
 * Columns a description names. Words after "with"/"containing"/":" are read as a list; a phrase is
 * typed by its last known keyword (the head noun: "signup date" → date), named by that keyword and
 * up to two words before it. Unknown short phrases in the list become string columns; with no list
 * marker only known keywords count. Nothing recognised gives the fallback id (uuid) + value (float).
 */
export function inferColumnsFromDescription(description: string): ColumnSpec[] {
  const text = description.toLowerCase();
  const marker = LIST_START.exec(text);
  const hasList = marker !== null;
  const list = marker ? text.slice(marker.index + marker[0].length) : text;

  const columns: ColumnSpec[] = [];
  const taken = new Set<string>();
  for (const phrase of list.split(PHRASE_SPLIT)) {
    const words = toWords(phrase);
    if (words.length === 0) continue;
    let index = -1;
    let keyword: string | null = null;
    for (let i = words.length - 1; i >= 0 && keyword === null; i--) {
      keyword = keywordOf(words[i] as string);
      index = i;
    }
    let nameWords: string[];
    let hint: Hint;
    if (keyword !== null) {
      nameWords = [...words.slice(Math.max(0, index - 2), index), keyword];
      hint = HINTS.get(keyword) as Hint;
    } else if (hasList && words.length <= 3) {
      nameWords = words;
      hint = { type: "string" };
    } else {
      continue;
    }
    const name = uniqueName(nameWords.join("_"), taken);
    columns.push({ name, ...structuredClone(hint) });
    if (columns.length >= MAX_INFERRED_COLUMNS) break;
  }
  return columns.length > 0 ? columns : FALLBACK_COLUMNS.map((c) => ({ ...c }));
}

/**
 * The distribution a column gets when its spec gives none: a hint matching its name and type
 * ("age" int → 18..90, "country" category → country codes), else a plain default.
 */
export function defaultDistribution(name: string, type: ColumnType): Distribution | null {
  const words = name
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== "");
  for (let i = words.length - 1; i >= 0; i--) {
    const keyword = keywordOf(words[i] as string);
    const hint = keyword === null ? undefined : HINTS.get(keyword);
    if (hint?.type === type && hint.distribution) return structuredClone(hint.distribution);
  }
  switch (type) {
    case "int":
    case "float":
      return uniform(0, 1000);
    case "category":
      return labels(...DEFAULT_CATEGORIES);
    default:
      return null;
  }
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let k = 2; taken.has(name); k++) name = `${base}_${k}`;
  taken.add(name);
  return name;
}
