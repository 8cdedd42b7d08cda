// Which expansions a `jobs` query selects on its jobs, with their arguments as the resolvers will
// read them, so a remote gateway can fetch them with the list in one upstream request and the
// request's loaders start out primed. Only an optimization: anything not recognised here is still
// loaded by the resolvers as usual.
import {
  type FieldNode,
  type GraphQLInterfaceType,
  type GraphQLResolveInfo,
  Kind,
  type SelectionSetNode,
} from "graphql";
import { getArgumentValues } from "graphql/execution/values.js";
import { pageSize, parseSeqCursor } from "../jobs/cursor.ts";
import type { ListPrefetch, Prefetched } from "../jobs/gateway.ts";
import type { JobKey, JobRecord } from "../jobs/model.ts";
import type { JobsPage } from "../jobs/service.ts";
import type { Context } from "./context.ts";

function collectFields(set: SelectionSetNode | undefined, info: GraphQLResolveInfo, out: FieldNode[]): FieldNode[] {
  for (const selection of set?.selections ?? []) {
    if (selection.kind === Kind.FIELD) out.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT) collectFields(selection.selectionSet, info, out);
    else collectFields(info.fragments[selection.name.value]?.selectionSet, info, out);
  }
  return out;
}

const childrenNamed = (fields: FieldNode[], name: string, info: GraphQLResolveInfo) =>
  fields.filter((f) => f.name.value === name).flatMap((f) => collectFields(f.selectionSet, info, []));

/** The expansions selected on `edges { node { ... } }` of the jobs field being resolved. */
export function listPrefetch(info: GraphQLResolveInfo): ListPrefetch {
  const connectionFields = info.fieldNodes.flatMap((f) => collectFields(f.selectionSet, info, []));
  return selectedExpansions(childrenNamed(childrenNamed(connectionFields, "edges", info), "node", info), info);
}

const selectsAnyOf = (info: GraphQLResolveInfo, names: readonly string[]): boolean =>
  info.fieldNodes.flatMap((f) => collectFields(f.selectionSet, info, [])).some((f) => names.includes(f.name.value));

/** Whether the jobs field being resolved selects its page (edges or pageInfo), not just its count. */
export function selectsPage(info: GraphQLResolveInfo): boolean {
  return selectsAnyOf(info, ["edges", "pageInfo"]);
}

/** Whether the jobs field being resolved selects its count (totalCount or totalCountIsEstimate). */
export function selectsCount(info: GraphQLResolveInfo): boolean {
  return selectsAnyOf(info, ["totalCount", "totalCountIsEstimate"]);
}

/** The expansions selected on the job the field being resolved returns (`job(...) { ... }`). */
export function jobPrefetch(info: GraphQLResolveInfo): ListPrefetch {
  return selectedExpansions(
    info.fieldNodes.flatMap((f) => collectFields(f.selectionSet, info, [])),
    info,
  );
}

/** Whether a prefetch asks for anything beyond the job itself. */
export const prefetchesAny = (p: ListPrefetch): boolean =>
  p.statusHistory || p.artifacts || p.problems || p.events.length > 0 || p.logs.length > 0;

function selectedExpansions(nodeFields: FieldNode[], info: GraphQLResolveInfo): ListPrefetch {
  const job = info.schema.getType("Job") as GraphQLInterfaceType;
  const prefetch: ListPrefetch = {
    statusHistory: false,
    artifacts: false,
    problems: false,
    events: [],
    logs: [],
  };
  prefetch.selected = operationSelections(info);
  for (const field of nodeFields) {
    const name = field.name.value;
    try {
      if (name === "statusHistory" || name === "artifacts" || name === "problems") {
        prefetch[name] = true;
      } else if (name === "events" || name === "logs") {
        const args = getArgumentValues(job.getFields()[name]!, field, info.variableValues) as {
          stream?: string;
          sinceMs?: number | null;
          first?: number;
          after?: string | null;
        };
        const afterSeq = parseSeqCursor(args.after);
        // The same windows, key for key, as the Job fields' resolvers ask their loaders for.
        if (name === "events")
          prefetch.events.push({ stream: args.stream ?? "progress", afterSeq, first: pageSize(args.first, 100) });
        else prefetch.logs.push({ sinceMs: args.sinceMs ?? null, afterSeq, first: pageSize(args.first, 500) });
      }
    } catch {
      // Bad arguments: the field's own resolver reports them.
    }
  }
  return prefetch;
}

type Selections = NonNullable<ListPrefetch["selected"]>;
const EXPANSIONS = new Set<keyof Selections>(["statusHistory", "artifacts", "problems", "events", "logs"]);
const selectionsOf = new WeakMap<object, Selections>();

/**
 * The fields selected on each expansion's items anywhere in the operation (events and logs: on
 * their nodes). Any resolver that reads a primed loader in this request is reached through one of
 * them, so rows read with just these fields serve every one.
 */
function operationSelections(info: GraphQLResolveInfo): Selections {
  const cached = selectionsOf.get(info.operation);
  if (cached) return cached;
  const selections: Selections = {};
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        if (seen.has(selection.name.value)) continue;
        seen.add(selection.name.value);
        walk(info.fragments[selection.name.value]?.selectionSet);
        continue;
      }
      if (selection.kind === Kind.FIELD && EXPANSIONS.has(selection.name.value as keyof Selections)) {
        const name = selection.name.value as keyof Selections;
        const children = collectFields(selection.selectionSet, info, []);
        const items =
          name === "events" || name === "logs"
            ? childrenNamed(childrenNamed(children, "edges", info), "node", info)
            : children;
        const names = (selections[name] ??= new Set());
        for (const f of items) names.add(f.name.value);
      }
      walk(selection.selectionSet);
    }
  };
  walk(info.operation.selectionSet);
  selectionsOf.set(info.operation, selections);
  return selections;
}

/** Primes the request's loaders with what the gateways read together with the page. */
export function primeLoaders(page: JobsPage, ctx: Context): void {
  for (const { job } of page.items) {
    const p = page.prefetched.get(job.id);
    if (p) primeJob(job, p, ctx);
  }
}

/** Primes the request's loaders with one job's expansions, read together with it. */
export function primeJob(job: JobRecord, p: Prefetched, ctx: Context): void {
  if (p.statusHistory) ctx.loaders.statusHistory.prime(job, p.statusHistory);
  if (p.artifacts) ctx.loaders.artifacts.prime(job, p.artifacts);
  if (p.problems) ctx.loaders.problems.prime(job, p.problems);
  for (const { window, rows } of p.events) ctx.loaders.events(window).prime(job, rows);
  for (const { window, rows } of p.logs) ctx.loaders.logs(window).prime(job, rows);
}

/**
 * One job and the expansions its field selects (`job(...)`, `node(id:)`): a remote gateway reads
 * both in one upstream request and the request's loaders start out primed; otherwise the job loader.
 */
export async function readJobSelected(key: JobKey, ctx: Context, info: GraphQLResolveInfo): Promise<JobRecord | null> {
  const gateway = ctx.services.registry.for(key.reasonerType);
  const prefetch = gateway.loadWith ? jobPrefetch(info) : undefined;
  if (!gateway.loadWith || !prefetch || !prefetchesAny(prefetch)) return ctx.loaders.job.load(key);
  const read = await gateway.loadWith(key, ctx.viewer, prefetch);
  if (!read) return null;
  ctx.loaders.job.prime(key, read.job);
  primeJob(read.job, read.prefetched, ctx);
  return read.job;
}
