// Hands eligible jobs to a claimer, atomically, in ONE statement: pick the first waiting jobs
// (priority desc, then oldest; one unless asked for more) with FOR UPDATE SKIP LOCKED, so
// concurrent claimers never take the same job nor wait for each other; move each to its family's
// claimed state with a fresh lease; write its status-history row; name the agent on agent jobs;
// and notify listeners. An executor with several free slots fills them with one statement.
//
// The claim commits asynchronously (synchronous_commit off, for this statement only): it waits for
// no WAL flush, which is most of a claim's time on the path from a job's creation to its start. A
// claim lost in a database crash leaves its job waiting, to be claimed and run again: the outcome a
// durable claim has too, once the crash ended its run and its lease expired (delivery is at least
// once either way). A lost claim's token then finds LEASE_LOST. Completions stay durable.
import { DEFAULT_LEASE_SECONDS, MAX_LEASE_SECONDS } from "@jobs-api/client";
import type { Sql } from "../../../db/database.ts";
import { asDate, epochMs } from "../../../jobs/local/columns.ts";
import { selectWrittenJobs, toJob } from "../../../jobs/local/read-jobs.ts";
import type { GenerationKind, JobRecord, JobState, PlanTier, ReasonerType } from "../../../jobs/model.ts";
import { recordingChanges } from "../../../jobs/sql/notify.ts";
import { leaseHashSql, leaseTokenOf, newLeaseSecret } from "../lease.ts";
import { claimedNativeStateSql, claimedStateSql, waitingInSql } from "../states-sql.ts";

/** What the claim statement selects by (the server-side superset of the client's ClaimFilter). */
export interface ClaimCriteria {
  /** Only jobs of this tenant; null or absent: any tenant (in-process executors). */
  tenantId?: string | null;
  reasonerTypes: readonly ReasonerType[];
  /** Only jobs in these queues (reasoner names); empty or absent: any. */
  queues?: readonly string[];
  /** GENERATION jobs only of these kinds; null or absent: any kind. Other families are unaffected. */
  generationKinds?: readonly GenerationKind[] | null;
  /**
   * The registered worker claiming (jobs.workerId, agent_details.agentId, history agentId). Agent
   * jobs assigned to an agent are claimable only by that worker; without a worker, by nobody.
   */
  workerId?: string | null;
  /** Agent jobs assigned to a pool are claimable only by workers of that pool. */
  poolId?: string | null;
  leaseSeconds?: number;
  /** Status-history message and author. */
  message?: string | null;
  by?: string | null;
  /** How many jobs at most (default 1). */
  limit?: number;
}

export const MAX_CLAIM_BATCH = 100;

/** The claimed job as far as an executor reads it: returned by the claim itself, no second read. */
export interface ClaimedJobRow {
  id: string;
  tenantId: string;
  reasonerType: ReasonerType;
  state: JobState;
  /** The job's revision after the claim: later change notifications carry higher ones. */
  revision: number;
  name: string | null;
  createdBy: string;
  payload: unknown;
  /** The creating request's W3C traceparent, when it was traced. */
  traceParent: string | null;
  /** GENERATION jobs only: the contract the output is a pure function of. */
  generation: {
    kind: GenerationKind;
    rows: number | null;
    description: string | null;
    seed: number;
    spec: unknown;
    planTier: PlanTier;
  } | null;
}

export interface ClaimedLease {
  /** The secret the claimer presents from now on; only its hash is stored. */
  token: string;
  expiresOn: Date;
  job: ClaimedJobRow;
  /** When the job became claimable: created, or due again after a retry's backoff. */
  dueOn: Date;
}

/** What the statement returns: the job's columns, the lease, and the generation contract flattened by the join. */
interface ClaimRow extends Omit<ClaimedJobRow, "generation"> {
  /** Epoch milliseconds (epochMs). */
  leaseExpiresOn: number;
  dueOn: number;
  gKind: GenerationKind | null;
  gRows: number | string | null;
  gDescription: string | null;
  gSeed: number | string | null;
  gSpec: unknown;
  gPlanTier: PlanTier | null;
}

