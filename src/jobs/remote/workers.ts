// The worker protocol for families served upstream: an agent may talk to the front, which sends each
// verb to the upstream holding the job, as the agent's user (jobs-act-as: the upstream applies that
// user's role there). Worker ids and lease tokens the upstream hands out reach the agent prefixed
// with the gateway's name, `@<gateway>/<upstream's own>`, so every later call finds its way back
// without the front storing anything.
import type { GenerationKind, JobRecord, ReasonerType, Viewer } from "../model.ts";
import { JOB_SELECTION, relayedHandle, toJobRecord } from "./records.ts";
import type { Upstream } from "./upstream.ts";

/** A worker as the API shows it (the front's own or an upstream's). */
export interface WorkerView {
  id: string;
  name: string;
  reasonerTypes: ReasonerType[];
  /** Empty: any reasoner name / queue. */
  reasonerNames: string[];
  /** Empty: any generation kind. */
  generationKinds: GenerationKind[];
  poolId: string | null;
  lastSeenOn: Date;
}

export interface RelayedLease {
  token: string;
  expiresOn: Date;
  job: JobRecord;
}

const WORKER_SELECTION = "id name reasonerTypes reasonerNames generationKinds poolId lastSeenOn";
const LEASE_SELECTION = `token expiresOn job { ${JOB_SELECTION} }`;

type Json = Record<string, unknown>;

export class RemoteWorkers {
  constructor(
    private readonly gateway: string,
    private readonly upstream: Upstream,
  ) {}

  /** Not retried unless `idempotent`: a verb that reached the upstream but lost its answer must not run twice. */
  private async call<T>(query: string, variables: Json, viewer: Viewer, idempotent = false): Promise<T> {
    const data = await this.upstream.request<{ result: T }>({ query, variables, viewer, idempotent });
    return data.result;
  }

  private job(raw: unknown, viewer: Viewer): JobRecord {
    return toJobRecord(raw, viewer, this.gateway)!;
  }

  private lease(l: { token: string; expiresOn: string; job: { raw: unknown } }, viewer: Viewer): RelayedLease {
    return {
      token: relayedHandle(this.gateway, l.token),
      expiresOn: new Date(l.expiresOn),
      job: this.job(l.job.raw, viewer),
    };
  }

  private worker(w: Json): WorkerView {
    return {
      ...(w as unknown as WorkerView),
      id: relayedHandle(this.gateway, String(w.id)),
      lastSeenOn: new Date(String(w.lastSeenOn)),
    };
  }

  async register(input: Json, viewer: Viewer): Promise<WorkerView> {
    const w = await this.call<Json>(
      `mutation($i: RegisterWorkerInput!) { result: registerWorker(input: $i) { ${WORKER_SELECTION} } }`,
      { i: input },
      viewer,
    );
    return this.worker(w);
  }

  /** The upstream's workers the viewer's user may list there, most recently seen first. */
  async list(first: number, viewer: Viewer): Promise<WorkerView[]> {
    const ws = await this.call<Json[]>(
      `query($n: Int) { result: workers(first: $n) { ${WORKER_SELECTION} } }`,
      { n: first },
      viewer,
      true,
    );
    return ws.map((w) => this.worker(w));
  }

  /** claimJobs upstream (claimJob is a limit of 1). */
  async claim(workerId: string, leaseSeconds: number | null | undefined, limit: number, viewer: Viewer) {
    const leases = await this.call<{ token: string; expiresOn: string; job: { raw: unknown } }[]>(
      `mutation($w: ID!, $s: Int, $n: Int!) { result: claimJobs(workerId: $w, leaseSeconds: $s, limit: $n) { ${LEASE_SELECTION} } }`,
      { w: workerId, s: leaseSeconds ?? null, n: limit },
      viewer,
    );
    return leases.map((l) => this.lease(l, viewer));
  }

  /** Safe to repeat (it only extends the lease), so retried when the upstream could not be reached. */
  async heartbeat(token: string, progress: unknown, viewer: Viewer) {
    const s = await this.call<{ expiresOn: string; cancelRequested: boolean }>(
      `mutation($t: String!, $p: JSON) { result: heartbeat(leaseToken: $t, progress: $p) { expiresOn cancelRequested } }`,
      { t: token, p: progress ?? null },
      viewer,
      true,
    );
    return { expiresOn: new Date(s.expiresOn), cancelRequested: s.cancelRequested };
  }

  async updateStatus(token: string, state: string, message: string | null | undefined, viewer: Viewer) {
    const j = await this.call<{ raw: unknown }>(
      `mutation($t: String!, $s: JobState!, $m: String) { result: updateJobStatus(leaseToken: $t, state: $s, message: $m) { ${JOB_SELECTION} } }`,
      { t: token, s: state, m: message ?? null },
      viewer,
    );
    return this.job(j.raw, viewer);
  }

  appendEvents(token: string, stream: string | null | undefined, events: unknown[], viewer: Viewer) {
    return this.call<number>(
      `mutation($t: String!, $s: String, $e: [JSON!]!) { result: appendJobEvents(leaseToken: $t, stream: $s, events: $e) }`,
      { t: token, s: stream ?? "progress", e: events },
      viewer,
    );
  }

  appendLogs(token: string, lines: unknown[], viewer: Viewer) {
    return this.call<number>(
      `mutation($t: String!, $l: [LogLineInput!]!) { result: appendJobLogs(leaseToken: $t, lines: $l) }`,
      { t: token, l: lines },
      viewer,
    );
  }

  async complete(
    token: string,
    completion: { result?: unknown; artifactIds?: readonly string[] | null; problems?: unknown[] | null },
    viewer: Viewer,
  ) {
    const j = await this.call<{ raw: unknown }>(
      `mutation($t: String!, $r: JSON, $a: [ID!], $p: [ProblemInput!]) { result: completeJob(leaseToken: $t, result: $r, artifactIds: $a, problems: $p) { ${JOB_SELECTION} } }`,
      { t: token, r: completion.result ?? null, a: completion.artifactIds ?? null, p: completion.problems ?? null },
      viewer,
    );
    return this.job(j.raw, viewer);
  }

  async fail(
    token: string,
    error: { code: string; message: string },
    retryable: boolean | null | undefined,
    problems: unknown[] | null | undefined,
    viewer: Viewer,
  ) {
    const j = await this.call<{ raw: unknown }>(
      `mutation($t: String!, $e: JobErrorInput!, $r: Boolean, $p: [ProblemInput!]) { result: failJob(leaseToken: $t, error: $e, retryable: $r, problems: $p) { ${JOB_SELECTION} } }`,
      { t: token, e: error, r: retryable ?? false, p: problems ?? null },
      viewer,
    );
    return this.job(j.raw, viewer);
  }

  async release(token: string, reason: string | null | undefined, viewer: Viewer) {
    const j = await this.call<{ raw: unknown }>(
      `mutation($t: String!, $r: String) { result: releaseJob(leaseToken: $t, reason: $r) { ${JOB_SELECTION} } }`,
      { t: token, r: reason ?? null },
      viewer,
    );
    return this.job(j.raw, viewer);
  }
}
