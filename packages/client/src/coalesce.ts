// Group commit for calls many callers make at once (database writes, a worker's claims): calls made
// in the same turn, or while the previous write is in flight, go together in the next one. One
// write runs at a time, so under load each write carries everything that arrived during the last;
// alone, a call waits only for the rest of its turn. With `minIntervalMs`, writes also start at
// least that far apart (for writes nobody waits on: what arrives meanwhile joins the next one).
import { setImmediate as restOfTurn, setTimeout as delay } from "node:timers/promises";

interface Pending<I, O> {
  item: I;
  resolve(out: O): void;
  reject(err: unknown): void;
}

export class WriteCoalescer<I, O> {
  private queued: Pending<I, O>[] = [];
  private draining: Promise<void> | undefined;
  /** When the last write started (performance.now()). */
  private lastWriteOn = Number.NEGATIVE_INFINITY;

  /** `write` answers each item, in order; it throwing fails every item of that write. */
  constructor(
    private readonly write: (items: readonly I[]) => Promise<readonly O[]>,
    private readonly maxBatch: number,
    private readonly options: { minIntervalMs?: number } = {},
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queued.push({ item, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Resolves once every write started so far has finished (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private untilNextWrite(): number {
    return this.lastWriteOn + (this.options.minIntervalMs ?? 0) - performance.now();
  }

  private async drain(): Promise<void> {
    await restOfTurn();
    try {
      while (this.queued.length) {
        // A loop, not one timer: Node's timers count from the event loop's cached clock and can fire
        // up to a millisecond or more before the interval has really passed.
        for (let wait = this.untilNextWrite(); wait > 0; wait = this.untilNextWrite()) await delay(wait);
        this.lastWriteOn = performance.now();
        const batch = this.queued.splice(0, this.maxBatch);
        try {
          const answers = await this.write(batch.map((p) => p.item));
          for (const [i, p] of batch.entries()) p.resolve(answers[i] as O);
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.draining = undefined;
    }
  }
}
