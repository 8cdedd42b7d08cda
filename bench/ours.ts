// Our side of every case: the real server (startServer, the composition root) on a fresh PostgreSQL
// database, the bulk insert of no-op jobs, and the no-op executor the real in-process Runner drains.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { uuidv7 } from "uuidv7";
import { loadConfig } from "../src/config.ts";
import type { Sql } from "../src/db/database.ts";
import { InProcessPort } from "../src/executors/ports/in-process.ts";
import { type Executor, Runner } from "../src/executors/runner.ts";
import type { Viewer } from "../src/jobs/model.ts";
import { type ChangeRecord, recordingChanges } from "../src/jobs/sql/notify.ts";
import { startServer, type RunningServer } from "../src/server.ts";
import { IN_PROCESS, type WorkerProtocol } from "../src/workers/protocol/service.ts";
import { freshDatabase } from "./db.ts";

export const ADMIN_KEY = "jobs_bench-admin-key-0123456789abcdef";
/** No-op jobs are PRESCRIPTIVE reasoner jobs of the reasoner "noop": the family with no detail rows. */
export const NOOP_TYPE = "PRESCRIPTIVE" as const;
export const NOOP_QUEUE = "noop";

export interface OurServer {
  server: RunningServer;
  url: string;
  /** The bootstrap admin (first tenant, user "admin"). */
  admin: Viewer;
  stop(): Promise<void>;
}

/** One GraphQL request over HTTP (as `key`, the bench admin by default); throws on any error. */
export async function postGraphql<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  key = ADMIN_KEY,
): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data)
    throw new Error(`our server refused: ${JSON.stringify(body.errors).slice(0, 500)}`);
  return body.data;
}

