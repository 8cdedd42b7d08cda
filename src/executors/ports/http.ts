// The port `npm run worker` uses: the jobs API over HTTP, exactly as any external worker sees it,
// through the SDK's Worker calls (the protocol's documents are the client's: claimJobs, heartbeat,
// completeJob, failJob, releaseJob, appendJobLogs/Events, PUT /artifacts under the lease) and GET downloadUrl
// for inputs, with a WORKER or ADMIN key. An idle worker waits on the jobsChanged subscription;
// while the WebSocket is down it polls with a capped backoff.
import { Readable } from "node:stream";
import WebSocket from "ws";
import {
  backoff,
  type ClaimedJob,
  type ClaimFilter,
  type Fetch,
  type IdleState,
  JobsApiError,
  type JobsChangedWake,
  jobsChangedWake,
  type Json,
  type LogLineInput,
  type Problem,
  type WaitForWork,
  Worker,
  type WorkerOptions,
} from "@jobs-api/client/node";
import { jobsError, ErrorCodes, type ErrorCode } from "../../errors.ts";
import type { GenerationKind, PlanTier } from "../../jobs/model.ts";
import {
  type ArtifactBody,
  type ArtifactBytes,
  type ExecutorJob,
  type ExecutorJobLease,
  InputFault,
  type JobArtifacts,
  LeaseLostError,
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

/** A job listed by downloadUrl, as the JOB_ARTIFACTS query answers. */
type Listed = { name: string; contentHash: string; downloadUrl: string };

// Not part of the worker protocol (a read of another job's outputs, for VERIFY): the only document here.
const JOB_ARTIFACTS = `query JobArtifacts($id: ID!) { job(reasonerType: GENERATION, jobId: $id) {
  artifacts { name contentHash downloadUrl }
  ... on GenerationJob { evidence { rootHash files { name contentHash downloadUrl } }
    seal { sealHash previousSealHash createdOn } } } }`;

/** An error the API answered with, as the server's own error type, so callers classify it alike. */
function apiError(code: string | undefined, message: string): Error {
  if (code === "LEASE_LOST") return new LeaseLostError(message);
  const known = (ErrorCodes as readonly string[]).includes(code ?? "") ? (code as ErrorCode) : "INTERNAL_SERVER_ERROR";
  return jobsError(known, message);
}

/** The client's JobsApiError as the server's own error type; other errors pass through. */
async function translated<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    throw err instanceof JobsApiError ? apiError(err.code, err.message) : err;
  }
}

/** The file name of a Content-Disposition header (RFC 6266: filename*=UTF-8'' wins over filename). */
function fileNameOf(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header)?.[1];
  if (extended) return decodeURIComponent(extended.trim());
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header);
  return plain ? (plain[1]?.replace(/\\(.)/g, "$1") ?? plain[2]!.trim()) : null;
}

/** Runners of the same reasoner types share one subscription. */
const wakeKeyOf = (filter: ClaimFilter) => [...filter.reasonerTypes].sort().join(",");

const rawIdOf = (downloadUrl: string) => decodeURIComponent(new URL(downloadUrl).pathname.split("/").pop() ?? "");

export class HttpPort implements WorkerPort {
  readonly name: string;
  private readonly base: string;
  private readonly fetch: typeof fetch;
  /** One registered SDK worker per claim filter, made on first use (the protocol's documents are the client's). */
  private readonly workers = new Map<string, Worker>();
  /** For the calls under a lease, which need no registration. */
  private readonly leased: Worker;
  /** An idle claimer's wait without a live subscription: capped backoff over consecutive empty claims. */
  private readonly polling: WaitForWork;
  /** The jobsChanged wait of each subscribed claim filter (by its reasoner types), with its runners. */
  private readonly wakes = new Map<string, { wake: JobsChangedWake; holders: number }>();

  constructor(private readonly options: HttpPortOptions) {
    this.base = options.url.replace(/\/+$/, "").replace(/\/graphql$/, "");
    this.name = options.name ?? "built-in executor (npm run worker)";
    this.fetch = options.fetch ?? fetch;
    this.leased = this.sdkWorker({ reasonerTypes: [] });
    this.polling = backoff({ initialMs: 250, maxMs: options.maxIdleMs ?? 5000, jitter: false });
  }

