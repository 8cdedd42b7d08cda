// Reading jobs with their family details in one plain SQL statement, into exactly the records
// Prisma's `findMany({ include: jobInclude })` followed by toJobRecord made (same keys, same order,
// same types): a page of jobs is read on every `jobs(...)` request, and Prisma's query building and
// row mapping cost more than the statement itself. One path per verb: list and count share
// listedConditions, load and loadOne selectVisibleJobs; the sight comes from jobs/visibility.ts.
import { LRUCache } from "lru-cache";
import type { Sql } from "../../db/database.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import type { JobCount } from "../gateway.ts";
import type { JobFilter, JobRecord, ReasonerType, Viewer } from "../model.ts";
import { type JobOrder, type JobOrderField, orderName, type SortKey } from "../order.ts";
import { TERMINAL_STATES } from "../states.ts";
import { listingSight, readingSight } from "../visibility.ts";
import { type Column, type Columns, enumText, plain, recordReader, timestamp, timestampOrNull } from "./columns.ts";
import { Conditions, textFor } from "./conditions.ts";
import type { JobRow } from "./rows.ts";

/** Columns toJobRecord drops (the lease token is a secret; the rest is bookkeeping): never read. */
type Dropped =
  | "leaseToken"
  | "statusSeq"
  | "impliedHistory"
  | "handBacks"
  | "eventSeq"
  | "logSeq"
  | "runAfter"
  | "traceParent";
/** A job as Prisma's read with jobInclude, then toJobRecord, gave it. */
type JobRead = Omit<JobRow, Dropped>;
type DetailField = "transaction" | "agent" | "generation" | "batch";

/**
 * The details each job includes: the table, its alias, Prisma's fields, and the one family whose
 * jobs have them (its input makes them; no other does).
 */
const DETAILS: Record<DetailField, { table: string; alias: string; fields: object; family: ReasonerType }> = {
  transaction: {
    table: "transaction_details",
    alias: "dt",
    fields: Prisma.TransactionDetailScalarFieldEnum,
    family: "LOGIC",
  },
  agent: { table: "agent_details", alias: "da", fields: Prisma.AgentDetailScalarFieldEnum, family: "AGENT" },
  generation: {
    table: "generation_details",
    alias: "dg",
    fields: Prisma.GenerationDetailScalarFieldEnum,
    family: "GENERATION",
  },
  batch: { table: "batch_details", alias: "db", fields: Prisma.BatchDetailScalarFieldEnum, family: "BATCH" },
};
/** Enum columns of the detail tables, read as text. */
const DETAIL_ENUMS = new Set(["kind", "planTier", "archiveStatus"]);

/**
 * A detail row as the object Prisma includes, or null when the job has none (JSON: no dates, checked
 * by read-sql.test.ts), read from `from` (the table, or rows a statement just wrote). A scalar
 * subquery rather than a left join: the planner then plans one relation, not a join of five (a join
 * cost a page read four times its planning, and pages keep custom plans), and probes the detail
 * index only for the rows the page returns, and only for jobs of the detail's family (CASE runs the
 * subquery only when its branch is taken): a job of mixed reads probes one detail index, not four.
 */
function detailObject(field: DetailField, job: string, from = `"${DETAILS[field].table}"`): string {
  const { alias, fields, family } = DETAILS[field];
  const pairs = Object.keys(fields).map(
    (name) => `'${name}', ${alias}."${name}"${DETAIL_ENUMS.has(name) ? "::text" : ""}`,
  );
  return `(case when ${job}."reasonerType" = '${family}' then (select json_build_object(${pairs.join(", ")}) from ${from} ${alias} where ${alias}."jobId" = ${job}."id") end)`;
}

function detail<K extends DetailField>(field: K): Column<JobRead[K]> {
  return { ...plain<JobRead[K]>(), sql: (job) => detailObject(field, job) };
}

/** Every field of a job read, in Prisma's order (its columns, then jobInclude's details). */
const JOB_COLUMNS: Columns<JobRead> = {
  id: plain(),
  tenantId: plain(),
  reasonerType: enumText(),
  reasonerName: plain(),
  name: plain(),
  state: enumText(),
  nativeState: plain(),
  createdBy: plain(),
  createdOn: timestamp(),
  updatedOn: timestamp(),
  startedOn: timestampOrNull(),
  finishedOn: timestampOrNull(),
  timeoutMins: plain(),
  payload: plain(),
  result: plain(),
  errorCode: plain(),
  errorMessage: plain(),
  queue: plain(),
  priority: plain(),
  attempts: plain(),
  maxAttempts: plain(),
  workerId: plain(),
  leaseExpiresOn: timestampOrNull(),
  leaseSeconds: plain(),
  cancelRequested: plain(),
  revision: plain(),
  parentJobId: plain(),
  transaction: detail("transaction"),
  agent: detail("agent"),
  generation: detail("generation"),
  batch: detail("batch"),
};
const jobs = recordReader(JOB_COLUMNS);

