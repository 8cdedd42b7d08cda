// How times, durations and sizes read on the pages.
// Every unit is truncated, never rounded: 119.7 s is "1 min 59 s" (rounding read "1 min 60 s").
export function duration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return "–";
  if (ms < 1000) return `${Math.floor(ms)} ms`;
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export function age(iso: string, now: number): string {
  return duration(Math.max(0, now - Date.parse(iso)));
}

export function time(iso: string | null | undefined): string {
  if (!iso) return "–";
  const d = new Date(iso);
  return d.toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** A server-made download URL as a path on this origin: the page never requests another origin. */
/** A count of jobs as people read it: "1 job", "2,500 jobs", "about 120,000 jobs" for the server's estimate. */
export function jobCount(count: { totalCount: number; totalCountIsEstimate: boolean }): string {
  const n = count.totalCount;
  return `${count.totalCountIsEstimate ? "about " : ""}${n.toLocaleString("en-US")} job${n === 1 ? "" : "s"}`;
}

export function samePath(url: string): string {
  try {
    const u = new URL(url, window.location.href);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export const TERMINAL_STATES = new Set(["SUCCEEDED", "FAILED", "CANCELED"]);
