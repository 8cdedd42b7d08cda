// Operations sent together: one batched HTTP request in flight at a time, and the operations asked
// for meanwhile go in the next one, at most `maxBatch` per request. A worker whose slots finish
// together completes all their jobs and claims the next ones in one round trip, authenticated once.
import { JobsApiError } from "./errors.ts";
import type { GraphQLOperation, JobsTransport } from "./http.ts";

interface QueuedOperation extends GraphQLOperation {
  resolve(data: unknown): void;
  reject(err: unknown): void;
}

export class OperationBatcher {
  private readonly queue: QueuedOperation[] = [];
  private sending = false;

  constructor(
    private readonly transport: JobsTransport,
    private readonly maxBatch: number,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1)
      throw new RangeError(`maxBatch must be a positive integer, got ${maxBatch}`);
  }

  /** Runs the operation in the next batched request; rejects with its own JobsApiError, or the request's. */
  request<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ query, variables, resolve: resolve as (data: unknown) => void, reject });
      if (this.sending) return;
      this.sending = true;
      // Wait for the rest of this turn: the operations asked for together leave together.
      setImmediate(() => void this.sendAll());
    });
  }

  private async sendAll(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const answers = batch.length === 1 ? [await this.one(batch[0]!)] : await this.transport.requestBatch(batch);
        batch.forEach((op, i) => {
          const answer = answers[i];
          if (answer instanceof JobsApiError) op.reject(answer);
          else op.resolve(answer);
        });
      } catch (err) {
        for (const op of batch) op.reject(err);
      }
    }
    this.sending = false;
  }

  /** A lone operation goes as a plain request: the server answers it the same, with less to parse. */
  private async one(op: GraphQLOperation): Promise<unknown> {
    try {
      return await this.transport.request(op.query, op.variables);
    } catch (err) {
      if (err instanceof JobsApiError) return err;
      throw err;
    }
  }
}