/** A row of a job select as its record, read by name through JOB_COLUMNS. */
export const toJob = (row: unknown[]): JobRecord => jobs.read(row);

/**
 * The select list, for jobs of `types` (all when undefined), from `from` (jobs aliased j): the detail
 * tables of other families are not read (their columns read as null), since their jobs cannot have
 * such rows; a page of one family then probes no detail index at all.
 */
function selectFrom(types?: readonly ReasonerType[], from = JOBS): string {
  const unread = new Set<string>(
    (Object.keys(DETAILS) as DetailField[]).filter((field) => types && !types.includes(DETAILS[field].family)),
  );
  return `select ${jobs.select("j", (name) => (unread.has(name) ? "null::json" : undefined))} from ${from}`;
}
const JOBS = `"jobs" j`;
/** The rows the agent filters' conditions read (agent_details as da) beside the job's. */
const JOBS_WITH_AGENT = `"jobs" j join "agent_details" da on da."jobId" = j."id"`;
const SELECT = selectFrom();

/**
 * The job select over other row sources, for a statement that answers with the rows it just wrote
 * (RETURNING) rather than reading them back: `source` is the jobs rows' source, `details` each
 * detail table's (a table absent there has no rows for these jobs: its object reads as null). Same
 * columns as every other job select, so toJob reads its rows.
 */
export function selectWrittenJobs(
  source: string,
  details: Readonly<Partial<Record<string, string>>>,
  /** More columns after the job's (toJob ignores them): the caller reads them from the row's end. */
  extra = "",
): string {
  const fromOf = (name: string) => {
    const field = name as DetailField;
    if (!(field in DETAILS)) return undefined;
    const from = details[DETAILS[field].table];
    return from ? detailObject(field, "j", from) : "null::json";
  };
  return `select ${jobs.select("j", fromOf)}${extra ? `, ${extra}` : ""} from ${source} j`;
}

/** The jobs of `ids` the viewer may see (readingSight), in no particular order: load and loadOne. */
export async function selectVisibleJobs(sql: Sql, ids: readonly string[], viewer: Viewer): Promise<JobRecord[]> {
  const where = new Conditions();
  where.sight(readingSight(viewer));
  where.add("ids", `j."id" = any(${where.param(ids)}::uuid[])`);
  const text = where.text("visible", () => `${SELECT} where ${where.parts.join(" and ")}`);
  return sql.queryRecords(text, where.values, toJob);
}

/** The jobs of `ids`, whoever may see them (the worker protocol's answers: the lease was the check). */
export async function selectJobsById(sql: Sql, ids: readonly string[]): Promise<JobRecord[]> {
  const text = textFor("by-id", () => `${SELECT} where j."id" = any($1::uuid[])`);
  return sql.queryRecords(text, [ids], toJob);
}

