// Applies prisma/migrations/<stamp>_<name>/migration.sql in order, each once, recorded in a table.
// Prisma's own migrate engine cannot run here; the layout stays Prisma's so it could take over.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Database } from "./database.ts";

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "prisma", "migrations");

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = migrationsDir): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** Returns the names of the migrations it applied. Safe to run from many processes at once. */
export async function migrate(db: Database, migrations = readMigrations()): Promise<string[]> {
  return db.transaction(async (tx) => {
    // One migrator at a time across processes; the others wait, then find nothing to do.
    await tx.query("select pg_advisory_xact_lock(7291001)");
    await tx.query(`create table if not exists "_jobs_migrations" (
      "name" text primary key, "checksum" text not null, "appliedOn" timestamptz not null default now())`);
    const applied = new Map(
      (await tx.query<{ name: string; checksum: string }>(`select "name", "checksum" from "_jobs_migrations"`)).map(
        (r) => [r.name, r.checksum],
      ),
    );
    const done: string[] = [];
    for (const m of migrations) {
      const seen = applied.get(m.name);
      if (seen !== undefined) {
        if (seen !== m.checksum) throw new Error(`Migration ${m.name} was changed after it was applied`);
        continue;
      }
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query(`insert into "_jobs_migrations" ("name", "checksum") values ($1, $2)`, [m.name, m.checksum]);
      done.push(m.name);
    }
    return done;
  });
}

export async function pendingMigrations(db: Database, migrations = readMigrations()): Promise<string[]> {
  const rows = await db
    .query<{ name: string }>(`select "name" from "_jobs_migrations"`)
    .catch(() => [] as { name: string }[]);
  const applied = new Set(rows.map((r) => r.name));
  return migrations.filter((m) => !applied.has(m.name)).map((m) => m.name);
}

/** Extended-protocol queries take one statement each; migrations hold no semicolons in literals. */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.replace(/^\s*--.*$/gm, "").trim())
    .filter((s) => s.length > 0);
}
