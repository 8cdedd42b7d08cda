// The tests' one way to wait for a condition no event announces (a row the server writes, a process
// exiting, a counter reaching a value): re-check it every few milliseconds until it holds, and fail
// at a deadline saying what was awaited. Where an event does announce it (a subscription's next
// message), wait on the event instead: test/live/ws-client.ts's `until`.

export interface PollOptions {
  /** How long to keep trying before failing (default 20 s). */
  timeoutMs?: number;
  /** The pause between two checks (default 20 ms). */
  intervalMs?: number;
}

/** Re-checks `ready()` until it holds; fails after the deadline with "timed out … waiting for <what>". */
export function pollUntil(ready: () => boolean | Promise<boolean>, what: string, options?: PollOptions): Promise<void>;
/** Re-reads `read()` until `ok` holds of the value read, and returns that value; a failure shows the last value. */
export function pollUntil<T, U extends T>(
  read: () => T | Promise<T>,
  ok: (value: T) => value is U,
  what: string,
  options?: PollOptions,
): Promise<U>;
export function pollUntil<T>(
  read: () => T | Promise<T>,
  ok: (value: T) => boolean,
  what: string,
  options?: PollOptions,
): Promise<T>;
export async function pollUntil<T>(
  read: () => T | Promise<T>,
  okOrWhat: ((value: T) => boolean) | string,
  whatOrOptions?: string | PollOptions,
  maybeOptions?: PollOptions,
): Promise<T | undefined> {
  const valued = typeof okOrWhat === "function";
  const ok = valued ? okOrWhat : (value: T) => value === true;
  const what = valued ? (whatOrOptions as string) : okOrWhat;
  const { timeoutMs = 20_000, intervalMs = 20 } = (valued ? maybeOptions : (whatOrOptions as PollOptions)) ?? {};
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return valued ? value : undefined;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${valued ? `; last read: ${preview(value)}` : ""}`,
      );
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The last value read, for the failure message: JSON where it can be, cut short. */
function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}
