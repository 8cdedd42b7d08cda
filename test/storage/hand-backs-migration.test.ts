// Migration 20261207110000_job_hand_backs on a database that already holds jobs, on PGlite and
// PostgreSQL: a job handed back before it carries its count ("handBacks") from its status history,
// free hand-backs and counted ones alike, and the next hand-back counts from there.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { migrate, readMigrations } from "../../src/db/migrate.ts";
import { backends } from "../helpers/backends.ts";
import { type FreshDatabase, freshDatabase } from "../helpers/database.ts";

const HAND_BACKS = "20261207110000_job_hand_backs";

describe.each(backends)("hand-backs migration on $name", (backend) => {
  let db: Database;
  let fresh: FreshDatabase;
  beforeAll(async () => {
    fresh = await freshDatabase(backend);
    db = fresh.db;
  });
  afterAll(() => fresh?.close());

  it("backfills each job's hand-backs from its status history", async () => {
    const all = readMigrations();
    const at = all.findIndex((m) => m.name === HAND_BACKS);
    expect(at).toBeGreaterThan(0);
    await migrate(db, all.slice(0, at));

    const tenantId = randomUUID();
    const job = async (messages: string[]) => {
      const id = randomUUID();
      await db.query(
        `insert into "jobs" ("id", "tenantId", "reasonerType", "reasonerName", "state", "nativeState", "createdBy", "queue", "statusSeq")
         values ($1::uuid, $2::uuid, 'PREDICTIVE', 'default', 'QUEUED', 'QUEUED', 'm1', 'default', $3)`,
        [id, tenantId, messages.length],
      );
      for (const [n, message] of messages.entries())
        await db.query(
          `insert into "job_status_changes" ("jobId", "seq", "state", "nativeState", "message") values ($1::uuid, $2, 'QUEUED', 'QUEUED', $3)`,
          [id, n + 1, message],
        );
      return id;
    };
    const freeOnly = await job([
      "claimed",
      "handed back unfinished (WORKER_STOPPED: rolling restart); waiting again",
      "claimed",
      "handed back unfinished (WORKER_STOPPED: deploy); waiting again",
    ]);
    const pastTen = await job([
      ...Array.from({ length: 10 }, () => "handed back unfinished (WORKER_STOPPED: stop); waiting again"),
      "attempt 1 of 3 failed (WORKER_STOPPED: stop, handed back more than 10 times); retrying",
    ]);
    // A worker's own words that merely mention a hand-back are not one.
    const never = await job(["attempt 1 of 3 failed (E: the input was handed back by the user); retrying"]);

    expect(await migrate(db)).toEqual(
      readMigrations()
        .slice(at)
        .map((m) => m.name),
    );
    const rows = await db.query<{ id: string; handBacks: number }>(
      `select "id"::text as "id", "handBacks" from "jobs" where "tenantId" = $1::uuid`,
      [tenantId],
    );
    const count = (id: string) => rows.find((r) => r.id === id)?.handBacks;
    expect([count(freeOnly), count(pastTen), count(never)]).toEqual([2, 11, 0]);
  });
});
