// Change notifications leave through the outbox: a change records its notification in its own
// transaction, and the committing process sends what is recorded, batched, after the commit. These
// tests hold the outbox to its promises on PGlite and PostgreSQL: every committed change is sent,
// once; a rolled-back one never; payloads stay under PostgreSQL's 8000-byte limit however many
// changes commit at once; and changes a crashed process recorded but never sent are sent by the sweep.
//
// "Nothing after" is proven with a sentinel: a change recorded after the others and sent after them;
// NOTIFYs arrive in commit order, so once the sentinel is heard, everything before it has been.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sql } from "../../src/db/database.ts";
import type { JobChange } from "../../src/jobs/sql/notify.ts";
import {
  CHANGE_OUTBOX,
  JOBS_CHANNEL,
  LINES_PER_ROW,
  notifyPayload,
  recordingChanges,
  recordOneChange,
} from "../../src/jobs/sql/notify.ts";
import { VACUUM_EVERY } from "../../src/jobs/change-notifier.ts";
import { SEND_BATCH } from "../../src/jobs/sql/sendChanges.ts";
import { transitionJob } from "../../src/jobs/sql/transitionJob.ts";
import { backends } from "../helpers/backends.ts";
import { NO_BACKGROUND_PASSES, startTestServer, type TestServer } from "../helpers/server.ts";
import { addAgentJob } from "./driver.ts";

/** Every change the server's hub hears, and a way to wait for one. */
function hearChanges(t: TestServer) {
  const heard: JobChange[] = [];
  const waiting = new Set<() => void>();
  const stop = t.server.services.changes.subscribe("*", (change) => {
    heard.push(change);
    for (const check of waiting) check();
  });
  return {
    heard,
    stop,
    /** Resolves once a change of this job (at this revision, when given) has been heard. */
    until(jobId: string, revision?: number): Promise<void> {
      const seen = () => heard.some((c) => c.jobId === jobId && (revision === undefined || c.revision === revision));
      if (seen()) return Promise.resolve();
      return new Promise((resolve) => {
        const check = () => {
          if (!seen()) return;
          waiting.delete(check);
          resolve();
        };
        waiting.add(check);
      });
    },
  };
}

/** A change line for a made-up job (the hub parses it; no job needs to exist to be notified). */
function fakeChange(tenantId: string, revision = 1) {
  const jobId = randomUUID();
  return { jobId, payload: notifyPayload({ tenantId, reasonerType: "AGENT", jobId, revision, state: "QUEUED" }) };
}

const outboxRows = async (db: Sql) =>
  (await db.query<{ n: number }>(`select count(*)::int as n from "${CHANGE_OUTBOX}"`))[0]!.n;

