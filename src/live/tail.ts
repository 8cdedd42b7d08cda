// The newest items of one ordered stream of a job (the events of one stream, or its log lines),
// read once per notification and shared by every live subscriber of that stream in this process.
// Bounded: when it grows past its capacity the oldest items are dropped, and a subscriber whose
// cursor falls behind what is kept reads the rest from the database itself.
export class Tail<T extends { seq: number }> {
  private items: T[] = [];
  /** Every item with floor < seq <= high is in `items`. */
  private floor: number;

  constructor(
    startAfter: number,
    private readonly capacity: number,
  ) {
    this.floor = startAfter;
  }

  get high(): number {
    return this.items.at(-1)?.seq ?? this.floor;
  }

  /** Whether every item after `cursor` that this tail has read is still kept. */
  covers(cursor: number): boolean {
    return cursor >= this.floor;
  }

  /** At most `limit` items after `cursor`, oldest first. */
  after(cursor: number, limit: number): T[] {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]!.seq <= cursor) lo = mid + 1;
      else hi = mid;
    }
    return this.items.slice(lo, lo + limit);
  }

  /** Adds rows read after `high` (ascending); older ones are ignored. */
  append(rows: readonly T[]): void {
    for (const row of rows) if (row.seq > this.high) this.items.push(row);
    const excess = this.items.length - this.capacity;
    if (excess > 0) {
      this.floor = this.items[excess - 1]!.seq;
      this.items.splice(0, excess);
    }
  }
}
