// The databases every integration suite runs against: embedded PGlite, and a fresh PostgreSQL
// database per suite on the local server (dropped afterwards). JOBS_TEST_REQUIRE_PG=1 (CI) makes a
// missing PostgreSQL a failure instead of a skip.
import { randomBytes } from "node:crypto";
import pg from "pg";

export const PG_ADMIN_URL = process.env.JOBS_TEST_PG_URL ?? "postgres://root@127.0.0.1:5432/postgres";
const requirePg = process.env.JOBS_TEST_REQUIRE_PG === "1";

export interface Backend {
  name: "pglite" | "postgres";
  /** Makes a fresh, empty database and returns its URL (undefined for PGlite) and a drop function. */
  create(): Promise<{ databaseUrl: string | undefined; drop(): Promise<void> }>;
}

async function pgReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (error) {
    if (requirePg)
      throw new Error(`PostgreSQL is required for the tests but unreachable at ${PG_ADMIN_URL}: ${String(error)}`);
    return false;
  }
}

export async function createPgDatabase(): Promise<{ databaseUrl: string; drop(): Promise<void> }> {
  const name = `jobs_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

const pglite: Backend = {
  name: "pglite",
  async create() {
    return { databaseUrl: undefined, drop: async () => undefined };
  },
};
const postgres: Backend = { name: "postgres", create: createPgDatabase };

export const backends: Backend[] = (await pgReachable()) ? [pglite, postgres] : [pglite];
