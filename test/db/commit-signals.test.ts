// Commit signals: a statement says what its commit means (CommitSignal), and the database handle
// fires the listeners once the write is committed, whichever way it ran (alone, in a transaction,
// in a Prisma transaction), once per transaction, and never when it rolled back. Nothing reads SQL
// text: a statement without signals fires nothing, whatever it writes.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CommitSignal, signalled } from "../../src/db/commit-signals.ts";
import type { Database } from "../../src/db/database.ts";
import { backends } from "../helpers/backends.ts";
import { type FreshDatabase, freshDatabase } from "../helpers/database.ts";

const ALL_SIGNALS = [CommitSignal.JobsChanged, CommitSignal.JobsCreated];
const insertProbe = `insert into "signal_probe" ("n") values ($1::int)`;
const changing = signalled(insertProbe, [CommitSignal.JobsChanged]);
const creating = signalled(insertProbe, [CommitSignal.JobsChanged, CommitSignal.JobsCreated]);

describe.each(backends)("commit signals on $name", (backend) => {
  let db: Database;
  let fresh: FreshDatabase;
  /** Each signal fired, in order, with what another connection could read of the probe table then. */
  let fired: { signal: CommitSignal; visible: Promise<number[]> }[];
  let stopListening: () => void;

  beforeAll(async () => {
    fresh = await freshDatabase(backend);
    db = fresh.db;
    await db.query(`create table "signal_probe" ("n" int not null)`);
  });
  afterAll(() => fresh?.close());
  beforeEach(() => {
    fired = [];
    // Reads through the handle (not the transaction): it sees the rows only once they are committed.
    const offs = ALL_SIGNALS.map((signal) =>
      db.onCommit(signal, () => {
        const visible = db
          .query<{ n: number }>(`select "n" from "signal_probe" order by "n"`)
          .then((rows) => rows.map((r) => r.n));
        fired.push({ signal, visible });
      }),
    );
    stopListening = () => {
      for (const off of offs) off();
    };
  });
  afterEach(async () => {
    stopListening();
    await db.query(`delete from "signal_probe"`);
  });

  const signals = () => fired.map((f) => f.signal);

  it("fires a statement's signals once it has committed on its own", async () => {
    await db.query(changing, [1]);
    expect(signals()).toEqual([CommitSignal.JobsChanged]);
    expect(await fired[0]!.visible).toEqual([1]);
    await db.queryRecords(creating, [2], (row) => row);
    expect(signals()).toEqual([CommitSignal.JobsChanged, CommitSignal.JobsChanged, CommitSignal.JobsCreated]);
  });

  it("fires each signal once per committed transaction, after the commit, however many statements carried it", async () => {
    await db.transaction(async (tx) => {
      await tx.query(changing, [1]);
      await tx.query(creating, [2]);
      await tx.queryRecords(changing, [3], (row) => row);
      expect(signals()).toEqual([]); // not before the commit
    });
    expect(signals().sort()).toEqual([...ALL_SIGNALS].sort());
    for (const f of fired) expect(await f.visible).toEqual([1, 2, 3]);
    await db.transaction(async (tx) => {
      await tx.query(changing, [4]);
      await tx.query(changing, [5]);
    });
    expect(signals().filter((s) => s === CommitSignal.JobsChanged)).toHaveLength(2);
  });

  it("fires nothing when the transaction rolls back, whether fn throws or a statement fails", async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query(creating, [1]);
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    await expect(
      db.transaction(async (tx) => {
        await tx.query(creating, [2]);
        await tx.query(`select 1 / 0`);
      }),
    ).rejects.toThrow(/division by zero/);
    await expect(db.query(changing, ["not a number"])).rejects.toThrow();
    expect(signals()).toEqual([]);
    expect(await db.query(`select "n" from "signal_probe"`)).toEqual([]);
  });

  it("fires nothing for statements without signals, whatever they write", async () => {
    await db.query(insertProbe, [1]);
    await db.transaction(async (tx) => {
      await tx.query(insertProbe, [2]);
    });
    expect(signals()).toEqual([]);
  });

  it("fires the signals of statements run in a Prisma transaction once after Prisma commits, none after a rollback", async () => {
    await db.prismaTransaction(async (tx, sql) => {
      await tx.$executeRawUnsafe(insertProbe, 1);
      await sql.query(creating, [2]);
      await sql.query(changing, [3]);
      expect(signals()).toEqual([]);
    });
    expect(signals().sort()).toEqual([...ALL_SIGNALS].sort());
    for (const f of fired) expect(await f.visible).toEqual([1, 2, 3]);
    fired = [];
    await expect(
      db.prismaTransaction(async (_tx, sql) => {
        await sql.query(creating, [4]);
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(signals()).toEqual([]);
    expect((await db.query<{ n: number }>(`select "n" from "signal_probe" order by "n"`)).map((r) => r.n)).toEqual([
      1, 2, 3,
    ]);
  });

  it("stops calling a listener once it is removed", async () => {
    stopListening();
    await db.query(creating, [1]);
    expect(signals()).toEqual([]);
  });
});
