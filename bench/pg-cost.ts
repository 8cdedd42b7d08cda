// What PostgreSQL spent on a measured stretch of work: the CPU of its processes (/proc, when the
// server runs on this machine) and the WAL it wrote (how far the WAL insert position moved: exact at
// once, where pg_stat_wal's counters lag up to a second behind each backend), for the whole cluster.
// On this shared machine a system's rate follows what each job costs the database, so the throughput
// and creates cases report it per job beside each rate: the measured cause of a ratio.
import pg from "pg";
import { PG_ADMIN_URL } from "./db.ts";
import { cpuSecondsOfAll } from "./proc-cpu.ts";
import { median } from "./stats.ts";

/** Per job; a null figure could not be read here. */
export interface PgCost {
  cpuUs: number | null;
  walBytes: number | null;
}

interface Reading {
  cpu: number | null;
  walBytes: number | null;
}

async function read(): Promise<Reading> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ bytes: string }>(
      `select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0') as bytes`,
    );
    return { cpu: cpuSecondsOfAll("postgres"), walBytes: Number(rows[0]!.bytes) };
  } finally {
    await client.end();
  }
}

const perJob = (before: number | null, after: number | null, jobs: number, scale = 1) =>
  before === null || after === null ? null : ((after - before) * scale) / jobs;

/** Starts measuring; stop() says what the stretch cost per job. */
export async function startPgCost(): Promise<{ stop(jobs: number): Promise<PgCost> }> {
  const before = await read();
  return {
    async stop(jobs) {
      const after = await read();
      return {
        cpuUs: perJob(before.cpu, after.cpu, jobs, 1e6),
        walBytes: perJob(before.walBytes, after.walBytes, jobs),
      };
    },
  };
}

/** "PostgreSQL 82 µs CPU, 2440 B of WAL a job", with the parts that could be read. */
export function describePgCost(cost: PgCost): string {
  const parts: string[] = [];
  if (cost.cpuUs !== null) parts.push(`${cost.cpuUs.toFixed(0)} µs CPU`);
  if (cost.walBytes !== null) parts.push(`${cost.walBytes.toFixed(0)} B of WAL`);
  return parts.length ? `PostgreSQL ${parts.join(", ")} a job` : "PostgreSQL's cost not readable here";
}

/** The median of the figures that could be read; null when none could. */
const medianOf = (values: (number | null)[]): number | null => {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? median(known) : null;
};

/** The cost per job of each measured run, by label (a system and its jobs in flight, say). */
export class PgCostLog {
  private readonly runs = new Map<string, PgCost[]>();

  add(label: string, cost: PgCost): void {
    this.runs.set(label, [...(this.runs.get(label) ?? []), cost]);
  }

  /** Each figure's median over the label's runs; null when it has none. */
  median(label: string): PgCost | null {
    const runs = this.runs.get(label);
    if (!runs?.length) return null;
    return {
      cpuUs: medianOf(runs.map((r) => r.cpuUs)),
      walBytes: medianOf(runs.map((r) => r.walBytes)),
    };
  }

  /** "ours: PostgreSQL … a job; graphile-worker: PostgreSQL … a job" (medians), for a result's note. */
  compare(sides: readonly { name: string; label: string }[]): string {
    return sides
      .map(({ name, label }) => {
        const cost = this.median(label);
        return `${name}: ${cost ? describePgCost(cost) : "PostgreSQL's cost not measured"}`;
      })
      .join("; ");
  }
}