describe.each(backends)("the change outbox on $name", (backend) => {
  let t: TestServer;
  let tenantId: string;

  beforeAll(async () => {
    // The sweep (which also sends what nobody sent) every 50 ms, for the crashed-process case.
    t = await startTestServer(backend, { JOBS_SWEEP_INTERVAL_MS: "50" });
    tenantId = (await t.server.services.db.query<{ id: string }>(`select "id" from "tenants" limit 1`))[0]!.id;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("sends a committed change once, right after the commit, and keeps no row of it", async () => {
    const changes = hearChanges(t);
    try {
      const jobId = await addAgentJob(t.admin);
      await changes.until(jobId, 1);
      const db = t.server.services.db;
      const moved = await transitionJob(db, {
        jobId,
        reasonerType: "AGENT",
        from: ["PENDING"],
        to: "CANCELED",
        message: "test",
      });
      expect(moved?.revision).toBe(2);
      await changes.until(jobId, 2);
      await t.server.services.notifier.idle();
      expect(changes.heard.filter((c) => c.jobId === jobId).map((c) => [c.revision, c.state])).toEqual([
        [1, "PENDING"],
        [2, "CANCELED"],
      ]);
      expect(await outboxRows(db)).toBe(0);
    } finally {
      changes.stop();
    }
  });

  it("never sends a change whose transaction rolled back", async () => {
    const changes = hearChanges(t);
    try {
      const db = t.server.services.db;
      const jobId = await addAgentJob(t.admin);
      await changes.until(jobId, 1);
      await expect(
        db.transaction(async (tx) => {
          expect(
            await transitionJob(tx, {
              jobId,
              reasonerType: "AGENT",
              from: ["PENDING"],
              to: "CANCELED",
              message: "rolled back",
            }),
          ).not.toBeNull();
          throw new Error("changed my mind");
        }),
      ).rejects.toThrow("changed my mind");
      const sentinel = fakeChange(tenantId);
      await db.query(recordOneChange, [sentinel.payload]);
      await changes.until(sentinel.jobId);
      expect(changes.heard.filter((c) => c.jobId === jobId).map((c) => c.revision)).toEqual([1]);
      const [job] = await db.query<{ state: string }>(`select "state" from "jobs" where "id" = $1::uuid`, [jobId]);
      expect(job!.state).toBe("PENDING");
    } finally {
      changes.stop();
    }
  });

  it("sends thousands of changes committed at once in payloads under 8000 bytes, each change once", async () => {
    const db = t.server.services.db;
    const payloadBytes: number[] = [];
    const unlisten = await db.listen(JOBS_CHANNEL, (payload) => payloadBytes.push(Buffer.byteLength(payload)));
    const changes = hearChanges(t);
    try {
      const count = SEND_BATCH * 2 + 500; // more than one send's worth
      const ids = Array.from({ length: count }, () => randomUUID());
      // One statement records them all and commits: the notifier hears of it through the database handle.
      await db.query(
        recordingChanges(
          (record) =>
            `${record.insert} select $1::text || '|AGENT|' || id::text || '|1|QUEUED' from unnest($2::uuid[]) with ordinality as u(id, ord) order by ord`,
        ),
        [tenantId, ids],
      );
      await changes.until(ids.at(-1)!);
      await t.server.services.notifier.idle();
      const sentinel = fakeChange(tenantId);
      await db.query(recordOneChange, [sentinel.payload]);
      await changes.until(sentinel.jobId);

      const wanted = new Set<string>(ids);
      const mine = changes.heard.filter((c) => wanted.has(c.jobId)).map((c) => c.jobId);
      expect(mine).toEqual(ids); // all, once each, in commit order
      expect(payloadBytes.length).toBeGreaterThan(1);
      expect(Math.max(...payloadBytes)).toBeLessThan(8000);
      expect(await outboxRows(db)).toBe(0);
    } finally {
      changes.stop();
      await unlisten();
    }
  });

  it("records a statement's many changes in one outbox row per LINES_PER_ROW, and sends each change once, in order", async () => {
    const db = t.server.services.db;
    const changes = hearChanges(t);
    try {
      const ids = Array.from({ length: LINES_PER_ROW * 2 + 8 }, () => randomUUID());
      await db.transaction(async (tx) => {
        await tx.query(
          recordingChanges(
            (record) => `with j as (
             select $1::uuid as "tenantId", 'AGENT'::text as "reasonerType", u.id as "id", 7 as "revision", 'RUNNING'::text as "state"
             from unnest($2::uuid[]) with ordinality as u(id, ord) order by u.ord
           ), ${record.jobs("j")}
           select 1`,
          ),
          [tenantId, ids],
        );
        // Uncommitted rows are this transaction's own: nobody else can take them yet.
        expect(await outboxRows(tx)).toBe(3);
      });
      await changes.until(ids.at(-1)!);
      const wanted = new Set<string>(ids);
      expect(changes.heard.filter((c) => wanted.has(c.jobId)).map((c) => [c.jobId, c.revision, c.state])).toEqual(
        ids.map((id) => [id, 7, "RUNNING"]),
      );
    } finally {
      changes.stop();
    }
  });

  it("is an unlogged table (its rows cost no WAL) that vacuum never truncates (which would lock out every change)", async () => {
    const [row] = await t.server.services.db.query<{ p: string; options: string[] | null }>(
      `select relpersistence as p, reloptions as options from pg_class where relname = '${CHANGE_OUTBOX}'`,
    );
    expect(row?.p).toBe("u");
    expect(row?.options).toContain("vacuum_truncate=false");
  });

  it("vacuums the outbox itself after every VACUUM_EVERY sent changes (autovacuum comes about once a minute)", async () => {
    const db = t.server.services.db;
    const vacuums = async () =>
      Number(
        (
          await db.query<{ n: string }>(
            `select coalesce(vacuum_count, 0) as n from pg_stat_user_tables where relname = '${CHANGE_OUTBOX}'`,
          )
        )[0]?.n ?? 0,
      );
    const before = await vacuums();
    const changes = hearChanges(t);
    try {
      const ids = Array.from({ length: VACUUM_EVERY }, () => randomUUID());
      await db.query(
        recordingChanges(
          (record) =>
            `${record.insert} select $1::text || '|AGENT|' || id::text || '|1|QUEUED' from unnest($2::uuid[]) with ordinality as u(id, ord) order by ord`,
        ),
        [tenantId, ids],
      );
      await changes.until(ids.at(-1)!);
      await t.server.services.notifier.idle(); // includes the vacuum it started
      // The statistics reach pg_stat_user_tables asynchronously: wait for them, not for time.
      const deadline = Date.now() + 10_000;
      while ((await vacuums()) <= before && Date.now() < deadline) await new Promise((r) => setImmediate(r));
      expect(await vacuums()).toBeGreaterThan(before);
      expect(await outboxRows(db)).toBe(0);
    } finally {
      changes.stop();
    }
  });

  it("under a burst, sends start at least JOBS_NOTIFY_INTERVAL_MS apart and carry every change committed meanwhile", async () => {
    const intervalMs = 300;
    const spaced = await startTestServer(backend, {
      ...NO_BACKGROUND_PASSES,
      JOBS_NOTIFY_INTERVAL_MS: String(intervalMs),
    });
    const changes = hearChanges(spaced);
    try {
      const db = spaced.server.services.db;
      const first = fakeChange(tenantId);
      await db.query(recordOneChange, [first.payload]);
      await changes.until(first.jobId);
      await spaced.server.services.notifier.idle();
      // Twenty commits one after another, each asking for a send.
      const burst = Array.from({ length: 20 }, () => fakeChange(tenantId));
      const before = db.statementCount();
      const startedOn = performance.now();
      for (const change of burst) await db.query(recordOneChange, [change.payload]);
      const committedMs = performance.now() - startedOn;
      await changes.until(burst.at(-1)!.jobId);
      await spaced.server.services.notifier.idle();
      const sends = db.statementCount() - before - burst.length;
      // Unspaced, each commit would start a send of its own; spaced, one per interval the commits took, and one more.
      expect(sends).toBeGreaterThanOrEqual(1);
      expect(sends).toBeLessThanOrEqual(1 + Math.ceil(committedMs / intervalMs));
      expect(sends).toBeLessThan(burst.length / 2);
      const wanted = new Set<string>(burst.map((c) => c.jobId));
      expect(changes.heard.filter((c) => wanted.has(c.jobId)).map((c) => c.jobId)).toEqual(burst.map((c) => c.jobId));
      expect(await outboxRows(db)).toBe(0);
    } finally {
      changes.stop();
      await spaced.stop();
    }
  });

  it("sends changes a crashed process recorded but never sent, with the next sweep", async () => {
    const changes = hearChanges(t);
    try {
      const orphan = fakeChange(tenantId);
      // Recorded through Prisma without telling the notifier: as if its process died right after the commit.
      await t.server.services.db.prisma.$executeRawUnsafe(recordOneChange.text, orphan.payload);
      await changes.until(orphan.jobId);
      expect(changes.heard.filter((c) => c.jobId === orphan.jobId)).toHaveLength(1);
    } finally {
      changes.stop();
    }
  });
});

const postgres = backends.find((b) => b.name === "postgres");

describe.runIf(postgres)("two processes sending from one outbox (PostgreSQL)", () => {
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    a = await startTestServer(postgres!, { JOBS_SWEEP_INTERVAL_MS: "0" });
    // The second process on the first one's database.
    b = await startTestServer(
      {
        name: "postgres",
        create: async () => ({ databaseUrl: a.server.services.config.databaseUrl, drop: async () => undefined }),
      },
      {
        JOBS_SWEEP_INTERVAL_MS: "0",
      },
    );
  });
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
  });

  it("each change is sent by exactly one of them, and heard by both", async () => {
    const tenantId = (await a.server.services.db.query<{ id: string }>(`select "id" from "tenants" limit 1`))[0]!.id;
    const inA = hearChanges(a);
    const inB = hearChanges(b);
    // Recorded by an outside writer, then both processes send at the same time.
    const writer = new pg.Client({ connectionString: a.server.services.config.databaseUrl });
    await writer.connect();
    try {
      const ids = Array.from({ length: SEND_BATCH * 3 }, () => randomUUID());
      await writer.query(
        recordingChanges(
          (record) =>
            `${record.insert} select $1::text || '|AGENT|' || id::text || '|1|QUEUED' from unnest($2::uuid[]) as u(id)`,
        ).text,
        [tenantId, ids],
      );
      a.server.services.notifier.send();
      b.server.services.notifier.send();
      await Promise.all([a.server.services.notifier.idle(), b.server.services.notifier.idle()]);
      const sentinel = fakeChange(tenantId);
      await writer.query(recordOneChange.text, [sentinel.payload]);
      a.server.services.notifier.send();
      await Promise.all([inA.until(sentinel.jobId), inB.until(sentinel.jobId)]);

      const wanted = new Set<string>(ids);
      for (const heard of [inA.heard, inB.heard]) {
        const mine = heard.filter((c) => wanted.has(c.jobId)).map((c) => c.jobId);
        expect(mine).toHaveLength(ids.length);
        expect(new Set(mine).size).toBe(ids.length);
      }
      expect(await outboxRows(a.server.services.db)).toBe(0);
    } finally {
      await writer.end();
      inA.stop();
      inB.stop();
    }
  });
});
