// The one WebSocket a signed-in tab subscribes through, and whether it is up: pages say when live
// updates are paused, and reload what they show once the connection is back (changes made while it
// was down were never sent).
import { type Client, createClient } from "graphql-ws/client";
import { KEY_REFUSED_EVENT } from "./graphql.ts";

export interface LiveState {
  /** The socket dropped while pages were subscribed, and is not back yet. */
  down: boolean;
  /** How many times it came back after a drop: queries reload when this changes. */
  resumes: number;
}

export interface LiveConnection {
  client: Client;
  state(): LiveState;
  /** Calls the listener on every change of state(); returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
  /** Counts a page's subscription while it lasts: a drop matters only while something listens. */
  hold(): () => void;
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
  let state: LiveState = { down: false, resumes: 0 };
  let holders = 0;
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
    shouldRetry: () => true,
    // graphql-ws doubles its wait without a bound (a minute after six failures, seventeen after
    // ten): a page left open through a restart would stay stale for minutes after the server is back.
    retryWait: (retries) =>
      new Promise((resolve) =>
        window.setTimeout(resolve, Math.min(1000 * 2 ** retries, MAX_RETRY_WAIT_MS) + Math.random() * 1000),
      ),
    on: {
      connected: (_socket, _payload, wasRetry) => {
        if (wasRetry || state.down) set({ down: false, resumes: state.resumes + 1 });
      },
      closed: (event) => {
        const code = (event as { code?: number } | undefined)?.code;
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
      return () => {
        holders--;
        // Nothing listens any more: graphql-ws stops retrying, and no page is waiting for it.
        if (holders === 0 && state.down) set({ ...state, down: false });
      };
    },
  };
}
