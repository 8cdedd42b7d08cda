// One upstream jobs service of this contract, as the front server's remote gateway talks to it:
// GraphQL over HTTP with the gateway's key and the caller's id (jobs-act-as), wrapped in resilience
// policies (cockatiel): a per-call timeout, retries only for idempotent calls and only when the
// request never reached the upstream's resolvers, and a circuit breaker, so a dead or hung upstream
// costs the front at most one timeout per call, then nothing while the breaker is open.
import { context, propagation } from "@opentelemetry/api";
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  wrap,
} from "cockatiel";
import type { GraphQLError } from "graphql";
import type { BoundGatewayConfig } from "../../config.ts";
import { type ErrorCode, ErrorCodes, jobsError } from "../../errors.ts";
import { KeepAlivePost, type PostedAnswer, PostError } from "@jobs-api/client/node";
import { actAsHeader } from "./act-as.ts";
import type { ForwardedAnswer, StoredArtifact } from "../gateway.ts";
import type { Viewer } from "../model.ts";

/** How long an idle keep-alive connection to the upstream is kept. */
const IDLE_CONNECTION_MS = 4000;

/** The upstream could not be reached or did not answer in time (as opposed to answering an error). */
class UpstreamTransportError extends Error {}

/** fetch's failure before any answer, named by its cause ("fetch failed" alone says nothing). */
function unreachable(error: unknown): UpstreamTransportError {
  const cause = (error as { cause?: Error & { code?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new UpstreamTransportError(`unreachable: ${reason}`);
}

export interface UpstreamCall {
  query: string;
  variables?: Record<string, unknown>;
  viewer: Viewer;
  /** Safe to send twice (reads, cancels): retried when the upstream could not be reached. */
  idempotent: boolean;
  /** Extra time the call may take beyond the gateway's timeout (waitForJob blocks on purpose). */
  extraMs?: number;
}

export interface UpstreamObserver {
  /** One finished HTTP call: outcome ok, error (the upstream answered an error) or unavailable. */
  call(gateway: string, outcome: "ok" | "error" | "unavailable", seconds: number): void;
  breaker(gateway: string, state: "closed" | "open" | "half_open"): void;
}

const DATA_ONLY_START = Buffer.from('{"data":{');
const OTHER_ANSWER_KEYS = [Buffer.from('"errors"'), Buffer.from('"extensions"')];
const CLOSE_OBJECT = 0x7d;
const isSpace = (c: number | undefined) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Whether an answer's bytes are `{"data": {…}}` alone, told without parsing them (JSON.parse and
 * JSON.stringify of a page of 50 jobs cost a front ~0.5 ms): compact JSON, as JSON.stringify writes
 * it, opening with data and closing two objects, that spells neither "errors" nor "extensions" as a
 * string anywhere (a value that is one of those words takes the parsed path, as every other answer).
 */
export function isDataOnly(bytes: Buffer): boolean {
  let end = bytes.length;
  while (end > 0 && isSpace(bytes[end - 1])) end--;
  return (
    end > DATA_ONLY_START.length &&
    bytes[end - 1] === CLOSE_OBJECT &&
    bytes[end - 2] === CLOSE_OBJECT &&
    bytes.subarray(0, DATA_ONLY_START.length).equals(DATA_ONLY_START) &&
    OTHER_ANSWER_KEYS.every((key) => bytes.indexOf(key) === -1)
  );
}

/** A data-only answer: its bytes, and its data read from them once, only if someone asks. */
function dataOnlyAnswer(bytes: Buffer): ForwardedAnswer {
  let data: Record<string, unknown> | undefined;
  return {
    bytes,
    get data() {
      data ??= (JSON.parse(bytes.toString("utf8")) as { data: Record<string, unknown> }).data;
      return data;
    },
  };
}

const BREAKER_STATES: Record<CircuitState, "closed" | "open" | "half_open"> = {
  [CircuitState.Closed]: "closed",
  [CircuitState.Open]: "open",
  [CircuitState.HalfOpen]: "half_open",
  [CircuitState.Isolated]: "open",
};

export class Upstream {
  readonly name: string;
  readonly url: string;
  #lastError: string | null = null;
  #lastOk = true;
  private readonly breaker = circuitBreaker(
    handleWhen((e) => e instanceof UpstreamTransportError),
    {
      halfOpenAfter: 1000,
      breaker: new ConsecutiveBreaker(3),
    },
  );
  private readonly retry = retry(
    handleWhen((e) => e instanceof UpstreamTransportError && e.message.startsWith("unreachable")),
    {
      maxAttempts: 2,
      backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 300 }),
    },
  );

  /** GraphQL POSTs over keep-alive connections to the upstream's /graphql. */
  private readonly poster: KeepAlivePost;

  constructor(
    private readonly config: BoundGatewayConfig,
    private readonly observer?: UpstreamObserver,
  ) {
    this.name = config.name;
    this.url = config.url;
    this.poster = new KeepAlivePost(config.url, IDLE_CONNECTION_MS);
    this.breaker.onStateChange((state) => observer?.breaker(this.name, BREAKER_STATES[state]));
    observer?.breaker(this.name, "closed");
  }

  get healthy(): boolean {
    return this.#lastOk && this.breaker.state !== CircuitState.Open;
  }
  get lastError(): string | null {
    return this.#lastError;
  }
  /** How long a call (or a live subscriber waiting for the connection) may wait for the upstream. */
  get timeoutMs(): number {
    return this.config.timeoutMs;
  }
  get breakerState(): "closed" | "open" | "half_open" {
    return BREAKER_STATES[this.breaker.state];
  }

  /**
   * Whether the viewer is of the tenant this gateway relays. The upstream knows the caller by user id
   * alone, within its key's tenant: another tenant's "alice" would be taken for this one's.
   */
  serves(viewer: Viewer): boolean {
    return viewer.tenantId === this.config.tenantId;
  }

  /**
   * The user id every call and live operation names upstream: the one place a viewer becomes an
   * upstream user, so no path reaches the upstream as a viewer of another tenant.
   */
  actAs(viewer: Viewer): string {
    // Acting upstream as the job's creator would be more than a narrowed read; as the worker, less narrow.
    if (viewer.readsAs)
      throw jobsError(
        "FORBIDDEN",
        `gateway ${this.name}: a read under a lease (x-lease-token) reads this server's jobs only`,
        {
          gateway: this.name,
        },
      );
    if (!this.serves(viewer)) {
      throw jobsError("FORBIDDEN", `gateway ${this.name} serves the jobs of another tenant of this server`, {
        gateway: this.name,
      });
    }
    return viewer.userId;
  }

  /** Headers every request to the upstream carries: its key, the caller, and the trace it belongs to. */
  headers(viewer: Viewer): Record<string, string> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.config.apiKey}`,
      ...actAsHeader(this.actAs(viewer)),
    };
    propagation.inject(context.active(), headers);
    return headers;
  }

  /**
   * Runs one GraphQL operation and returns its data. Errors the upstream answered keep their code
   * (NOT_FOUND stays NOT_FOUND); an unreachable or slow upstream is UPSTREAM_UNAVAILABLE.
   */
  async request<T = Record<string, unknown>>(call: UpstreamCall): Promise<T> {
    const body = await this.send(call);
    const error = body.errors?.[0];
    if (error) throw this.upstreamError(error);
    return (body.data ?? {}) as T;
  }

  /**
   * Like request, but the answer is returned as it came, errors included, and a success alone is
   * left unread (its bytes, see isDataOnly): a client's operation forwarded as it was written.
   */
  async forward(call: UpstreamCall): Promise<ForwardedAnswer> {
    return this.send(call, true);
  }

  upstreamError(error: NonNullable<ForwardedAnswer["errors"]>[number]): GraphQLError {
    const code = error.extensions?.code;
    const known =
      typeof code === "string" && (ErrorCodes as readonly string[]).includes(code)
        ? (code as ErrorCode)
        : "INTERNAL_SERVER_ERROR";
    const { code: _code, requestId, ...rest } = error.extensions ?? {};
    if (known === "UNAUTHENTICATED") {
      // The gateway's own key was refused: a configuration problem of the front, not the caller's,
      // and the gateway is not healthy (`gateways` says so) until a call is answered again.
      this.#lastError = "the upstream refused the gateway's key";
      this.#lastOk = false;
      return jobsError("UPSTREAM_UNAVAILABLE", `gateway ${this.name}: the upstream refused the gateway's key`, {
        gateway: this.name,
      });
    }
    if (known === "INTERNAL_SERVER_ERROR") {
      return jobsError(
        "UPSTREAM_UNAVAILABLE",
        `gateway ${this.name}: the upstream failed (its request id ${String(requestId ?? "unknown")})`,
        { gateway: this.name },
      );
    }
    return jobsError(known, error.message, { ...rest, gateway: this.name });
  }

  /**
   * A download from the upstream (`path` relative to its /graphql, e.g. artifacts/<id>) as the
   * viewer, unbuffered: the caller streams the body on. null when the upstream has no such thing.
   */
  async download(
    path: string,
    viewer: Viewer,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<Response | null> {
    const sent = { ...headers, ...this.headers(viewer) };
    let response: Response;
    try {
      response = await fetch(new URL(path, this.url), { headers: sent, signal });
    } catch (error) {
      if (signal.aborted) throw error;
      throw this.unavailable(unreachable(error), this.config.timeoutMs);
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (response.status >= 500) {
      await response.body?.cancel();
      throw this.unavailable(new Error(`answered HTTP ${response.status}`), this.config.timeoutMs);
    }
    return response;
  }

  /**
   * An upload (`path` relative to its /graphql with its query: a dataset's `uploads?...`, a worker's
   * artifact `artifacts?...`) sent on to the upstream as the viewer, the body streamed as it arrives
   * (never buffered). Answers what the upstream stored, or throws its refusal mapped as any answer's.
   */
  async upload(
    path: string,
    viewer: Viewer,
    headers: Record<string, string>,
    body: ReadableStream<Uint8Array>,
    signal: AbortSignal,
  ): Promise<StoredArtifact> {
    // No overall deadline (a large upload takes as long as it takes), but no progress for the
    // gateway's timeout, in the body or waiting for the answer, gives up: a stuck upstream must not
    // hold the caller's request open forever.
    const sent = { ...headers, ...this.headers(viewer) };
    const stalled = new AbortController();
    let watchdog: NodeJS.Timeout | undefined;
    const progressed = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => stalled.abort(), this.config.timeoutMs);
    };
    progressed();
    const watched = body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          progressed();
          controller.enqueue(chunk);
        },
        flush: progressed,
      }),
    );
    const stalledFor = () => new Error(`the upload made no progress for ${this.config.timeoutMs} ms`);
    try {
      let response: Response;
      try {
        response = await fetch(new URL(path, this.url), {
          method: "PUT",
          headers: sent,
          body: watched,
          // A streamed request body (fetch needs to be told it is sent while the answer may start).
          duplex: "half",
          signal: AbortSignal.any([signal, stalled.signal]),
        } as RequestInit & { duplex: "half" });
      } catch (error) {
        if (signal.aborted) throw error;
        throw this.unavailable(stalled.signal.aborted ? stalledFor() : unreachable(error), this.config.timeoutMs);
      }
      if (response.status >= 500) {
        await response.body?.cancel();
        throw this.unavailable(new Error(`answered HTTP ${response.status}`), this.config.timeoutMs);
      }
      this.#lastOk = true;
      const answer = (await response.json().catch(() => ({}))) as Partial<StoredArtifact> &
        Pick<ForwardedAnswer, "errors">;
      if (response.ok && typeof answer.id === "string") return answer as StoredArtifact;
      // A refusal (a bad lease, too large, not allowed): the upstream's error, mapped as any answer's.
      throw this.upstreamError(
        answer.errors?.[0] ?? {
          message: `gateway ${this.name}: the upstream answered the upload with HTTP ${response.status}`,
          extensions: { code: "UPSTREAM_UNAVAILABLE" },
        },
      );
    } finally {
      clearTimeout(watchdog);
    }
  }

  private async send(call: UpstreamCall, unread = false): Promise<ForwardedAnswer> {
    this.actAs(call.viewer); // refused before the policies, which would count it against the upstream
    const ms = this.config.timeoutMs + (call.extraMs ?? 0);
    // Not aborted once answered: the call is over by then, and aborting made a DOMException (a
    // stack trace) per call.
    const attempt = wrap(this.breaker, timeout(ms, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false }));
    const policy = call.idempotent ? wrap(this.retry, attempt) : attempt;
    const started = performance.now();
    try {
      // A signal of the call's own: without one the breaker hands its timeout cockatiel's one shared
      // never-aborted signal, and every call in flight listened on it (Node warned of a leak past ten).
      const body = await policy.execute(({ signal }) => this.post(call, unread, signal), new AbortController().signal);
      this.#lastOk = true;
      this.observer?.call(this.name, body.errors?.length ? "error" : "ok", (performance.now() - started) / 1000);
      return body;
    } catch (error) {
      this.observer?.call(this.name, "unavailable", (performance.now() - started) / 1000);
      throw this.unavailable(error, ms);
    }
  }

  private unavailable(error: unknown, ms: number): GraphQLError {
    const reason =
      error instanceof BrokenCircuitError
        ? `circuit open after repeated failures (last: ${this.#lastError ?? "unknown"})`
        : error instanceof TaskCancelledError
          ? `no answer within ${ms} ms`
          : error instanceof Error
            ? error.message
            : String(error);
    if (!(error instanceof BrokenCircuitError)) this.#lastError = reason;
    this.#lastOk = false;
    return jobsError("UPSTREAM_UNAVAILABLE", `gateway ${this.name} is unavailable: ${reason}`, { gateway: this.name });
  }

  private async post(call: UpstreamCall, unread: boolean, signal: AbortSignal): Promise<ForwardedAnswer> {
    try {
      return await this.attempt(call, unread, signal);
    } catch (error) {
      // Every failed attempt is remembered, retried ones too: the breaker may open on them.
      if (error instanceof UpstreamTransportError) this.#lastError = error.message;
      throw error;
    }
  }

  /** One call; `unread`: a data-only answer is returned as its bytes (see forward). */
  private async attempt(call: UpstreamCall, unread: boolean, signal: AbortSignal): Promise<ForwardedAnswer> {
    const response = await this.postJson(
      JSON.stringify({ query: call.query, variables: call.variables ?? {} }),
      this.headers(call.viewer),
      signal,
    );
    if (unread && response.status === 200 && isDataOnly(response.body)) return dataOnlyAnswer(response.body);
    let body: ForwardedAnswer;
    try {
      body = JSON.parse(response.body.toString("utf8")) as ForwardedAnswer;
    } catch {
      throw new UpstreamTransportError(`answered HTTP ${response.status} without GraphQL`);
    }
    if (response.status >= 500 && !body.data) throw new UpstreamTransportError(`answered HTTP ${response.status}`);
    return body;
  }

  /**
   * One POST over the gateway's keep-alive connections. Failing before any answer is "unreachable"
   * (retried for idempotent calls); an answer cut off is not.
   */
  private async postJson(body: string, headers: Record<string, string>, signal: AbortSignal): Promise<PostedAnswer> {
    try {
      // Plain JSON: the upstream answers a plain query without Apollo's negotiation (graphql-route.ts).
      return await this.poster.post(body, { ...headers, accept: "application/json" }, signal);
    } catch (error) {
      throw error instanceof PostError ? new UpstreamTransportError(error.message) : error;
    }
  }

  /** Closes the idle keep-alive connections (the gateway is being closed). */
  close(): void {
    this.poster.close();
  }
}
