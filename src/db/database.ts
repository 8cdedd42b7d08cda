// One database handle for the whole process: Prisma for typed reads and writes, plain SQL for the
// hot paths, and LISTEN/NOTIFY. Backed by one pg.Pool (PostgreSQL) or one PGlite (embedded).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { type Prisma, PrismaClient } from "../generated/prisma/client.ts";
import { tracedStatement } from "../observability/tracing.ts";
import { type CommitSignal, CommitListeners, type Statement, textOf } from "./commit-signals.ts";

export type { PrismaClient };

/** Runs statements; a statement's commit signals fire once what it wrote is committed. */
export interface Sql {
  query<T = Record<string, unknown>>(statement: Statement, values?: readonly unknown[]): Promise<T[]>;
  /** Rows as arrays, each made into a record by `toRecord` (one shape per statement: fast to build and to read). */
  queryRecords<T>(statement: Statement, values: readonly unknown[], toRecord: (row: unknown[]) => T): Promise<T[]>;
}

export type Unlisten = () => Promise<void>;

export interface Database extends Sql {
  readonly kind: "pglite" | "postgres";
  readonly prisma: PrismaClient;
  /**
   * Runs fn in one transaction; everything it does through `tx` commits or rolls back together. The
   * signals of its statements fire once each after the commit, none after a rollback.
   */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * transaction() for Prisma writes: fn writes through Prisma's `tx`, and runs its signalled
   * statements through `sql` (inside the same transaction), whose signals fire after the commit.
   */
  prismaTransaction<T>(fn: (tx: Prisma.TransactionClient, sql: Sql) => Promise<T>): Promise<T>;
  /** onReconnect: the connection was lost and remade; notifications in between are gone. */
  listen(channel: string, onPayload: (payload: string) => void, onReconnect?: () => void): Promise<Unlisten>;
  /** Calls onCommit after each committed statement or transaction that ran a statement signalling `signal`. */
  onCommit(signal: CommitSignal, onCommit: () => void): () => void;
  /** SQL statements sent so far (Prisma's and ours); tests use it to prove batching. */
  statementCount(): number;
  /**
   * Calls onStatement with the text of every statement sent from now on (Prisma's and ours) until
   * the returned function is called: a test that counts statements names them when a count is off.
   */
  watchStatements(onStatement: (text: string) => void): () => void;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string;
  /** Folder for embedded storage; "memory://" keeps it in memory. */
  dataDir: string;
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.poolSize ?? 10) : openPglite(options.dataDir);
}

/**
 * An interactive Prisma transaction, with a Sql running statements inside it: the signals of those
 * fire after Prisma commits (the same for both backends, since Prisma drives the transaction).
 */
async function prismaTransaction<T>(
  prisma: PrismaClient,
  commitListeners: CommitListeners,
  fn: (tx: Prisma.TransactionClient, sql: Sql) => Promise<T>,
): Promise<T> {
  let signals: Set<CommitSignal> | undefined;
  const result = await prisma.$transaction((tx) =>
    fn(tx, {
      query<R>(statement: Statement, values: readonly unknown[] = []) {
        signals = commitListeners.collect(statement, signals);
        return tx.$queryRawUnsafe<R[]>(textOf(statement), ...values);
      },
      async queryRecords(statement, values, toRecord) {
        signals = commitListeners.collect(statement, signals);
        // Prisma answers objects in the select's column order.
        const rows = await tx.$queryRawUnsafe<Record<string, unknown>[]>(textOf(statement), ...values);
        return rows.map((row) => toRecord(Object.values(row)));
      },
    }),
  );
  commitListeners.fire(signals);
  return result;
}

function countingPrisma(adapter: PrismaPg | PrismaPGlite, count: (text: string) => void): PrismaClient {
  const prisma = new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
  // Prisma types $on only for the log levels it infers from a literal; this is the "query" one.
  (prisma as unknown as { $on(event: "query", cb: (e: { query: string }) => void): void }).$on("query", (e) =>
    count(e.query),
  );
  return prisma;
}

/** Counts statements and tells their texts to whoever watches (tests). */
class StatementCounter {
  count = 0;
  private readonly watchers = new Set<(text: string) => void>();

  sent(text: string): void {
    this.count++;
    for (const watcher of this.watchers) watcher(text);
  }

  watch(onStatement: (text: string) => void): () => void {
    const watcher = (text: string) => onStatement(text);
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }
}

/** Statements worth preparing once per connection: our own SQL with parameters, up to this many texts. */
const MAX_PREPARED_TEXTS = 500;

