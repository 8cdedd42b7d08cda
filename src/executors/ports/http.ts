// The port `npm run worker` uses: the jobs API over HTTP, exactly as any external worker sees it
// (GraphQL for the worker protocol, PUT /artifacts under the lease, GET downloadUrl for inputs),
// with a WORKER or ADMIN key. An idle worker waits on the jobsChanged subscription; while the
// WebSocket is down it polls with a capped backoff.
import { Readable } from "node:stream";
import WebSocket from "ws";
import { type ClaimableWatch, watchClaimableJobs } from "@jobs-api/client";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { jobsError, ErrorCodes, type ErrorCode } from "../../errors.ts";
import type { GenerationKind, JobState, PlanTier, ReasonerType } from "../../jobs/model.ts";
import {
  type ArtifactBody,
  type ArtifactBytes,
  type ClaimedJob,
  type ClaimFilter,
  InputFault,
  type JobArtifacts,
  LeaseLostError,
  type PortLease,
  type PortLogLine,
  type ProblemReport,
  type UploadedArtifact,
  type WorkerPort,
} from "../port.ts";

export interface HttpPortOptions {
  /** The API's base URL, e.g. http://localhost:4000 (a trailing /graphql is accepted). */
  url: string;
  apiKey: string;
  name?: string;
  /** Only jobs in these queues (reasoner names); empty: any. */
  queues?: readonly string[];
  fetch?: typeof fetch;
  /** Longest idle backoff between empty claims. */
  maxIdleMs?: number;
}

interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

interface WireJob {
  jobId: string;
  reasonerType: ReasonerType;
  name: string | null;
  createdBy: string;
  payload: Record<string, unknown> | null;
  kind?: GenerationKind;
  rows?: number | null;
  description?: string | null;
  seed?: number;
  planTier?: PlanTier;
}

type WireClaim =
  | { __typename: "Lease"; token: string; expiresOn: string; job: WireJob }
  | { __typename: "NoJobResponse"; message: string };

/** Safety re-check while subscribed (retries whose backoff ended announce nothing). */
const LIVE_RECHECK_MS = 30_000;
const REGISTER = `mutation($input: RegisterWorkerInput!) { registerWorker(input: $input) { id } }`;
const CLAIM = `mutation($w: ID!, $s: Int) { claimJob(workerId: $w, leaseSeconds: $s) { __typename
  ... on Lease { token expiresOn job { jobId reasonerType name createdBy payload ... on GenerationJob { kind rows description seed planTier } } }
  ... on NoJobResponse { message } } }`;
const HEARTBEAT = `mutation($t: String!) { heartbeat(leaseToken: $t) { expiresOn cancelRequested } }`;
const LOGS = `mutation($t: String!, $l: [LogLineInput!]!) { appendJobLogs(leaseToken: $t, lines: $l) }`;
const EVENTS = `mutation($t: String!, $s: String, $e: [JSON!]!) { appendJobEvents(leaseToken: $t, stream: $s, events: $e) }`;
const COMPLETE = `mutation($t: String!, $r: JSON, $a: [ID!], $p: [ProblemInput!]) { completeJob(leaseToken: $t, result: $r, artifactIds: $a, problems: $p) { state } }`;
const FAIL = `mutation($t: String!, $e: JobErrorInput!, $r: Boolean, $p: [ProblemInput!]) { failJob(leaseToken: $t, error: $e, retryable: $r, problems: $p) { state } }`;
const JOB_ARTIFACTS = `query($id: ID!) { job(reasonerType: GENERATION, jobId: $id) {
  artifacts { name contentHash downloadUrl }
  ... on GenerationJob { evidence { rootHash files { name contentHash downloadUrl } } } } }`;

/** An error the API answered with, as the server's own error type, so callers classify it alike. */
function apiError(code: string | undefined, message: string): Error {
  if (code === "LEASE_LOST") return new LeaseLostError(message);
  const known = (ErrorCodes as readonly string[]).includes(code ?? "") ? (code as ErrorCode) : "INTERNAL_SERVER_ERROR";
  return jobsError(known, message);
}

/** The file name of a Content-Disposition header (RFC 6266: filename*=UTF-8'' wins over filename). */
function fileNameOf(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header)?.[1];
  if (extended) return decodeURIComponent(extended.trim());
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header);
  return plain ? (plain[1]?.replace(/\\(.)/g, "$1") ?? plain[2]!.trim()) : null;
}

