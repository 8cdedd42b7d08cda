// The jobs list's filters live in the URL (?family=&state=&name=&createdBy=&active=1&all=1&after=),
// and its order (&sort=name:asc; none: newest first), as `jobsctl list --sort` spells it.
import type { JobFilter, JobOrder, JobOrderField, JobState, ReasonerType } from "../gql/graphql.ts";

export const FAMILIES: ReasonerType[] = ["LOGIC", "PRESCRIPTIVE", "PREDICTIVE", "AGENT", "GENERATION", "BATCH"];
export const STATES: JobState[] = [
  "CREATED",
  "QUEUED",
  "PENDING",
  "CLAIMED",
  "VALIDATING",
  "RUNNING",
  "UPLOADING",
  "CANCELING",
  "SUCCEEDED",
  "FAILED",
  "CANCELED",
  "UNKNOWN",
];

export interface ListParams {
  family: ReasonerType | "";
  state: JobState | "";
  name: string;
  createdBy: string;
  active: boolean;
  all: boolean;
  /** null: the API's default, newest first. */
  sort: JobOrder | null;
  after: string | null;
}

const ORDER_FIELDS: JobOrderField[] = ["CREATED_ON", "NAME", "STATE", "FINISHED_ON"];

/** `name:asc` as a JobOrder; anything else as none. */
function readSort(value: string | null): JobOrder | null {
  const [field = "", direction = ""] = (value ?? "").toUpperCase().split(":");
  if (!(ORDER_FIELDS as string[]).includes(field) || (direction !== "ASC" && direction !== "DESC")) return null;
  return { field: field as JobOrderField, direction };
}

export function readParams(search: string): ListParams {
  const p = new URLSearchParams(search);
  const family = p.get("family") ?? "";
  const state = p.get("state") ?? "";
  return {
    family: (FAMILIES as string[]).includes(family) ? (family as ReasonerType) : "",
    state: (STATES as string[]).includes(state) ? (state as JobState) : "",
    name: p.get("name") ?? "",
    createdBy: p.get("createdBy") ?? "",
    active: p.get("active") === "1",
    all: p.get("all") === "1",
    sort: readSort(p.get("sort")),
    after: p.get("after"),
  };
}

export function writeParams(params: ListParams): string {
  const p = new URLSearchParams();
  if (params.family) p.set("family", params.family);
  if (params.state) p.set("state", params.state);
  if (params.name) p.set("name", params.name);
  if (params.createdBy) p.set("createdBy", params.createdBy);
  if (params.active) p.set("active", "1");
  if (params.all) p.set("all", "1");
  if (params.sort) p.set("sort", `${params.sort.field}:${params.sort.direction}`.toLowerCase());
  if (params.after) p.set("after", params.after);
  const s = p.toString();
  return s ? `?${s}` : "";
}

export function toFilter(params: ListParams, isAdmin: boolean): JobFilter {
  return {
    ...(params.family ? { reasonerType: params.family } : {}),
    ...(params.state ? { state: params.state } : {}),
    ...(params.name ? { nameContains: params.name } : {}),
    ...(params.createdBy ? { createdBy: params.createdBy } : {}),
    ...(params.active ? { onlyActive: true } : {}),
    ...(params.all && isAdmin ? { allUsers: true } : {}),
  };
}
