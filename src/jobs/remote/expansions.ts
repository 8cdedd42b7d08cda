// A request's expansions of upstream jobs, read in one upstream call per turn of the event loop.
// The front's DataLoaders already batch each expansion (statusHistory of every job of a page, then
// events of every job, ...); they all fire in the same turn, and this gathers them into one
// `nodes(ids:)` query that selects exactly the expansions (and windows) asked for.
import type {
  AccessGrantRecord,
  ArchiveChangeRecord,
  ArtifactRecord,
  BatchStepRecord,
  CommentRecord,
  EventWindow,
  FileRecord,
  JobEventRecord,
  JobExpansions,
  ListPrefetch,
  LogLineRecord,
  LogWindow,
  Prefetched,
  ProblemRecord,
  SealRecord,
  StatusChangeRecord,
} from "../gateway.ts";
import { MAX_PAGE_SIZE } from "../cursor.ts";
import type { ReasonerType, Viewer } from "../model.ts";
import * as R from "./records.ts";
import type { Upstream } from "./upstream.ts";

type Node = Record<string, unknown>;

/** One expansion asked for: its selection (with variables) and how to read a job's answer. */
export interface Part {
  /** On which type the field is selected (Job, or a family's type). */
  on: string;
  field: string;
  args: Record<string, { type: string; value: unknown }>;
  selection: string;
  read: (jobId: string, value: unknown) => unknown;
}

interface Pending {
  part: Part;
  ids: readonly string[];
  resolve: (rows: unknown[]) => void;
  reject: (error: unknown) => void;
}

/** A page of a windowed upstream connection, as `first + 1` rows when more follow (what callers expect). */
function windowed<R>(first: number, toRow: (node: Node) => R) {
  return (value: unknown): R[] => {
    const conn = value as { edges: { node: Node }[]; pageInfo: { hasNextPage: boolean } } | null;
    if (!conn) return [];
    const rows = conn.edges.map((e) => toRow(e.node));
    // More follow: a copy of the last row stands for them (callers only count past `first`).
    if (conn.pageInfo.hasNextPage && rows.length === first && rows.length > 0) rows.push(rows.at(-1)!);
    return rows;
  };
}

/**
 * The fields of several parts on one node, aliased `x<i>`, with their arguments as variables named
 * after the alias: `fragments` goes inside the node's selection, `declared` into the operation's.
 */
export function partSelection(parts: readonly Part[]): {
  fragments: string;
  declared: string[];
  variables: Record<string, unknown>;
} {
  const declared: string[] = [];
  const variables: Record<string, unknown> = {};
  const byType = new Map<string, string[]>();
  parts.forEach((part, i) => {
    const args = Object.entries(part.args).map(([name, { type, value }]) => {
      const v = `a${i}_${name}`;
      declared.push(`$${v}: ${type}`);
      variables[v] = value;
      return `${name}: $${v}`;
    });
    const field = `x${i}: ${part.field}${args.length ? `(${args.join(", ")})` : ""}${part.selection ? ` { ${part.selection} }` : ""}`;
    byType.set(part.on, [...(byType.get(part.on) ?? []), field]);
  });
  const fragments = [...byType].map(([on, fields]) => `... on ${on} { ${fields.join(" ")} }`).join(" ");
  return { fragments, declared, variables };
}

const listPart = <T>(
  field: string,
  selection: string,
  toRow: (jobId: string, row: Node, index: number) => T,
  on = "Job",
): Part => ({
  on,
  field,
  args: {},
  selection,
  read: (jobId, v) => ((v as Node[] | null) ?? []).map((row, i) => toRow(jobId, row, i)),
});

function eventsPart(w: EventWindow, selection = R.EVENT_SELECTION): Part {
  const first = Math.min(w.first, MAX_PAGE_SIZE);
  return {
    on: "Job",
    field: "events",
    args: {
      stream: { type: "String", value: w.stream },
      first: { type: "Int", value: first },
      after: { type: "String", value: w.afterSeq ? String(w.afterSeq) : null },
    },
    selection: `edges { node { ${selection} } } pageInfo { hasNextPage }`,
    read: (jobId, v) => windowed(first, (n) => R.toEvent(jobId, n))(v),
  };
}

