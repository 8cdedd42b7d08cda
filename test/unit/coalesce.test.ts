// WriteCoalescer, the group commit behind claims, completions, audit rows and notification sends.
import { describe, expect, it } from "vitest";
import { WriteCoalescer } from "../../packages/client/src/coalesce.ts";

/** A write that records its batches (and when each started) and answers each item doubled. */
function recordingWrite(options: { failOn?: number } = {}) {
  const batches: number[][] = [];
  const startedOn: number[] = [];
  let release: (() => void) | null = null;
  let held = false;
  const write = async (items: readonly number[]) => {
    batches.push([...items]);
    startedOn.push(performance.now());
    if (held) await new Promise<void>((resolve) => (release = resolve));
    if (options.failOn !== undefined && items.includes(options.failOn)) throw new Error(`refused ${options.failOn}`);
    return items.map((i) => i * 2);
  };
  return {
    write,
    batches,
    startedOn,
    hold: () => (held = true),
    releaseAll: () => {
      held = false;
      release?.();
    },
  };
}

describe("WriteCoalescer", () => {
  it("writes the calls of one turn together, in order, and answers each its own", async () => {
    const w = recordingWrite();
    const c = new WriteCoalescer(w.write, 100);
    expect(await Promise.all([1, 2, 3].map((i) => c.submit(i)))).toEqual([2, 4, 6]);
    expect(w.batches).toEqual([[1, 2, 3]]);
  });

  it("calls made while a write is in flight share the next write; maxBatch splits", async () => {
    const w = recordingWrite();
    const c = new WriteCoalescer(w.write, 2);
    w.hold();
    const first = c.submit(1);
    await new Promise<void>((resolve) => setImmediate(resolve)); // the first write has started
    const later = [2, 3, 4].map((i) => c.submit(i));
    w.releaseAll();
    expect(await Promise.all([first, ...later])).toEqual([2, 4, 6, 8]);
    expect(w.batches).toEqual([[1], [2, 3], [4]]);
  });

  it("a failed write fails its own items only", async () => {
    const w = recordingWrite({ failOn: 2 });
    const c = new WriteCoalescer(w.write, 2);
    const answers = await Promise.allSettled([1, 2, 3].map((i) => c.submit(i)));
    expect(answers.map((a) => a.status)).toEqual(["rejected", "rejected", "fulfilled"]);
    expect((answers[2] as PromiseFulfilledResult<number>).value).toBe(6);
  });

  it("with minIntervalMs, writes start at least that far apart and what arrives meanwhile joins the next", async () => {
    const w = recordingWrite();
    const c = new WriteCoalescer(w.write, 100, { minIntervalMs: 200 });
    await c.submit(1); // the first write goes at once
    const burst: Promise<number>[] = [];
    for (let i = 2; i <= 6; i++) {
      burst.push(c.submit(i));
      await new Promise<void>((resolve) => setImmediate(resolve)); // each in a turn of its own
    }
    expect(await Promise.all(burst)).toEqual([4, 6, 8, 10, 12]);
    expect(w.batches).toEqual([[1], [2, 3, 4, 5, 6]]);
    expect(w.startedOn[1]! - w.startedOn[0]!).toBeGreaterThanOrEqual(199);
    await c.idle();
  });
});
