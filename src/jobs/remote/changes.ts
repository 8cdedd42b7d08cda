// jobsChanged relayed from an upstream has no cursor to resume from (the contract gives it none). So
// the relay remembers the version (updatedOn) and listing of each job it has sent or found open, and
// which of them can still change; when the upstream connection comes back after a gap, it reads those
// jobs and the ones created since the gap began, and sends each whose listing changed meanwhile, once.
import type { JobRecord, ReasonerType } from "../model.ts";
import { isTerminal, listingOf } from "../states.ts";
import { type GapListener, queueIterator } from "./live.ts";

/** Open jobs re-read after a gap: the most recently changed ones past this many are not followed. */
export const MAX_FOLLOWED = 200;
/** How far before the gap's start jobs count as created meanwhile (clocks of front and upstream differ a little). */
const CLOCK_SKEW_MS = 5000;
const CATCH_UP_ATTEMPTS = 5;

export interface ChangeSource {
  /** The upstream's operations, relayed as they come. */
  live: AsyncIterableIterator<JobRecord>;
  /** Registers for the connection's gaps (UpstreamLive.onGap). */
  onGap(listener: GapListener): () => void;
  /** The matching jobs that can still change, now (what is followed from the start). */
  open(): Promise<JobRecord[]>;
  /** The followed jobs that still match, and the matching jobs created at or after `since`. */
  since(followed: { jobId: string; reasonerType: ReasonerType }[], since: Date): Promise<JobRecord[]>;
}

interface Known {
  /** The newest version seen (updatedOn): an older one arriving late is not news. */
  at: number;
  /** What jobsChanged tells apart at that version (listingOf): a job is sent again only when it moves. */
  listing: string;
}

export function relayChanges(source: ChangeSource): AsyncIterableIterator<JobRecord> {
  const started = Date.now();
  const known = new Map<string, Known>();
  const followed = new Map<string, ReasonerType>();
  let gapFrom: number | null = null;

  /** Remembers this version of the job; answers whether it is news to the subscriber. */
  const note = (job: JobRecord): boolean => {
    const last = known.get(job.id);
    const at = job.updatedOn.getTime();
    if (last && at < last.at) return false;
    const listing = listingOf(job);
    known.set(job.id, { at, listing });
    followed.delete(job.id);
    if (!isTerminal(job.state)) followed.set(job.id, job.reasonerType);
    if (followed.size > MAX_FOLLOWED) followed.delete(followed.keys().next().value!);
    if (known.size > MAX_FOLLOWED * 10) known.delete(known.keys().next().value!);
    // As the upstream's own jobsChanged: a change that leaves the listing as it was (a log line, an
    // event) is not sent, whether it arrives live or is found by a catch-up read after a gap.
    return !last || last.listing !== listing;
  };

  return queueIterator<JobRecord>((push, fail, end) => {
    let stopped = false;
    const deliver = (job: JobRecord) => {
      if (note(job)) push(job);
    };
    const catchUp = async (from: number) => {
      for (let attempt = 1; ; attempt++) {
        try {
          const ids = [...followed].map(([jobId, reasonerType]) => ({ jobId, reasonerType }));
          const jobs = await source.since(ids, new Date(Math.max(started, from - CLOCK_SKEW_MS)));
          for (const job of jobs.sort((a, b) => a.updatedOn.getTime() - b.updatedOn.getTime())) deliver(job);
          return;
        } catch (error) {
          // The upstream may still be settling: a few tries, then the subscriber learns of the gap.
          if (stopped) return;
          if (attempt >= CATCH_UP_ATTEMPTS) return fail(error);
          await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
        }
      }
    };
    const removeGap = source.onGap({
      closed: () => {
        gapFrom ??= Date.now();
      },
      connected: () => {
        if (gapFrom === null) return;
        const from = gapFrom;
        gapFrom = null;
        void catchUp(from);
      },
    });
    // Baseline: the versions the subscriber implicitly has (not sent: only their later changes are news).
    source
      .open()
      .then((jobs) => {
        for (const job of jobs) if (!known.has(job.id)) note(job);
      })
      .catch(() => undefined);
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await source.live.next();
          if (done || stopped) break;
          deliver(value);
        }
        end();
      } catch (error) {
        fail(error);
      }
    })();
    return () => {
      stopped = true;
      removeGap();
      void source.live.return?.();
    };
  });
}
