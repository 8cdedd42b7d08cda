// Creating jobs, one or a thousand, in ONE statement: the idempotency keys, the jobs, owner grants
// and family rows, and the recorded change notification are data-modifying CTEs of the same
// statement (rows travel as one JSON array per table), and the answer is built from the rows it
// inserted (RETURNING), not read back.
//
// Only agent jobs get an OWNER grant row: the creator's sight and rights come from "createdBy"
// (jobs/visibility.ts, jobs/local/access.ts), and the grant list is shown and managed on agent jobs
// only (AgentJob.access), where the owner's row is listed; for other families the row was written
// for nobody to read.
//
// No status-history row is written: a new job's first entries (its family's initial states) are
// implied by its row, which says how many in "impliedHistory" (jobs/local/expansions.ts reads them).
import type { SignalledStatement } from "../../db/commit-signals.ts";
import type { Sql } from "../../db/database.ts";
import { newId } from "../../ids.ts";
import { selectWrittenJobs, toJob } from "../local/read-jobs.ts";
import type { JobRecord, Viewer } from "../model.ts";
import type { NewJob } from "../new-job.ts";
import { initialStates, nativeStateOf } from "../states.ts";
import { recordingChanges } from "./notify.ts";

/** A job to insert: its id is chosen by the caller (it names the job in the idempotency key row). */
export type JobToInsert = NewJob & { id: string };

export interface InsertContext {
  viewer: Viewer;
  /** The W3C traceparent of the creating request, stored for the spans that will run the jobs. */
  traceParent: string | null;
}

type Row = Record<string, unknown>;

/** The family tables a new job may write, and whether the answer reads them (read-jobs' details). */
const FAMILY_TABLES = [
  ["transaction_details", true],
  ["agent_details", true],
  ["generation_details", true],
  ["batch_details", true],
  ["batch_steps", false],
  ["files", false],
] as const;
type FamilyTable = (typeof FAMILY_TABLES)[number][0];

/** The jobs columns a new job sets, as json_to_recordset reads them from the JSON rows. */
const JOB_FIELDS =
  '"id" uuid, "reasonerType" "ReasonerType", "reasonerName" text, "name" text, "state" "JobState", "nativeState" text, "timeoutMins" int, "payload" jsonb, "queue" text, "priority" int, "parentJobId" uuid, "statusSeq" int, "key" text, "hash" text';

/** Rows of one family table sharing the same defined columns (an absent column keeps its default). */
interface FamilyGroup {
  table: FamilyTable;
  columns: string[];
  rows: Row[];
}

function familyRows(jobs: readonly JobToInsert[]): Map<FamilyTable, Row[]> {
  const rows = new Map<FamilyTable, Row[]>(FAMILY_TABLES.map(([table]) => [table, []]));
  for (const job of jobs) {
    if (job.transaction) rows.get("transaction_details")!.push({ ...job.transaction, jobId: job.id });
    if (job.agent) rows.get("agent_details")!.push({ ...job.agent, jobId: job.id });
    if (job.generation) rows.get("generation_details")!.push({ ...job.generation, jobId: job.id });
    if (job.batch) rows.get("batch_details")!.push({ ...job.batch, jobId: job.id });
    if (job.steps)
      for (const [position, s] of job.steps.entries())
        rows.get("batch_steps")!.push({
          jobId: job.id,
          position,
          name: s.name,
          run: s.run,
          metadata: s.metadata ?? null,
          ignoreChunkError: s.ignoreChunkError,
        });
    if (job.file) rows.get("files")!.push({ id: newId(), jobId: job.id, ...job.file });
  }
  return rows;
}

/** Groups each table's rows by their defined columns (undefined ones are left to the default). */
function familyGroups(jobs: readonly JobToInsert[]): FamilyGroup[] {
  const groups = new Map<string, FamilyGroup>();
  for (const [table, rows] of familyRows(jobs)) {
    for (const row of rows) {
      const defined = Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined));
      const columns = Object.keys(defined).sort();
      const signature = `${table}:${columns.join(",")}`;
      let group = groups.get(signature);
      if (!group) groups.set(signature, (group = { table, columns, rows: [] }));
      group.rows.push(defined);
    }
  }
  return [...groups.values()];
}

const quoted = (columns: readonly string[]) => columns.map((c) => `"${c}"`).join(", ");

/**
 * The statement for a batch whose family rows fall into `groups` (their JSON is $6 onwards). Built
 * once per shape: the same text is then prepared once per connection.
 */
