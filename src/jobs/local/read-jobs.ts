// Reading jobs with their family details in one plain SQL statement, into exactly the records
// Prisma's `findMany({ include: jobInclude })` followed by toJobRecord made (same keys, same order,
// same types): a page of jobs is read on every `jobs(...)` request, and Prisma's query building and
// row mapping cost more than the statement itself.
import type { Sql } from "../../db/database.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import type { JobCount } from "../gateway.ts";
import type { JobFilter, JobRecord, ReasonerType, Viewer } from "../model.ts";
import { TERMINAL_STATES } from "../states.ts";

/**
 * Timestamps travel as epoch milliseconds (every column is timestamptz(3): whole milliseconds) and
 * become Dates here: pg's text parser for timestamptz (postgres-date) cost more than the rest of a
 * row's decoding, hundreds of times per page.
 */
export const epochMs = (expr: string) => `round(extract(epoch from ${expr}) * 1000)::float8`;

/** Epoch milliseconds (a number, or text from pg's float8 parser when configured so) as a Date. */
export const asDate = (v: unknown): Date => new Date(typeof v === "number" ? v : Number(v));

/** The job's timestamp columns (runAfter is dropped), read as epoch milliseconds for toJob. */
const JOB_DATES = ["createdOn", "updatedOn", "startedOn", "finishedOn", "leaseExpiresOn"] as const;

/** Columns toJobRecord drops (the lease token is a secret; the rest is bookkeeping): never read. */
const DROPPED = new Set(["leaseToken", "statusSeq", "eventSeq", "logSeq", "runAfter", "traceParent"]);
/** Enum columns, read as text. */
const ENUMS = new Set(["reasonerType", "state", "kind", "planTier", "archiveStatus"]);

const DATES = new Set<string>(JOB_DATES);

const column = (alias: string, name: string) =>
  ENUMS.has(name) ? `${alias}."${name}"::text` : DATES.has(name) ? epochMs(`${alias}."${name}"`) : `${alias}."${name}"`;

/** A detail row as the object Prisma includes, or null when the job has none. */
function detailObject(alias: string, fields: Record<string, string>): string {
  const pairs = Object.keys(fields).map((name) => `'${name}', ${column(alias, name)}`);
  return `case when ${alias}."jobId" is null then null else json_build_object(${pairs.join(", ")}) end`;
}

/**
 * The details each job includes, in jobInclude's order (toJob's last four positions: transaction,
 * agent, generation, batch): [table, alias, Prisma's fields, the one family whose jobs have them
 * (its input makes them; no other does)].
 */
const DETAILS: [string, string, Record<string, string>, ReasonerType][] = [
  ["transaction_details", "dt", Prisma.TransactionDetailScalarFieldEnum, "LOGIC"],
  ["agent_details", "da", Prisma.AgentDetailScalarFieldEnum, "AGENT"],
  ["generation_details", "dg", Prisma.GenerationDetailScalarFieldEnum, "GENERATION"],
  ["batch_details", "db", Prisma.BatchDetailScalarFieldEnum, "BATCH"],
];

/** The job columns read, in order (the details follow): Prisma's, minus those toJobRecord drops. */
const JOB_COLUMNS = Object.keys(Prisma.JobScalarFieldEnum).filter((name) => !DROPPED.has(name));

/**
 * The select list and joins, for jobs of `types` (all when undefined): the detail tables of other
 * families are not joined (their columns read as null), since their jobs cannot have such rows; a
 * page of one family then probes no detail index at all.
 */
function selectFrom(types?: readonly ReasonerType[]): string {
  const wanted = (family: ReasonerType) => !types || types.includes(family);
  return (
    `select ${JOB_COLUMNS.map((name) => column("j", name)).join(", ")}, ` +
    DETAILS.map(([, alias, fields, family]) => (wanted(family) ? detailObject(alias, fields) : "null::json")).join(
      ", ",
    ) +
    ` from "jobs" j ` +
    DETAILS.filter(([, , , family]) => wanted(family))
      .map(([table, alias]) => `left join "${table}" ${alias} on ${alias}."jobId" = j."id"`)
      .join(" ")
  );
}
const SELECT = selectFrom();

/**
 * SELECT's list over other row sources, for a statement that answers with the rows it just wrote
 * (RETURNING) rather than reading them back: `jobs` is the jobs rows' source, `details` each detail
 * table's (a table absent there has no rows for these jobs: its object reads as null). Same record
 * positions as SELECT, so toJob reads its rows.
 */
