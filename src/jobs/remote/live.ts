// Live updates of upstream jobs: one graphql-ws connection per upstream per process, carrying every
// front subscriber's operation (each names its user in the operation's extensions, jobs-act-as).
// When the upstream goes away the client reconnects and re-sends each operation; an operation's
// variables are read when it is sent, so a stream resumes after the last cursor it delivered: no
// gap, no repeat across an upstream restart.
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { jobsError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import { ACT_AS_HEADER } from "./act-as.ts";
import type { Viewer } from "../model.ts";
import type { Upstream } from "./upstream.ts";

type Variables = Record<string, unknown>;

export interface GapListener {
  closed(): void;
  connected(): void;
}

/**
 * Items a pushed stream may have waiting for its subscriber before it counts as too slow and ends with
 * RATE_LIMITED: as many as a local jobsChanged subscriber may have (LiveFeedOptions.maxPendingJobs).
 */
export const MAX_QUEUED = 1000;
/** Items a resumable stream (jobEvents, jobLogs) queues before pausing its source: one page. */
export const RESUMABLE_QUEUED = 100;

/** A source that can stop sending while its subscriber catches up, then start again where it was read to. */
export interface Pausable {
  stop(): void;
  pause(): void;
  resume(): void;
}

/**
 * A push source as an async iterator: items queue until read; return() ends the upstream operation.
 * The queue is bounded, as a local subscription holds at most a page for a subscriber who does not
 * read: a Pausable source is paused at RESUMABLE_QUEUED items and resumed once they are read; any
 * other ends with RATE_LIMITED past MAX_QUEUED.
 */
export function queueIterator<T>(
  start: (push: (item: T) => void, fail: (error: unknown) => void, end: () => void) => (() => void) | Pausable,
): AsyncIterableIterator<T> {
  const items: T[] = [];
  let error: unknown = null;
  let done = false;
  let paused = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const source = start(
    (item) => {
      if (done || paused) return;
      items.push(item);
      if (typeof source !== "function" && items.length >= RESUMABLE_QUEUED) {
        paused = true;
        source.pause();
      } else if (items.length > MAX_QUEUED) {
        items.length = 0;
        error = jobsError(
          "RATE_LIMITED",
          `more than ${MAX_QUEUED} updates waited for this subscriber; subscribe again (from your last cursor)`,
        );
        done = true;
        stop();
      }
      notify();
    },
    (e) => {
      error = e;
      done = true;
      notify();
    },
    () => {
      done = true;
      notify();
    },
  );
  const stop = () => (typeof source === "function" ? source() : source.stop());
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      // Everything queued was read: the source goes on from what the subscriber has now.
      if (!items.length && paused && !done && typeof source !== "function") {
        paused = false;
        source.resume();
      }
      while (!items.length && !done) await new Promise<void>((resolve) => (wake = resolve));
      if (items.length) return { value: items.shift()!, done: false };
      if (error) throw error;
      return { value: undefined, done: true };
    },
    async return() {
      done = true;
      stop();
      notify();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

export class UpstreamLive {
  #client: Client | undefined;
  /** Called on each connection after one closed (not on the first): relays catch up on what they missed. */
  readonly #gapListeners = new Set<GapListener>();
  /** Whether the connection is up (acknowledged) now. */
  #connected = false;
  /** Subscribers waiting for the connection to come up, each with its deadline's timer to clear. */
  readonly #waiting = new Set<() => void>();
  /** The client's sockets: closing terminates them, as a handshake the upstream never answers would hold dispose(). */
  readonly #sockets = new Set<WebSocket>();

  constructor(
    private readonly upstream: Upstream,
    private readonly apiKey: string,
    private readonly logger?: Logger,
  ) {}

  /** The one connection, opened when the first subscriber comes and kept (with retries) while any remains. */
  private get client(): Client {
    const sockets = this.#sockets;
    return (this.#client ??= createClient({
      url: this.upstream.url.replace(/^http/, "ws"),
      webSocketImpl: class extends WebSocket {
        constructor(...args: ConstructorParameters<typeof WebSocket>) {
          super(...args);
          sockets.add(this);
          this.once("close", () => sockets.delete(this));
        }
      },
      connectionParams: { authorization: `Bearer ${this.apiKey}` },
      lazy: true,
      keepAlive: 10_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      // Capped backoff: an upstream back after a restart is found within about 2 s.
      retryWait: async (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * 2 ** retries))),
      on: {
        closed: (event) => {
          this.logger?.debug(
            { gateway: this.upstream.name, code: (event as { code?: number }).code },
            "upstream live connection closed",
          );
          this.#connected = false;
          for (const listener of this.#gapListeners) listener.closed();
        },
        connected: () => {
          this.#connected = true;
          for (const arrived of [...this.#waiting]) arrived();
          for (const listener of this.#gapListeners) listener.connected();
        },
      },
    }));
  }

  /**
   * Subscribes upstream as the viewer. `variables` is called each time the operation is (re)sent,
   * so it can name the last cursor delivered; `field` is the root field whose value is yielded.
   * `resumable` (variables name that cursor): while the subscriber falls behind, the upstream
   * operation is ended, and sent again once what came is read, instead of queuing without bound.
   */
  subscribe<T>(
    query: string,
    field: string,
    variables: () => Variables,
    viewer: Viewer,
    resumable = false,
  ): AsyncIterableIterator<T> {
    const payload = {
      query,
      get variables() {
        return variables();
      },
      extensions: { [ACT_AS_HEADER]: this.upstream.actAs(viewer) },
    };
    return queueIterator<T>((push, fail, end) => {
      // Until the connection is up, a new subscriber waits at most the gateway's timeout, then learns
      // that the upstream is unavailable instead of waiting in silence. Once connected, a dropped
      // connection is retried and the operation re-sent: the stream resumes where it was.
      let unsubscribe = () => undefined as void;
      const arrived = () => {
        clearTimeout(deadline);
        this.#waiting.delete(arrived);
      };
      const deadline = this.#connected
        ? undefined
        : setTimeout(() => {
            arrived();
            unsubscribe();
            fail(
              jobsError(
                "UPSTREAM_UNAVAILABLE",
                `gateway ${this.upstream.name}: no live connection to the upstream within ${this.upstream.timeoutMs} ms`,
                { gateway: this.upstream.name },
              ),
            );
          }, this.upstream.timeoutMs);
      if (deadline !== undefined) this.#waiting.add(arrived);
      const send = () => {
        // What an operation ended by a pause still has on the way is not this stream's any more.
        let current = true;
        const dispose = this.client.subscribe<Record<string, T>>(payload, {
          next: (message) => {
            if (current) received(message);
          },
          error: (error) => {
            if (current) failed(error);
          },
          complete: () => {
            if (current) end();
          },
        });
        unsubscribe = () => {
          current = false;
          dispose();
        };
      };
      const received = (message: {
        data?: Record<string, T> | null;
        errors?: readonly { message: string; extensions?: unknown }[];
      }) => {
        const error = message.errors?.[0];
        if (error)
          fail(
            this.upstream.upstreamError({
              message: error.message,
              extensions: error.extensions as Record<string, unknown> | undefined,
            }),
          );
        else if (message.data) push(message.data[field] as T);
      };
      const failed = (error: unknown) =>
        fail(
          Array.isArray(error) && error[0]
            ? this.upstream.upstreamError(error[0] as { message: string; extensions?: Record<string, unknown> })
            : jobsError("UPSTREAM_UNAVAILABLE", `gateway ${this.upstream.name}: live updates ended`, {
                gateway: this.upstream.name,
              }),
        );
      send();
      const stop = () => {
        arrived();
        unsubscribe();
      };
      return resumable ? { stop, pause: () => unsubscribe(), resume: send } : stop;
    });
  }

  /**
   * Tells the listener when the connection closes and when it is back (the operations re-sent), so a
   * stream without a cursor (jobsChanged) can read what changed meanwhile. Returns its removal.
   */
  onGap(listener: GapListener): () => void {
    this.#gapListeners.add(listener);
    return () => this.#gapListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#gapListeners.clear();
    for (const arrived of [...this.#waiting]) arrived();
    const disposed = this.#client?.dispose();
    for (const socket of this.#sockets) socket.terminate();
    await disposed?.catch(() => undefined);
  }
}

/** Merges several async iterators into one, in arrival order; ending it ends them all. */
export function mergeIterators<T>(sources: AsyncIterableIterator<T>[]): AsyncIterableIterator<T> {
  return queueIterator<T>((push, fail, end) => {
    let open = sources.length;
    let stopped = false;
    for (const source of sources) {
      void (async () => {
        try {
          for (;;) {
            const { value, done } = await source.next();
            if (done || stopped) break;
            push(value);
          }
          if (--open === 0) end();
        } catch (error) {
          fail(error);
        }
      })();
    }
    return () => {
      stopped = true;
      for (const s of sources) void s.return?.();
    };
  });
}

/** Each item mapped as it is read. */
export function mapIterator<T, U>(source: AsyncIterableIterator<T>, map: (item: T) => U): AsyncIterableIterator<U> {
  const iterator: AsyncIterableIterator<U> = {
    async next() {
      const r = await source.next();
      return r.done ? { value: undefined, done: true } : { value: map(r.value), done: false };
    },
    async return() {
      await source.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