function statementFor(groups: readonly FamilyGroup[]): SignalledStatement {
  const written = new Map<string, string[]>();
  const familyCtes = groups.map((group, k) => {
    const name = `"written_${k}"`;
    const reads = FAMILY_TABLES.find(([table]) => table === group.table)![1];
    if (reads) written.set(group.table, [...(written.get(group.table) ?? []), name]);
    return `${name} as (insert into "${group.table}" (${quoted(group.columns)})
       select ${quoted(group.columns)} from json_populate_recordset(null::"${group.table}", $${6 + k}::json)
       where "jobId" in (select "id" from "new_jobs")${reads ? " returning *" : ""})`;
  });
  const sources = Object.fromEntries(
    [...written].map(([table, names]) => [
      table,
      names.length === 1 ? names[0]! : `(${names.map((n) => `select * from ${n}`).join(" union all ")})`,
    ]),
  );
  // Keys are claimed in key order, so two calls sharing keys wait on each other's rows in the same
  // order (no deadlock); an item whose key was already taken is not inserted (the caller looks it up).
  return recordingChanges(
    (record) => `with "input" as (select * from json_to_recordset($1::json) as i(${JOB_FIELDS})),
     "claimed_keys" as (
       insert into "idempotency_keys" ("tenantId", "createdBy", "key", "jobId", "requestHash")
       select $2::uuid, $3, "key", "id", "hash" from "input" where "key" is not null order by "key"
       on conflict do nothing returning "jobId"),
     "new_jobs" as (
       insert into "jobs" ("id", "tenantId", "reasonerType", "reasonerName", "name", "state", "nativeState", "createdBy",
         "timeoutMins", "payload", "queue", "priority", "parentJobId", "traceParent", "statusSeq", "impliedHistory", "revision")
       select i."id", $2::uuid, i."reasonerType", i."reasonerName", i."name", i."state", i."nativeState", $3,
         i."timeoutMins", i."payload", i."queue", i."priority", i."parentJobId", $5, i."statusSeq", i."statusSeq", 1
       from "input" i where i."key" is null or i."id" in (select "jobId" from "claimed_keys")
       returning *),
     "owners" as (
       insert into "access_grants" ("jobId", "subjectId", "email", "relation")
       select "id", $3, $4, 'OWNER' from "new_jobs" where "reasonerType" = 'AGENT'),
     ${familyCtes.map((cte) => `${cte},\n     `).join("")}${record.jobs('"new_jobs"')}
     ${selectWrittenJobs('"new_jobs"', sources)}`,
    { createsJobs: true },
  );
}

const statements = new Map<string, SignalledStatement>();

/**
 * Inserts `jobs` for the viewer in one statement and answers the records of those it created, in no
 * particular order. A job whose idempotency key was already taken (by an earlier call, or by an
 * earlier item of this one) is not created and is absent from the answer.
 */
export async function insertJobs(sql: Sql, jobs: readonly JobToInsert[], context: InsertContext): Promise<JobRecord[]> {
  if (jobs.length === 0) return [];
  const { viewer } = context;
  const groups = familyGroups(jobs);
  const shape = groups.map((g) => `${g.table}:${g.columns.join(",")}`).join(";");
  let text = statements.get(shape);
  if (text === undefined) statements.set(shape, (text = statementFor(groups)));
  const rows = jobs.map((job) => {
    const states = initialStates(job.reasonerType);
    const last = states.at(-1)!;
    return {
      id: job.id,
      reasonerType: job.reasonerType,
      reasonerName: job.reasonerName,
      name: job.name,
      state: last,
      nativeState: nativeStateOf(job.reasonerType, last),
      timeoutMins: job.timeoutMins,
      payload: job.payload ?? null,
      queue: job.queue,
      priority: job.priority,
      parentJobId: job.parentJobId ?? null,
      // One entry per initial state, every one implied by the row ("impliedHistory" is this too).
      statusSeq: states.length,
      key: job.idempotencyKey,
      // Read only for a keyed job (its key row's fingerprint); a keyless one sends none.
      hash: job.idempotencyKey ? (job.requestHash ?? job.id) : null,
    };
  });
  return sql.queryRecords(
    text,
    [
      JSON.stringify(rows),
      viewer.tenantId,
      viewer.userId,
      viewer.email,
      context.traceParent,
      ...groups.map((g) => JSON.stringify(g.rows)),
    ],
    toJob,
  );
}