export function selectWrittenJobs(jobs: string, details: Readonly<Partial<Record<string, string>>>): string {
  return (
    `select ${JOB_COLUMNS.map((name) => column("j", name)).join(", ")}, ` +
    DETAILS.map(([table, alias, fields]) => (details[table] ? detailObject(alias, fields) : "null::json")).join(", ") +
    ` from ${jobs} j ` +
    DETAILS.flatMap(([table, alias]) =>
      details[table] ? [`left join ${details[table]} ${alias} on ${alias}."jobId" = j."id"`] : [],
    ).join(" ")
  );
}

const dateOrNull = (v: unknown) => (v === null ? null : asDate(v));

/**
 * A row of SELECT as the record Prisma's read made (same keys in the same order), by position: one
 * object shape for every row, which pg's own name-keyed row objects were not (they cost a third of
 * reading a page). Its positions follow JOB_COLUMNS and DETAILS; read-sql.test.ts checks the records
 * against Prisma's, key order included.
 */
export function toJob(r: unknown[]): JobRecord {
  return {
    id: r[0] as string,
    tenantId: r[1] as string,
    reasonerType: r[2] as JobRecord["reasonerType"],
    reasonerName: r[3] as string,
    name: r[4] as string | null,
    state: r[5] as JobRecord["state"],
    nativeState: r[6] as string,
    createdBy: r[7] as string,
    createdOn: asDate(r[8]),
    updatedOn: asDate(r[9]),
    startedOn: dateOrNull(r[10]),
    finishedOn: dateOrNull(r[11]),
    timeoutMins: r[12] as number | null,
    payload: r[13],
    result: r[14],
    errorCode: r[15] as string | null,
    errorMessage: r[16] as string | null,
    queue: r[17] as string,
    priority: r[18] as number,
    attempts: r[19] as number,
    maxAttempts: r[20] as number,
    workerId: r[21] as string | null,
    leaseExpiresOn: dateOrNull(r[22]),
    leaseSeconds: r[23] as number | null,
    cancelRequested: r[24] as boolean,
    revision: r[25] as number,
    parentJobId: r[26] as string | null,
    transaction: r[27] as JobRecord["transaction"],
    agent: r[28] as JobRecord["agent"],
    generation: r[29] as JobRecord["generation"],
    batch: r[30] as JobRecord["batch"],
  } as JobRecord;
}

/**
 * Statement texts by the shape of their WHERE clause (which conditions are present), built once: the
 * same string object each time, whose hash (to find its prepared statement) is then already known,
 * instead of a fresh 1.5 kB string per call.
 */
const texts = new Map<string, string>();
function textFor(shape: string, build: () => string): string {
  let text = texts.get(shape);
  if (text === undefined) texts.set(shape, (text = build()));
  return text;
}

/**
 * A WHERE clause with numbered parameters (enum arrays travel as text[]: PGlite sends no others),
 * and its shape: which conditions it has, in order, as short names.
 */
class Conditions {
  readonly parts: string[] = [];
  readonly values: unknown[] = [];
  shape = "";

  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  add(name: string, sql: string): void {
    this.shape += `${name};`;
    this.parts.push(sql);
  }

  /** Own jobs and those shared with the viewer (visibleJobs / listedJobs for members). */
  ownOrShared(viewer: Viewer): void {
    const user = this.param(viewer.userId);
    this.add(
      "own",
      `(j."createdBy" = ${user} or exists (select 1 from "access_grants" g where g."jobId" = j."id" and g."subjectId" = ${user}))`,
    );
  }

  /** The statement text for this shape, built the first time. */
  text(kind: string, build: () => string): string {
    return textFor(`${kind}:${this.shape}`, build);
  }
}

/** The jobs of `ids` the viewer may see (visibleJobs), in no particular order. */
export async function selectVisibleJobs(sql: Sql, ids: readonly string[], viewer: Viewer): Promise<JobRecord[]> {
  const where = new Conditions();
  where.add("tenant", `j."tenantId" = ${where.param(viewer.tenantId)}::uuid`);
  if (viewer.role === "MEMBER") where.ownOrShared(viewer);
  where.add("ids", `j."id" = any(${where.param(ids)}::uuid[])`);
  const text = where.text("visible", () => `${SELECT} where ${where.parts.join(" and ")}`);
  return sql.queryRecords(text, where.values, toJob);
}

/** The jobs of `ids`, whoever may see them (the worker protocol's answers: the lease was the check). */
export async function selectJobsById(sql: Sql, ids: readonly string[]): Promise<JobRecord[]> {
  const text = textFor("by-id", () => `${SELECT} where j."id" = any($1::uuid[])`);
  return sql.queryRecords(text, [ids], toJob);
}

