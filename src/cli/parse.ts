// Turning flag values into API values; every mistake is a UsageError (exit 1) before any request.
import { readFileSync } from "node:fs";
import { JOB_ORDER_FIELDS, type JobOrder, type JobOrderField } from "@jobs-api/client";
import { UsageError } from "./exit-codes.ts";

/** `--payload '{"a":1}'`, `--payload @file.json`, or `--payload @-` for standard input. */
export function parseJsonArgument(value: string, flag: string): unknown {
  let text = value;
  if (value.startsWith("@")) {
    const file = value.slice(1);
    try {
      text = readFileSync(file === "-" ? 0 : file, "utf8");
    } catch (err) {
      throw new UsageError(`${flag}: cannot read ${file}: ${(err as Error).message}`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${flag}: not valid JSON (${(err as Error).message})`);
  }
}

export function parseJsonObject(value: string, flag: string): Record<string, unknown> {
  const parsed = parseJsonArgument(value, flag);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new UsageError(`${flag}: must be a JSON object`);
  return parsed as Record<string, unknown>;
}

export function parseCount(value: string, flag: string, min = 0): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag}: expected a whole number ≥ ${min}, got ${value}`);
  return n;
}

/**
 * `--sort <field>[:asc|desc]`: a field of JOB_ORDER_FIELDS in any case, `-` for `_` (finished-on),
 * ascending unless `:desc`.
 */
export function parseSort(value: string): JobOrder {
  const [name = "", direction = "asc", ...rest] = value.split(":");
  const field = name.trim().toUpperCase().replaceAll("-", "_");
  const dir = direction.trim().toUpperCase();
  if (!(JOB_ORDER_FIELDS as readonly string[]).includes(field) || (dir !== "ASC" && dir !== "DESC") || rest.length) {
    const fields = JOB_ORDER_FIELDS.map((f) => f.toLowerCase()).join(", ");
    throw new UsageError(`--sort: expected <field>[:asc|desc], the field one of ${fields}; got ${value}`);
  }
  return { field: field as JobOrderField, direction: dir };
}

export function parseSeconds(value: string, flag: string): number {
  const n = Number(value);
  if (!(n >= 0)) throw new UsageError(`${flag}: expected seconds ≥ 0, got ${value}`);
  return n;
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `--since` (and list's `--created-after`/`--created-before`, named by `flag` in the error): ms since
 * the epoch, an ISO date, or a duration ago (`90s`, `10m`, `2h`, `1d`).
 */
export function parseSince(value: string, now = Date.now(), flag = "--since"): number {
  if (/^\d+$/.test(value)) return Number(value);
  const ago = DURATION.exec(value);
  if (ago) return now - Number(ago[1]) * UNIT_MS[ago[2]!]!;
  const date = Date.parse(value);
  if (Number.isNaN(date))
    throw new UsageError(`${flag}: expected ms since the epoch, an ISO date or a duration like 10m, got ${value}`);
  return date;
}
