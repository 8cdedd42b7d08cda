// Creating jobs, for createJob (one) and createJobs (up to a thousand) alike: one statement inserts
// them all (src/jobs/sql/insertJobs.ts) and answers their records; only items whose idempotency key
// was already taken cost a further look-up.
import type { GraphQLError } from "graphql";
import type { Database } from "../../db/database.ts";
import { isJobsError, jobsError } from "../../errors.ts";
import { newId } from "../../ids.ts";
import { currentTraceParent } from "../../observability/tracing.ts";
import type { JobRecord, Viewer } from "../model.ts";
import type { AssignmentToCheck, NewJob } from "../new-job.ts";
import { insertJobs, type JobToInsert } from "../sql/insertJobs.ts";
import { requireAssignable } from "./agent-assignment.ts";
import { selectJobsById } from "./read-jobs.ts";

/** What one item became: the id of its job (new or found by key), or its error. */
type Outcome = { jobId: string } | { error: GraphQLError };

/** The input fields an item's agent assignment is reported at (createJob's `input.…`, createJobs' `inputs.N.…`). */
export type AssignmentFields = (index: number) => { agent: string; pool: string };

export const bulkAssignmentFields: AssignmentFields = (index) => ({
  agent: `inputs.${index}.assignedAgentId`,
  pool: `inputs.${index}.assignedAgentPoolId`,
});

/**
 * The jobs of taken idempotency keys: the job the key names when the request is the same, a
 * CONFLICT when it differs (as the key's first use decided).
 */
async function outcomesOfTakenKeys(
  db: Database,
  taken: readonly { index: number; job: JobToInsert }[],
  viewer: Viewer,
): Promise<Map<number, Outcome>> {
  const found = new Map<number, Outcome>();
  if (taken.length === 0) return found;
  const keys = [...new Set(taken.map(({ job }) => job.idempotencyKey!))];
  const rows = await db.query<{ key: string; jobId: string; requestHash: string }>(
    `select "key", "jobId", "requestHash" from "idempotency_keys" where "tenantId" = $1::uuid and "createdBy" = $2 and "key" = any($3::text[])`,
    [viewer.tenantId, viewer.userId, keys],
  );
  const byKey = new Map(rows.map((r) => [r.key, r]));
  for (const { index, job } of taken) {
    const key = job.idempotencyKey!;
    const first = byKey.get(key);
    found.set(
      index,
      !first
        ? { error: jobsError("NOT_FOUND", `the job idempotency key "${key}" first created no longer exists`) }
        : first.requestHash === (job.requestHash ?? job.id) || first.requestHash === job.rawRequestHash
          ? { jobId: first.jobId }
          : { error: jobsError("CONFLICT", `idempotency key "${key}" was first used for a different request`) },
    );
  }
  return found;
}

/**
 * What createJobs refuses of `jobs` past reading them, by index: an agent job's agent or pool, or a
 * batch's agent steps' ones, that no registered agent of the tenant answers to. Shared by creating
 * and validating (validateJobs), so the two refuse the same.
 */
async function refusalsOf(
  db: Database,
  jobs: readonly NewJob[],
  viewer: Viewer,
  fields: AssignmentFields,
  rebase: (field: string, index: number) => string,
): Promise<Map<number, GraphQLError>> {
  const refused = new Map<number, GraphQLError>();
  for (const [index, job] of jobs.entries()) {
    const checks: AssignmentToCheck[] = [];
    // Where the input spelled them (createJob's `input.payload.…` is createJobs' `inputs.N.payload.…`).
    const own = job.assignmentFields;
    if (job.agent)
      checks.push({
        agentId: job.agent.assignedAgentId,
        agentPoolId: job.agent.assignedAgentPoolId,
        fields: own ? { agent: rebase(own.agent, index), pool: rebase(own.pool, index) } : fields(index),
      });
    // A batch's steps name their fields from the input (`input.steps.0.run.payload.…`).
    for (const step of job.stepAssignments ?? [])
      checks.push({
        ...step,
        fields: { agent: rebase(step.fields.agent, index), pool: rebase(step.fields.pool, index) },
      });
    for (const check of checks) {
      const error = await requireAssignable(db, viewer.tenantId, check, check.fields).then(
        () => undefined,
        (err: unknown) => {
          if (!isJobsError(err)) throw err;
          return err;
        },
      );
      if (error) {
        refused.set(index, error);
        break;
      }
    }
  }
  return refused;
}

