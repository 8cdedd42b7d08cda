// A generation output's first rows, read from the start of its CSV (or NDJSON) artifact, and a
// histogram per column: numbers in equal-width bins, anything else as its most frequent values.
import type { Bar } from "./charts.tsx";

export const PREVIEW_BYTES = 256 * 1024;

/** The first `limit` bytes of a download (the rest is not transferred: the stream is cancelled). */
export async function readHead(url: string, key: string, limit = PREVIEW_BYTES): Promise<string> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  if (!res.ok || !res.body) throw new Error(`the download answered ${res.status}`);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  await reader.cancel().catch(() => undefined);
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(all);
}

/** RFC 4180 rows of the complete lines in `text` (a trailing partial line is dropped). */
export function parseCsv(text: string, maxRows: number): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length && rows.length < maxRows; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  return rows;
}

export function parseNdjson(text: string, maxRows: number): string[][] {
  const lines = text.split("\n").slice(0, -1).filter(Boolean).slice(0, maxRows);
  const objects = lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
  const header = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  return [
    header,
    ...objects.map((o) =>
      header.map((h) => (o[h] == null ? "" : typeof o[h] === "object" ? JSON.stringify(o[h]) : String(o[h]))),
    ),
  ];
}

export function histogram(values: string[], bins = 12): { numeric: boolean; distinct: boolean; bars: Bar[] } {
  const present = values.filter((v) => v !== "");
  const numbers = present.map(Number);
  if (present.length > 0 && numbers.every(Number.isFinite)) {
    const min = Math.min(...numbers);
    const max = Math.max(...numbers);
    if (min === max) return { numeric: true, distinct: false, bars: [{ label: String(min), value: numbers.length }] };
    const width = (max - min) / bins;
    const counts = new Array<number>(bins).fill(0);
    for (const n of numbers) counts[Math.min(bins - 1, Math.floor((n - min) / width))]! += 1;
    const fmt = (v: number) => (Math.abs(v) >= 1000 || Number.isInteger(v) ? v.toFixed(0) : v.toPrecision(3));
    return { numeric: true, distinct: false, bars: counts.map((value, i) => ({ label: fmt(min + i * width), value })) };
  }
  const counts = new Map<string, number>();
  for (const v of present) counts.set(v, (counts.get(v) ?? 0) + 1);
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, bins);
  // Every value different (ids, names): a histogram of ones says nothing.
  const distinct = present.length > 1 && counts.size === present.length;
  return { numeric: false, distinct, bars: top.map(([label, value]) => ({ label, value })) };
}
