// A background pass run every intervalMs, never two at once in this process (other processes may run
// their own: every pass is written to be safe side by side). The wait starts when a pass ends, so a
// slow pass is not stacked on by the next. Returns a stop function: it aborts the pass's signal (a
// long pass ends after its current step) and waits for a pass in flight, so the database can be
// closed after it.
export function runEvery(
  intervalMs: number,
  pass: (signal: AbortSignal) => Promise<void>,
  onError: (err: unknown) => void,
): () => Promise<void> {
  if (!(intervalMs > 0)) return async () => undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  const stopping = new AbortController();

  const schedule = () => {
    timer = setTimeout(tick, intervalMs);
    timer.unref();
  };
  const tick = () => {
    inFlight = pass(stopping.signal)
      .catch((err: unknown) => {
        if (!stopped) onError(err);
      })
      .finally(() => {
        inFlight = undefined;
        if (!stopped) schedule();
      });
  };
  schedule();

  return async () => {
    stopped = true;
    stopping.abort();
    clearTimeout(timer);
    await inFlight;
  };
}
