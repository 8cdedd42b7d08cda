// Per-request DataLoaders: every expansion of every job in a response is read in one batch per
// gateway, so a page of 50 jobs costs as many statements as a page of 5.
import DataLoader from "dataloader";
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
  JobGateway,
  LogLineRecord,
  LogWindow,
  ProblemRecord,
  SealRecord,
  StatusChangeRecord,
} from "./gateway.ts";
import type { JobKey, JobRecord, Viewer } from "./model.ts";
import type { GatewayRegistry } from "./registry.ts";

type Fetch<R> = (expansions: JobExpansions, jobIds: readonly string[]) => Promise<R[]>;
/** The expansions a gateway serves this request with (a remote gateway's read as the caller). */
type ExpansionsOf = (gateway: JobGateway, jobs: readonly JobRecord[]) => JobExpansions;

// Module-level, not made per request (tsx names every function it makes: a cost per closure).
const jobIdOf = (job: JobRecord) => job.id;
const keyOf = (k: JobKey) => `${k.reasonerType}:${k.jobId}`;

/** A loader keyed by job: batches per gateway, answers in key order. */
function expansionLoader<R>(
  registry: GatewayRegistry,
  expansionsOf: ExpansionsOf,
  fetch: Fetch<R>,
): DataLoader<JobRecord, R, string> {
  return new DataLoader<JobRecord, R, string>(
    async (jobs) => {
      const results = new Array<R>(jobs.length);
      await Promise.all(
        [...byGatewayOf(registry, jobs)].map(async ([gateway, indexes]) => {
          const rows = await fetch(
            expansionsOf(gateway, jobs),
            indexes.map((i) => jobs[i]!.id),
          );
          for (const [k, jobIndex] of indexes.entries()) results[jobIndex] = rows[k]!;
        }),
      );
      return results;
    },
    { cacheKeyFn: jobIdOf },
  );
}

/** One request's loaders (making all of them costs a few microseconds; making them lazily cost more). */
export interface JobLoaders {
  job: DataLoader<JobKey, JobRecord | null, string>;
  statusHistory: DataLoader<JobRecord, StatusChangeRecord[], string>;
  events: (window: EventWindow) => DataLoader<JobRecord, JobEventRecord[], string>;
  logs: (window: LogWindow) => DataLoader<JobRecord, LogLineRecord[], string>;
  artifacts: DataLoader<JobRecord, ArtifactRecord[], string>;
  problems: DataLoader<JobRecord, ProblemRecord[], string>;
  comments: DataLoader<JobRecord, CommentRecord[], string>;
  archiveHistory: DataLoader<JobRecord, ArchiveChangeRecord[], string>;
  access: DataLoader<JobRecord, AccessGrantRecord[], string>;
  file: DataLoader<JobRecord, FileRecord | null, string>;
  steps: DataLoader<JobRecord, BatchStepRecord[], string>;
  /** The batch step that made each job; null for a job no batch made (see madeByLoader). */
  batchStep: DataLoader<JobRecord, BatchStepRecord | null, string>;
  seal: DataLoader<JobRecord, SealRecord | null, string>;
}

/** Groups indexes by the gateway serving each item's family. */
function byGatewayOf(
  registry: GatewayRegistry,
  types: readonly { reasonerType: JobKey["reasonerType"] }[],
): Map<JobGateway, number[]> {
  const byGateway = new Map<JobGateway, number[]>();
  types.forEach((item, i) => {
    const g = registry.for(item.reasonerType);
    const indexes = byGateway.get(g);
    if (indexes) indexes.push(i);
    else byGateway.set(g, [i]);
  });
  return byGateway;
}

function jobLoader(registry: GatewayRegistry, viewer: Viewer): JobLoaders["job"] {
  return new DataLoader<JobKey, JobRecord | null, string>(
    async (keys) => {
      const results = new Array<JobRecord | null>(keys.length).fill(null);
      await Promise.all(
        [...byGatewayOf(registry, keys)].map(async ([gateway, indexes]) => {
          const jobs = await gateway.load(
            indexes.map((i) => keys[i]!),
            viewer,
          );
          for (const [k, keyIndex] of indexes.entries()) results[keyIndex] = jobs[k] ?? null;
        }),
      );
      return results;
    },
    { cacheKeyFn: keyOf },
  );
}

