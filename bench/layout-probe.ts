// A design probe, not a benchmark case (issue #26): what PostgreSQL spends per job to claim and
// complete no-op jobs in batches of 80 (two loops side by side, claim then complete, no Runner, no
// HTTP), for the jobs table as shipped and for a narrower layout the missed Runner target points to:
//   shipped      the real claimJobs and succeedJobs statements (src/workers/protocol/sql/);
//   narrow-hot   waiting jobs in a narrow "job_queue" that claims delete from, leases in an unlogged
//                "job_leases" table, and no index on jobs that reads "state" (or any column a claim
//                or a completion sets), so both updates of the row can be HOT (fillfactor 50);
//   lease-only   the same, but the claim does not touch the jobs row at all: the completion updates
//                it once.
// The narrow variants only probe the cost: readers would have to overlay the lease tables (a job
// with a lease reads RUNNING), and listing by state, the sweeper's, retention's and the timeout's
// indexes would need homes in the narrow tables. Each variant runs on a fresh database (dropped
// after); the order is given by VARIANTS (default ABCCBA). Run after `npm run build`:
//   N=40000 node --import tsx --import ./bench/built-code.mjs bench/layout-probe.ts
import { recordingChanges } from "../src/jobs/sql/notify.ts";
import { parseLeaseToken } from "../src/workers/protocol/lease.ts";
import { claimJobs } from "../src/workers/protocol/sql/claimJob.ts";
import { succeedJobs } from "../src/workers/protocol/sql/succeedJob.ts";
import { insertNoopJobs, NOOP_TYPE, startOurServer } from "./ours.ts";
import { describePgCost, startPgCost } from "./pg-cost.ts";

const N = Number(process.env.N ?? 40000);
const BATCH = 80;
const LOOPS = 2;

const ALTER = `
  drop index "jobs_tenantId_state_createdOn_id_idx"; drop index "jobs_claimable_idx"; drop index "jobs_claim_order_idx";
  drop index "jobs_lease_expiry_idx"; drop index "jobs_timeout_idx"; drop index "jobs_canceling_idx"; drop index "jobs_finishedOn_idx";
  alter table "jobs" set (fillfactor = ${process.env.FF ?? 50});
  create table "job_queue" ("id" uuid primary key, "priority" int not null, "createdOn" timestamptz not null);
  create index "job_queue_order" on "job_queue" ("priority" desc, "createdOn", "id");
  create unlogged table "job_leases" ("jobId" uuid primary key, "token" text not null, "expiresOn" timestamptz not null);
  create index "job_leases_expiry" on "job_leases" ("expiresOn");`;

const claimSql = (touchRow: boolean) =>
  recordingChanges(
    (record) => `with async as (select set_config('synchronous_commit', 'off', true)),
     c as (delete from "job_queue" q where q."id" in (
             select "id" from "job_queue" order by "priority" desc, "createdOn", "id" limit ${BATCH} for update skip locked)
           returning q."id"),
     l as (insert into "job_leases" ("jobId", "token", "expiresOn") select "id", md5("id"::text || $1::text), now() + interval '60 s' from c),
     ${
       touchRow
         ? `u as (update "jobs" j set "state" = 'RUNNING', "nativeState" = 'RUNNING', "startedOn" = coalesce(j."startedOn", now()),
             "attempts" = j."attempts" + 1, "revision" = j."revision" + 1, "statusSeq" = j."statusSeq" + 1, "updatedOn" = now()
             from c where j."id" = c."id" returning j.*),`
         : `u as (select j."id", j."tenantId", j."reasonerType", 'RUNNING'::"JobState" as "state", 'RUNNING' as "nativeState",
               j."revision" + 1 as "revision", j."statusSeq" + 1 as "statusSeq", j."payload" from c join "jobs" j on j."id" = c."id"),`
     }
     h as (insert into "job_status_changes" ("jobId", "seq", "state", "nativeState", "message", "agentId", "createdById")
           select "id", "statusSeq", "state", "nativeState", null, null, null from u),
     ${record.jobs("u")}
     select u."id", u."payload" from u cross join async`,
  );

const completeSql = (claimTouchedRow: boolean) =>
  recordingChanges(
    (record) => `with g as (select * from unnest($1::uuid[], $2::text[]) as g("id", "token")),
     l as (delete from "job_leases" x using g where x."jobId" = g."id" and x."token" = md5(g."id"::text || g."token") returning x."jobId"),
     m as (update "jobs" j set "state" = 'SUCCEEDED', "nativeState" = 'SUCCEEDED', "result" = 'null'::jsonb,
             "revision" = j."revision" + ${claimTouchedRow ? 1 : 2}, "statusSeq" = j."statusSeq" + ${claimTouchedRow ? 1 : 2},
             ${claimTouchedRow ? "" : `"startedOn" = coalesce(j."startedOn", now()), "attempts" = j."attempts" + 1,`}
             "updatedOn" = now(), "finishedOn" = now()
           from l where j."id" = l."jobId" returning j.*),
     h as (insert into "job_status_changes" ("jobId", "seq", "state", "nativeState", "message", "agentId", "createdById")
           select "id", "statusSeq", "state", "nativeState", 'completed', null, null from m),
     ${record.jobs("m")}
     select count(*)::int as n from m`,
  );

const NAMES: Record<string, string> = { A: "shipped", B: "narrow-hot", C: "lease-only" };

for (const variant of (process.env.VARIANTS ?? "A,B,C,C,B,A").split(",")) {
  const ours = await startOurServer(`layout_${variant.toLowerCase()}`);
  const db = ours.server.services.db;
  try {
    if (variant !== "A") await db.query(`do $$ begin ${ALTER} end $$`);
    const ids = await insertNoopJobs(db, ours.admin, N);
    if (variant !== "A")
      await db.query(
        `insert into "job_queue" select "id", "priority", "createdOn" from "jobs" where "id" = any($1::uuid[])`,
        [ids],
      );
    await db.query("vacuum analyze");
    const cost = await startPgCost();
    const t0 = performance.now();
    let done = 0;
    await Promise.all(
      Array.from({ length: LOOPS }, async () => {
        for (;;) {
          if (variant === "A") {
            const leases = await claimJobs(db, { reasonerTypes: [NOOP_TYPE], limit: BATCH, leaseSeconds: 60 });
            if (!leases.length) return;
            const answers = await succeedJobs(
              db,
              leases.map((l) => ({ lease: parseLeaseToken(l.token), tenantId: null, result: null, by: null })),
              false,
            );
            done += answers.filter((a) => a !== null).length;
          } else {
            const secret = Math.random().toString(36);
            const rows = await db.query<{ id: string }>(claimSql(variant === "B"), [secret]);
            if (!rows.length) return;
            const n = await db.query<{ n: number }>(completeSql(variant === "B"), [
              rows.map((r) => r.id),
              rows.map(() => secret),
            ]);
            done += n[0]!.n;
          }
        }
      }),
    );
    const s = (performance.now() - t0) / 1000;
    const c = await cost.stop(done);
    // Backends report their table counters at most once a second: wait for the last report.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const hot = await db.query<{ n_tup_upd: string; n_tup_hot_upd: string }>(
      `select n_tup_upd, n_tup_hot_upd from pg_stat_user_tables where relname = 'jobs'`,
    );
    console.log(
      NAMES[variant] ?? variant,
      `${done}/${N} jobs`,
      `${(done / s).toFixed(0)} jobs/s`,
      describePgCost(c),
      `HOT ${hot[0]!.n_tup_hot_upd}/${hot[0]!.n_tup_upd}`,
    );
  } finally {
    await ours.stop();
  }
}
process.exit(0);
