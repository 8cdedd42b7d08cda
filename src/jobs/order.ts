// The orders a list of jobs can be read in: a sort key and the job's id as its tiebreak, both in the
// order's direction. The database sorts by them (jobs/local/read-jobs.ts) and a merge of gateways'
// pages compares with jobOrderComparator, so the two must agree exactly: names by their UTF-8 bytes
// (the database's "C" collation), states in JobState's declared order, an unfinished job's
// finishedOn after every time.
import { jobsError } from "../errors.ts";
import { type JobRecord, type JobState, JobStates } from "./model.ts";

export const JOB_ORDER_FIELDS = ["CREATED_ON", "NAME", "STATE", "FINISHED_ON"] as const;
export type JobOrderField = (typeof JOB_ORDER_FIELDS)[number];
export type OrderDirection = "ASC" | "DESC";

export interface JobOrder {
  field: JobOrderField;
  direction: OrderDirection;
}

/** Newest first: what jobs(...) always answered, and still does without orderBy. */
export const DEFAULT_JOB_ORDER: JobOrder = { field: "CREATED_ON", direction: "DESC" };

export const isDefaultOrder = (order: JobOrder): boolean =>
  order.field === DEFAULT_JOB_ORDER.field && order.direction === DEFAULT_JOB_ORDER.direction;

/** The order as cursors name it ("NAME_ASC"). */
export const orderName = (order: JobOrder): string => `${order.field}_${order.direction}`;

/** The order as people read it ("NAME ASC"), for messages. */
const shown = (order: JobOrder): string => `${order.field} ${order.direction}`;

/** The job's sort key as a cursor holds it: a time's ISO string, a name ("" for none), a state; null: not finished. */
export type SortKey = string | null;

export function sortKeyOf(order: JobOrder, job: JobRecord): SortKey {
  switch (order.field) {
    case "CREATED_ON":
      return job.createdOn.toISOString();
    case "NAME":
      return job.name ?? "";
    case "STATE":
      return job.state;
    case "FINISHED_ON":
      return job.finishedOn?.toISOString() ?? null;
  }
}

/** Latest moment a cursor may name: PostgreSQL's timestamps end in 294276, JavaScript's ISO strings need 4-digit years. */
const MAX_CURSOR_TIME = Date.UTC(10_000, 0, 1);
export const isCursorTime = (v: unknown): v is string => {
  const time = typeof v === "string" ? Date.parse(v) : Number.NaN;
  return time >= 0 && time < MAX_CURSOR_TIME;
};
/** Longest name a cursor may hold (names are not limited when stored; a cursor is a URL parameter). */
const MAX_KEY_LENGTH = 10_000;

/** Whether a cursor's key is one the order's field can have. */
export function isSortKey(order: JobOrder, key: unknown): key is SortKey {
  switch (order.field) {
    case "CREATED_ON":
      return isCursorTime(key);
    case "NAME":
      return typeof key === "string" && key.length <= MAX_KEY_LENGTH;
    case "STATE":
      return typeof key === "string" && Object.hasOwn(STATE_RANK, key);
    case "FINISHED_ON":
      return key === null || isCursorTime(key);
  }
}

/** JobState's declared order, the database enum's (test/api/job-order.test.ts checks they agree). */
const STATE_RANK = Object.fromEntries(Object.values(JobStates).map((s, i) => [s, i])) as Record<JobState, number>;

/** Names compared as the "C" collation does: by their UTF-8 bytes (JavaScript's < compares UTF-16 units). */
const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
const byTime = (a: Date | null, b: Date | null): number =>
  (a?.getTime() ?? Number.POSITIVE_INFINITY) - (b?.getTime() ?? Number.POSITIVE_INFINITY) || 0;

function ascendingKey(field: JobOrderField, a: JobRecord, b: JobRecord): number {
  switch (field) {
    case "CREATED_ON":
      return a.createdOn.getTime() - b.createdOn.getTime();
    case "NAME":
      return a.name === b.name ? 0 : byBytes(a.name ?? "", b.name ?? "");
    case "STATE":
      return STATE_RANK[a.state] - STATE_RANK[b.state];
    case "FINISHED_ON":
      return byTime(a.finishedOn, b.finishedOn);
  }
}

/** Jobs compared in the order: what merging gateways' pages sorts by. */
export function jobOrderComparator(order: JobOrder): (a: JobRecord, b: JobRecord) => number {
  const sign = order.direction === "ASC" ? 1 : -1;
  return (a, b) => sign * (ascendingKey(order.field, a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A cursor made for another order than the one asked for: BAD_USER_INPUT, not a page of another list. */
export function orderMismatch(cursorOrder: JobOrder | string, asked: JobOrder) {
  const was = typeof cursorOrder === "string" ? cursorOrder.replace(/_(ASC|DESC)$/, " $1") : shown(cursorOrder);
  return jobsError(
    "BAD_USER_INPUT",
    `after: a cursor of the jobs sorted by ${was.slice(0, 40)}, not by ${shown(asked)}; page from the start to change the order`,
    { field: "after" },
  );
}
