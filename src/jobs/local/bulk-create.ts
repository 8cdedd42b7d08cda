// Creating many jobs in one transaction with a fixed number of statements, whatever their number:
// one per table written (rows travel as one JSON array, expanded by jsonb_populate_recordset into
// the table's own row type), not one transaction of Prisma nested writes per job.
import { uuidv7 } from "uuidv7";
import type { GraphQLError } from "graphql";
import type { Database, Sql } from "../../db/database.ts";
import { isJobsError, jobsError } from "../../errors.ts";
import { currentTraceParent } from "../../observability/tracing.ts";
import type { JobRecord, JobState, Viewer } from "../model.ts";
import type { NewJob } from "../new-job.ts";
import { recordingChanges } from "../sql/notify.ts";
import { initialStates, nativeStateOf } from "../states.ts";
import { requireAssignable } from "./agent-assignment.ts";
import { selectJobsById } from "./read-jobs.ts";

type Row = Record<string, unknown>;

/**
 * Inserts `rows` into `table`, one statement per distinct set of defined columns (a column absent
 * from a row keeps its default, which a null in a shared column list would not).
 */
async function insertRows(tx: Sql, table: string, rows: readonly Row[]): Promise<void> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const defined = Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined));
    const signature = Object.keys(defined).sort().join(",");
    groups.set(signature, [...(groups.get(signature) ?? []), defined]);
  }
  for (const [signature, group] of groups) {
    const columns = signature
      .split(",")
      .map((c) => `"${c}"`)
      .join(", ");
    await tx.query(
      `insert into "${table}" (${columns}) select ${columns} from jsonb_populate_recordset(null::"${table}", $1::jsonb)`,
      [JSON.stringify(group)],
    );
  }
}

/** What one item of a bulk create became: the id of its job (new or found by key), or its error. */
type Outcome = { jobId: string } | { error: GraphQLError };

/**
 * Claims the items' idempotency keys in one statement; an item whose key was already taken gets the
 * job it names (same request) or a CONFLICT (different request), as createJob does. Items without
 * keys, and those whose key this call claimed, are created.
 */
async function claimKeys(
  tx: Sql,
  jobs: readonly { job: NewJob & { id: string }; index: number }[],
  viewer: Viewer,
): Promise<Map<number, Outcome>> {
  const keyed = jobs.flatMap(({ job, index }) =>
    job.idempotencyKey ? [{ index, key: job.idempotencyKey, jobId: job.id, hash: job.requestHash ?? job.id }] : [],
  );
  const found = new Map<number, Outcome>();
  if (keyed.length === 0) return found;
  const claimed = await tx.query<{ jobId: string }>(
    `insert into "idempotency_keys" ("tenantId", "createdBy", "key", "jobId", "requestHash")
     select $1::uuid, $2, k."key", k."jobId", k."hash" from jsonb_to_recordset($3::jsonb) as k("key" text, "jobId" uuid, "hash" text)
     on conflict do nothing returning "jobId"`,
    // In key order, so two calls sharing keys wait on each other's rows in the same order (no deadlock).
    [
      viewer.tenantId,
      viewer.userId,
      JSON.stringify(
        [...keyed]
          .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
          .map(({ key, jobId, hash }) => ({ key, jobId, hash })),
      ),
    ],
  );
  const claimedIds = new Set(claimed.map((r) => r.jobId));
  const taken = keyed.filter((k) => !claimedIds.has(k.jobId));
  if (taken.length === 0) return found;
  const rows = await tx.query<{ key: string; jobId: string; requestHash: string }>(
    `select "key", "jobId", "requestHash" from "idempotency_keys" where "tenantId" = $1::uuid and "createdBy" = $2 and "key" = any($3::text[])`,
    [viewer.tenantId, viewer.userId, [...new Set(taken.map((k) => k.key))]],
  );
  const byKey = new Map(rows.map((r) => [r.key, r]));
  for (const k of taken) {
    const first = byKey.get(k.key)!;
    found.set(
      k.index,
      first.requestHash === k.hash
        ? { jobId: first.jobId }
        : { error: jobsError("CONFLICT", `idempotency key "${k.key}" was first used for a different request`) },
    );
  }
  return found;
}