/** createJobs' item `index`'s own fields, as the call names them (`inputs.N.…`). */
const rebaseToItem = (field: string, index: number) => field.replace(/^input\./, `inputs.${index}.`);

/** createJob's fields: its one input (`input.…`), named as it spelled them. */
const ONE_JOB_FIELDS: AssignmentFields = () => ({ agent: "input.assignedAgentId", pool: "input.assignedAgentPoolId" });
const asSpelled = (field: string) => field;

/**
 * Creates `jobs` for the viewer: one answer per job, in order, each its job (new, or the one its
 * idempotency key first made) or its error (an unknown agent or pool, a CONFLICT). Every new job's
 * change is recorded for notification by the statement that inserts it.
 */
export async function createJobsInBulk(
  db: Database,
  jobs: readonly NewJob[],
  viewer: Viewer,
  fields: AssignmentFields = bulkAssignmentFields,
  /** An `input.…` field of item `index` as the call names it (createJobs: `inputs.N.…`). */
  rebase: (field: string, index: number) => string = rebaseToItem,
): Promise<(JobRecord | GraphQLError)[]> {
  if (jobs.length === 0) return [];
  // One pass per step, no per-item copies beyond the id: at 1,000 items a call, each spread or
  // throwaway array per item showed up as garbage collection.
  const items: JobToInsert[] = new Array(jobs.length);
  for (let index = 0; index < jobs.length; index++) items[index] = { ...jobs[index]!, id: newId() };
  // An agent job must name a registered agent or pool: refused alone, before the insert.
  const refused = await refusalsOf(db, items, viewer, fields, rebase);
  const eligible = refused.size === 0 ? items : items.filter((_, index) => !refused.has(index));
  const created = await insertJobs(db, eligible, { viewer, traceParent: currentTraceParent() });
  const records = new Map<string, JobRecord>();
  for (const job of created) records.set(job.id, job);
  // Items not created: their idempotency key was already taken.
  const taken: { index: number; job: JobToInsert }[] = [];
  if (records.size < eligible.length)
    for (const [index, job] of items.entries())
      if (!refused.has(index) && !records.has(job.id)) taken.push({ index, job });
  const byKey = await outcomesOfTakenKeys(db, taken, viewer);
  // Jobs found by key that this call did not create are read.
  const missing = new Set<string>();
  for (const o of byKey.values()) if ("jobId" in o && !records.has(o.jobId)) missing.add(o.jobId);
  if (missing.size > 0) for (const job of await selectJobsById(db, [...missing])) records.set(job.id, job);
  return items.map((job, index) => {
    const error = refused.get(index);
    if (error) return error;
    const o = byKey.get(index);
    if (o && "error" in o) return o.error;
    const jobId = o ? o.jobId : job.id;
    return (
      records.get(jobId) ??
      jobsError("NOT_FOUND", `job ${jobId}, which this idempotency key first created, no longer exists`)
    );
  });
}

/** createJob: one job through the same statement; its error is thrown. */
export async function createOneJob(db: Database, job: NewJob, viewer: Viewer): Promise<JobRecord> {
  const [answer] = await createJobsInBulk(db, [job], viewer, ONE_JOB_FIELDS, asSpelled);
  if (!answer || isJobsError(answer)) throw answer ?? new Error("createJob answered nothing");
  return answer;
}

/** validateJobs: createJobs' checks past reading, creating nothing; one answer per job, null where it would be created. */
export async function checkJobsInBulk(
  db: Database,
  jobs: readonly NewJob[],
  viewer: Viewer,
): Promise<(GraphQLError | null)[]> {
  const refused = await refusalsOf(db, jobs, viewer, bulkAssignmentFields, rebaseToItem);
  return jobs.map((_job, index) => refused.get(index) ?? null);
}

/** validateJob: createJob's checks past reading, creating nothing; its refusal is thrown. */
export async function checkOneJob(db: Database, job: NewJob, viewer: Viewer): Promise<void> {
  const error = (await refusalsOf(db, [job], viewer, ONE_JOB_FIELDS, asSpelled)).get(0);
  if (error) throw error;
}
