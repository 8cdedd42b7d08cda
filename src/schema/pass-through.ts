// Pass-through forwarding: a query whose one field is `jobs` or `job` of a family served by an
// upstream is sent to that upstream as the client wrote it, and the upstream's answer is the answer,
// with the few values that must name the front rewritten (list cursors, artifact download URLs,
// upstream worker ids).
// The upstream runs this same schema, so for the fields allowed here its answer is what the front's
// resolvers would rebuild from it; building records and resolving a page of 50 jobs again cost the
// front as much as the upstream's own work. Anything else (other fields, other families, errors in
// the upstream's answer, a cursor or filter the front must judge) runs through the resolvers as usual.
import {
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isInterfaceType,
  isLeafType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  print,
  type SelectionSetNode,
} from "graphql";
import { getArgumentValues } from "graphql/execution/values.js";
import { isJobsError } from "../errors.ts";
import { encodeCursor } from "../jobs/cursor.ts";
import type { ForwardedAnswer, JobGateway } from "../jobs/gateway.ts";
import type { ReasonerType } from "../jobs/model.ts";
import { decodeUpstreamPositions } from "../jobs/remote/gateway.ts";
import { payloadAtFront, relayedHandle } from "../jobs/remote/records.ts";
import { decodeListCursor, type Positions, positionsInOrder } from "../jobs/service.ts";
import { isUuid } from "../jobs/validation.ts";
import type { Context } from "./context.ts";
import { artifactUrl } from "./job.ts";
import { jobOrderOf } from "./job-queries.ts";

/**
 * What changes in the upstream's answer: a list cursor (wrapped in the front's), a download URL, a
 * worker id (named `@<gateway>/<id>`, as the front names that upstream's workers), a job's payload
 * (the agents it names, likewise).
 */
type Rewrite = "cursor" | "downloadUrl" | "workerId" | "payload";
/** The answer's rewrites by response key, nested as the selection is. */
interface RewriteTree {
  [responseKey: string]: RewriteTree | Rewrite;
}

/** A query that may be forwarded, as found once per document and operation. */
export interface ForwardPlan {
  field: FieldNode;
  definition: GraphQLField<unknown, unknown>;
  responseKey: string;
  /** The operation and the fragments it uses, printed: what the upstream is sent. */
  query: string;
  /** The variable `after` is given in, replaced by the upstream's own cursor; null: no `after`. */
  afterVariable: string | null;
  rewrites: RewriteTree;
  /**
   * How the upstream's answer opens when it may be passed on as its bytes (`{"data":{"<key>":`);
   * null when something in it must be rewritten.
   */
  bytesStart: Buffer | null;
}

/** Job fields whose values are objects the upstream answers as the front would (their items' leaves). */
const EXPANSIONS = new Set(["statusHistory", "events", "logs", "artifacts", "problems", "error"]);
/** Job fields the front answers otherwise: `raw` names the upstream's tenant. */
const NOT_FORWARDED = new Set(["raw"]);
const CONNECTION_PARTS = new Set(["edges", "node", "pageInfo"]);

/** Not forwardable: the walk stops at the first field the front must resolve itself. */
class Declined extends Error {}

/**
 * The plan of a query that may be forwarded, or null: one field, `jobs` (any `after` as a variable)
 * or `job`, selecting only fields whose upstream values are the front's (see EXPANSIONS).
 */