  /** Up to `max` jobs in one claimJobs call. */
  async claim(filter: ClaimFilter, leaseSeconds: number, max: number): Promise<ExecutorJobLease[]> {
    const leases = await translated(this.workerFor(filter, leaseSeconds).claimJobs(max));
    return leases.map((l) => ({ token: l.token, expiresOn: new Date(l.expiresOn), job: claimedJobOf(l.job) }));
  }

  async heartbeat(token: string) {
    const status = await translated(this.leased.heartbeat(token));
    return { cancelRequested: status.cancelRequested, expiresOn: new Date(status.expiresOn) };
  }

  async appendLogs(token: string, lines: readonly LogLineInput[]): Promise<void> {
    await translated(
      this.leased.appendLogs(
        token,
        lines.map((l) => ({
          message: l.message,
          level: l.level ?? "info",
          ...(l.step ? { step: l.step } : {}),
          timestampMs: l.timestampMs ?? Date.now(),
        })),
      ),
    );
  }

  async appendEvents(token: string, events: readonly unknown[], stream = "progress"): Promise<void> {
    await translated(this.leased.appendEvents(token, events as Json[], stream));
  }

  async uploadArtifact(token: string, a: ArtifactBody): Promise<UploadedArtifact> {
    const stored = await translated(
      this.leased.uploadArtifact(token, {
        name: a.name,
        type: a.artifactType,
        ...(a.mimeType ? { mimeType: a.mimeType } : {}),
        // As a web stream, fetch's own kind of body (a generator straight from the engine's thread
        // was cut off mid-upload: "fetch failed").
        body:
          a.body instanceof Uint8Array
            ? a.body
            : (Readable.toWeb(Readable.from(a.body)) as unknown as AsyncIterable<Uint8Array>),
      }),
    );
    return { id: stored.id, contentHash: stored.contentHash, sizeBytes: stored.sizeBytes };
  }

  async complete(token: string, result: unknown, artifactIds: readonly string[], problems?: readonly ProblemReport[]) {
    const { state } = await translated(
      this.leased.complete(token, (result ?? null) as Json, artifactIds, problems as readonly Problem[] | undefined),
    );
    return { state };
  }

  // A hand-back at shutdown is releaseJob, as in-process: waiting again at once, the attempt not counted.
  async fail(
    token: string,
    error: { code: string; message: string },
    retryable: boolean,
    options?: { handBack?: boolean; problems?: readonly ProblemReport[] },
  ) {
    const { state } = await translated(
      options?.handBack
        ? this.leased.release(token, error.message)
        : this.leased.fail(token, error, retryable, options?.problems as readonly Problem[] | undefined),
    );
    return { state };
  }