/** The conditions of the jobs a viewer may list with `filter` (listedJobs), in a fresh WHERE clause. */
function listedConditions(filter: JobFilter, viewer: Viewer): Conditions {
  const where = new Conditions();
  where.add("tenant", `j."tenantId" = ${where.param(viewer.tenantId)}::uuid`);
  if (!(viewer.role === "ADMIN" && filter.allUsers)) where.ownOrShared(viewer);
  // One family: an equality, so the (tenantId, reasonerType, createdOn, id) index gives the order.
  if (filter.reasonerTypes?.length === 1)
    where.add("type", `j."reasonerType" = ${where.param(filter.reasonerTypes[0])}::text::"ReasonerType"`);
  else if (filter.reasonerTypes)
    where.add("types", `j."reasonerType" = any(${where.param([...filter.reasonerTypes])}::text[]::"ReasonerType"[])`);
  if (filter.jobId) where.add("id", `j."id" = ${where.param(filter.jobId)}::uuid`);
  if (filter.state) where.add("state", `j."state" = ${where.param(filter.state)}::"JobState"`);
  if (filter.name) where.add("name", `j."name" = ${where.param(filter.name)}`);
  if (filter.createdBy) where.add("createdBy", `j."createdBy" = ${where.param(filter.createdBy)}`);
  if (filter.assignedAgentId) where.add("agent", `da."assignedAgentId" = ${where.param(filter.assignedAgentId)}`);
  if (filter.archiveStatus)
    where.add("archive", `da."archiveStatus" = ${where.param(filter.archiveStatus)}::"ArchiveStatus"`);
  if (filter.onlyActive)
    where.add("active", `j."state" <> all(${where.param([...TERMINAL_STATES])}::text[]::"JobState"[])`);
  return where;
}

/** Newest first, after a position, at most `limit` jobs the viewer may list (listedJobs). */
export async function selectListedJobs(
  sql: Sql,
  filter: JobFilter,
  after: { createdOn: string; id: string } | null,
  limit: number,
  viewer: Viewer,
): Promise<JobRecord[]> {
  const where = listedConditions(filter, viewer);
  if (after) {
    const c = where.param(after.createdOn);
    where.add(
      "after",
      `(j."createdOn" < ${c}::timestamptz or (j."createdOn" = ${c}::timestamptz and j."id" < ${where.param(after.id)}::uuid))`,
    );
  }
  const limitParam = where.param(limit);
  // Agent filters read agent_details, so only agent jobs can match: join just that table.
  const agentOnly = filter.assignedAgentId || filter.archiveStatus;
  const types = agentOnly ? ["AGENT" as const] : filter.reasonerTypes ? [...filter.reasonerTypes].sort() : undefined;
  const text = where.text(
    `listed:${types?.join(",") ?? "all"}`,
    () =>
      `${selectFrom(types)} where ${where.parts.join(" and ")} order by j."createdOn" desc, j."id" desc limit ${limitParam}`,
  );
  return sql.queryRecords(text, where.values, toJob);
}

/**
 * How many jobs the viewer may list with `filter`: counted exactly up to `exactUpTo` (the count
 * stops there, so it never walks more rows than that), and past it the planner's estimate of the
 * same conditions, never less than exactUpTo + 1, flagged as estimated.
 */
export async function countListedJobs(
  sql: Sql,
  filter: JobFilter,
  viewer: Viewer,
  exactUpTo: number,
): Promise<JobCount> {
  const where = listedConditions(filter, viewer);
  const cap = where.param(exactUpTo + 1);
  // The agent filters' conditions read agent_details (da), as the list's do.
  const from =
    filter.assignedAgentId || filter.archiveStatus
      ? `"jobs" j join "agent_details" da on da."jobId" = j."id"`
      : `"jobs" j`;
  const text = where.text(
    "count",
    () =>
      `select count(*)::int as "n" from (select 1 from ${from} where ${where.parts.join(" and ")} limit ${cap}) "capped"`,
  );
  const [row] = await sql.query<{ n: number }>(text, where.values);
  const exact = row?.n ?? 0;
  if (exact <= exactUpTo) return { value: exact, estimated: false };
  const values = where.values.slice(0, -1);
  const plan = await sql.query<{ "QUERY PLAN": [{ Plan: { "Plan Rows": number } }] | string }>(
    where.text("estimate", () => `explain (format json) select 1 from ${from} where ${where.parts.join(" and ")}`),
    values,
  );
  const raw = plan[0]?.["QUERY PLAN"];
  const parsed = typeof raw === "string" ? (JSON.parse(raw) as [{ Plan: { "Plan Rows": number } }]) : raw;
  const planned = Math.round(parsed?.[0]?.Plan["Plan Rows"] ?? 0);
  return { value: Math.max(exactUpTo + 1, planned), estimated: true };
}
