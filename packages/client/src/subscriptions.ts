// One subscription as an async iterator: items in the order the server sends them; the iterator
// ends when the server completes, the signal aborts or the consumer stops (break/return), and
// throws the subscription's error after the items that came before it.
import type { JobsApiError } from "./errors.ts";
import type { TypedDocumentString } from "./generated/graphql.ts";
import type { LiveConnection } from "./live.ts";
import { PushQueue } from "./push-queue.ts";

export async function* follow<R, V, T>(
  live: LiveConnection,
  document: TypedDocumentString<R, V>,
  variables: V,
  pick: (data: R) => T,
  signal?: AbortSignal,
): AsyncGenerator<T, void, undefined> {
  if (signal?.aborted) return;
  const queue = new PushQueue<T>();
  const onAbort = () => queue.end();
  signal?.addEventListener("abort", onAbort, { once: true });
  let stop: (() => void) | undefined;
  try {
    stop = await live.subscribe(document, variables, {
      next: (data) => queue.push(pick(data)),
      error: (error: JobsApiError) => queue.fail(error),
      complete: () => queue.end(),
    });
    for (;;) {
      const next = await queue.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    stop?.();
  }
}
