// The common completion, for many jobs in ONE statement, no transaction: each leased job that is not
// CANCELING, with no artifacts to attach and no credits to charge (not GENERATION), moves to
// SUCCEEDED with its status-history row and its recorded change, guarded by its lease token.
// Anything else (CANCELING, GENERATION, a stale token) changes nothing here and answers null for
// that job: the caller then runs completeJob, which locks the row and handles every case (and says
// LEASE_LOST when the lease is). Executors finishing together share one statement and one commit
// (WorkerProtocol coalesces them).
import type { Sql } from "../../../db/database.ts";
import { asDateOrNull, epochMs } from "../../../jobs/local/columns.ts";
import { selectWrittenJobs, toJob } from "../../../jobs/local/read-jobs.ts";
import { recordingChanges } from "../../../jobs/sql/notify.ts";
import { nativeStateOf } from "../../../jobs/states.ts";
import type { PresentedLease } from "../lease.ts";
import { perTypeSql, TERMINAL_SQL } from "../states-sql.ts";
import type { CompletedJob } from "./completeJob.ts";

const succeededNativeSql = perTypeSql(`j."reasonerType"`, (t) => nativeStateOf(t, "SUCCEEDED") ?? "SUCCEEDED");

export interface SucceedArgs {
  lease: PresentedLease;
  tenantId: string | null;
  result: unknown;
  by: string | null;
}

/**
 * Each finished job's full record, as a page of jobs reads it, from the rows the statement wrote
 * (it writes no detail rows: those are read as they are): a worker's completeJobs answers from it.
 */
const ANSWER = selectWrittenJobs('"moved"', {
  agent_details: '"agent_details"',
  generation_details: '"generation_details"',
  transaction_details: '"transaction_details"',
  batch_details: '"batch_details"',
});

/**
 * What an in-process executor reads of its finished jobs (no record: its runner never shows the job,
 * and building 40 columns per job cost the completion more than its update).
 */
const LEAN_ANSWER = `select "id", "tenantId", "reasonerType", ${epochMs('"startedOn"')} as "startedOn" from "moved"`;

interface LeanRow {
  id: string;
  tenantId: string;
  reasonerType: CompletedJob["reasonerType"];
  /** Epoch milliseconds (epochMs). */
  startedOn: number | null;
}

/**
 * One answer per argument, in order: the completed job, or null (see above). `withRecords`: each
 * answer carries the job's full record (a worker's completeJobs answers from it); without, only
 * what the completion's hooks and metrics read.
 */
export async function succeedJobs(
  sql: Sql,
  all: readonly SucceedArgs[],
  withRecords = true,
): Promise<(CompletedJob | null)[]> {
  if (all.length === 0) return [];
  // A job named twice (one lease presented twice at once) goes into the statement once, as its first
  // presenter: an update joining two rows to one job writes either's result, while the answers would
  // credit the first. The others fall through to completeJob and are told LEASE_LOST, as they would
  // be one after the other.
  const firstOf = new Map<string, SucceedArgs>();
  for (const a of all) if (!firstOf.has(a.lease.jobId)) firstOf.set(a.lease.jobId, a);
  // Rows are locked in id order, so two batches can never wait for each other in a cycle.
  const sorted = [...firstOf.values()].sort((a, b) =>
    a.lease.jobId < b.lease.jobId ? -1 : a.lease.jobId > b.lease.jobId ? 1 : 0,
  );
  const statement = (answer: string) =>
    recordingChanges(
      (record) => `with given as (
       select * from unnest($1::uuid[], $2::text[], $3::uuid[], $4::jsonb[], $5::text[]) as g("id", "hash", "tenantId", "result", "by")
     ), moved as (
       update "jobs" j set "state" = 'SUCCEEDED', "nativeState" = ${succeededNativeSql}, "result" = g."result",
         "revision" = j."revision" + 1, "statusSeq" = j."statusSeq" + 1, "updatedOn" = now(), "finishedOn" = now(),
         "leaseToken" = null, "leaseExpiresOn" = null
       from given g
       where j."id" = g."id" and j."leaseToken" = g."hash" and (g."tenantId" is null or j."tenantId" = g."tenantId")
         and j."state" not in ${TERMINAL_SQL} and j."state" <> 'CANCELING' and j."reasonerType" <> 'GENERATION'
       returning j.*, g."by"
     ), history as (
       insert into "job_status_changes" ("jobId", "seq", "state", "nativeState", "message", "agentId", "createdById")
       select "id", "statusSeq", "state", "nativeState", 'completed', "workerId"::text, "by" from moved
     ), ${record.jobs("moved")}
     ${answer}`,
    );
  const values = [
    sorted.map((a) => a.lease.jobId),
    sorted.map((a) => a.lease.hash),
    sorted.map((a) => a.tenantId),
    sorted.map((a) => JSON.stringify(a.result ?? null)),
    sorted.map((a) => a.by),
  ];
  const done = new Map<string, CompletedJob>();
  if (withRecords)
    for (const row of await sql.queryRecords(statement(ANSWER), values, toJob))
      done.set(row.id, { ...succeeded(row, row.startedOn), record: row });
  else
    for (const row of await sql.query<LeanRow>(statement(LEAN_ANSWER), values))
      done.set(row.id, succeeded(row, asDateOrNull(row.startedOn)));
  return all.map((a) => (firstOf.get(a.lease.jobId) === a ? (done.get(a.lease.jobId) ?? null) : null));
}

const succeeded = (row: Omit<LeanRow, "startedOn">, startedOn: Date | null): CompletedJob => ({
  jobId: row.id,
  tenantId: row.tenantId,
  reasonerType: row.reasonerType,
  state: "SUCCEEDED",
  chargedCredits: null,
  startedOn,
});
