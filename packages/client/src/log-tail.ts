// Following a job's log: lines from the `jobLogs` subscription, which completes once the job is
// terminal and every line was sent. With untilDone, the tail also stops as soon as `jobUpdated` says
// the job is terminal and reads the rest over HTTP after the last line seen: every line exactly once
// either way.
import type { JobsApiError } from "./errors.ts";
import { JobLogsSubscription, JobUpdatedSubscription } from "./documents.ts";
import { isTerminalState, type JobRef, type LogLine } from "./job-types.ts";
import type { LiveConnection } from "./live.ts";
import { PushQueue } from "./push-queue.ts";

export interface LogPage {
  lines: LogLine[];
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface TailSource {
  live: LiveConnection;
  job: JobRef;
  sinceMs: number | null;
  /** End as soon as jobUpdated says the job is terminal (default); false: when the subscription completes or the signal aborts. */
  untilDone: boolean;
  signal?: AbortSignal;
  /** One page of lines after a cursor (null: from the start), at or after sinceMs. */
  readAfter(after: string | null): Promise<LogPage>;
}

type TailItem = { line: LogLine } | { terminal: true };

export async function* tailLogLines(source: TailSource): AsyncGenerator<LogLine, void, undefined> {
  const { live, job, signal } = source;
  if (signal?.aborted) return;
  const queue = new PushQueue<TailItem>();
  const fail = (error: JobsApiError) => queue.fail(error);
  const stops: (() => void)[] = [];
  const onAbort = () => queue.end();
  signal?.addEventListener("abort", onAbort, { once: true });
  let lastCursor: string | null = null;
  try {
    stops.push(
      await live.subscribe(
        JobLogsSubscription,
        { reasonerType: job.reasonerType, jobId: job.jobId, sinceMs: source.sinceMs },
        { next: (data) => queue.push({ line: data.jobLogs }), error: fail, complete: () => queue.end() },
      ),
    );
    if (source.untilDone) {
      stops.push(
        await live.subscribe(
          JobUpdatedSubscription,
          { reasonerType: job.reasonerType, jobId: job.jobId },
          {
            next: (data) => isTerminalState(data.jobUpdated.state) && queue.push({ terminal: true }),
            error: fail,
            complete: () => undefined,
          },
        ),
      );
    }
    for (;;) {
      const next = await queue.next();
      if (next.done) return;
      if ("terminal" in next.value) break;
      lastCursor = next.value.line.cursor;
      yield next.value.line;
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    for (const stop of stops) stop();
  }
  // Terminal: nothing more will be written; read what the subscription had not delivered yet.
  for (;;) {
    if (signal?.aborted) return;
    const page = await source.readAfter(lastCursor);
    for (const line of page.lines) yield line;
    lastCursor = page.endCursor ?? lastCursor;
    if (!page.hasNextPage) return;
  }
}

export interface LogSample {
  /** At most one line per this many milliseconds of the lines' own timestamps. */
  intervalMs: number;
}

/** A sampled line says how many lines were left out just before it. */
export type SampledLogLine = LogLine & { skipped: number };

/**
 * Sampling by the lines' timestamps, not by arrival: a line is kept when it is stamped at least
 * `intervalMs` after the last kept one (the first line is always kept), so the same log gives the
 * same sample whether it is read live or after the fact. The last line is always kept too (when the
 * lines end, e.g. the job finished): it says how the job ended.
 */
export async function* sampleLogLines(
  lines: AsyncIterable<LogLine>,
  sample: LogSample | undefined,
): AsyncGenerator<SampledLogLine, void, undefined> {
  if (sample !== undefined && !(sample.intervalMs > 0))
    throw new RangeError(`sample.intervalMs must be positive, got ${sample.intervalMs}`);
  let keptAt: number | null = null;
  let skipped = 0;
  let lastSkipped: LogLine | null = null;
  for await (const line of lines) {
    if (sample && keptAt !== null && line.timestampMs < keptAt + sample.intervalMs) {
      skipped++;
      lastSkipped = line;
      continue;
    }
    keptAt = line.timestampMs;
    lastSkipped = null;
    yield { ...line, skipped };
    skipped = 0;
  }
  if (lastSkipped) yield { ...lastSkipped, skipped: skipped - 1 };
}

/** One line as a person reads it: ISO time, level, [step], message. */
export function formatLogLine(line: LogLine): string {
  const time = new Date(line.timestampMs).toISOString();
  const step = line.step ? ` [${line.step}]` : "";
  return `${time} ${line.level.toUpperCase().padEnd(5)}${step} ${line.message}`;
}