  async readArtifact(_job: ExecutorJob, artifactId: string, leaseToken: string): Promise<ArtifactBytes> {
    // Under the job's lease the server answers as the job's creator: a WORKER key alone sees its whole tenant.
    const res = await this.fetch(`${this.base}/artifacts/${encodeURIComponent(artifactId)}`, {
      headers: { authorization: `Bearer ${this.options.apiKey}`, "x-lease-token": leaseToken },
    });
    if (res.status === 404) throw new InputFault("INPUT_NOT_FOUND", `input artifact ${artifactId} not found`);
    if (res.status === 409) throw new LeaseLostError(`GET /artifacts/${artifactId}: the job's lease is no longer held`);
    if (!res.ok) throw new Error(`GET /artifacts/${artifactId} answered ${res.status}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    return {
      id: artifactId,
      name: fileNameOf(res.headers.get("content-disposition")) ?? artifactId,
      contentHash: res.headers.get("x-content-hash") ?? "",
      bytes,
    };
  }

  async jobArtifacts(_job: ExecutorJob, jobId: string, leaseToken: string): Promise<JobArtifacts> {
    // Under the job's lease the server reads as the job's creator (as readArtifact): with the WORKER
    // key's own sight, another member's job would be listed here, then its bytes refused, and the
    // difference would tell the job's creator that it exists.
    const res = await this.fetch(`${this.base}/graphql`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${this.options.apiKey}`,
        "content-type": "application/json",
        "x-lease-token": leaseToken,
      },
      body: JSON.stringify({ query: JOB_ARTIFACTS, variables: { id: jobId } }),
    });
    const answer = (await res.json().catch(() => ({}))) as {
      data?: {
        job: {
          artifacts: Listed[];
          evidence?: { rootHash: string; files: Listed[] } | null;
          seal?: JobArtifacts["seal"];
        } | null;
      } | null;
      errors?: { message: string; extensions?: { code?: string; field?: string } }[];
    };
    const error = answer.errors?.[0];
    // A malformed id is a job that does not exist, as the in-process port reads it.
    const malformedId = error?.extensions?.code === "BAD_USER_INPUT" && error.extensions.field !== "x-lease-token";
    if (error && !malformedId) throw apiError(error.extensions?.code, error.message);
    if (!error && !answer.data) throw new Error(`POST /graphql (job ${jobId}) answered ${res.status} without data`);
    const job = answer.data?.job;
    if (!job) throw new InputFault("INPUT_NOT_FOUND", `generation job ${jobId} not found`);
    const listing = (a: Listed) => ({ id: rawIdOf(a.downloadUrl), name: a.name, contentHash: a.contentHash });
    return {
      jobId,
      outputs: job.artifacts.map(listing),
      evidence: job.evidence ? { rootHash: job.evidence.rootHash, files: job.evidence.files.map(listing) } : null,
      seal: job.seal ?? null,
    };
  }

  /**
   * Holds the `jobsChanged` subscription open for this filter while a runner runs; its notifications
   * end waitForWork's wait (the client's jobsChangedWake), so `wake` is not needed here.
   */
  subscribeWork(filter: ClaimFilter): () => void {
    const key = wakeKeyOf(filter);
    let held = this.wakes.get(key);
    if (!held) {
      const wake = jobsChangedWake({
        url: this.base,
        apiKey: this.options.apiKey,
        reasonerTypes: filter.reasonerTypes,
        webSocketImpl: WebSocket,
        // While the socket is down: poll with a capped backoff.
        degraded: this.polling,
      });
      held = { wake, holders: 0 };
      this.wakes.set(key, held);
    }
    const mine = held;
    mine.holders++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--mine.holders > 0) return;
      this.wakes.delete(key);
      void mine.wake.close();
    };
  }

  waitForWork(filter: ClaimFilter, idle: IdleState): Promise<void> {
    return (this.wakes.get(wakeKeyOf(filter))?.wake.waitForWork ?? this.polling)(idle);
  }

  watchJob(): () => void {
    return () => undefined;
  }

  /** One registered worker per claim filter (and lease length), made on first use. */
  private workerFor(filter: ClaimFilter, leaseSeconds: number): Worker {
    const key = `${[...filter.reasonerTypes].sort().join(",")}|${[...(filter.generationKinds ?? [])].sort().join(",")}|${leaseSeconds}`;
    let worker = this.workers.get(key);
    if (!worker) {
      // Only the kinds this process runs: other kinds stay queued for the workers that can run them.
      worker = this.sdkWorker({
        reasonerTypes: filter.reasonerTypes,
        generationKinds: filter.generationKinds ?? [],
        leaseSeconds,
      });
      this.workers.set(key, worker);
    }
    return worker;
  }

  private sdkWorker(o: Pick<WorkerOptions, "reasonerTypes" | "generationKinds" | "leaseSeconds">): Worker {
    return new Worker({
      url: this.base,
      apiKey: this.options.apiKey,
      name: this.name,
      reasonerNames: this.options.queues ?? [],
      fetch: this.fetch as Fetch,
      ...o,
    });
  }
}

function claimedJobOf(j: ClaimedJob): ExecutorJob {
  const payload = j.payload as Record<string, unknown> | null;
  const spec = payload?.spec;
  return {
    id: j.jobId,
    tenantId: null,
    reasonerType: j.reasonerType,
    name: j.name,
    createdBy: j.createdBy,
    payload,
    generation:
      j.reasonerType === "GENERATION" && j.kind
        ? {
            kind: j.kind as GenerationKind,
            rows: j.rows ?? null,
            description: j.description ?? null,
            seed: j.seed ?? 0,
            spec: spec && typeof spec === "object" && !Array.isArray(spec) ? (spec as Record<string, unknown>) : null,
            planTier: (j.planTier ?? "STANDARD") as PlanTier,
          }
        : null,
  };
}
