// Starts the real server (in this process, on a free port) against a fresh database, and talks to
// it over HTTP like any client.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config.ts";
import type { Logger } from "../../src/logger.ts";
import { startServer, type RunningServer } from "../../src/server.ts";
import type { Backend } from "./backends.ts";
import { pollUntil } from "./poll.ts";

export const ADMIN_KEY = "jobs_test-admin-key-0123456789abcdef";

export interface TestServer {
  server: RunningServer;
  url: string;
  admin: GraphQLClient;
  client(key: string): GraphQLClient;
  stop(): Promise<void>;
}

export interface GraphQLResult<T = Record<string, any>> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface GraphQLClient {
  key: string | null;
  raw<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResult<T>>;
  /** Throws with the server's errors when there are any. */
  request<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

export function graphqlClient(url: string, key: string | null): GraphQLClient {
  const raw = async <T>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResult<T>> => {
    const res = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as GraphQLResult<T>;
    return { ...body, status: res.status };
  };
  return {
    key,
    raw,
    async request<T>(query: string, variables?: Record<string, unknown>) {
      const result = await raw<T>(query, variables);
      if (result.errors?.length) {
        const err = new Error(result.errors.map((e) => `${String(e.extensions?.code)}: ${e.message}`).join("; "));
        Object.assign(err, { errors: result.errors });
        throw err;
      }
      return result.data as T;
    },
  };
}

/**
 * A server's own background passes off: the lease sweeper, the scheduler (at least once a minute
 * while a schedule is armed) and retention (two statements a pass, every minute by default; one
 * landing inside a count made a subscriptions test read 13 statements against 11). For suites that
 * count statements, so that a count is the calls' own whenever the suite happens to run.
 */
export const NO_BACKGROUND_PASSES: Readonly<Record<string, string>> = {
  JOBS_SWEEP_INTERVAL_MS: "0",
  JOBS_SCHEDULER: "0",
  JOBS_RETENTION_INTERVAL_MS: "0",
};

/** `logger`: the server's (e.g. one writing to a stream the test reads); silent by default. */
export async function startTestServer(
  backend: Backend,
  env: Record<string, string> = {},
  logger?: Logger,
): Promise<TestServer> {
  const database = await backend.create();
  const dataDir = mkdtempSync(join(tmpdir(), "jobs-test-"));
  let server: RunningServer;
  try {
    const config = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      JOBS_DATA_DIR: dataDir,
      JOBS_ADMIN_API_KEY: ADMIN_KEY,
      JOBS_WORKERS: "0",
      JOBS_LOG_LEVEL: "silent",
      ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
      ...env,
    });
    server = await startServer(config, logger);
  } catch (error) {
    // A server that does not start (a test of a refused setting) leaves no database or folder behind.
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    server,
    url: server.url,
    admin: graphqlClient(server.url, ADMIN_KEY),
    client: (key) => graphqlClient(server.url, key),
    async stop() {
      await server.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Readiness is the observable condition for "the database is back". */
export function untilReady(url: string): Promise<void> {
  return pollUntil(async () => (await fetch(`${url}/readyz`)).status === 200, "the server to be ready again", {
    intervalMs: 50,
  });
}