function logsPart(w: LogWindow, selection = R.LOG_SELECTION): Part {
  const first = Math.min(w.first, MAX_PAGE_SIZE);
  return {
    on: "Job",
    field: "logs",
    args: {
      sinceMs: { type: "Float", value: w.sinceMs },
      first: { type: "Int", value: first },
      after: { type: "String", value: w.afterSeq ? String(w.afterSeq) : null },
    },
    selection: `edges { node { ${selection} } } pageInfo { hasNextPage }`,
    read: (jobId, v) => windowed(first, (n) => R.toLogLine(jobId, n))(v),
  };
}

/**
 * Of an item selection (flat field names), the fields the caller selected, and `key` (what the
 * record is read by) always. The rows read are this request's only: unselected fields are never read.
 */
function trimmed(selection: string, selected: Set<string> | undefined, key: string): string {
  if (!selected) return selection;
  return selection
    .split(" ")
    .filter((f) => f === key || selected.has(f))
    .join(" ");
}

/** What a list reads of each job beside the job itself, and where each part's answer goes. */
export function prefetchParts(
  prefetch: ListPrefetch,
  viewer: Viewer,
  gateway: string,
): { part: Part; store: (p: Prefetched, value: unknown) => void }[] {
  const parts: { part: Part; store: (p: Prefetched, value: unknown) => void }[] = [];
  const selected = prefetch.selected ?? {};
  if (prefetch.statusHistory)
    parts.push({
      part: listPart("statusHistory", trimmed(R.STATUS_SELECTION, selected.statusHistory, "id"), (jobId, s) =>
        R.toStatus(jobId, s, gateway),
      ),
      store: (p, v) => (p.statusHistory = v as StatusChangeRecord[]),
    });
  if (prefetch.artifacts) {
    parts.push({
      part: listPart("artifacts", trimmed(R.ARTIFACT_SELECTION, selected.artifacts, "id"), (jobId, a) =>
        R.toArtifact(jobId, a, viewer),
      ),
      store: (p, v) => (p.artifacts = v as ArtifactRecord[]),
    });
  }
  if (prefetch.problems)
    parts.push({
      part: listPart("problems", trimmed(R.PROBLEM_SELECTION, selected.problems, "code"), R.toProblem),
      store: (p, v) => (p.problems = v as ProblemRecord[]),
    });
  for (const window of prefetch.events)
    parts.push({
      part: eventsPart(window, trimmed(R.EVENT_SELECTION, selected.events, "cursor")),
      store: (p, v) => p.events.push({ window, rows: v as JobEventRecord[] }),
    });
  for (const window of prefetch.logs)
    parts.push({
      part: logsPart(window, trimmed(R.LOG_SELECTION, selected.logs, "cursor")),
      store: (p, v) => p.logs.push({ window, rows: v as LogLineRecord[] }),
    });
  return parts;
}

/** A job's answers to the parts (aliased `x<i>` on its node), as the loaders would have read them. */
export function readParts(parts: ReturnType<typeof prefetchParts>, jobId: string, node: Node): Prefetched {
  const expansions: Prefetched = { events: [], logs: [] };
  for (const [i, { part, store }] of parts.entries()) store(expansions, part.read(jobId, node[`x${i}`] ?? null));
  return expansions;
}