/**
 * A name for each distinct statement text with parameters, so every pooled connection parses and
 * plans it once, not on every call (planning the claim statement costs more than running it).
 * Bounded: texts past the first MAX_PREPARED_TEXTS run unnamed.
 */
function preparedNames(): (text: string, values: readonly unknown[] | undefined) => string | undefined {
  const names = new Map<string, string>();
  return (text, values) => {
    if (!values?.length) return undefined;
    let name = names.get(text);
    if (name === undefined && names.size < MAX_PREPARED_TEXTS) names.set(text, (name = `jobs_${names.size}`));
    return name;
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  // No JIT: PostgreSQL compiles any statement its planner costs over jit_above_cost, and a page of
  // jobs sorted by name over 100,000 of them (its 40 columns of expressions) spent 550 ms compiling
  // to run 40. Our statements are short; none gains from it. A connection string's own options win.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, options: "-c jit=off" });
  /** Ends the LISTEN connection's reconnect wait, while it waits (see reconnect). */
  let retryListenerNow: () => void = () => undefined;
  // An idle client's connection dropping (database restart) must not crash the process.
  pool.on("error", () => undefined);
  // Nor a checked-out one's: the pool removes its own error listener while a client is lent out, and
  // a connection that dies between two statements of a transaction (ours or Prisma's) would then be
  // an uncaught ECONNRESET. Its holder learns of it from its next query, which fails.
  pool.on("connect", (client) => {
    client.on("error", () => undefined);
    // A new connection: the database accepts them (again), so a lost LISTEN connection need not wait
    // out its backoff to be remade.
    retryListenerNow();
  });
  const statements = new StatementCounter();
  const prisma = countingPrisma(new PrismaPg(pool), (text) => statements.sent(text));
  const commitListeners = new CommitListeners();
  const nameOf = preparedNames();
  /** One statement, counted, named when worth preparing; rows as objects, or as arrays with rowMode "array". */
  const run = async (
    client: pg.Pool | pg.PoolClient,
    text: string,
    values: readonly unknown[] | undefined,
    rowMode?: "array",
  ) => {
    statements.sent(text);
    const config = { name: nameOf(text, values), text, values: values as unknown[] | undefined };
    const result = await tracedStatement(text, () =>
      rowMode ? client.query<unknown[]>({ ...config, rowMode }) : client.query(config),
    );
    return result.rows as unknown[];
  };
  const query = async <T>(client: pg.Pool | pg.PoolClient, text: string, values?: readonly unknown[]) =>
    (await run(client, text, values)) as T[];
  const queryRecords = async <T>(
    client: pg.Pool | pg.PoolClient,
    text: string,
    values: readonly unknown[],
    toRecord: (row: unknown[]) => T,
  ) => ((await run(client, text, values, "array")) as unknown[][]).map(toRecord);
  let listener: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  let closed = false;
  const handlers = new Map<string, Set<(payload: string) => void>>();
  const reconnectHandlers = new Set<() => void>();

  async function connectListener(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: url });
    client.on("notification", (msg) => {
      for (const handler of handlers.get(msg.channel) ?? []) handler(msg.payload ?? "");
    });
    const lost = () => {
      if (listener !== client) return;
      listener = undefined;
      client.end().catch(() => undefined);
      if (!closed) void reconnect();
    };
    client.on("error", lost);
    client.on("end", lost);
    try {
      await client.connect();
      for (const channel of handlers.keys()) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      client.end().catch(() => undefined);
      throw error;
    }
    listener = client;
    return client;
  }

  function ensureListener(): Promise<pg.Client> {
    if (listener) return Promise.resolve(listener);
    connecting ??= connectListener().finally(() => (connecting = undefined));
    return connecting;
  }

  /**
   * The LISTEN connection dropped (database restart, network): reconnect with backoff, then tell the
   * listeners to resync, since notifications sent meanwhile are gone (readers resume from cursors).
   */
  async function reconnect(): Promise<void> {
    for (let delay = 100; !closed && !listener; delay = Math.min(delay * 2, 5_000)) {
      try {
        await ensureListener();
        for (const onReconnect of reconnectHandlers) onReconnect();
        return;
      } catch {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay).unref();
          retryListenerNow = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        retryListenerNow = () => undefined;
      }
    }
  }

  return {
    kind: "postgres",
    prisma,
    async query(statement, values) {
      const rows = await query(pool, textOf(statement), values);
      commitListeners.fireOf(statement);
      return rows as never[];
    },
    async queryRecords(statement, values, toRecord) {
      const rows = await queryRecords(pool, textOf(statement), values, toRecord);
      commitListeners.fireOf(statement);
      return rows;
    },
    async transaction(fn) {
      const client = await pool.connect();
      let found: Set<CommitSignal> | undefined;
      try {
        await query(client, "BEGIN");
        const result = await fn({
          query: (statement, values) => {
            found = commitListeners.collect(statement, found);
            return query(client, textOf(statement), values);
          },
          queryRecords: (statement, values, toRecord) => {
            found = commitListeners.collect(statement, found);
            return queryRecords(client, textOf(statement), values, toRecord);
          },
        });
        await query(client, "COMMIT");
        client.release();
        commitListeners.fire(found);
        return result;
      } catch (error) {
        // A client whose connection broke is destroyed, not returned to the pool.
        const broken = await client.query("ROLLBACK").then(
          () => undefined,
          (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
        );
        client.release(broken);
        throw error;
      }
    },
    async listen(channel, onPayload, onReconnect) {
      let set = handlers.get(channel);
      const fresh = !set;
      if (!set) handlers.set(channel, (set = new Set()));
      set.add(onPayload);
      if (onReconnect) reconnectHandlers.add(onReconnect);
      const wasConnected = listener !== undefined;
      const client = await ensureListener();
      // A listener made just now already ran LISTEN for every channel.
      if (fresh && wasConnected) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      return async () => {
        set.delete(onPayload);
        if (onReconnect) reconnectHandlers.delete(onReconnect);
      };
    },
    prismaTransaction: (fn) => prismaTransaction(prisma, commitListeners, fn),
    onCommit: (signal, onCommit) => commitListeners.on(signal, onCommit),
    statementCount: () => statements.count,
    watchStatements: (onStatement) => statements.watch(onStatement),
    async ping() {
      await pool.query("select 1");
    },
    async close() {
      await prisma.$disconnect().catch(() => undefined);
      closed = true;
      const l = listener;
      listener = undefined;
      await l?.end().catch(() => undefined);
      await pool.end().catch(() => undefined);
    },
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  let location = dataDir;
  if (!dataDir.startsWith("memory://")) {
    mkdirSync(dataDir, { recursive: true });
    location = join(dataDir, "pgdata");
  }
  const pglite = await PGlite.create(location);
  const statements = new StatementCounter();
  const prisma = countingPrisma(new PrismaPGlite(pglite), (text) => statements.sent(text));
  const commitListeners = new CommitListeners();
  /** One statement on the database or inside a transaction, counted; rows as objects, or as arrays with rowMode "array". */
  const run = async (
    on: PGlite | Transaction,
    text: string,
    values: readonly unknown[] | undefined,
    rowMode?: "array",
  ) => {
    statements.sent(text);
    const result = await tracedStatement(text, () =>
      on.query<unknown[]>(text, values as unknown[] | undefined, rowMode && { rowMode }),
    );
    return result.rows;
  };
  return {
    kind: "pglite",
    prisma,
    async query(statement, values) {
      const rows = await run(pglite, textOf(statement), values);
      commitListeners.fireOf(statement);
      return rows as never[];
    },
    async queryRecords(statement, values, toRecord) {
      const rows = await run(pglite, textOf(statement), values, "array");
      commitListeners.fireOf(statement);
      return rows.map(toRecord);
    },
    async transaction(fn) {
      let found: Set<CommitSignal> | undefined;
      const result = await pglite.transaction((tx) =>
        fn({
          async query(statement, values) {
            found = commitListeners.collect(statement, found);
            return (await run(tx, textOf(statement), values)) as never[];
          },
          async queryRecords(statement, values, toRecord) {
            found = commitListeners.collect(statement, found);
            return (await run(tx, textOf(statement), values, "array")).map(toRecord);
          },
        }),
      );
      commitListeners.fire(found);
      return result;
    },
    async listen(channel, onPayload) {
      const unsubscribe = await pglite.listen(channel, onPayload);
      return unsubscribe;
    },
    prismaTransaction: (fn) => prismaTransaction(prisma, commitListeners, fn),
    onCommit: (signal, onCommit) => commitListeners.on(signal, onCommit),
    statementCount: () => statements.count,
    watchStatements: (onStatement) => statements.watch(onStatement),
    async ping() {
      await pglite.query("select 1");
    },
    async close() {
      await prisma.$disconnect().catch(() => undefined);
      await pglite.close().catch(() => undefined);
    },
  };
}
