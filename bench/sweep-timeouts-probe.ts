// A probe, not a benchmark case: what one sweep pass costs with many unfinished jobs that have a
// timeout and none due (300,000 jobs: 250,000 finished, 50,000 waiting with a 60-minute timeout),
// the median of 30 passes; then that a job past its timeout is still found. Before the deadline
// index (migration 20261207000000) a pass walked all 50,000. Run after `npm run build`:
//   node --import tsx --import ./bench/built-code.mjs bench/sweep-timeouts-probe.ts
import { sweep } from "../src/workers/protocol/sql/sweep.ts";
import { insertNoopJobs, startOurServer } from "./ours.ts";
const ours = await startOurServer("sweep_timeouts");
const db = ours.server.services.db;
await insertNoopJobs(db, ours.admin, 300000);
await db.query(
  `update "jobs" set "state" = 'SUCCEEDED', "nativeState" = 'SUCCEEDED', "finishedOn" = now() where "id" in (select "id" from "jobs" order by "id" limit 250000)`,
);
await db.query(`update "jobs" set "timeoutMins" = 60 where "state" = 'QUEUED'`);
await db.query(`vacuum analyze "jobs"`);
const times: number[] = [];
for (let i = 0; i < 30; i++) {
  const start = performance.now();
  await sweep(db);
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
console.log(
  `sweep with 50,000 waiting jobs with a timeout, none due: median ${times[15]!.toFixed(2)} ms (min ${times[0]!.toFixed(2)}, max ${times[29]!.toFixed(2)})`,
);
// One job past its timeout is still found.
await db.query(
  `update "jobs" set "createdOn" = now() - interval '2 hours' where "id" = (select "id" from "jobs" where "state" = 'QUEUED' limit 1)`,
);
console.log(await sweep(db));
await ours.stop();
process.exit(0);