/** The claim's limit and lease length, checked. */
function checkedClaim(f: ClaimCriteria): { limit: number; leaseSeconds: number } {
  const limit = f.limit ?? 1;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CLAIM_BATCH)
    throw new RangeError(`limit must be an integer between 1 and ${MAX_CLAIM_BATCH}`);
  const leaseSeconds = f.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  if (!Number.isInteger(leaseSeconds) || leaseSeconds < 1 || leaseSeconds > MAX_LEASE_SECONDS) {
    throw new RangeError(`leaseSeconds must be an integer between 1 and ${MAX_LEASE_SECONDS}`);
  }
  return { limit, leaseSeconds };
}

// Enum arrays travel as text[] (PGlite cannot serialize a JS array for an enum-array parameter).
/**
 * The claim statement, answering with `answer`: a select over `claimed` (the claimed jobs as updated,
 * every column, plus "dueOn"), `agent` (their agent_details rows as updated) and `async`. The limit
 * is spelled into the text, not passed as a parameter, so that a prepared statement's generic plan
 * sees it (for a parameter it guesses a tenth of the rows, which favours sorting every waiting job
 * over walking the claim-order index).
 */
function claimStatement(limit: number, reasonerTypes: readonly ReasonerType[], answer: string) {
  return recordingChanges(
    (record) => `with async as (select set_config('synchronous_commit', 'off', true)),
     candidate as (
       select j."id" from "jobs" j
       where j."state" in ('QUEUED', 'PENDING')
         and ${waitingInSql(`j."reasonerType"`, `j."state"`, reasonerTypes)}
         and j."runAfter" <= now()
         and j."reasonerType" = any($1::text[]::"ReasonerType"[])
         and ($2::uuid is null or j."tenantId" = $2::uuid)
         and (cardinality($3::text[]) = 0 or j."queue" = any($3::text[]))
         and (j."reasonerType" <> 'AGENT' or not exists (
               select 1 from "agent_details" a where a."jobId" = j."id" and (
                 (a."assignedAgentId" is not null and a."assignedAgentId" is distinct from $4::uuid::text)
                 or (a."assignedAgentPoolId" is not null and a."assignedAgentPoolId" is distinct from $5::text))))
         and ($6::text[]::"GenerationKind"[] is null or j."reasonerType" <> 'GENERATION' or exists (
               select 1 from "generation_details" g where g."jobId" = j."id" and g."kind" = any($6::text[]::"GenerationKind"[])))
       order by j."priority" desc, j."createdOn", j."id"
       limit ${limit}
       for update of j skip locked
     ), claimed as (
       update "jobs" j set
         "state" = ${claimedStateSql(`j."reasonerType"`)},
         "nativeState" = ${claimedNativeStateSql(`j."reasonerType"`)},
         "startedOn" = coalesce(j."startedOn", now()),
         "attempts" = j."attempts" + 1,
         "workerId" = $4::uuid,
         "leaseToken" = ${leaseHashSql(`j."id"`, "$7")},
         "leaseExpiresOn" = now() + make_interval(secs => $8::int),
         "leaseSeconds" = $8::int,
         "cancelRequested" = false,
         "revision" = j."revision" + 1,
         "statusSeq" = j."statusSeq" + 1,
         "updatedOn" = now()
       from candidate c where j."id" = c."id"
       returning j.*, greatest(j."createdOn", j."runAfter") as "dueOn"
     ), history as (
       insert into "job_status_changes" ("jobId", "seq", "state", "nativeState", "message", "agentId", "createdById")
       select "id", "statusSeq", "state", "nativeState", $9::text, $4::uuid::text, $10::text from claimed
     ), agent as (
       update "agent_details" a set "agentId" = $4::uuid::text
       from claimed c where a."jobId" = c."id" and c."reasonerType" = 'AGENT'
       returning a.*
     ), ${record.jobs("claimed")}
     ${answer}`,
  );
}

