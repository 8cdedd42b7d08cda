// The one WebSocket a signed-in tab subscribes through, and whether it is up: pages say when live
// updates are paused or stopped, and reload what they show once the connection is back (changes made
// while it was down were never sent).
import { type Client, createClient } from "graphql-ws/client";
import { KEY_REFUSED_EVENT } from "./graphql.ts";

export interface LiveState {
  /** The socket dropped while pages were subscribed, and is not back yet. */
  down: boolean;
  /** How many times it came back after a drop: queries reload when this changes. */
  resumes: number;
  /**
   * Why the subscriptions pages hold were given up for good (a close graphql-ws does not retry, such
   * as 4500 or 4400), while any of them is still held; null otherwise. Only restart() brings them back.
   */
  stopped: string | null;
  /** How many times restart() was asked: subscriptions subscribe again and queries reload. */
  restarts: number;
}

/** A page's subscription, counted while it lasts: a drop matters only while something listens. */
export interface Holding {
  /** graphql-ws gave the subscription up (it will not retry) with this close event or error. */
  stop(err: unknown): void;
  release(): void;
}

export interface LiveConnection {
  client: Client;
  state(): LiveState;
  /** Calls the listener on every change of state(); returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
  hold(): Holding;
  /** After a stop: every page subscribes again (on a new socket) and reloads what it shows. */
  restart(): void;
}

/** graphql-ws's close code for a connection whose key is refused. */
const UNAUTHORIZED_CLOSE = 4401;
/** Closes that are not an outage: the lazy close when the last subscription ends (1000), dispose (4499). */
const INTENDED_CLOSES = new Set([1000, 4499]);
/** Retries wait at most this long (plus up to a second of jitter), however long the server was away. */
const MAX_RETRY_WAIT_MS = 4000;

/** One WebSocket per signed-in key, opened on first use, reconnecting on its own. */
export function liveConnection(key: string): LiveConnection {
  const url = new URL("/graphql", window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  let state: LiveState = { down: false, resumes: 0, stopped: null, restarts: 0 };
  let holders = 0;
  /** Held subscriptions graphql-ws gave up: the stop notice lasts while any is held. */
  let stoppedHolders = 0;
  const listeners = new Set<() => void>();
  const set = (next: LiveState) => {
    state = next;
    for (const listener of listeners) listener();
  };
  const client = createClient({
    url: url.toString(),
    connectionParams: { authorization: `Bearer ${key}` },
    lazy: true,
    lazyCloseTimeout: 3000,
    retryAttempts: Infinity,
    // graphql-ws still gives up on the closes it deems fatal (4500, 4400, 4401, 4406, 4409, 4429 and
    // the 1xxx protocol errors): the subscriptions then end with the close event (Holding.stop).
    shouldRetry: () => true,
    // graphql-ws doubles its wait without a bound (a minute after six failures, seventeen after
    // ten): a page left open through a restart would stay stale for minutes after the server is back.
    retryWait: (retries) =>
      new Promise((resolve) =>
        window.setTimeout(resolve, Math.min(1000 * 2 ** retries, MAX_RETRY_WAIT_MS) + Math.random() * 1000),
      ),
    on: {
      connected: (_socket, _payload, wasRetry) => {
        if (wasRetry || state.down) set({ ...state, down: false, resumes: state.resumes + 1 });
      },
      closed: (event) => {
        const code = closeCodeOf(event);
        // The server closes every socket of a revoked key at once (4401): the page signs out then,
        // rather than sitting on a list that no longer updates until its next request.
        if (code === UNAUTHORIZED_CLOSE) window.dispatchEvent(new Event(KEY_REFUSED_EVENT));
        else if (holders > 0 && !INTENDED_CLOSES.has(code ?? 0) && !state.down) set({ ...state, down: true });
      },
    },
  });
  return {
    client,
    state: () => state,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    hold() {
      holders++;
      let stopped = false;
      let released = false;
      return {
        stop(err) {
          // A refused key signs the page out (closed, above): no notice for the moment that takes.
          if (stopped || released || closeCodeOf(err) === UNAUTHORIZED_CLOSE) return;
          stopped = true;
          stoppedHolders++;
          // Nothing reconnects after a fatal close: not "paused", stopped until the user reloads.
          set({ ...state, down: false, stopped: stopReason(err) });
        },
        release() {
          if (released) return;
          released = true;
          holders--;
          if (stopped) stoppedHolders--;
          // Nothing listens any more: graphql-ws stops retrying, and no page is waiting for it.
          const down = holders === 0 ? false : state.down;
          const why = stoppedHolders === 0 ? null : state.stopped;
          if (down !== state.down || why !== state.stopped) set({ ...state, down, stopped: why });
        },
      };
    },
    restart() {
      set({ ...state, restarts: state.restarts + 1 });
    },
  };
}

function closeCodeOf(event: unknown): number | undefined {
  const code = (event as { code?: unknown } | null | undefined)?.code;
  return typeof code === "number" ? code : undefined;
}

/** Words for why graphql-ws gave a subscription up: the close's code and reason, or the error. */
function stopReason(err: unknown): string {
  const code = closeCodeOf(err);
  if (code === undefined) return err instanceof Error ? err.message : String(err);
  const reason = (err as { reason?: unknown }).reason;
  return `the server closed the connection (${code}${typeof reason === "string" && reason ? `: ${reason}` : ""})`;
}
