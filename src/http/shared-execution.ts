// Subscription execution that shares work between subscribers. graphql-js executes the selection
// once per subscriber per event; when a thousand subscribers of one job's events sent the same
// document and variables, those thousand executions of the same item give the same result. For the
// fields whose results depend on nothing but the item (events and log lines: no viewer, no URL), one
// execution per (item, document, variables) serves them all; everything else executes as usual.
// Each item executes through the server's one executor (compiled-execution.ts), as HTTP does.
import {
  createSourceEventStream,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  getOperationAST,
  Kind,
} from "graphql";
import type { Execute } from "../schema/compiled-execution.ts";

/** Root fields whose payload is the same for every viewer allowed to subscribe. */
const VIEWER_INDEPENDENT = new Set(["jobEvents", "jobLogs"]);

const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 0;
/** Results per event item (the shared tail hands every subscriber the same object), by operation key. */
const results = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();

/** The key under which subscribers may share results, or null when this operation must execute alone. */
function sharingKey(args: ExecutionArgs): string | null {
  const operation = getOperationAST(args.document, args.operationName);
  const selections = operation?.selectionSet.selections ?? [];
  const [root] = selections;
  if (selections.length !== 1 || root?.kind !== Kind.FIELD || !VIEWER_INDEPENDENT.has(root.name.value)) return null;
  let id = documentIds.get(args.document);
  if (id === undefined) documentIds.set(args.document, (id = nextDocumentId++));
  return `${id}|${args.operationName ?? ""}|${JSON.stringify(args.variableValues ?? {})}`;
}

export async function subscribeSharing(
  args: ExecutionArgs,
  execute: Execute,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in Object(stream))) return stream as ExecutionResult;
  return new SharingIterator(
    (stream as AsyncIterable<unknown>)[Symbol.asyncIterator](),
    args,
    sharingKey(args),
    execute,
  );
}

/** The execution results of a source stream's items (a class: every idle subscription holds one). */
class SharingIterator implements AsyncIterableIterator<ExecutionResult> {
  constructor(
    private readonly source: AsyncIterator<unknown>,
    private readonly args: ExecutionArgs,
    /** Under which subscribers may share results; null when this operation must execute alone. */
    private readonly key: string | null,
    private readonly execute: Execute,
  ) {}

  async next(): Promise<IteratorResult<ExecutionResult>> {
    const item = await this.source.next();
    if (item.done) return { done: true, value: undefined };
    return { done: false, value: await this.resultOf(item.value) };
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    await this.source.return?.();
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<ExecutionResult>> {
    await this.source.return?.();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private run(payload: unknown): Promise<ExecutionResult> {
    return this.execute({ ...this.args, rootValue: payload });
  }

  private resultOf(payload: unknown): Promise<ExecutionResult> {
    const { key } = this;
    if (key === null || typeof payload !== "object" || payload === null) return this.run(payload);
    let byKey = results.get(payload);
    if (!byKey) results.set(payload, (byKey = new Map()));
    let result = byKey.get(key);
    if (!result) byKey.set(key, (result = this.run(payload)));
    return result;
  }
}
