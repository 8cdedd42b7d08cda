// A fresh PostgreSQL database per system per run on the local server, dropped afterwards, so no
// system ever sees another's tables, bloat or cache of plans.
import { randomBytes } from "node:crypto";
import pg from "pg";

export const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? "postgres://root@127.0.0.1:5432/postgres";

export interface FreshDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function freshDatabase(label: string): Promise<FreshDatabase> {
  const name = `bench_${label.replace(/[^a-z0-9]/gi, "_").toLowerCase()}_${randomBytes(4).toString("hex")}`;
  await admin((c) => c.query(`create database ${name}`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

/** Runs fn with a fresh database and always drops it. */
export async function withFreshDatabase<T>(label: string, fn: (db: FreshDatabase) => Promise<T>): Promise<T> {
  const db = await freshDatabase(label);
  try {
    return await fn(db);
  } finally {
    await db.drop();
  }
}

export async function assertPostgresReachable(): Promise<void> {
  try {
    await admin((c) => c.query("select 1"));
  } catch (err) {
    throw new Error(`the benchmarks need PostgreSQL at ${PG_ADMIN_URL} (set BENCH_PG_URL): ${String(err)}`);
  }
}

/**
 * Polls an observable condition until it holds or the deadline passes. Used only where nothing can
 * be awaited (e.g. a peer acknowledges jobs in the background after its handler returned).
 */
export async function until(
  check: () => Promise<boolean>,
  what: string,
  deadlineMs = 120_000,
  everyMs = 10,
): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
