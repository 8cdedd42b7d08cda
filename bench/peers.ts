// The peers, installed from npm, each on its own fresh database with its own bulk-insert API and
// its own worker, configured as documented (defaults unless a case says otherwise).
import {
  Logger as GraphileLogger,
  run,
  runMigrations,
  type Runner as GraphileRunner,
  type TaskList,
} from "graphile-worker";
import PgBoss from "pg-boss";
import type pg from "pg";

export const GRAPHILE_TASK = "noop";
export const PGBOSS_QUEUE = "noop";

/** graphile-worker's schema, installed (its migrations) on the database. */
export async function graphileMigrate(pool: pg.Pool): Promise<void> {
  await runMigrations({ pgPool: pool, logger: graphileSilentLogger() });
}

/** `count` no-op jobs in ONE statement through graphile-worker's own bulk function add_jobs. */
export async function graphileInsert(pool: pg.Pool, count: number): Promise<void> {
  const { rows } = await pool.query<{ n: number }>(
    `select count(*)::int as n from graphile_worker.add_jobs(array(
       select json_populate_record(null::graphile_worker.job_spec, json_build_object('identifier', $2::text, 'payload', json_build_object('i', i)))
       from generate_series(1, $1::int) i))`,
    [count, GRAPHILE_TASK],
  );
  if (rows[0]?.n !== count) throw new Error(`graphile-worker added ${rows[0]?.n} jobs, expected ${count}`);
}

export async function graphileRemaining(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`select count(*)::int as n from graphile_worker._private_jobs`);
  return rows[0]?.n ?? 0;
}

export interface GraphileOptions {
  concurrency: number;
  /** Batching (localQueue and batched completions); off by default, as graphile-worker ships. */
  batched?: boolean;
  onStart?: (payload: unknown) => void;
}

/** Jobs per slot graphile-worker's batched mode keeps in its local queue (ours gets as many). */
export const LOCAL_QUEUE_PER_SLOT = 10;

export function graphileRun(pool: pg.Pool, o: GraphileOptions): Promise<GraphileRunner> {
  const taskList: TaskList = {
    [GRAPHILE_TASK]: async (payload) => {
      o.onStart?.(payload);
    },
  };
  return run({
    pgPool: pool,
    concurrency: o.concurrency,
    noHandleSignals: true,
    logger: graphileSilentLogger(),
    taskList,
    ...(o.batched
      ? {
          preset: {
            worker: {
              localQueue: { size: o.concurrency * LOCAL_QUEUE_PER_SLOT },
              completeJobBatchDelay: 0,
              failJobBatchDelay: 0,
            },
          },
        }
      : {}),
  });
}

/** graphile-worker's Logger takes a factory of log functions; this one drops everything. */
const graphileSilentLogger = () => new GraphileLogger(() => () => undefined);

/** pg-boss started on its own pool (defaults, max 10 connections), with the no-op queue made. */
export async function pgBossStart(url: string): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: url });
  boss.on("error", () => undefined);
  await boss.start();
  await boss.createQueue(PGBOSS_QUEUE);
  return boss;
}

/** `count` no-op jobs in ONE statement through pg-boss's own bulk API insert(). */
export async function pgBossInsert(boss: PgBoss, count: number): Promise<void> {
  await boss.insert(Array.from({ length: count }, (_, i) => ({ name: PGBOSS_QUEUE, data: { i: i + 1 } })));
}

export async function pgBossCompleted(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `select count(*)::int as n from pgboss.job where name = $1 and state = 'completed'`,
    [PGBOSS_QUEUE],
  );
  return rows[0]?.n ?? 0;
}