/** The conditions of the jobs a viewer may list with `filter` (listingSight), in a fresh WHERE clause: list and count. */
function listedConditions(filter: JobFilter, viewer: Viewer): Conditions {
  const where = new Conditions();
  where.sight(listingSight(viewer, filter));
  // One family: an equality, so the (tenantId, reasonerType, createdOn, id) index gives the order.
  if (filter.reasonerTypes?.length === 1)
    where.add("type", `j."reasonerType" = ${where.param(filter.reasonerTypes[0])}::text::"ReasonerType"`);
  else if (filter.reasonerTypes)
    where.add("types", `j."reasonerType" = any(${where.param([...filter.reasonerTypes])}::text[]::"ReasonerType"[])`);
  if (filter.jobId) where.add("id", `j."id" = ${where.param(filter.jobId)}::uuid`);
  if (filter.state) where.add("state", `j."state" = ${where.param(filter.state)}::"JobState"`);
  if (filter.name) where.add("name", `j."name" = ${where.param(filter.name)}`);
  // strpos, not LIKE: the text is matched as it is, its % and _ included.
  if (filter.nameContains)
    where.add("nameContains", `strpos(lower(j."name"), lower(${where.param(filter.nameContains)})) > 0`);
  if (filter.createdBy) where.add("createdBy", `j."createdBy" = ${where.param(filter.createdBy)}`);
  if (filter.assignedAgentId) where.add("agent", `da."assignedAgentId" = ${where.param(filter.assignedAgentId)}`);
  if (filter.archiveStatus)
    where.add("archive", `da."archiveStatus" = ${where.param(filter.archiveStatus)}::"ArchiveStatus"`);
  // Half-open, [createdAfter, createdBefore): consecutive windows neither overlap nor skip a job.
  if (filter.createdAfter)
    where.add("createdAfter", `j."createdOn" >= ${where.param(filter.createdAfter.toISOString())}::timestamptz`);
  if (filter.createdBefore)
    where.add("createdBefore", `j."createdOn" < ${where.param(filter.createdBefore.toISOString())}::timestamptz`);
  if (filter.onlyActive)
    where.add("active", `j."state" <> all(${where.param([...TERMINAL_STATES])}::text[]::"JobState"[])`);
  return where;
}

/** Whether the filter's conditions read agent_details (da): only agent jobs can then match. */
const readsAgentDetails = (filter: JobFilter) => Boolean(filter.assignedAgentId || filter.archiveStatus);

/** Where a page continues: after the job of this sort key (as the order's cursors hold it) and id. */
export interface ListedPosition {
  key: SortKey;
  id: string;
}

/**
 * Each order's sort key as SQL over jobs (j), and the cursor key's parameter cast to it: a name by
 * its bytes ("C"), as the merge compares; a job not finished as if finished at infinity (after every
 * time, as the merge puts it), so the key is never null and one row comparison continues a page.
 * These orders have no index of their own: a page sorts the viewer's matching jobs (top-N). An
 * index of (tenantId, key, id) for each made such a page an index walk, but cost every job three
 * more index entries on each of its writes (insert, claim, completion are not HOT updates): 31%
 * more WAL a job on the Runner's hot path (bench:pair ours-runner-batched, 3,253 against 2,483 B).
 */
const SORT_KEYS: Record<Exclude<JobOrderField, "CREATED_ON">, { sql: string; param: (p: string) => string }> = {
  NAME: { sql: `coalesce(j."name", '') collate "C"`, param: (p) => `${p}::text collate "C"` },
  STATE: { sql: `j."state"`, param: (p) => `${p}::text::"JobState"` },
  FINISHED_ON: {
    sql: `coalesce(j."finishedOn", 'infinity'::timestamptz)`,
    param: (p) => `coalesce(${p}::timestamptz, 'infinity'::timestamptz)`,
  },
};

/** In `order`, after a position, at most `limit` jobs the viewer may list (listingSight). */
export async function selectListedJobs(
  sql: Sql,
  filter: JobFilter,
  order: JobOrder,
  after: ListedPosition | null,
  limit: number,
  viewer: Viewer,
): Promise<JobRecord[]> {
  const where = listedConditions(filter, viewer);
  const key =
    order.field === "CREATED_ON"
      ? { sql: `j."createdOn"`, param: (p: string) => `${p}::timestamptz` }
      : SORT_KEYS[order.field];
  const dir = order.direction === "ASC" ? "asc" : "desc";
  if (after) {
    // One row comparison: an index's condition where the order has an index (newest first and oldest
    // first walk (tenantId, createdOn, id) from the cursor on), where the equivalent `a < x or (a = x
    // and b < y)` was a filter that read every job before the cursor (12 ms after 20,000 jobs).
    const beyond = order.direction === "ASC" ? ">" : "<";
    where.add(
      "after",
      `(${key.sql}, j."id") ${beyond} (${key.param(where.param(after.key))}, ${where.param(after.id)}::uuid)`,
    );
  }
  const orderBy = `${key.sql} ${dir}, j."id" ${dir}`;
  const limitParam = where.param(limit);
  const agentOnly = readsAgentDetails(filter);
  const types = agentOnly ? ["AGENT" as const] : filter.reasonerTypes ? [...filter.reasonerTypes].sort() : undefined;
  const text = where.text(
    `listed:${types?.join(",") ?? "all"}:${orderName(order)}`,
    () =>
      `${selectFrom(types, agentOnly ? JOBS_WITH_AGENT : JOBS)} where ${where.parts.join(" and ")} order by ${orderBy} limit ${limitParam}`,
  );
  return sql.queryRecords(text, where.values, toJob);
}

