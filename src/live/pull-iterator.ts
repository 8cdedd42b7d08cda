// An async iterator fed by a pull function: the next items are read only when the consumer asks,
// so a slow consumer holds at most one batch, never a growing queue. Unlike an async generator,
// return() ends it at once even while a pull is waiting for the next change.
//
// Classes rather than closures: every idle subscription holds one of each of these, and its
// methods on the prototype cost it nothing.
/** The next items (never an empty list unless retrying), or null when the stream has ended. */
export type Pull<T> = (closed: Closed) => Promise<T[] | null>;

/** What waits for a consumer to go: a function, or an object with a wake method (no closure needed). */
export type Waker = (() => void) | { wake(): void };

function wakeUp(waker: Waker): void {
  if (typeof waker === "function") waker();
  else waker.wake();
}

/**
 * Whether the consumer has gone, and a way to be woken when it goes. (An AbortSignal would do, but
 * it costs more memory and time than 5,000 idle subscriptions should spend on it.)
 */
export class Closed {
  closed = false;
  /** A pull waits for one thing at a time: one slot, and a set only if more ever wait at once. */
  private waker: Waker | null = null;
  private more: Set<Waker> | null = null;

  /** Wakes `waker` when closed (at once if already closed), unless forgotten first. */
  onClose(waker: Waker): void {
    if (this.closed) {
      wakeUp(waker);
      return;
    }
    if (this.waker === null) this.waker = waker;
    else (this.more ??= new Set()).add(waker);
  }

  forget(waker: Waker): void {
    if (this.waker === waker) this.waker = null;
    else this.more?.delete(waker);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const { waker, more } = this;
    this.waker = null;
    this.more = null;
    if (waker) wakeUp(waker);
    for (const w of more ?? []) wakeUp(w);
  }
}

const ENDED: IteratorResult<never> = Object.freeze({ done: true, value: undefined });

class PullIterator<T> implements AsyncIterableIterator<T> {
  private readonly closed = new Closed();
  private buffer: T[] = [];
  private done = false;

  constructor(
    private readonly pull: Pull<T>,
    private readonly onClose: () => void,
  ) {}

  async next(): Promise<IteratorResult<T>> {
    while (this.buffer.length === 0) {
      if (this.done) return ENDED;
      try {
        const items = await this.pull(this.closed);
        if (items === null) {
          this.finish();
          return ENDED;
        }
        this.buffer = items;
      } catch (error) {
        if (this.done) return ENDED;
        this.finish();
        throw error;
      }
    }
    if (this.done) return ENDED;
    return { done: false, value: this.buffer.shift()! };
  }

  async return(): Promise<IteratorResult<T>> {
    this.finish();
    return ENDED;
  }

  async throw(error?: unknown): Promise<IteratorResult<T>> {
    this.finish();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.buffer = [];
    this.closed.close();
    this.onClose();
  }
}

export function pullIterator<T>(pull: Pull<T>, onClose: () => void): AsyncIterableIterator<T> {
  return new PullIterator(pull, onClose);
}
