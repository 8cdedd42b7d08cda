// Canonical JSON: the same value always serialises to the same bytes, so hashes of contracts,
// run logs and seals depend on content, never on key insertion order.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * JSON.stringify semantics (toJSON honoured, undefined and functions dropped from objects,
 * non-finite numbers become null) with object keys sorted by UTF-16 code unit, and no whitespace.
 */
export function canonicalJson(value: unknown): string {
  // Round-tripping through JSON applies the standard conversions once, so the walk below
  // sees only plain JSON values.
  const text = JSON.stringify(value);
  if (text === undefined) return "null";
  return write(JSON.parse(text) as JsonValue);
}

function write(value: JsonValue): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(write).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${write(value[k] as JsonValue)}`).join(",")}}`;
}