/**
 * Which batch step made each job is read where batches live: the gateway serving BATCH. A local one
 * knows the children of its batches wherever they run (a step served upstream included), and is not
 * asked about its own jobs that have no parent; an upstream serving BATCH is asked only about jobs it
 * serves itself (the children its own batches made there).
 */
function madeByLoader(registry: GatewayRegistry, expansionsOf: ExpansionsOf): JobLoaders["batchStep"] {
  return new DataLoader<JobRecord, BatchStepRecord | null, string>(
    async (jobs) => {
      const batches = registry.find("BATCH");
      if (!batches) return jobs.map(() => null);
      const asked = jobs.filter((job) => {
        const gateway = registry.for(job.reasonerType);
        if (batches.expansionsFor) return gateway === batches;
        // A job of this server's own names its batch as its parent: others (most, and every job just
        // created) need no lookup. An upstream's job records no parent of the front's.
        return gateway.expansionsFor !== undefined || job.parentJobId !== null;
      });
      if (asked.length === 0) return jobs.map(() => null);
      const steps = await expansionsOf(batches, asked).madeBy(asked.map(jobIdOf));
      const byChild = new Map(asked.map((job, i) => [job.id, steps[i] ?? null]));
      return jobs.map((job) => byChild.get(job.id) ?? null);
    },
    { cacheKeyFn: jobIdOf },
  );
}

/**
 * Local gateways serve every request with their one expansions object; a remote gateway gets one per
 * request (it reads as the caller and gathers the request's expansions into one upstream call).
 */
function requestExpansions(viewer: Viewer): ExpansionsOf {
  let remote: Map<JobGateway, JobExpansions> | undefined;
  let typeOf: Map<string, JobKey["reasonerType"]> | undefined;
  return (gateway, jobs) => {
    if (!gateway.expansionsFor) return gateway.expansions;
    typeOf ??= new Map();
    for (const job of jobs) typeOf.set(job.id, job.reasonerType);
    remote ??= new Map();
    let expansions = remote.get(gateway);
    if (!expansions) {
      const types = typeOf;
      remote.set(gateway, (expansions = gateway.expansionsFor(viewer, (id) => types.get(id))));
    }
    return expansions;
  };
}

export function createJobLoaders(registry: GatewayRegistry, viewer: Viewer): JobLoaders {
  const of = requestExpansions(viewer);
  const windowed = <W, R>(fetch: (e: JobExpansions, ids: readonly string[], w: W) => Promise<R[]>) => {
    const byWindow = new Map<string, DataLoader<JobRecord, R, string>>();
    return (window: W) => {
      const key = JSON.stringify(window);
      let loader = byWindow.get(key);
      if (!loader) byWindow.set(key, (loader = expansionLoader(registry, of, (e, ids) => fetch(e, ids, window))));
      return loader;
    };
  };
  return {
    job: jobLoader(registry, viewer),
    statusHistory: expansionLoader<StatusChangeRecord[]>(registry, of, (e, ids) => e.statusHistory(ids)),
    events: windowed<EventWindow, JobEventRecord[]>((e, ids, w) => e.events(ids, w)),
    logs: windowed<LogWindow, LogLineRecord[]>((e, ids, w) => e.logs(ids, w)),
    artifacts: expansionLoader<ArtifactRecord[]>(registry, of, (e, ids) => e.artifacts(ids)),
    problems: expansionLoader<ProblemRecord[]>(registry, of, (e, ids) => e.problems(ids)),
    comments: expansionLoader<CommentRecord[]>(registry, of, (e, ids) => e.comments(ids)),
    archiveHistory: expansionLoader<ArchiveChangeRecord[]>(registry, of, (e, ids) => e.archiveHistory(ids)),
    access: expansionLoader<AccessGrantRecord[]>(registry, of, (e, ids) => e.access(ids)),
    file: expansionLoader<FileRecord | null>(registry, of, (e, ids) => e.files(ids)),
    steps: expansionLoader<BatchStepRecord[]>(registry, of, (e, ids) => e.steps(ids)),
    batchStep: madeByLoader(registry, of),
    seal: expansionLoader<SealRecord | null>(registry, of, (e, ids) => e.seals(ids)),
  };
}
