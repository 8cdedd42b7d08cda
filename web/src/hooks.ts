// Data hooks: a query that reloads when its variables change, a subscription, a ticking clock.
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { ApiError, type Doc, gql, subscribe, UNREACHABLE } from "./api/graphql.ts";
import type { LiveState } from "./api/live.ts";
import { QueryFieldsQuery } from "./api/documents.ts";
import { useSession } from "./session-context.tsx";

/** How soon a query that got no answer is asked again. */
const QUERY_RETRY_MS = 3000;

export interface QueryState<R> {
  data: R | null;
  error: ApiError | null;
  loading: boolean;
  reload(): void;
  setData(update: (data: R | null) => R | null): void;
}

/** Whether the live connection is down, and how often it came back. */
export function useLiveState(): LiveState {
  const { live } = useSession();
  return useSyncExternalStore(live.onChange, live.state);
}

/** Loads when mounted, when the variables change, on reload(), and again once the live connection is
 * back after a drop (what changed meanwhile was never sent to the page) or restarted after a stop. */
export function useQuery<R, V>(doc: Doc<R, V>, variables: V, options: { skip?: boolean } = {}): QueryState<R> {
  const { key } = useSession();
  const { resumes, restarts } = useLiveState();
  const [data, setData] = useState<R | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(!options.skip);
  const [generation, setGeneration] = useState(0);
  const vars = JSON.stringify(variables ?? {});
  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation`, `resumes` and `restarts` are reload triggers.
  useEffect(() => {
    if (options.skip) return;
    let current = true;
    setLoading(true);
    let retry: number | undefined;
    gql(key, doc, JSON.parse(vars) as V).then(
      (result) => {
        if (!current) return;
        setData(result);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (!current) return;
        const error = asApiError(err);
        setError(error);
        setLoading(false);
        // No answer at all: asked again until there is one (a page opened while the server was away
        // has no live subscription yet to tell it that the server is back).
        if (error.code === UNREACHABLE) retry = window.setTimeout(() => setGeneration((g) => g + 1), QUERY_RETRY_MS);
      },
    );
    return () => {
      current = false;
      window.clearTimeout(retry);
    };
  }, [key, doc, vars, generation, resumes, restarts, options.skip]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, loading, reload, setData };
}

export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError([{ message: err instanceof Error ? err.message : String(err), extensions: { code: "CLIENT" } }]);
}

/** Subscribes while mounted (and while `enabled`); resubscribes when the variables change, and when
 * the live connection is restarted after a stop (graphql-ws gave the subscription up). */
export function useSubscription<R, V>(
  doc: Doc<R, V>,
  variables: V,
  onData: (data: R) => void,
  enabled = true,
): ApiError | null {
  const { live } = useSession();
  const { restarts } = useLiveState();
  const handler = useRef(onData);
  handler.current = onData;
  const [error, setError] = useState<ApiError | null>(null);
  const vars = JSON.stringify(variables ?? {});
  // biome-ignore lint/correctness/useExhaustiveDependencies: `restarts` is a resubscribe trigger.
  useEffect(() => {
    if (!enabled) return;
    setError(null);
    return subscribe(live, doc, JSON.parse(vars) as V, (data) => handler.current(data), setError);
  }, [live, doc, vars, enabled, restarts]);
  return error;
}

/** The current time, refreshed every `everyMs` (ages and durations of running jobs). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** A mutation's running state and last error, for buttons and forms. */
export function useAction<A extends unknown[], R>(run: (...args: A) => Promise<R>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const act = useCallback(
    async (...args: A): Promise<R | undefined> => {
      setBusy(true);
      setError(null);
      try {
        return await run(...args);
      } catch (err) {
        setError(asApiError(err));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [run],
  );
  return { act, busy, error, setError };
}

/** Whether the server's schema has this query field: null while asking. */
export function useServerHas(field: string): boolean | null {
  const fields = useQuery(QueryFieldsQuery, {});
  if (fields.error) return false;
  if (!fields.data) return null;
  return fields.data.__type?.fields?.some((f) => f.name === field) ?? false;
}