/** startServer on a fresh database; JOBS_WORKERS=0 (cases start their own runners), no rate or connection limit. */
export async function startOurServer(label: string, env: Record<string, string> = {}): Promise<OurServer> {
  const database = await freshDatabase(label);
  const dataDir = mkdtempSync(join(tmpdir(), "jobs-bench-"));
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: database.url,
    JOBS_DATA_DIR: dataDir,
    JOBS_ADMIN_API_KEY: ADMIN_KEY,
    JOBS_WORKERS: "0",
    JOBS_RATE_LIMIT: "0",
    // Thousands of connections (subscribers, workers) under the one bench key.
    JOBS_MAX_WS_CONNECTIONS_PER_KEY: "0",
    JOBS_LOG_LEVEL: "silent",
    ...env,
  });
  let server: RunningServer;
  try {
    server = await startServer(config);
  } catch (err) {
    await database.drop();
    throw err;
  }
  const tenant = await server.services.auth.firstTenant();
  if (!tenant) throw new Error("the server made no first tenant");
  return {
    server,
    url: server.url,
    admin: { tenantId: tenant.id, userId: "admin", email: null, role: "ADMIN", apiKeyId: null },
    async stop() {
      await server.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Inserts `count` waiting no-op jobs in ONE statement, with exactly the rows createJob makes for a
 * PRESCRIPTIVE job: the job in QUEUED at statusSeq 2 and revision 1, its CREATED and QUEUED history
 * entries implied by the row ("impliedHistory" 2), so no history row; no grant row, which only agent
 * jobs get. Ids are uuidv7, as the API makes them. With `notify`, each job's change is recorded for
 * sending too, as createJob records it (bulk loads made before the workers start skip it); through
 * the server's own database handle, its notifier then sends them.
 */
export async function insertNoopJobs(
  sql: Sql,
  viewer: Viewer,
  count: number,
  options: { notify?: boolean; ids?: string[] } = {},
): Promise<string[]> {
  const ids = options.ids ?? Array.from({ length: count }, () => uuidv7());
  const text = (record?: ChangeRecord) =>
    `with made as (
       insert into "jobs" ("id", "tenantId", "reasonerType", "reasonerName", "name", "state", "nativeState", "createdBy",
                           "payload", "queue", "priority", "statusSeq", "impliedHistory", "revision")
       select ($1::uuid[])[i], $2::uuid, 'PRESCRIPTIVE', '${NOOP_QUEUE}', null, 'QUEUED', 'QUEUED', $3::text,
              jsonb_build_object('i', i), '${NOOP_QUEUE}', 0, 2, 2, 1
       from generate_series(1, cardinality($1::uuid[])) i
       returning "id", "tenantId", "reasonerType", "state", "revision"
     )${record ? `, ${record.jobs("made")}` : ""}
     select count(*)::int as n from made m`;
  const rows = await sql.query<{ n: number }>(options.notify ? recordingChanges(text, { createsJobs: true }) : text(), [
    ids,
    viewer.tenantId,
    viewer.userId,
  ]);
  if (rows[0]?.n !== count) throw new Error(`inserted ${rows[0]?.n} jobs, expected ${count}`);
  return ids;
}

/** Jobs of the no-op queue in a state, counted. */
export async function countNoopJobs(sql: Sql, state: string): Promise<number> {
  const rows = await sql.query<{ n: number }>(
    `select count(*)::int as n from "jobs" where "queue" = $1 and "state" = $2::"JobState"`,
    [NOOP_QUEUE, state],
  );
  return rows[0]?.n ?? 0;
}

export const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A no-op executor for the real Runner; onStart sees each job as the Runner hands it over. */
export function noopExecutor(onStart: (jobId: string, payload: unknown) => void = () => undefined): Executor {
  return {
    name: "bench-noop",
    filter: { reasonerTypes: [NOOP_TYPE] },
    async run(ctx) {
      onStart(ctx.job.id, ctx.job.payload);
      return { result: null, artifactIds: [] };
    },
  };
}

/**
 * The real in-process Runner over the real InProcessPort and the server's worker protocol (the one
 * with the evidence hook), with a no-op executor; onComplete fires after each completion committed.
 */
export function noopRunner(
  server: RunningServer,
  concurrency: number,
  hooks: { onStart?: (jobId: string, payload: unknown) => void; onComplete?: () => void } = {},
  /** The Runner's local queue (claimed jobs waiting for a slot); 0: none, as the server runs it. */
  localQueue = 0,
): Runner {
  const s = server.services;
  const onComplete = hooks.onComplete ?? (() => undefined);
  class CountingPort extends InProcessPort {
    override async complete(token: string, result: unknown, artifactIds: readonly string[]) {
      const done = await super.complete(token, result, artifactIds);
      onComplete();
      return done;
    }
  }
  const port = new CountingPort(s);
  return new Runner(port, noopExecutor(hooks.onStart), {
    concurrency,
    leaseSeconds: 60,
    logger: silentLogger,
    shutdownGraceMs: 1000,
    localQueue,
  });
}

/**
 * The runner's work without its bookkeeping: `concurrency` slots, each claiming through
 * WorkerProtocol.claim and completing through WorkerProtocol.complete (caller IN_PROCESS); an idle
 * slot sleeps until a change notification for the no-op family (JobChangeHub), like the Runner.
 */
export class ProtocolDrain {
  private stopped = false;
  private readonly sleepers = new Set<() => void>();
  private notified = true;
  private readonly unsubscribe: () => void;
  readonly done: Promise<void>;

  constructor(
    server: RunningServer,
    concurrency: number,
    private readonly hooks: { onStart?: (jobId: string) => void; onComplete?: () => void } = {},
  ) {
    const s = server.services;
    this.unsubscribe = s.changes.subscribe("*", (change) => {
      if (change.reasonerType !== NOOP_TYPE) return;
      this.notified = true;
      for (const wake of this.sleepers) wake();
    });
    const protocol = s.protocol;
    this.done = Promise.all(Array.from({ length: concurrency }, () => this.slot(protocol))).then(() => undefined);
  }

  private async slot(protocol: WorkerProtocol): Promise<void> {
    while (!this.stopped) {
      this.notified = false;
      const lease = await protocol.claim({ reasonerTypes: [NOOP_TYPE], queues: [NOOP_QUEUE], name: "bench drain" });
      if (!lease) {
        // A notification during the claim may announce a job the claim did not see: claim again.
        if (!this.notified) await this.sleep();
        continue;
      }
      this.hooks.onStart?.(lease.job.id);
      await protocol.complete(lease.token, null, [], IN_PROCESS);
      this.hooks.onComplete?.();
    }
  }

  private sleep(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        this.sleepers.delete(wake);
        resolve();
      };
      this.sleepers.add(wake);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    for (const wake of [...this.sleepers]) wake();
    await this.done;
  }
}
