// A queue that callbacks push into and one async consumer drains in order: the bridge from
// graphql-ws sinks to async iterators.
export class PushQueue<T> {
  private readonly items: T[] = [];
  private failure: { error: unknown } | null = null;
  private ended = false;
  private wake: (() => void) | null = null;

  push(item: T): void {
    if (this.ended || this.failure) return;
    this.items.push(item);
    this.notify();
  }

  /** The consumer sees the error after the items already pushed. */
  fail(error: unknown): void {
    if (this.ended || this.failure) return;
    this.failure = { error };
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  /** The next item; `done` once ended and drained; throws what fail() was given. */
  async next(): Promise<IteratorResult<T, undefined>> {
    for (;;) {
      if (this.items.length) return { done: false, value: this.items.shift() as T };
      if (this.failure) throw this.failure.error;
      if (this.ended) return { done: true, value: undefined };
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
