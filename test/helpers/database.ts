// A database handle of the server's own kind on a fresh, empty database of a backend, for suites
// that work below the server (migrations, the schema's shape, commit signals): nothing migrated yet.
import { type Database, openDatabase } from "../../src/db/database.ts";
import type { Backend } from "./backends.ts";

export interface FreshDatabase {
  db: Database;
  /** Closes the handle and drops the database. */
  close(): Promise<void>;
}

export async function freshDatabase(backend: Backend): Promise<FreshDatabase> {
  const created = await backend.create();
  const db = await openDatabase({ databaseUrl: created.databaseUrl, dataDir: "memory://" }).catch(async (err) => {
    await created.drop();
    throw err;
  });
  return {
    db,
    async close() {
      await db.close();
      await created.drop();
    },
  };
}