export function forwardPlan(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): ForwardPlan | null {
  if (operation.operation !== "query" || operation.selectionSet.selections.length !== 1) return null;
  const field = operation.selectionSet.selections[0]!;
  if (field.kind !== Kind.FIELD || field.directives?.length) return null;
  const name = field.name.value;
  if (name !== "jobs" && name !== "job") return null;
  const definition = schema.getQueryType()?.getFields()[name];
  if (!definition) return null;
  const after = field.arguments?.find((a) => a.name.value === "after");
  if (after && after.value.kind !== Kind.VARIABLE) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const jobType = schema.getType("Job");
  if (!isInterfaceType(jobType)) return null;
  const isJob = (t: GraphQLNamedType) =>
    t === jobType || (isObjectType(t) && t.getInterfaces().some((i) => i === jobType));
  const used = new Set<string>();

  /** The rewrites of one selection on `type`; `role` says where it sits in the answer. */
  const walk = (
    set: SelectionSetNode,
    type: GraphQLNamedType,
    role: "list" | "edge" | "job" | "item",
    tree: RewriteTree,
  ) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        if (!on) throw new Declined();
        walk(selection.selectionSet, on, role, tree);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        const on = fragment && schema.getType(fragment.typeCondition.name.value);
        if (!fragment || !on) throw new Declined();
        used.add(fragment.name.value);
        walk(fragment.selectionSet, on, role, tree);
        continue;
      }
      const fieldName = selection.name.value;
      if (fieldName === "__typename") continue;
      if (!isObjectType(type) && !isInterfaceType(type)) throw new Declined();
      const def = type.getFields()[fieldName];
      if (!def) throw new Declined();
      const key = selection.alias?.value ?? fieldName;
      const child = getNamedType(def.type);
      let rewrite: Rewrite | null = null;
      let next: { role: "list" | "edge" | "job" | "item" } | null = null;
      if (role === "list") {
        if (fieldName === "edges") next = { role: "edge" };
        else if (fieldName === "pageInfo") next = { role: "list" };
        else if (fieldName === "startCursor" || fieldName === "endCursor") rewrite = "cursor";
        else if (!isLeafType(child)) throw new Declined();
      } else if (role === "edge") {
        if (fieldName === "cursor") rewrite = "cursor";
        else if (fieldName === "node") next = { role: "job" };
        else throw new Declined();
      } else if (role === "job") {
        if (!isJob(type) || NOT_FORWARDED.has(fieldName) || !jobType.getFields()[fieldName]) throw new Declined();
        if (fieldName === "payload") rewrite = "payload";
        else if (!isLeafType(child)) {
          if (!EXPANSIONS.has(fieldName)) throw new Declined();
          next = { role: "item" };
        }
      } else if (type.name === "Artifact" && fieldName === "downloadUrl") rewrite = "downloadUrl";
      else if (type.name === "JobStatus" && fieldName === "agentId") rewrite = "workerId";
      else if (!isLeafType(child)) {
        if (!CONNECTION_PARTS.has(fieldName)) throw new Declined();
        next = { role: "item" };
      }
      const existing = tree[key];
      if (rewrite) {
        if (existing !== undefined && existing !== rewrite) throw new Declined();
        tree[key] = rewrite;
      } else if (next && selection.selectionSet) {
        if (typeof existing === "string") throw new Declined();
        const subtree: RewriteTree = existing ?? {};
        walk(selection.selectionSet, child, next.role, subtree);
        // Only subtrees with something to rewrite are kept: the answer's walk skips the rest.
        if (Object.keys(subtree).length) tree[key] = subtree;
      } else if (existing !== undefined) throw new Declined();
    }
  };

  const rewrites: RewriteTree = {};
  try {
    if (!field.selectionSet) return null;
    walk(field.selectionSet, getNamedType(definition.type), name === "jobs" ? "list" : "job", rewrites);
  } catch (error) {
    if (error instanceof Declined) return null;
    throw error;
  }
  const sent: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [operation, ...[...used].map((n) => fragments.get(n)!)],
  };
  const responseKey = field.alias?.value ?? name;
  return {
    field,
    definition,
    responseKey,
    query: print(sent),
    afterVariable: after?.value.kind === Kind.VARIABLE ? after.value.name.value : null,
    rewrites,
    bytesStart: Object.keys(rewrites).length ? null : Buffer.from(`{"data":{${JSON.stringify(responseKey)}:`),
  };
}

/** Where the request goes and how its list cursors are made; null: the resolvers answer it. */
function route(
  plan: ForwardPlan,
  variables: Record<string, unknown>,
  coerced: Record<string, unknown>,
  ctx: Context,
): {
  gateway: JobGateway;
  /** The family of the jobs answered (a job's payload is read by it). */
  reasonerType: ReasonerType;
  variables: Record<string, unknown>;
  cursor: (upstream: string) => string;
} | null {
  const viewer = ctx.viewer;
  // A read under a lease (readsAs) is narrowed by this server's own rule: never passed through.
  if (!viewer || viewer.role === "WORKER" || viewer.readsAs) return null;
  if (!ctx.services.registry.gateways().some((g) => g.forward)) return null;
  let args: Record<string, unknown>;
  try {
    args = getArgumentValues(plan.definition, plan.field, coerced);
  } catch {
    return null;
  }
  if (plan.definition.name === "job") {
    const type = args.reasonerType as ReasonerType;
    const gateway = ctx.services.registry.for(type);
    if (!gateway.forward || !gateway.serves(viewer) || !isUuid(String(args.jobId))) return null;
    return { gateway, reasonerType: type, variables, cursor: (c) => c };
  }
  const filter = (args.filter ?? {}) as {
    reasonerType?: ReasonerType | null;
    allUsers?: boolean | null;
    jobId?: unknown;
    assignedAgentId?: unknown;
  };
  // A merged list, the front's own checks, an offset, an agent named as the front names it (the
  // upstream knows it by its own id): the resolvers.
  if (!filter.reasonerType || filter.assignedAgentId != null) return null;
  const gateway = ctx.services.registry.for(filter.reasonerType);
  if (!gateway.forward || !gateway.serves(viewer)) return null;
  if (filter.allUsers && viewer.role !== "ADMIN") return null;
  if (filter.jobId != null && !isUuid(String(filter.jobId))) return null;
  if (args.offset != null && args.offset !== 0) return null;
  // The front's cursor holds each gateway's position, and this gateway's the upstream's per family.
  // A cursor the front did not issue for this list: the resolvers refuse it.
  // The order rides along as the client wrote it; the front's cursor names it as its own pages do.
  const order = jobOrderOf(args.orderBy as Parameters<typeof jobOrderOf>[0]);
  let before: Positions = {};
  let own: Partial<Record<ReasonerType, string>> = {};
  const after = args.after as string | null | undefined;
  if (after != null) {
    try {
      before = decodeListCursor(after, [gateway], ctx.services.registry, order);
      own = before[gateway.name] ? decodeUpstreamPositions(before[gateway.name]!, gateway.reasonerTypes) : {};
    } catch {
      return null;
    }
  }
  const type = filter.reasonerType;
  return {
    gateway,
    reasonerType: type,
    variables: plan.afterVariable ? { ...variables, [plan.afterVariable]: own[type] ?? null } : variables,
    cursor: (c) =>
      encodeCursor(positionsInOrder({ ...before, [gateway.name]: encodeCursor({ ...own, [type]: c }) }, order)),
  };
}

