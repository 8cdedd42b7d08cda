// Records a worker: what it runs (reasoner types, and optionally only some reasoner names / queues)
// and the agent pool it belongs to. Claims and heartbeats keep lastSeenOn fresh.
import type { Sql } from "../../../db/database.ts";
import { newId } from "../../../ids.ts";
import type { GenerationKind, ReasonerType } from "../../../jobs/model.ts";

export interface WorkerRecord {
  id: string;
  tenantId: string;
  name: string;
  reasonerTypes: ReasonerType[];
  /** Empty: any reasoner name / queue. */
  reasonerNames: string[];
  /** Empty: any generation kind. */
  generationKinds: GenerationKind[];
  poolId: string | null;
  createdBy: string;
  createdOn: Date;
  lastSeenOn: Date;
}

export interface NewWorker {
  tenantId: string;
  name: string;
  reasonerTypes: readonly ReasonerType[];
  reasonerNames: readonly string[];
  generationKinds: readonly GenerationKind[];
  poolId: string | null;
  createdBy: string;
}

const WORKER_COLUMNS = `"id", "tenantId", "name", "reasonerTypes"::text[] as "reasonerTypes", "reasonerNames", "generationKinds"::text[] as "generationKinds", "poolId", "createdBy", "createdOn", "lastSeenOn"`;

export async function registerWorker(sql: Sql, w: NewWorker): Promise<WorkerRecord> {
  const rows = await sql.query<WorkerRecord>(
    `insert into "workers" ("id", "tenantId", "name", "reasonerTypes", "reasonerNames", "generationKinds", "poolId", "createdBy")
     values ($1::uuid, $2::uuid, $3::text, $4::text[]::"ReasonerType"[], $5::text[], $8::text[]::"GenerationKind"[], $6::text, $7::text)
     returning ${WORKER_COLUMNS}`,
    [
      newId(),
      w.tenantId,
      w.name,
      [...w.reasonerTypes],
      [...w.reasonerNames],
      w.poolId,
      w.createdBy,
      [...w.generationKinds],
    ],
  );
  return normalizeWorker(rows[0]!);
}

/** Marks the worker seen and returns it, when it exists in that tenant. */
export async function touchWorker(sql: Sql, workerId: string, tenantId: string): Promise<WorkerRecord | null> {
  const rows = await sql.query<WorkerRecord>(
    `update "workers" set "lastSeenOn" = now() where "id" = $1::uuid and "tenantId" = $2::uuid returning ${WORKER_COLUMNS}`,
    [workerId, tenantId],
  );
  return rows[0] ? normalizeWorker(rows[0]) : null;
}

/** A tenant's workers, most recently seen first (the dashboard's workers page). */
export async function listWorkers(sql: Sql, tenantId: string, limit: number): Promise<WorkerRecord[]> {
  const rows = await sql.query<WorkerRecord>(
    `select ${WORKER_COLUMNS} from "workers" where "tenantId" = $1::uuid order by "lastSeenOn" desc, "id" desc limit $2::int`,
    [tenantId, limit],
  );
  return rows.map(normalizeWorker);
}

/** The array columns are nullable in the schema; read null as empty. */
function normalizeWorker(row: WorkerRecord): WorkerRecord {
  return {
    ...row,
    reasonerTypes: row.reasonerTypes ?? [],
    reasonerNames: row.reasonerNames ?? [],
    generationKinds: row.generationKinds ?? [],
  };
}
