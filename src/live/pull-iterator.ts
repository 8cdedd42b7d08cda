// An async iterator fed by a pull function: the next items are read only when the consumer asks,
// so a slow consumer holds at most one batch, never a growing queue. Unlike an async generator,
// return() ends it at once even while a pull is waiting for the next change.
/** The next items (never an empty list unless retrying), or null when the stream has ended. */
export type Pull<T> = (closed: Closed) => Promise<T[] | null>;

/**
 * Whether the consumer has gone, and a way to be woken when it goes. (An AbortSignal would do, but
 * it costs more memory and time than 5,000 idle subscriptions should spend on it.)
 */
export class Closed {
  closed = false;
  private wakers: Set<() => void> | null = null;

  /** Calls wake when closed (at once if already); returns a function that forgets it. */
  onClose(wake: () => void): () => void {
    if (this.closed) {
      wake();
      return () => undefined;
    }
    (this.wakers ??= new Set()).add(wake);
    return () => {
      this.wakers?.delete(wake);
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const wakers = this.wakers;
    this.wakers = null;
    for (const wake of wakers ?? []) wake();
  }
}

export function pullIterator<T>(pull: Pull<T>, onClose: () => void): AsyncIterableIterator<T> {
  const closed = new Closed();
  let buffer: T[] = [];
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    buffer = [];
    closed.close();
    onClose();
  };
  const ended = (): IteratorResult<T> => ({ done: true, value: undefined });
  return {
    async next(): Promise<IteratorResult<T>> {
      while (buffer.length === 0) {
        if (done) return ended();
        try {
          const items = await pull(closed);
          if (items === null) {
            finish();
            return ended();
          }
          buffer = items;
        } catch (error) {
          if (done) return ended();
          finish();
          throw error;
        }
      }
      if (done) return ended();
      return { done: false, value: buffer.shift()! };
    },
    async return(): Promise<IteratorResult<T>> {
      finish();
      return ended();
    },
    async throw(error?: unknown): Promise<IteratorResult<T>> {
      finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