/** Rewrites the answer in place, along the plan's tree (a payload is JSON, the rest strings). */
function rewrite(value: unknown, tree: RewriteTree, apply: (kind: Rewrite, v: unknown) => unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) rewrite(item, tree, apply);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const object = value as Record<string, unknown>;
  for (const key in tree) {
    const what = tree[key]!;
    const v = object[key];
    if (typeof what === "string") {
      if (v != null) object[key] = apply(what, v);
    } else rewrite(v, what, apply);
  }
}

const ARTIFACT_PATH = /\/artifacts\/([^/?#]+)$/;

const BYTES = Symbol("answer bytes");

/**
 * A result whose answer is the upstream's bytes as they came: the HTTP route writes them (answerBytes);
 * anyone else (WebSocket, Apollo) reads `data`, parsed from them then. A copy of the result (errors
 * added to it) carries `data` but not the bytes.
 */
function passedOn(answer: ForwardedAnswer, bytes: Buffer): ExecutionResult {
  return Object.defineProperties({} as ExecutionResult, {
    data: { enumerable: true, get: () => answer.data },
    [BYTES]: { value: bytes },
  });
}

/** The answer of a result passed on as the upstream's bytes (`{"data": …}`); undefined for any other. */
export const answerBytes = (result: ExecutionResult): Buffer | undefined => (result as { [BYTES]?: Buffer })[BYTES];

/**
 * The query's answer from the upstream, or null when the resolvers must answer it (not forwardable
 * for this caller and these arguments, or the upstream answered an error: the usual path says it as
 * it always has). An upstream that cannot be reached is the field's UPSTREAM_UNAVAILABLE error.
 */
export async function forward(
  plan: ForwardPlan,
  /** The client's variables as sent (forwarded), and as coerced (read here). */
  variables: Record<string, unknown>,
  coerced: Record<string, unknown>,
  ctx: Context,
): Promise<ExecutionResult | null> {
  const to = route(plan, variables, coerced, ctx);
  if (!to) return null;
  let answer: ForwardedAnswer;
  try {
    answer = await to.gateway.forward!(plan.query, to.variables, ctx.viewer);
  } catch (error) {
    if (!isJobsError(error, "UPSTREAM_UNAVAILABLE")) throw error;
    const located = new GraphQLError(error.message, {
      nodes: plan.field,
      path: [plan.responseKey],
      extensions: error.extensions,
      originalError: error,
    });
    // `jobs` is non-null: its error nulls the whole answer, as a resolver's would; `job` is nullable.
    return { data: plan.definition.name === "jobs" ? null : { [plan.responseKey]: null }, errors: [located] };
  }
  const { bytes } = answer;
  const start = plan.bytesStart;
  if (bytes && start && bytes.subarray(0, start.length).equals(start)) return passedOn(answer, bytes);
  const data = answer.data;
  if (answer.errors?.length || !data || data[plan.responseKey] === undefined) return null;
  rewrite(data[plan.responseKey], plan.rewrites, (kind, v) => {
    if (kind === "payload") return payloadAtFront(to.reasonerType, v, to.gateway.name);
    if (typeof v !== "string") return v;
    if (kind === "cursor") return to.cursor(v);
    if (kind === "workerId") return relayedHandle(to.gateway.name, v);
    const id = ARTIFACT_PATH.exec(v)?.[1];
    return id ? artifactUrl(ctx, id) : v;
  });
  return { data };
}
