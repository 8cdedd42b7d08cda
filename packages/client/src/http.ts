// A minimal typed transport to the jobs API: GraphQL over fetch and the artifact upload, with every
// refusal surfaced as a JobsApiError carrying the contract's code.
import { JobsApiError, type ApiErrorDetail } from "./errors.ts";
import type { StoredArtifact } from "./types.ts";

export type Fetch = typeof globalThis.fetch;

/** A GraphQL answer as it came: its HTTP status and its text. */
export interface PostedText {
  status: number;
  text: string;
}

/**
 * Sends one GraphQL POST body (JSON) with these headers to `url` (the server's /graphql). Rejects
 * with the signal's reason on an abort and with an Error naming the cause when there is no whole answer.
 */
export type GraphQLPost = (
  url: string,
  body: string,
  headers: Record<string, string>,
  signal?: AbortSignal,
) => Promise<PostedText>;

export interface TransportOptions {
  /** The server's base URL (`http://host:4000`); a trailing `/graphql` is accepted too. */
  url: string;
  apiKey: string;
  fetch?: Fetch;
  /** GraphQL requests through this instead of fetch (the Node Worker: keep-alive node:http). */
  post?: GraphQLPost;
}

/** Bytes to upload: in memory, or streamed from any async source (a Node Readable is one). */
export type UploadBody = Uint8Array | AsyncIterable<Uint8Array>;

export interface ArtifactUploadRequest extends DatasetUploadRequest {
  leaseToken: string;
}

export interface DatasetUploadRequest {
  name: string;
  /** The artifact type (`file` when absent). */
  type?: string;
  mimeType?: string;
  body: UploadBody;
  signal?: AbortSignal;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: ApiErrorDetail[];
}

export interface GraphQLOperation {
  query: string;
  variables: Record<string, unknown>;
}

/** One operation's data, or the JobsApiError its answer carries. */
function answerOf<T>(body: GraphQLResponse<T>, status: number): T | JobsApiError {
  if (body.errors?.length) return JobsApiError.fromErrors(body.errors, status, body.data);
  if (status < 200 || status > 299 || body.data == null)
    return new JobsApiError("BAD_RESPONSE", `HTTP ${status} without data`, { status });
  return body.data;
}

export class JobsTransport {
  readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly fetch: Fetch;
  private readonly post: GraphQLPost;

  constructor(options: TransportOptions) {
    this.baseUrl = options.url.replace(/\/+$/, "").replace(/\/graphql$/, "");
    this.apiKey = options.apiKey;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.post = options.post ?? this.fetchPost;
  }

  /** Runs one operation; throws JobsApiError when the answer has errors. */
  async request<T>(query: string, variables: Record<string, unknown> = {}, signal?: AbortSignal): Promise<T> {
    const res = await this.postGraphQL({ query, variables }, signal);
    const answer = answerOf(readJson<GraphQLResponse<T>>(res), res.status);
    if (answer instanceof JobsApiError) throw answer;
    return answer;
  }

  /**
   * Runs several operations in one batched HTTP request (the server runs them side by side, under one
   * authentication). Answers in order, each its data or its JobsApiError; throws only when the request
   * as a whole failed (unreachable, refused key, too many operations).
   */
  async requestBatch(
    operations: readonly GraphQLOperation[],
    signal?: AbortSignal,
  ): Promise<(unknown | JobsApiError)[]> {
    const res = await this.postGraphQL(operations, signal);
    const body = readJson<GraphQLResponse<unknown>[] | GraphQLResponse<unknown>>(res);
    if (!Array.isArray(body)) {
      const whole = answerOf(body, res.status);
      throw whole instanceof JobsApiError
        ? whole
        : new JobsApiError("BAD_RESPONSE", `HTTP ${res.status}: one answer to ${operations.length} operations`, {
            status: res.status,
          });
    }
    if (body.length !== operations.length) {
      throw new JobsApiError(
        "BAD_RESPONSE",
        `HTTP ${res.status}: ${body.length} answers to ${operations.length} operations`,
        { status: res.status },
      );
    }
    // The status is the batch's: one operation refused with 400 makes the whole answer 400 (the
    // server keeps the last status set), yet each other operation's data is its own answer.
    return body.map((answer) =>
      answer && !answer.errors?.length && answer.data != null ? answer.data : answerOf(answer, res.status),
    );
  }

  private async postGraphQL(
    body: GraphQLOperation | readonly GraphQLOperation[],
    signal: AbortSignal | undefined,
  ): Promise<PostedText> {
    try {
      return await this.post(
        `${this.baseUrl}/graphql`,
        JSON.stringify(body),
        { ...this.auth(), accept: "application/json" },
        signal,
      );
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new JobsApiError("NETWORK_ERROR", `cannot reach ${this.baseUrl}/graphql: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  /** The default GraphQL post: fetch. */
  private readonly fetchPost: GraphQLPost = async (url, body, headers, signal) => {
    const res = await this.fetch(url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body,
      signal,
    });
    return { status: res.status, text: await res.text() };
  };

  /** PUT /artifacts under a lease: streams the body, answers the stored artifact's id and hash. */
  async uploadArtifact(u: ArtifactUploadRequest): Promise<StoredArtifact> {
    return this.put("/artifacts", u, { "x-lease-token": u.leaseToken });
  }

  /** PUT /uploads: a dataset of the caller's (MEMBER or ADMIN), for generation jobs' spec.input. */
  async uploadDataset(u: DatasetUploadRequest): Promise<StoredArtifact> {
    return this.put("/uploads", u, {});
  }

  private async put(path: string, u: DatasetUploadRequest, headers: Record<string, string>): Promise<StoredArtifact> {
    const url = new URL(`${this.baseUrl}${path}`);
    url.searchParams.set("name", u.name);
    if (u.type) url.searchParams.set("type", u.type);
    const streamed = !(u.body instanceof Uint8Array);
    const res = await this.send(url.toString(), {
      method: "PUT",
      headers: {
        ...this.auth(),
        ...headers,
        "content-type": u.mimeType ?? "application/octet-stream",
        accept: "application/json",
      },
      body: u.body,
      // fetch sends an async iterable as a chunked stream only in half-duplex mode.
      ...(streamed ? { duplex: "half" as const } : {}),
      signal: u.signal,
    });
    const body = readJson<StoredArtifact & { errors?: ApiErrorDetail[] }>({
      status: res.status,
      text: await res.text(),
    });
    if (body.errors?.length) throw JobsApiError.fromErrors(body.errors, res.status);
    if (!res.ok || typeof body.id !== "string")
      throw new JobsApiError("BAD_RESPONSE", `upload answered HTTP ${res.status}`, { status: res.status });
    return { id: body.id, contentHash: body.contentHash, sizeBytes: body.sizeBytes };
  }

  private auth(): Record<string, string> {
    return { authorization: `Bearer ${this.apiKey}` };
  }

  private async send(url: string, init: RequestInit & { duplex?: "half" }): Promise<Response> {
    try {
      return await this.fetch(url, init);
    } catch (err) {
      if (init.signal?.aborted) throw err;
      throw new JobsApiError("NETWORK_ERROR", `cannot reach ${url}: ${(err as Error).message}`, { cause: err });
    }
  }
}

function readJson<T>({ status, text }: PostedText): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new JobsApiError("BAD_RESPONSE", `HTTP ${status}: not JSON: ${text.slice(0, 200)}`, { status });
  }
}
