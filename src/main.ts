// `npm start`: the server with embedded storage (or DATABASE_URL) and in-process workers.
import { loadConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import { startTracing, tracingConfigured } from "./observability/tracing.ts";
import { startServer } from "./server.ts";

/** A server that cannot start says why in one line (no stack: the message names the setting) and exits 1. */
function refuseToStart(err: unknown, why?: string): never {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`jobs-api: ${why ? `${why}: ` : ""}${message}\n`);
  process.exit(1);
}

const config = (() => {
  try {
    return loadConfig();
  } catch (err) {
    return refuseToStart(err); // loadConfig says "Invalid configuration: <setting>: ..."
  }
})();
const logger = createLogger(config.logLevel);
const stopTracing = tracingConfigured() ? startTracing() : async () => undefined;
const server = await startServer(config, logger).catch((err: unknown) => {
  logger.error({ err }, "could not start");
  return refuseToStart(err, "could not start");
});

const storage = config.databaseUrl ? "PostgreSQL (DATABASE_URL)" : `embedded PGlite in ${config.dataDir}`;
const lines = [
  "",
  `  Jobs API ready on ${server.url}/graphql  (storage: ${storage})`,
  `  Open it in a browser for GraphiQL; send the header  Authorization: Bearer <api key>`,
  `  Dashboard: ${server.url}/  (sign in with an API key)`,
  server.createdAdminSecret
    ? `  Admin API key (shown once, keep it):  ${server.createdAdminSecret}`
    : config.adminApiKey
      ? "  Admin API key: the value of JOBS_ADMIN_API_KEY"
      : "  Admin API key: the one printed at the first start (or set JOBS_ADMIN_API_KEY)",
  "",
];
// For people, on stderr: stdout carries only JSON log lines, and this one says the same for machines.
process.stderr.write(lines.join("\n") + "\n");
logger.info({ url: `${server.url}/graphql`, storage: config.databaseUrl ? "postgresql" : "pglite" }, "ready");

/**
 * SIGTERM or SIGINT (Ctrl-C reaches every process of `npm start`'s group): one orderly shutdown
 * (see RunningServer.close), then exit 0. A repeated signal changes nothing (npm and tsx relay the
 * group's signal, so one Ctrl-C can arrive twice); the deadline bounds the whole stop instead.
 */
const SHUTDOWN_DEADLINE_MS = 9_500;
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    setTimeout(() => {
      logger.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, "shutdown did not finish in time; exiting");
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    server
      .close()
      .then(() => stopTracing())
      .then(
        () => {
          logger.info("stopped");
          process.exit(0);
        },
        (err: unknown) => {
          logger.error({ err }, "shutdown failed");
          process.exit(1);
        },
      );
  });
}
