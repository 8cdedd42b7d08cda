// Waiting for work without polling: a worker subscribes to `jobsChanged` for its reasoner types and
// claims again when a job becomes claimable. A slow fallback re-check covers what no notification
// announces (a retry's backoff running out); if the subscription drops, the wait degrades to the
// polling backoff until it is back.
import type { Client } from "graphql-ws";
import { disposeQuietly } from "./live.ts";
import { type ReasonerType, WAITING_STATE } from "./types.ts";
import { backoff, sleep, type WaitForWork } from "./wait.ts";

const SUBSCRIPTION = `subscription Work($filter: JobFilter) { jobsChanged(filter: $filter) { state } }`;

export interface JobsChangedWakeOptions {
  /** The server's base URL, http(s)://host:port. */
  url: string;
  apiKey: string;
  reasonerTypes: readonly ReasonerType[];
  /** A WebSocket class; default: the global one, else the `ws` package. */
  webSocketImpl?: unknown;
  /** Longest wait without a notification, in ms (default 30 s). */
  fallbackMs?: number;
  /** How to wait while the subscription is down (default: backoff()). */
  degraded?: WaitForWork;
}

export interface JobsChangedWake {
  waitForWork: WaitForWork;
  close(): Promise<void>;
}

export interface ClaimableWatch {
  /** Whether the subscription is connected now (when not, callers fall back to polling). */
  readonly live: boolean;
  close(): Promise<void>;
}

/**
 * Calls onWork whenever a job of these reasoner types enters its waiting state, and once on every
 * (re)connection, since anything may have been created while disconnected.
 */
export function watchClaimableJobs(
  options: Omit<JobsChangedWakeOptions, "fallbackMs" | "degraded">,
  onWork: () => void,
): ClaimableWatch {
  let live = false;
  let closed = false;
  let client: Client | null = null;
  const stops: (() => void)[] = [];

  const subscribe = async () => {
    const { createClient } = await import("graphql-ws");
    const webSocketImpl =
      options.webSocketImpl ?? (globalThis as { WebSocket?: unknown }).WebSocket ?? (await import("ws")).default;
    if (closed) return;
    client = createClient({
      url: `${options.url
        .replace(/\/graphql\/?$/, "")
        .replace(/\/$/, "")
        .replace(/^http/, "ws")}/graphql`,
      webSocketImpl,
      connectionParams: { authorization: `Bearer ${options.apiKey}` },
      retryAttempts: Infinity,
      shouldRetry: () => !closed,
      on: {
        connected: () => {
          live = true;
          onWork();
        },
        closed: () => {
          live = false;
        },
      },
    });
    for (const reasonerType of options.reasonerTypes) {
      stops.push(
        client.subscribe<{ jobsChanged: { state: string } }>(
          // Only jobs entering the waiting state: claims and progress of others are not news to an idle worker.
          { query: SUBSCRIPTION, variables: { filter: { reasonerType, state: WAITING_STATE[reasonerType] } } },
          {
            next: (message) => {
              if (message.data) onWork();
            },
            error: () => {
              live = false;
            },
            complete: () => undefined,
          },
        ),
      );
    }
  };
  const started = subscribe().catch(() => {
    live = false;
  });

  return {
    get live() {
      return live;
    },
    async close() {
      closed = true;
      await started;
      for (const stop of stops) stop();
      if (client) await disposeQuietly(client);
    },
  };
}

export function jobsChangedWake(options: JobsChangedWakeOptions): JobsChangedWake {
  const fallbackMs = options.fallbackMs ?? 30_000;
  const degraded = options.degraded ?? backoff();
  let notified = 0; // claimable-job notifications seen
  let consumed = 0; // how many of them a wait has already answered
  const waiters = new Set<() => void>();
  const watch = watchClaimableJobs(options, () => {
    notified++;
    for (const wake of [...waiters]) wake();
  });

  const waitForWork: WaitForWork = async (idle) => {
    // A worker that stopped while its claim was in flight must not sit out the fallback.
    if (idle.signal.aborted) return;
    if (notified > consumed) {
      // A job arrived between the empty claim and this wait.
      consumed = notified;
      return;
    }
    if (!watch.live) return degraded(idle);
    // The fallback timer ends with the wait, however the wait ends.
    const timer = new AbortController();
    const stopTimer = () => timer.abort();
    idle.signal.addEventListener("abort", stopTimer, { once: true });
    await new Promise<void>((resolve) => {
      const done = () => {
        waiters.delete(done);
        resolve();
      };
      waiters.add(done);
      void sleep(fallbackMs, timer.signal).then(done);
    });
    idle.signal.removeEventListener("abort", stopTimer);
    timer.abort();
    consumed = notified;
  };

  return {
    waitForWork,
    async close() {
      await watch.close();
      for (const wake of [...waiters]) wake();
    },
  };
}
