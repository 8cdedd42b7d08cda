// The entry of each CPU worker thread (loaded by thread-engine.ts through piscina): runs a
// generation kind, or streams MOCK chunks back over a MessagePort, a few chunks ahead of the
// consumer (it sends a credit for each chunk it has taken).
import type { MessagePort } from "node:worker_threads";
import { threadId } from "node:worker_threads";
import {
  type GenerationRequest,
  type GenerationRun,
  inputFaultCode,
  runBuiltInGeneration,
} from "../../families/generation/engine/index.ts";
import { generateMockChunks, type MockContract } from "../../families/generation/engine/mock.ts";
import type { GenerationKind } from "../../jobs/model.ts";

export type CpuTask =
  | { op: "run"; kind: GenerationKind; request: GenerationRequest }
  | { op: "mock"; contract: MockContract; seed: number; chunkRows: number; window: number; port: MessagePort };

/** Errors cross threads as plain Errors; faults of the request are sent as such, so they are not retried. */
export interface InputFaultAnswer {
  fault: { code: string; message: string };
  threadId: number;
}

export interface RunAnswer {
  run: GenerationRun;
  threadId: number;
}

export interface MockAnswer {
  chunks: number;
  threadId: number;
}

export default async function work(task: CpuTask): Promise<RunAnswer | MockAnswer | InputFaultAnswer> {
  try {
    return await perform(task);
  } catch (err) {
    const code = inputFaultCode(err);
    if (code) return { fault: { code, message: (err as Error).message }, threadId };
    throw err;
  }
}

async function perform(task: CpuTask): Promise<RunAnswer | MockAnswer> {
  if (task.op === "run") {
    // Buffers arrive as plain Uint8Arrays after the copy between threads.
    const inputs = task.request.inputs.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    return { run: runBuiltInGeneration(task.kind, { ...task.request, inputs }), threadId };
  }
  const { port } = task;
  let credits = task.window;
  let wake: (() => void) | null = null;
  port.on("message", () => {
    credits++;
    wake?.();
  });
  let chunks = 0;
  try {
    for (const chunk of generateMockChunks(task.contract, task.seed, { chunkRows: task.chunkRows })) {
      while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      credits--;
      port.postMessage(chunk);
      chunks++;
    }
    port.postMessage(null); // the end, in order after the last chunk
  } finally {
    port.close();
  }
  return { chunks, threadId };
}
