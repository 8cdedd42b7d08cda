// GraphQL over HTTP and graphql-ws, with the signed-in API key. Typed documents come from codegen
// (web/src/gql); documents for fields a server may lack are plain strings (see optional.ts).
import type { LiveConnection } from "./live.ts";

/** A typed document as codegen makes it (a String subclass carrying its result and variable types). */
export interface Doc<R, V> {
  toString(): string;
  __apiType?: (variables: V) => R;
}
export type ResultOf<D> = D extends Doc<infer R, unknown> ? R : never;

export interface ApiErrorBody {
  message: string;
  extensions?: { code?: string; field?: string; [key: string]: unknown };
}

/** An answer with errors: the first one's message and contract code (UNAUTHENTICATED, BAD_USER_INPUT, ...). */
export class ApiError extends Error {
  readonly code: string;
  readonly field: string | undefined;
  constructor(readonly errors: ApiErrorBody[]) {
    super(errors.map((e) => e.message).join("; ") || "request failed");
    this.code = errors[0]?.extensions?.code ?? "UNKNOWN";
    this.field = errors[0]?.extensions?.field ?? coercionOf(errors[0]?.message)?.field;
  }
  /** The first error's message without the field it names (shown next to that field). */
  get fieldMessage(): string {
    const message = this.errors[0]?.message ?? this.message;
    const coercion = coercionOf(message);
    if (coercion) return coercion.problem;
    return this.field && message.startsWith(`${this.field}: `) ? message.slice(this.field.length + 2) : message;
  }
  /** True when the server's schema has no such field (it is built on another server version). */
  get unknownField(): boolean {
    return this.code === "GRAPHQL_VALIDATION_FAILED" && this.errors.some((e) => /Cannot query field/.test(e.message));
  }
}

/**
 * GraphQL's own refusal of a variable (before any resolver runs) names the field in its message
 * only: `Variable "$input" got invalid value 1e12 at "input.rows"; Int cannot represent ...`.
 */
function coercionOf(message: string | undefined): { field: string; problem: string } | undefined {
  const found = message && /^Variable "\$\w+" got invalid value .* at "([^"]+)"; (.*)$/s.exec(message);
  return found ? { field: found[1]!.replace(/\[(\d+)\]/g, ".$1"), problem: found[2]! } : undefined;
}

/** Fired on window when the server no longer accepts the key (revoked): the app signs out. */
export const KEY_REFUSED_EVENT = "jobs:key-refused";

/** The code of an ApiError for a request that got no answer (the server or the network away). */
export const UNREACHABLE = "UNREACHABLE";

export async function gql<R, V>(key: string, doc: Doc<R, V>, variables?: V): Promise<R> {
  let res: Response;
  try {
    res = await fetch("/graphql", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json",
        authorization: `Bearer ${key}`,
      },
      body: JSON.stringify({ query: doc.toString(), variables: variables ?? {} }),
    });
  } catch {
    throw new ApiError([{ message: "the server could not be reached", extensions: { code: UNREACHABLE } }]);
  }
  let body: { data?: R; errors?: ApiErrorBody[] };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new ApiError([
      { message: `the server answered ${res.status} without GraphQL`, extensions: { code: "INTERNAL_SERVER_ERROR" } },
    ]);
  }
  if (body.errors?.length) {
    const error = new ApiError(body.errors);
    if (error.code === "UNAUTHENTICATED") window.dispatchEvent(new Event(KEY_REFUSED_EVENT));
    throw error;
  }
  if (!body.data) throw new ApiError([{ message: "empty answer", extensions: { code: "INTERNAL_SERVER_ERROR" } }]);
  return body.data;
}

/** Subscribes; returns the unsubscribe function. */
export function subscribe<R, V>(
  live: LiveConnection,
  doc: Doc<R, V>,
  variables: V,
  onData: (data: R) => void,
  onError?: (error: ApiError) => void,
): () => void {
  const holding = live.hold();
  const unsubscribe = live.client.subscribe<R>(
    { query: doc.toString(), variables: (variables ?? {}) as Record<string, unknown> },
    {
      next: (value) => {
        if (value.errors?.length) onError?.(new ApiError(value.errors as ApiErrorBody[]));
        else if (value.data) onData(value.data as R);
      },
      error: (err) => {
        // The server refusing the operation; anything else is the socket closed in a way graphql-ws
        // does not retry (it retries every other close by itself): the subscription is over.
        if (Array.isArray(err)) onError?.(new ApiError(err as ApiErrorBody[]));
        else holding.stop(err);
      },
      complete: () => undefined,
    },
  );
  return () => {
    unsubscribe();
    holding.release();
  };
}
