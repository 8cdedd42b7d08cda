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

const MAX_PAGE = 500;

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

function eventsPart(w: EventWindow): Part {
  const first = Math.min(w.first, MAX_PAGE);
  return {
    on: "Job",
    field: "events",
    args: {
      stream: { type: "String", value: w.stream },
      first: { type: "Int", value: first },
      after: { type: "String", value: w.afterSeq ? String(w.afterSeq) : null },
    },
    selection: `edges { node { ${R.EVENT_SELECTION} } } pageInfo { hasNextPage }`,
    read: (jobId, v) => windowed(first, (n) => R.toEvent(jobId, n))(v),
  };
}

function logsPart(w: LogWindow): Part {
  const first = Math.min(w.first, MAX_PAGE);
  return {
    on: "Job",
    field: "logs",
    args: {
      sinceMs: { type: "Float", value: w.sinceMs },
      first: { type: "Int", value: first },
      after: { type: "String", value: w.afterSeq ? String(w.afterSeq) : null },
    },
    selection: `edges { node { ${R.LOG_SELECTION} } } pageInfo { hasNextPage }`,
    read: (jobId, v) => windowed(first, (n) => R.toLogLine(jobId, n))(v),
  };
}

/** The upstream's execTimeMs, as a span ending now (what the front's execTimeMs computes back). */
const logSpanPart: Part = {
  on: "Job",
  field: "execTimeMs",
  args: {},
  selection: "",
  read: (_jobId, v) => (typeof v === "number" ? { firstMs: Date.now() - v, lastMs: Date.now() } : null),
};

/** What a list reads of each job beside the job itself, and where each part's answer goes. */
export function prefetchParts(
  prefetch: ListPrefetch,
  viewer: Viewer,
): { part: Part; store: (p: Prefetched, value: unknown) => void }[] {
  const parts: { part: Part; store: (p: Prefetched, value: unknown) => void }[] = [];
  if (prefetch.statusHistory)
    parts.push({
      part: listPart("statusHistory", R.STATUS_SELECTION, R.toStatus),
      store: (p, v) => (p.statusHistory = v as StatusChangeRecord[]),
    });
  if (prefetch.artifacts) {
    parts.push({
      part: listPart("artifacts", R.ARTIFACT_SELECTION, (jobId, a) => R.toArtifact(jobId, a, viewer)),
      store: (p, v) => (p.artifacts = v as ArtifactRecord[]),
    });
  }
  if (prefetch.problems)
    parts.push({
      part: listPart("problems", R.PROBLEM_SELECTION, R.toProblem),
      store: (p, v) => (p.problems = v as ProblemRecord[]),
    });
  if (prefetch.logSpans) parts.push({ part: logSpanPart, store: (p, v) => (p.logSpan = v as Prefetched["logSpan"]) });
  for (const window of prefetch.events)
    parts.push({ part: eventsPart(window), store: (p, v) => p.events.push({ window, rows: v as JobEventRecord[] }) });
  for (const window of prefetch.logs)
    parts.push({ part: logsPart(window), store: (p, v) => p.logs.push({ window, rows: v as LogLineRecord[] }) });
  return parts;
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

  statusHistory = this.list<StatusChangeRecord>("statusHistory", R.STATUS_SELECTION, R.toStatus);

  events(ids: readonly string[], w: EventWindow): Promise<JobEventRecord[][]> {
    return this.ask(eventsPart(w), ids);
  }

  logs(ids: readonly string[], w: LogWindow): Promise<LogLineRecord[][]> {
    return this.ask(logsPart(w), ids);
  }

  logSpans(ids: readonly string[]): Promise<({ firstMs: number; lastMs: number } | null)[]> {
    return this.ask(logSpanPart, ids);
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