function claimValues(f: ClaimCriteria, secret: string, leaseSeconds: number): unknown[] {
  return [
    [...f.reasonerTypes],
    f.tenantId ?? null,
    [...(f.queues ?? [])],
    f.workerId ?? null,
    f.poolId ?? null,
    f.generationKinds ? [...f.generationKinds] : null,
    secret,
    leaseSeconds,
    f.message ?? null,
    f.by ?? null,
  ];
}

/** What an executor reads of its claimed jobs: the lease, the job's own columns, the generation contract. */
const EXECUTOR_ANSWER = `select c."id", c."tenantId", c."reasonerType", c."state", c."revision", c."name", c."createdBy", c."payload", c."traceParent",
       ${epochMs('c."leaseExpiresOn"')} as "leaseExpiresOn", ${epochMs('c."dueOn"')} as "dueOn",
       g."kind" as "gKind", g."rows" as "gRows", g."description" as "gDescription", g."seed" as "gSeed", g."spec" as "gSpec",
       g."planTier" as "gPlanTier"
     from claimed c cross join async left join "generation_details" g on g."jobId" = c."id"`;

/** The claimed jobs, in claim order; empty: no eligible job now. */
export async function claimJobs(sql: Sql, f: ClaimCriteria): Promise<ClaimedLease[]> {
  const { limit, leaseSeconds } = checkedClaim(f);
  if (f.reasonerTypes.length === 0) return [];
  const secret = newLeaseSecret();
  const rows = await sql.query<ClaimRow>(
    claimStatement(limit, f.reasonerTypes, EXECUTOR_ANSWER),
    claimValues(f, secret, leaseSeconds),
  );
  return rows.map((row) => ({
    token: leaseTokenOf(row.id, secret),
    expiresOn: asDate(row.leaseExpiresOn),
    dueOn: asDate(row.dueOn),
    job: {
      id: row.id,
      tenantId: row.tenantId,
      reasonerType: row.reasonerType,
      state: row.state,
      revision: Number(row.revision),
      name: row.name,
      createdBy: row.createdBy,
      payload: row.payload,
      traceParent: row.traceParent,
      generation:
        row.gKind && row.gPlanTier
          ? {
              kind: row.gKind,
              rows: row.gRows === null ? null : Number(row.gRows),
              description: row.gDescription,
              seed: Number(row.gSeed),
              spec: row.gSpec,
              planTier: row.gPlanTier,
            }
          : null,
    },
  }));
}

/** A claimed job as the API shows it, read from the claim's own rows (no read-back). */
export interface ClaimedRecord {
  token: string;
  expiresOn: Date;
  job: JobRecord;
  dueOn: Date;
}

/**
 * The answer of a worker's claim over the API: each job's full record, as a page of jobs reads it,
 * built from the rows the claim wrote (agent_details as the claim left them), then when it became due.
 */
const RECORD_ANSWER = selectWrittenJobs(
  `(select c.* from claimed c cross join async)`,
  {
    agent_details: "agent",
    generation_details: '"generation_details"',
    transaction_details: '"transaction_details"',
    batch_details: '"batch_details"',
  },
  `j."dueOn"`,
);

/** claimJobs, answering each job's full record (a worker's claim over the API). */
export async function claimJobRecords(sql: Sql, f: ClaimCriteria): Promise<ClaimedRecord[]> {
  const { limit, leaseSeconds } = checkedClaim(f);
  if (f.reasonerTypes.length === 0) return [];
  const secret = newLeaseSecret();
  return sql.queryRecords(
    claimStatement(limit, f.reasonerTypes, RECORD_ANSWER),
    claimValues(f, secret, leaseSeconds),
    (row) => {
      const job = toJob(row);
      return {
        token: leaseTokenOf(job.id, secret),
        expiresOn: job.leaseExpiresOn!,
        job,
        dueOn: new Date(row.at(-1) as string | Date),
      };
    },
  );
}

/** One job (claimJobs with a limit of 1); null: no eligible job now. */
export async function claimJob(sql: Sql, f: Omit<ClaimCriteria, "limit">): Promise<ClaimedLease | null> {
  return (await claimJobs(sql, { ...f, limit: 1 }))[0] ?? null;
}