export class RemoteExpansions implements JobExpansions {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly upstream: Upstream,
    private readonly viewer: Viewer,
    private readonly typeOf: (jobId: string) => ReasonerType | undefined,
  ) {}

  private ask<T>(part: Part, ids: readonly string[]): Promise<T[]> {
    return new Promise<unknown[]>((resolve, reject) => {
      this.pending.push({ part, ids, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // Every loader of this turn has queued its batch by then.
        setImmediate(() => void this.flush());
      }
    }) as Promise<T[]>;
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    const ids = [...new Set(batch.flatMap((p) => p.ids))];
    const { fragments, declared, variables } = partSelection(batch.map((p) => p.part));
    variables.ids = ids.map((jobId) => R.globalJobId({ reasonerType: this.typeOf(jobId) ?? "LOGIC", jobId }));
    const query = `query Expansions(${["$ids: [ID!]!", ...declared].join(", ")}) { nodes(ids: $ids) { ... on Job { jobId } ${fragments} } }`;
    try {
      const data = await this.upstream.request<{ nodes: (Node | null)[] }>({
        query,
        variables,
        viewer: this.viewer,
        idempotent: true,
      });
      const byId = new Map<string, Node>();
      for (const node of data.nodes) if (node) byId.set(String(node.jobId), node);
      batch.forEach(({ part, ids: asked, resolve }, i) => {
        resolve(asked.map((jobId) => part.read(jobId, byId.get(jobId)?.[`x${i}`] ?? null)));
      });
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }

  private list<T>(field: string, selection: string, toRow: (jobId: string, row: Node, index: number) => T, on = "Job") {
    return (ids: readonly string[]) => this.ask<T[]>(listPart(field, selection, toRow, on), ids);
  }

  statusHistory = this.list<StatusChangeRecord>("statusHistory", R.STATUS_SELECTION, (jobId, s) =>
    R.toStatus(jobId, s, this.upstream.name),
  );

  events(ids: readonly string[], w: EventWindow): Promise<JobEventRecord[][]> {
    return this.ask(eventsPart(w), ids);
  }

  logs(ids: readonly string[], w: LogWindow): Promise<LogLineRecord[][]> {
    return this.ask(logsPart(w), ids);
  }

  artifacts = this.list<ArtifactRecord>("artifacts", R.ARTIFACT_SELECTION, (jobId, a) =>
    R.toArtifact(jobId, a, this.viewer),
  );
  problems = this.list<ProblemRecord>("problems", R.PROBLEM_SELECTION, R.toProblem);
  comments = this.list<CommentRecord>("comments", R.COMMENT_SELECTION, R.toComment, "AgentJob");
  archiveHistory = this.list<ArchiveChangeRecord>(
    "archiveStatusHistory",
    R.ARCHIVE_SELECTION,
    R.toArchiveChange,
    "AgentJob",
  );
  access = this.list<AccessGrantRecord>("access", R.ACCESS_SELECTION, R.toAccess, "AgentJob");
  steps = this.list<BatchStepRecord>("steps", R.STEP_SELECTION, R.toStep, "BatchJob");

  files(ids: readonly string[]): Promise<(FileRecord | null)[]> {
    return this.ask(
      {
        on: "AgentJob",
        field: "file",
        args: {},
        selection: R.FILE_SELECTION,
        read: (jobId, v) => R.toFile(jobId, v as Node | null),
      },
      ids,
    );
  }

  madeBy(ids: readonly string[]): Promise<(BatchStepRecord | null)[]> {
    return this.ask(
      {
        on: "Job",
        field: "batchStep",
        args: {},
        selection: `batchJobId position ${R.STEP_SELECTION}`,
        read: (_jobId, v) => {
          const step = v as Node | null;
          return step ? R.toStep(String(step.batchJobId), step, Number(step.position)) : null;
        },
      },
      ids,
    );
  }

  seals(ids: readonly string[]): Promise<(SealRecord | null)[]> {
    return this.ask(
      {
        on: "GenerationJob",
        field: "seal",
        args: {},
        selection: R.SEAL_SELECTION,
        read: (jobId, v) => R.toSeal(jobId, v as Node | null),
      },
      ids,
    );
  }

  /** Upstream artifacts by id: read through `nodes` with the artifacts' Relay ids. */
  async artifactsById(ids: readonly string[]): Promise<(ArtifactRecord | null)[]> {
    const data = await this.upstream.request<{ nodes: (Node | null)[] }>({
      query: `query Artifacts($ids: [ID!]!) { nodes(ids: $ids) { ... on Artifact { ${R.ARTIFACT_SELECTION} } } }`,
      variables: { ids: ids.map((id) => R.artifactGlobalId(id)) },
      viewer: this.viewer,
      idempotent: true,
    });
    return data.nodes.map((a) => (a && a.id ? R.toArtifact(null, a, this.viewer) : null));
  }
}
