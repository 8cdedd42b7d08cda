// `npm run worker`: the built-in generation executor (every generation kind, its CPU work in worker
// threads) as a separate process that talks to a running API over HTTP, like any external worker.
//   JOBS_URL          the API (default http://localhost:4000)
//   JOBS_API_KEY      a WORKER (or ADMIN) key
//   JOBS_WORKERS      jobs at once (default 2), each with a worker thread
//   JOBS_LEASE_SECONDS, JOBS_WORKER_NAME, JOBS_WORKER_QUEUES (comma-separated queues; default any)
//   JOBS_LOG_LEVEL
import { z } from "zod";
import { leaseSecondsSetting } from "./config.ts";
import { ThreadEngine } from "./executors/cpu/thread-engine.ts";
import { generationExecutor } from "./executors/generation.ts";
import { HttpPort } from "./executors/ports/http.ts";
import { Runner } from "./executors/runner.ts";
import { createLogger } from "./logger.ts";
import { startTracing, tracingConfigured } from "./observability/tracing.ts";

const Env = z.object({
  JOBS_URL: z.string().url().default("http://localhost:4000"),
  JOBS_API_KEY: z.string().min(1, "JOBS_API_KEY: set a WORKER (or ADMIN) API key"),
  JOBS_WORKERS: z.coerce.number().int().min(1).default(2),
  JOBS_LEASE_SECONDS: leaseSecondsSetting,
  JOBS_WORKER_NAME: z.string().min(1).max(255).default("npm run worker"),
  JOBS_WORKER_QUEUES: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((q) => q.trim())
        .filter(Boolean),
    ),
  JOBS_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

const parsed = Env.safeParse(process.env);
if (!parsed.success) {
  process.stderr.write(`Invalid configuration: ${parsed.error.issues.map((i) => i.message).join("; ")}\n`);
  process.exit(2);
}
const env = parsed.data;
const logger = createLogger(env.JOBS_LOG_LEVEL);
// Its job spans (claim, run, complete) export like the server's when OTEL_EXPORTER_OTLP_* is set.
const stopTracing = tracingConfigured() ? startTracing() : async () => undefined;
const port = new HttpPort({
  url: env.JOBS_URL,
  apiKey: env.JOBS_API_KEY,
  name: env.JOBS_WORKER_NAME,
  queues: env.JOBS_WORKER_QUEUES,
});
const engine = new ThreadEngine({ threads: env.JOBS_WORKERS });
const runner = new Runner(port, generationExecutor(engine), {
  concurrency: env.JOBS_WORKERS,
  leaseSeconds: env.JOBS_LEASE_SECONDS,
  logger,
}).start();
logger.info({ url: env.JOBS_URL, concurrency: env.JOBS_WORKERS, queues: env.JOBS_WORKER_QUEUES }, "worker started");

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "worker stopping");
    runner
      .stop()
      .then(() => stopTracing())
      .then(
        () => engine.close().finally(() => process.exit(0)),
        () => process.exit(1),
      );
  });
}