/** The rows of every table a new job writes, for the jobs of one call. */
function rowsOf(jobs: readonly (NewJob & { id: string })[], viewer: Viewer) {
  const rows = {
    jobs: [] as Row[],
    history: [] as Row[],
    access: [] as Row[],
    transaction: [] as Row[],
    agent: [] as Row[],
    generation: [] as Row[],
    batch: [] as Row[],
    steps: [] as Row[],
    files: [] as Row[],
  };
  for (const job of jobs) {
    const states: JobState[] = initialStates(job.reasonerType);
    const last = states.at(-1)!;
    rows.jobs.push({
      id: job.id,
      tenantId: viewer.tenantId,
      reasonerType: job.reasonerType,
      reasonerName: job.reasonerName,
      name: job.name,
      state: last,
      nativeState: nativeStateOf(job.reasonerType, last),
      createdBy: viewer.userId,
      timeoutMins: job.timeoutMins,
      payload: job.payload ?? null,
      queue: job.queue,
      priority: job.priority,
      parentJobId: job.parentJobId ?? null,
      traceParent: currentTraceParent(),
      statusSeq: states.length,
      revision: 1,
    });
    for (const [i, state] of states.entries())
      rows.history.push({
        jobId: job.id,
        seq: i + 1,
        state,
        nativeState: nativeStateOf(job.reasonerType, state),
        createdById: viewer.userId,
      });
    rows.access.push({ jobId: job.id, subjectId: viewer.userId, email: viewer.email, relation: "OWNER" });
    if (job.transaction) rows.transaction.push({ ...job.transaction, jobId: job.id });
    if (job.agent) rows.agent.push({ ...job.agent, jobId: job.id });
    if (job.generation) rows.generation.push({ ...job.generation, jobId: job.id });
    if (job.batch) rows.batch.push({ ...job.batch, jobId: job.id });
    for (const [position, s] of (job.steps ?? []).entries())
      rows.steps.push({
        jobId: job.id,
        position,
        name: s.name,
        run: s.run,
        metadata: s.metadata ?? null,
        ignoreChunkError: s.ignoreChunkError,
      });
    if (job.file) rows.files.push({ id: uuidv7(), jobId: job.id, ...job.file });
  }
  return rows;
}

/**
 * Creates `jobs` for the viewer in one transaction: one answer per job, in order, each its job (new,
 * or the one its idempotency key first made) or its CONFLICT. Every new job's change is recorded for
 * notification in the statement that inserts the jobs.
 */
export async function createJobsInBulk(
  db: Database,
  jobs: readonly NewJob[],
  viewer: Viewer,
): Promise<(JobRecord | GraphQLError)[]> {
  if (jobs.length === 0) return [];
  const withIds = jobs.map((job) => ({ ...job, id: uuidv7() }));
  // An agent job must name a registered agent or pool (as createJob checks): refused alone, before the transaction.
  const refused = new Map<number, Outcome>();
  for (const [index, job] of withIds.entries()) {
    if (!job.agent) continue;
    const target = { agentId: job.agent.assignedAgentId, agentPoolId: job.agent.assignedAgentPoolId };
    await requireAssignable(db, viewer.tenantId, target, {
      agent: `inputs.${index}.assignedAgentId`,
      pool: `inputs.${index}.assignedAgentPoolId`,
    }).catch((err: unknown) => {
      if (!isJobsError(err)) throw err;
      refused.set(index, { error: err });
    });
  }
  const outcomes = await db.transaction(async (tx) => {
    const eligible = withIds.map((job, index) => ({ job, index })).filter(({ index }) => !refused.has(index));
    const byKey = await claimKeys(tx, eligible, viewer);
    const fresh = eligible.filter(({ index }) => !byKey.has(index)).map(({ job }) => job);
    if (fresh.length > 0) {
      const rows = rowsOf(fresh, viewer);
      const columns = Object.keys(rows.jobs[0]!)
        .map((c) => `"${c}"`)
        .join(", ");
      // The change lines are written by the same statement (a data-modifying CTE), so the commit
      // that makes the jobs visible also has them sent (and wakes this process's idle executors).
      await tx.query(
        recordingChanges(
          (
            record,
          ) => `with "new_jobs" as (insert into "jobs" (${columns}) select ${columns} from jsonb_populate_recordset(null::"jobs", $1::jsonb) returning *),
         ${record.jobs("new_jobs")}
         select 1`,
          { createsJobs: true },
        ),
        [JSON.stringify(rows.jobs)],
      );
      await insertRows(tx, "job_status_changes", rows.history);
      await insertRows(tx, "access_grants", rows.access);
      const details: [string, Row[]][] = [
        ["transaction_details", rows.transaction],
        ["agent_details", rows.agent],
        ["generation_details", rows.generation],
        ["batch_details", rows.batch],
        ["batch_steps", rows.steps],
        ["files", rows.files],
      ];
      for (const [table, tableRows] of details) if (tableRows.length > 0) await insertRows(tx, table, tableRows);
    }
    return withIds.map((job, i): Outcome => refused.get(i) ?? byKey.get(i) ?? { jobId: job.id });
  });
  const ids = [...new Set(outcomes.flatMap((o) => ("jobId" in o ? [o.jobId] : [])))];
  const read = new Map((await selectJobsById(db, ids)).map((job) => [job.id, job]));
  return outcomes.map((o) => {
    if ("error" in o) return o.error;
    return (
      read.get(o.jobId) ??
      jobsError("NOT_FOUND", `job ${o.jobId}, which this idempotency key first created, no longer exists`)
    );
  });
}
