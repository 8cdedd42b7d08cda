// The generation engine in worker threads (piscina), loaded from TypeScript through tsx's loader as
// under `npm start`: work runs off the main thread, gives the same bytes as inline, streams MOCK in
// order, and an abort ends a running task (the pool stays usable).
import { threadId } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { inlineEngine } from "../../src/executors/cpu/engine.ts";
import { ThreadEngine, workerFile } from "../../src/executors/cpu/thread-engine.ts";
import { generateMock } from "../../src/families/generation/engine/mock.ts";

const CONTRACT = {
  rows: 25_000,
  spec: {
    columns: [
      { name: "id", type: "int" as const, unique: true },
      { name: "email", type: "email" as const },
      { name: "x", type: "float" as const },
    ],
  },
};

describe("worker-thread engine", () => {
  const threads: number[] = [];
  const engine = new ThreadEngine({ threads: 2, onTask: (id) => threads.push(id) });
  afterAll(() => engine.close());

  it("loads its worker from the sources through worker-dev.mjs (which registers tsx in the thread)", () => {
    const { filename, execArgv } = workerFile();
    expect(filename).toMatch(/\/src\/executors\/cpu\/worker-dev\.mjs$/);
    expect(execArgv).toEqual([]);
  });

  it("runs a kind on another thread with the same result as inline", async () => {
    const request = {
      contract: { description: "unique order id; amount in USD between 5 and 500; status one of new, paid" },
      seed: 1,
      inputs: [],
    };
    const signal = new AbortController().signal;
    const [threaded, inline] = await Promise.all([
      engine.run("FABRICATE", request, signal),
      inlineEngine.run("FABRICATE", request, signal),
    ]);
    expect(threaded.outputs[0]!.bytes.equals(inline.outputs[0]!.bytes)).toBe(true);
    expect(Buffer.isBuffer(threaded.outputs[0]!.bytes)).toBe(true);
    expect(threaded.result).toEqual(inline.result);
    expect(threads.at(-1)).toBeGreaterThan(0);
    expect(threads.at(-1)).not.toBe(threadId);
  });

  it("streams MOCK chunks in order: the same bytes generateMock makes", async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of engine.mockChunks(
      { contract: CONTRACT, seed: 5, chunkRows: 1000 },
      new AbortController().signal,
    ))
      chunks.push(Buffer.from(chunk));
    expect(chunks.length).toBe(25);
    expect(Buffer.concat(chunks).equals(generateMock(CONTRACT, 5).bytes)).toBe(true);
  });

  it("an abort ends a running MOCK; the pool runs the next task", async () => {
    const stop = new AbortController();
    const big = {
      rows: 10_000_000,
      spec: {
        columns: [
          { name: "a", type: "int" as const },
          { name: "b", type: "name" as const },
        ],
      },
    };
    let received = 0;
    const consume = (async () => {
      for await (const _ of engine.mockChunks({ contract: big, seed: 1, chunkRows: 10_000 }, stop.signal)) {
        if (++received === 3) stop.abort();
      }
    })();
    await expect(consume).rejects.toThrow(/abort/i);
    expect(received).toBeLessThan(1000);
    const after = await engine.run(
      "SCENARIO_FABRICATE",
      { contract: { description: "pump trip at 10 s for 5 s" }, seed: 0, inputs: [] },
      new AbortController().signal,
    );
    expect(after.result).toMatchObject({ events: [{ type: "PUMP_TRIP", startS: 10, durationS: 5 }] });
  });

  it("a consumer that stops early ends the thread's task instead of leaving it waiting", async () => {
    let n = 0;
    for await (const _ of engine.mockChunks(
      { contract: CONTRACT, seed: 2, chunkRows: 100 },
      new AbortController().signal,
    ))
      if (++n === 2) break;
    expect(n).toBe(2);
    const again = await engine.run(
      "FABRICATE",
      { contract: { description: "customer email" }, seed: 0, inputs: [] },
      new AbortController().signal,
    );
    expect(again.result).toMatchObject({ columns: [{ name: "customer_email", type: "email" }] });
  });
});