const rawIdOf = (downloadUrl: string) => decodeURIComponent(new URL(downloadUrl).pathname.split("/").pop() ?? "");

export class HttpPort implements WorkerPort {
  readonly name: string;
  private readonly base: string;
  private readonly fetch: typeof fetch;
  private readonly workers = new Map<string, Promise<string>>();

  constructor(private readonly options: HttpPortOptions) {
    this.base = options.url.replace(/\/+$/, "").replace(/\/graphql$/, "");
    this.name = options.name ?? "built-in executor (npm run worker)";
    this.fetch = options.fetch ?? fetch;
  }

  /** One job per call: claimJob hands one lease. */
  async claim(filter: ClaimFilter, leaseSeconds: number): Promise<PortLease[]> {
    const workerId = await this.workerFor(filter);
    const { claimJob } = await this.graphql<{ claimJob: WireClaim }>(CLAIM, { w: workerId, s: leaseSeconds });
    if (claimJob.__typename !== "Lease") return [];
    return [{ token: claimJob.token, expiresOn: new Date(claimJob.expiresOn), job: claimedJobOf(claimJob.job) }];
  }

  async heartbeat(token: string) {
    const { heartbeat } = await this.graphql<{ heartbeat: { expiresOn: string; cancelRequested: boolean } }>(
      HEARTBEAT,
      { t: token },
    );
    return { cancelRequested: heartbeat.cancelRequested, expiresOn: new Date(heartbeat.expiresOn) };
  }

  async appendLogs(token: string, lines: readonly PortLogLine[]): Promise<void> {
    await this.graphql(LOGS, {
      t: token,
      l: lines.map((l) => ({
        message: l.message,
        level: l.level ?? "info",
        step: l.step ?? null,
        timestampMs: l.timestampMs ?? Date.now(),
      })),
    });
  }

  async appendEvents(token: string, events: readonly unknown[], stream = "progress"): Promise<void> {
    await this.graphql(EVENTS, { t: token, s: stream, e: events });
  }

  async uploadArtifact(token: string, a: ArtifactBody): Promise<UploadedArtifact> {
    const query = new URLSearchParams({ name: a.name, type: a.artifactType });
    const body =
      a.body instanceof Uint8Array
        ? a.body
        : (Readable.toWeb(Readable.from(a.body)) as unknown as WebReadableStream<Uint8Array>);
    const res = await this.fetch(`${this.base}/artifacts?${query}`, {
      method: "PUT",
      headers: {
        authorization: `Bearer ${this.options.apiKey}`,
        "x-lease-token": token,
        "content-type": a.mimeType ?? "application/octet-stream",
      },
      body: body as RequestInit["body"],
      duplex: "half",
    } as RequestInit);
    const answer = (await res.json().catch(() => ({}))) as Partial<UploadedArtifact> & GraphQLResponse<unknown>;
    if (!res.ok || !answer.id)
      throw apiError(
        answer.errors?.[0]?.extensions?.code,
        answer.errors?.[0]?.message ?? `PUT /artifacts answered ${res.status}`,
      );
    return { id: answer.id, contentHash: String(answer.contentHash), sizeBytes: Number(answer.sizeBytes) };
  }

  async complete(token: string, result: unknown, artifactIds: readonly string[], problems?: readonly ProblemReport[]) {
    const { completeJob } = await this.graphql<{ completeJob: { state: JobState } }>(COMPLETE, {
      t: token,
      r: result ?? null,
      a: artifactIds,
      p: problems ?? null,
    });
    return completeJob;
  }

  // A hand-back at shutdown is an ordinary failure over HTTP: the server requeues it by its attempts.
  async fail(
    token: string,
    error: { code: string; message: string },
    retryable: boolean,
    options?: { problems?: readonly ProblemReport[] },
  ) {
    const { failJob } = await this.graphql<{ failJob: { state: JobState } }>(FAIL, {
      t: token,
      e: error,
      r: retryable,
      p: options?.problems ?? null,
    });
    return failJob;
  }

