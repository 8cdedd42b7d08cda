// How a worker waits when a claim finds nothing. The strategy is a function so that a push-based
// one (woken by the `jobsChanged` subscription) can replace the polling backoff without touching
// the claim loop.

export interface IdleState {
  /** Claims in a row that found no job (or failed), counting this one; 1 after the first. */
  emptyClaims: number;
  /** Aborted when the worker stops: the wait must then end at once (resolve, never reject). */
  signal: AbortSignal;
}

export type WaitForWork = (idle: IdleState) => Promise<void>;

/** Resolves after `ms`, or at once when the signal aborts; never rejects. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

export interface BackoffOptions {
  /** The first wait, in ms (default 200). */
  initialMs?: number;
  /** The longest wait, in ms (default 5000). */
  maxMs?: number;
  /** Random spread so that many idle workers do not claim in lockstep (default true). */
  jitter?: boolean;
}

/** Capped exponential backoff: initialMs, 2×, 4×, … up to maxMs; with jitter, each wait is 50–100% of that. */
export function backoff(options: BackoffOptions = {}): WaitForWork {
  const initialMs = options.initialMs ?? 200;
  const maxMs = options.maxMs ?? 5000;
  const jitter = options.jitter ?? true;
  return ({ emptyClaims, signal }) => {
    const exponent = Math.min(Math.max(emptyClaims - 1, 0), 30);
    const ceiling = Math.min(maxMs, initialMs * 2 ** exponent);
    return sleep(jitter ? ceiling * (0.5 + Math.random() / 2) : ceiling, signal);
  };
}
