// The generation engine in a pool of worker threads (piscina): MOCK, TRAIN, SYNTHESIZE, SIMULATE and
// the other kinds run there, never on the event loop that serves requests. A cancel aborts the
// task's signal, and piscina ends the thread running it at once (a new one takes its place).
//
// The worker file sits beside this one: worker.js once compiled to dist/; from the TypeScript sources
// (tsx, vitest) worker-dev.mjs, which registers tsx's loader in the thread and loads worker.ts, so
// nothing of the compiled server names tsx.
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { MessageChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import type { GenerationRequest, GenerationRun } from "../../families/generation/engine/index.ts";
import type { GenerationKind } from "../../jobs/model.ts";
import type { GenerationEngine, MockStreamRequest } from "./engine.ts";
import { InputFault } from "../port.ts";
import type { CpuTask, InputFaultAnswer, MockAnswer, RunAnswer } from "./worker.ts";

/** MOCK chunks a thread may make ahead of the upload. */
const MOCK_WINDOW = 4;
const IDLE_THREAD_MS = 30_000;

export interface ThreadEngineOptions {
  threads: number;
  /** Called with the thread id each task ran on (logs; tests prove the work left the main thread). */
  onTask?: (threadId: number) => void;
}

export function workerFile(): { filename: string; execArgv: string[] } {
  const fromSources = extname(fileURLToPath(import.meta.url)) === ".ts";
  return { filename: new URL(fromSources ? "./worker-dev.mjs" : "./worker.js", import.meta.url).href, execArgv: [] };
}

export class ThreadEngine implements GenerationEngine {
  private readonly pool: Piscina<CpuTask, RunAnswer | MockAnswer | InputFaultAnswer>;

  constructor(private readonly options: ThreadEngineOptions) {
    const { filename, execArgv } = workerFile();
    this.pool = new Piscina({
      filename,
      execArgv,
      maxThreads: Math.max(1, options.threads),
      minThreads: 0,
      idleTimeout: IDLE_THREAD_MS,
    });
  }

  async run(kind: GenerationKind, request: GenerationRequest, signal: AbortSignal): Promise<GenerationRun> {
    const answer = await this.pool.run({ op: "run", kind, request }, { signal });
    this.options.onTask?.(answer.threadId);
    if ("fault" in answer) throw new InputFault(answer.fault.code, answer.fault.message);
    const run = (answer as RunAnswer).run;
    return {
      ...run,
      outputs: run.outputs.map((o) => ({
        ...o,
        bytes: Buffer.from(o.bytes.buffer, o.bytes.byteOffset, o.bytes.byteLength),
      })),
    };
  }

  async *mockChunks(request: MockStreamRequest, signal: AbortSignal): AsyncIterable<Uint8Array> {
    const { port1, port2 } = new MessageChannel();
    const queue: Uint8Array[] = [];
    let wake: (() => void) | null = null;
    let ended = false;
    let failure: unknown = null;
    port1.on("message", (chunk: Uint8Array | null) => {
      if (chunk === null) ended = true;
      else queue.push(chunk);
      wake?.();
    });
    // Also aborted when the consumer stops early (an upload failed): the thread must not wait for credits for ever.
    const stop = new AbortController();
    const task: CpuTask = { op: "mock", ...request, window: MOCK_WINDOW, port: port2 };
    const done = this.pool.run(task, { signal: AbortSignal.any([signal, stop.signal]), transferList: [port2] }).then(
      (answer) => {
        this.options.onTask?.(answer.threadId);
        if ("fault" in answer) {
          failure = new InputFault(answer.fault.code, answer.fault.message);
          wake?.();
        }
      },
      (err: unknown) => {
        failure = err;
        wake?.();
      },
    );
    try {
      for (;;) {
        const chunk = queue.shift();
        if (chunk) {
          port1.postMessage(1); // a credit: the thread may make one more chunk
          yield chunk;
          continue;
        }
        if (ended) return;
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    } finally {
      if (!ended) stop.abort();
      port1.close();
      await done;
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
