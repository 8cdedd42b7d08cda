// The jobs table: one row per job, filters and order in the URL, paging by cursor, live through jobsChanged.
import { type FormEvent, useEffect, useState } from "react";
import { Link, useLocation, useSearch } from "wouter";
import { JobsChangedSubscription, JobsQuery } from "../api/documents.ts";
import { ErrorBox, StateBadge } from "../components/common.tsx";
import { age, duration, jobCount } from "../format.ts";
import type { JobOrder, JobOrderField, JobRowFragment } from "../gql/graphql.ts";
import { useNow, useQuery, useSubscription } from "../hooks.ts";
import { useSession } from "../session-context.tsx";
import { FAMILIES, type ListParams, readParams, STATES, toFilter, writeParams } from "./jobs-filter.ts";

const PAGE_SIZE = 25;

export function jobPath(job: { reasonerType: string; jobId: string }): string {
  return `/jobs/${job.reasonerType}/${encodeURIComponent(job.jobId)}`;
}

export function JobsPage() {
  const session = useSession();
  const search = useSearch();
  const [, navigate] = useLocation();
  const params = readParams(search);
  const filter = toFilter(params, session.isAdmin);
  const query = useQuery(JobsQuery, { filter, first: PAGE_SIZE, after: params.after, orderBy: params.sort });
  const now = useNow();
  const [liveNote, setLiveNote] = useState("");

  // Every filter change and page is an entry of the tab's history (Back returns to the previous
  // filter); going where the page already is adds none (the Name box's blur, then Apply).
  const go = (next: ListParams, replace = false, trail: PageTrail = []) => {
    const to = `/jobs${writeParams(next)}`;
    navigate(to, {
      replace: replace || to === window.location.pathname + window.location.search,
      state: { pageTrail: trail },
    });
  };
  // The cursors of the pages before this one, kept in the history entry (they outlive a reload):
  // a page reached by a link or typed URL has none, and Previous cannot know where to go.
  const trail = pageTrail();

  const liveError = useSubscription(JobsChangedSubscription, { filter }, ({ jobsChanged: job }) => {
    const shown = query.data?.jobs.edges.some(
      (e) => e.node.jobId === job.jobId && e.node.reasonerType === job.reasonerType,
    );
    if (!shown && !params.after) setLiveNote(`New job: ${job.name ?? job.jobId}`);
    query.setData((data) => {
      if (!data) return data;
      const edges = data.jobs.edges;
      const at = edges.findIndex((e) => e.node.jobId === job.jobId && e.node.reasonerType === job.reasonerType);
      if (at >= 0) {
        const copy = edges.slice();
        copy[at] = { node: job };
        return { jobs: { ...data.jobs, edges: copy } };
      }
      // New jobs are the newest: they belong on the first page only, and on top only newest first.
      if (params.after || params.sort) return data;
      return {
        jobs: {
          ...data.jobs,
          totalCount: data.jobs.totalCount + 1,
          edges: [{ node: job }, ...edges].slice(0, PAGE_SIZE),
        },
      };
    });
  });

  // A new order starts from its first page: a cursor continues only the order it was made in.
  const sortBy = (sort: JobOrder | null) => go({ ...params, sort, after: null });

  const jobs = query.data?.jobs;
  return (
    <>
      <h1>Jobs</h1>
      <Filters params={params} isAdmin={session.isAdmin} onChange={(next) => go({ ...next, after: null })} />
      <ErrorBox error={query.error} what="Could not load the jobs" />
      <ErrorBox error={liveError} what="Live updates stopped" />
      <p className="sr-only" aria-live="polite">
        {liveNote}
      </p>
      <div className="table-wrap">
        <table className="jobs">
          <caption>
            {jobs ? jobCount(jobs) : query.loading ? "Loading…" : ""}
            {params.after ? " (a later page)" : ""}
          </caption>
          <thead>
            <tr>
              <SortableHeader label="Name" column={SORTABLE.Name} sort={params.sort} onSort={sortBy} />
              <th scope="col">Family</th>
              <SortableHeader label="State" column={SORTABLE.State} sort={params.sort} onSort={sortBy} />
              <th scope="col">Created by</th>
              <SortableHeader label="Age" column={SORTABLE.Age} sort={params.sort} onSort={sortBy} />
              <th scope="col">Duration</th>
            </tr>
          </thead>
          <tbody>
            {jobs?.edges.map(({ node }) => (
              <JobRow key={`${node.reasonerType}/${node.jobId}`} job={node} now={now} />
            ))}
            {jobs && jobs.edges.length === 0 && (
              <tr>
                <td colSpan={6} className="empty">
                  No jobs match these filters. <Link href="/new">Create one</Link>
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label="Pages">
        <button type="button" disabled={!params.after} onClick={() => go({ ...params, after: null })}>
          First page
        </button>
        <button
          type="button"
          disabled={!params.after || trail.length === 0}
          onClick={() => go({ ...params, after: trail.at(-1) || null }, false, trail.slice(0, -1))}
        >
          Previous
        </button>
        <button
          type="button"
          disabled={!jobs?.pageInfo.hasNextPage}
          onClick={() =>
            jobs?.pageInfo.endCursor &&
            go({ ...params, after: jobs.pageInfo.endCursor }, false, [...trail, params.after ?? ""])
          }
        >
          Next
        </button>
      </nav>
    </>
  );
}

/**
 * A column the list sorts by: its field, and whether the column reads the other way round (Age
 * ascending is the newest first, created-on descending).
 */
interface SortableColumn {
  field: JobOrderField;
  reversed: boolean;
}
const SORTABLE = {
  Name: { field: "NAME", reversed: false },
  State: { field: "STATE", reversed: false },
  Age: { field: "CREATED_ON", reversed: true },
} as const satisfies Record<string, SortableColumn>;

/** The list's order as the column reads it; none when it sorts by another. No sort is newest first: Age ascending. */
function columnSort(column: SortableColumn, sort: JobOrder | null): "ascending" | "descending" | "none" {
  const order = sort ?? { field: "CREATED_ON", direction: "DESC" };
  if (order.field !== column.field) return "none";
  return (order.direction === "ASC") !== column.reversed ? "ascending" : "descending";
}

/**
 * A column header that sorts the list: a button (keyboard and screen readers alike), the header's
 * aria-sort saying the current order. Pressing it sorts ascending by the column, or reverses it.
 */
function SortableHeader({
  label,
  column,
  sort,
  onSort,
}: {
  label: string;
  column: SortableColumn;
  sort: JobOrder | null;
  onSort(next: JobOrder | null): void;
}) {
  const current = columnSort(column, sort);
  const ascending = current !== "ascending";
  const direction: JobOrder["direction"] = ascending !== column.reversed ? "ASC" : "DESC";
  // Newest first is the list without a sort: the URL then says nothing.
  const next = column.field === "CREATED_ON" && direction === "DESC" ? null : { field: column.field, direction };
  return (
    <th scope="col" aria-sort={current}>
      <button
        type="button"
        className="sort"
        onClick={() => onSort(next)}
        title={`Sort by ${label.toLowerCase()}, ${ascending ? "ascending" : "descending"}`}
      >
        {label}
        <span aria-hidden="true">{current === "ascending" ? " ▲" : current === "descending" ? " ▼" : ""}</span>
      </button>
    </th>
  );
}

/**
 * The orders the sortable headers give, as one select for narrow screens, where the table is a list
 * of cards and its header is hidden.
 */
const NARROW_ORDERS: { value: string; label: string; order: JobOrder | null }[] = [
  { value: "", label: "Newest first", order: null },
  { value: "CREATED_ON:ASC", label: "Oldest first", order: { field: "CREATED_ON", direction: "ASC" } },
  { value: "NAME:ASC", label: "Name, A to Z", order: { field: "NAME", direction: "ASC" } },
  { value: "NAME:DESC", label: "Name, Z to A", order: { field: "NAME", direction: "DESC" } },
  { value: "STATE:ASC", label: "State, first to last", order: { field: "STATE", direction: "ASC" } },
  { value: "STATE:DESC", label: "State, last to first", order: { field: "STATE", direction: "DESC" } },
];

/** Cursors of earlier pages, oldest first; "" is the first page. */
type PageTrail = string[];

function pageTrail(): PageTrail {
  const state: unknown = window.history.state;
  const trail = state && typeof state === "object" ? (state as { pageTrail?: unknown }).pageTrail : undefined;
  return Array.isArray(trail) && trail.every((c) => typeof c === "string") ? trail : [];
}

function JobRow({ job, now }: { job: JobRowFragment; now: number }) {
  const running = job.startedOn && !job.finishedOn;
  const ms = job.durationMs ?? (running ? now - Date.parse(job.startedOn!) : null);
  return (
    <tr data-job-id={job.jobId}>
      <td data-label="Name">
        <Link href={jobPath(job)}>{job.name || <span className="muted">{job.jobId}</span>}</Link>
      </td>
      <td data-label="Family">{job.reasonerType}</td>
      <td data-label="State">
        <StateBadge state={job.state} />
      </td>
      <td data-label="Created by">{job.createdBy}</td>
      <td data-label="Age">
        <time dateTime={job.createdOn} title={job.createdOn}>
          {age(job.createdOn, now)}
        </time>
      </td>
      <td data-label="Duration">{duration(ms)}</td>
    </tr>
  );
}

function Filters({
  params,
  isAdmin,
  onChange,
}: {
  params: ListParams;
  isAdmin: boolean;
  onChange(next: ListParams): void;
}) {
  const [name, setName] = useState(params.name);
  const [createdBy, setCreatedBy] = useState(params.createdBy);
  useEffect(() => {
    setName(params.name);
    setCreatedBy(params.createdBy);
  }, [params.name, params.createdBy]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange({ ...params, name: name.trim(), createdBy: createdBy.trim() });
  };
  return (
    <form className="filters" onSubmit={submit} aria-label="Filters">
      <label>
        Family
        <select
          value={params.family}
          onChange={(e) => onChange({ ...params, family: e.target.value as ListParams["family"] })}
        >
          <option value="">All families</option>
          {FAMILIES.map((f) => (
            <option key={f}>{f}</option>
          ))}
        </select>
      </label>
      <label>
        State
        <select
          value={params.state}
          onChange={(e) => onChange({ ...params, state: e.target.value as ListParams["state"] })}
        >
          <option value="">Any state</option>
          {STATES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <label>
        Name
        <input
          type="search"
          value={name}
          onChange={(e) => setName(e.target.value)}
          onBlur={() => name !== params.name && onChange({ ...params, name: name.trim() })}
        />
      </label>
      <label>
        Created by
        <input
          type="search"
          value={createdBy}
          onChange={(e) => setCreatedBy(e.target.value)}
          onBlur={() => createdBy !== params.createdBy && onChange({ ...params, createdBy: createdBy.trim() })}
        />
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={params.active}
          onChange={(e) => onChange({ ...params, active: e.target.checked })}
        />
        Only active
      </label>
      {isAdmin && (
        <label className="check">
          <input
            type="checkbox"
            checked={params.all}
            onChange={(e) => onChange({ ...params, all: e.target.checked })}
          />
          All users
        </label>
      )}
      {/* Labelled by `for`, not by wrapping: a wrapping label's text would include the options' ("State, …"). */}
      <span className="sort-field narrow-only">
        <label htmlFor="jobs-sort">Sort</label>
        <select
          id="jobs-sort"
          value={params.sort ? `${params.sort.field}:${params.sort.direction}` : ""}
          onChange={(e) => onChange({ ...params, sort: NARROW_ORDERS.find((o) => o.value === e.target.value)!.order })}
        >
          {NARROW_ORDERS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </span>
      <button type="submit">Apply</button>
    </form>
  );
}