/**
 * Counts at most this many are always counted (walking so few rows costs less than the planner's
 * estimate): a count a person could check by paging is never an estimate, however wrong the planner's
 * statistics are.
 */
export const ALWAYS_EXACT_UP_TO = 100;

type Plan = [{ Plan: { "Plan Rows": number } }];

/**
 * The planner's estimates that recent counts answered, by statement and values, kept ESTIMATE_TTL_MS.
 * A large list shown again (refreshed, paged through) reuses its estimate instead of planning it
 * again on every request; the planner's statistics move far slower than that anyway.
 */
export class CountEstimates {
  private readonly rows = new LRUCache<string, number>({ max: 1000, ttl: ESTIMATE_TTL_MS });

  get(key: string): number | undefined {
    return this.rows.get(key);
  }

  set(key: string, rows: number): void {
    this.rows.set(key, rows);
  }
}

const ESTIMATE_TTL_MS = 2000;

/**
 * How many jobs the viewer may list with `filter`. Counted exactly when there are at most
 * ALWAYS_EXACT_UP_TO; past that, the planner's estimate of the same conditions decides: when it
 * expects at most `exactUpTo`, they are counted exactly up to `exactUpTo` (the count stops there, so
 * it never walks more rows than that); when it expects more, or they turn out to be more, the answer
 * is the estimate (never below `exactUpTo` + 1), flagged as estimated. So a large count costs a
 * walk of ALWAYS_EXACT_UP_TO rows and a plan, not a walk of `exactUpTo` rows on every page.
 */
export async function countListedJobs(
  sql: Sql,
  filter: JobFilter,
  viewer: Viewer,
  exactUpTo: number,
  /** Where recent estimates are kept (the gateway's); without it every large count plans again. */
  estimates?: CountEstimates,
): Promise<JobCount> {
  const where = listedConditions(filter, viewer);
  const from = readsAgentDetails(filter) ? JOBS_WITH_AGENT : JOBS;
  const values = [...where.values];
  // The count's cap is its last parameter, given per call.
  const cap = `$${values.length + 1}`;
  const text = where.text(
    "count",
    () =>
      `select count(*)::int as "n" from (select 1 from ${from} where ${where.parts.join(" and ")} limit ${cap}) "capped"`,
  );
  /** Matching jobs counted up to `upTo` + 1 (more than `upTo` means "past it"). */
  const countUpTo = async (upTo: number): Promise<number> => {
    const [row] = await sql.query<{ n: number }>(text, [...values, upTo + 1]);
    return row?.n ?? 0;
  };
  const shortWalk = Math.min(ALWAYS_EXACT_UP_TO, exactUpTo);
  const estimateText = where.text(
    "estimate",
    () => `explain (format json) select 1 from ${from} where ${where.parts.join(" and ")}`,
  );
  const estimateKey = `${estimateText}\0${JSON.stringify(values)}`;
  const known = estimates?.get(estimateKey);
  // The short walk and the plan run side by side (two pooled connections; the walk first, for an
  // embedded database's one): a large count then costs the slower of the two statements, not both;
  // a small one leaves its plan unread. A recent plan of the same count is not made again.
  const walked = countUpTo(shortWalk);
  const planned =
    known !== undefined
      ? Promise.resolve(known)
      : sql.query<{ "QUERY PLAN": Plan | string }>(estimateText, values).then((rows) => {
          const raw = rows[0]?.["QUERY PLAN"];
          const parsed = typeof raw === "string" ? (JSON.parse(raw) as Plan) : raw;
          return Math.round(parsed?.[0]?.Plan["Plan Rows"] ?? 0);
        });
  planned.catch(() => undefined); // awaited below only when the walk goes past shortWalk
  const few = await walked;
  if (few <= shortWalk) return { value: few, estimated: false };
  const plannedRows = await planned;
  // Only an estimate that was the answer is kept: one that led to counting must not outlive the
  // count it led to (a growing list would be answered from before it grew).
  if (plannedRows > exactUpTo) estimates?.set(estimateKey, plannedRows);
  const estimate = { value: Math.max(exactUpTo + 1, plannedRows), estimated: true };
  if (plannedRows > exactUpTo || shortWalk === exactUpTo) return estimate;
  const exact = await countUpTo(exactUpTo);
  return exact <= exactUpTo ? { value: exact, estimated: false } : estimate;
}
