// Where the generation engine's CPU work runs. The executor asks a GenerationEngine; the thread
// engine (thread-engine.ts) runs it in a pool of worker threads so the event loop that serves
// requests never waits on it, the inline engine runs it right here (JOBS_CPU_THREADS=0, tests of
// the engine itself, the benchmark's in-process reference).
import { setImmediate as nextTurn } from "node:timers/promises";
import {
  type GenerationRequest,
  type GenerationRun,
  runBuiltInGeneration,
} from "../../families/generation/engine/index.ts";
import { generateMockChunks, type MockContract } from "../../families/generation/engine/mock.ts";
import type { GenerationKind } from "../../jobs/model.ts";

export interface MockStreamRequest {
  contract: MockContract;
  seed: number;
  chunkRows: number;
}

export interface GenerationEngine {
  /** One kind's whole run; aborting the signal stops it (the thread running it is ended). */
  run(kind: GenerationKind, request: GenerationRequest, signal: AbortSignal): Promise<GenerationRun>;
  /** MOCK's output in chunks, made while the previous ones are uploaded (a few chunks ahead at most). */
  mockChunks(request: MockStreamRequest, signal: AbortSignal): AsyncIterable<Uint8Array>;
  close(): Promise<void>;
}

/** Runs on the calling thread; MOCK yields to the event loop between chunks. */
export const inlineEngine: GenerationEngine = {
  async run(kind, request, signal) {
    signal.throwIfAborted();
    return runBuiltInGeneration(kind, request);
  },
  async *mockChunks({ contract, seed, chunkRows }, signal) {
    for (const chunk of generateMockChunks(contract, seed, { chunkRows })) {
      yield chunk;
      await nextTurn();
      signal.throwIfAborted();
    }
  },
  async close() {},
};