  async readArtifact(_job: ClaimedJob, artifactId: string): Promise<ArtifactBytes> {
    const res = await this.fetch(`${this.base}/artifacts/${encodeURIComponent(artifactId)}`, {
      headers: { authorization: `Bearer ${this.options.apiKey}` },
    });
    if (res.status === 404) throw new InputFault("INPUT_NOT_FOUND", `input artifact ${artifactId} not found`);
    if (!res.ok) throw new Error(`GET /artifacts/${artifactId} answered ${res.status}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    return {
      id: artifactId,
      name: fileNameOf(res.headers.get("content-disposition")) ?? artifactId,
      contentHash: res.headers.get("x-content-hash") ?? "",
      bytes,
    };
  }

  async jobArtifacts(_job: ClaimedJob, jobId: string): Promise<JobArtifacts> {
    type Listed = { name: string; contentHash: string; downloadUrl: string };
    const { job } = await this.graphql<{
      job: { artifacts: Listed[]; evidence?: { rootHash: string; files: Listed[] } | null } | null;
    }>(JOB_ARTIFACTS, { id: jobId }).catch((err: unknown) => {
      if (
        err instanceof Error &&
        "extensions" in err &&
        (err as { extensions: { code?: string } }).extensions.code === "BAD_USER_INPUT"
      )
        return { job: null };
      throw err;
    });
    if (!job) throw new InputFault("INPUT_NOT_FOUND", `generation job ${jobId} not found`);
    const listing = (a: Listed) => ({ id: rawIdOf(a.downloadUrl), name: a.name, contentHash: a.contentHash });
    return {
      jobId,
      outputs: job.artifacts.map(listing),
      evidence: job.evidence ? { rootHash: job.evidence.rootHash, files: job.evidence.files.map(listing) } : null,
    };
  }

  /** Wakes on the `jobsChanged` subscription: a claimable job of these types appeared (or the socket reconnected). */
  subscribeWork(filter: ClaimFilter, wake: () => void): () => void {
    const watch = watchClaimableJobs(
      { url: this.base, apiKey: this.options.apiKey, reasonerTypes: filter.reasonerTypes, webSocketImpl: WebSocket },
      wake,
    );
    this.watches.add(watch);
    return () => {
      if (!this.watches.delete(watch)) return;
      void watch.close();
    };
  }

  async idleDelayMs(_filter: ClaimFilter, idle: number): Promise<number> {
    // While subscribed, wake-ups come by notification; the timer is only a safety re-check.
    if ([...this.watches].some((w) => w.live)) return LIVE_RECHECK_MS;
    return Math.min(this.options.maxIdleMs ?? 5000, 250 * 2 ** Math.max(0, idle - 1));
  }

  private readonly watches = new Set<ClaimableWatch>();

  watchJob(): () => void {
    return () => undefined;
  }

  /** One registered worker per claim filter, made on first use. */
  private workerFor(filter: ClaimFilter): Promise<string> {
    const key = `${[...filter.reasonerTypes].sort().join(",")}|${[...(filter.generationKinds ?? [])].sort().join(",")}`;
    let id = this.workers.get(key);
    if (!id) {
      id = this.graphql<{ registerWorker: { id: string } }>(REGISTER, {
        // Only the kinds this process runs: other kinds stay queued for the workers that can run them.
        input: {
          name: this.name,
          reasonerTypes: filter.reasonerTypes,
          reasonerNames: this.options.queues ?? [],
          generationKinds: filter.generationKinds ?? [],
        },
      }).then((r) => r.registerWorker.id);
      id.catch(() => this.workers.delete(key));
      this.workers.set(key, id);
    }
    return id;
  }

  private async graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const res = await this.fetch(`${this.base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${this.options.apiKey}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json().catch(() => ({}))) as GraphQLResponse<T>;
    const error = body.errors?.[0];
    if (error) throw apiError(error.extensions?.code, error.message);
    if (!res.ok || !body.data) throw new Error(`POST /graphql answered ${res.status}`);
    return body.data;
  }
}

function claimedJobOf(j: WireJob): ClaimedJob {
  const spec = j.payload?.spec;
  return {
    id: j.jobId,
    tenantId: null,
    reasonerType: j.reasonerType,
    name: j.name,
    createdBy: j.createdBy,
    payload: j.payload,
    generation:
      j.reasonerType === "GENERATION" && j.kind
        ? {
            kind: j.kind,
            rows: j.rows ?? null,
            description: j.description ?? null,
            seed: j.seed ?? 0,
            spec: spec && typeof spec === "object" && !Array.isArray(spec) ? (spec as Record<string, unknown>) : null,
            planTier: j.planTier ?? "STANDARD",
          }
        : null,
  };
}
