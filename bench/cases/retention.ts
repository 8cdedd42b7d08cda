// Retention (opt-in: `--only retention`, it loads many rows): finished jobs, each with its status
// history, events and log lines, loaded as finished 40 days ago, then removed by one retention pass
// (the real Retention, batches of 500, SKIP LOCKED) while the worker protocol's claim of fresh
// waiting jobs is timed meanwhile, against the same claims with no retention running.
import { type BenchCase, type CaseOptions, boundEntry, ratioEntry, type ResultEntry } from "../case.ts";
import { Retention } from "../../src/retention/retention.ts";
import { insertNoopJobs, NOOP_QUEUE, NOOP_TYPE, startOurServer } from "../ours.ts";
import { median, msSince } from "../stats.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

export const retentionCase: BenchCase = {
  id: "retention",
  title: "Retention",
  async run(o: CaseOptions): Promise<ResultEntry[]> {
    const finished = o.jobs ?? (o.quick ? 20_000 : 1_000_000);
    const rates: number[] = [];
    const claimDuring: number[] = [];
    const claimIdle: number[] = [];
    for (let r = 0; r < o.runs; r++) {
      // The server's own retention off: its pass (every minute) would share the rows with the timed one.
      const s = await startOurServer("retention", { JOBS_RETENTION_INTERVAL_MS: "0" });
      try {
        const db = s.server.services.db;
        for (let done = 0; done < finished; done += 10_000) {
          const ids = await insertNoopJobs(db, s.admin, Math.min(10_000, finished - done));
          await db.query(
            `with e as (insert into "job_events" ("jobId", "seq", "stream", "data") select id, 1, 'progress', '{"percent":100}' from unnest($1::uuid[]) id),
                  l as (insert into "job_log_lines" ("jobId", "seq", "timestampMs", "level", "message") select id, 1, 0, 'info', 'done' from unnest($1::uuid[]) id)
             update "jobs" set "state" = 'SUCCEEDED', "nativeState" = 'COMPLETED', "finishedOn" = now() - interval '40 days', "eventSeq" = 1, "logSeq" = 1
             where "id" = any($1::uuid[])`,
            [ids],
          );
        }
        await db.query(`analyze`);
        // Claims of waiting jobs, one at a time, as a worker's slot would: idle first, then during the pass.
        await insertNoopJobs(db, s.admin, 20_000);
        // The real claim (the worker protocol's, as the in-process Runner makes it), one job at a time.
        const protocol = s.server.services.protocol;
        const claim = async () => {
          const start = process.hrtime.bigint();
          const lease = await protocol.claim({
            reasonerTypes: [NOOP_TYPE],
            queues: [NOOP_QUEUE],
            name: "bench retention",
          });
          if (!lease) throw new Error("no waiting job left to claim");
          return msSince(start);
        };
        const idle: number[] = [];
        for (let i = 0; i < 200; i++) idle.push(await claim());
        const retention = new Retention(db, s.server.services.blobs, {
          maxAgeMs: 30 * DAY_MS,
          batchSize: 500,
          keepProvenance: true,
          blobGraceMs: 0,
        });
        const start = process.hrtime.bigint();
        let sweeping = true;
        const pass = retention.runOnce().finally(() => (sweeping = false));
        const during: number[] = [];
        while (sweeping) during.push(await claim());
        const removed = await pass;
        const seconds = msSince(start) / 1000;
        if (removed.jobs !== finished) throw new Error(`retention removed ${removed.jobs} jobs, expected ${finished}`);
        rates.push(finished / seconds);
        claimIdle.push(median(idle));
        claimDuring.push(median(during.length ? during : [NaN]));
        o.log(
          `retention run ${r + 1}/${o.runs}: ${finished} finished jobs removed in ${seconds.toFixed(1)} s; claim ${median(idle).toFixed(2)} ms idle, ${median(during).toFixed(2)} ms during the pass (${during.length} claims)`,
        );
      } finally {
        await s.stop();
      }
    }
    return [
      boundEntry({
        name: `retention: finished jobs removed per second (${finished} jobs with history, events and logs)`,
        ours: median(rates),
        unit: "jobs/s",
        better: "higher",
        runs: o.runs,
        note: "one pass of the real Retention, batches of 500, each a short transaction with SKIP LOCKED",
      }),
      ratioEntry({
        name: "retention: claim latency during a retention pass vs idle",
        ours: claimDuring,
        peer: claimIdle,
        unit: "ms",
        better: "lower",
        maxRatio: 1.5,
        target: "<= 1.5x",
        runs: o.runs,
        note: "the worker protocol's claim, one at a time, on 20,000 waiting jobs",
      }),
    ];
  },
};
