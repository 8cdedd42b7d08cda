// The plans of jobs(orderBy:) pages on 100,000 jobs in PostgreSQL: the first page and one deep in
// the list (after the 20,000th job), for an admin listing the tenant and a member listing their
// own, in every order (only newest first and CREATED_ON ASC have an index to walk: the others sort
// the viewer's matching jobs for each page). Run: npx tsx bench/job-orders-probe.ts (BENCH_PG_URL for another server).
import { type Database, openDatabase, type Sql } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { type ListedPosition, selectListedJobs } from "../src/jobs/local/read-jobs.ts";
import type { JobFilter, Viewer } from "../src/jobs/model.ts";
import { DEFAULT_JOB_ORDER, JOB_ORDER_FIELDS, type JobOrder, sortKeyOf } from "../src/jobs/order.ts";
import { freshDatabase } from "./db.ts";

const JOBS = 100_000;
const TENANT = "00000000-0000-4000-8000-000000000001";

/** The statement selectListedJobs would send, and its values, instead of sending it. */
function captured(): { sql: Sql; last: () => { text: string; values: readonly unknown[] } } {
  let last: { text: string; values: readonly unknown[] } | undefined;
  const sql: Sql = {
    query: async () => [],
    queryRecords: async (text, values) => {
      last = { text: String(text), values };
      return [];
    },
  };
  return { sql, last: () => last! };
}

async function explain(db: Database, order: JobOrder, filter: JobFilter, viewer: Viewer, after: ListedPosition | null) {
  const c = captured();
  await selectListedJobs(c.sql, filter, order, after, 51, viewer);
  const { text, values } = c.last();
  const rows = await db.query<{ "QUERY PLAN": string }>(`explain (analyze, buffers, costs off) ${text}`, values);
  const plan = rows.map((r) => r["QUERY PLAN"]);
  // The plan's shape (its nodes and index conditions), the rows it read, and its time.
  const shape = plan.filter(
    (l) => /Scan|Sort|Limit|Index Cond|Filter:|Rows Removed/.test(l) && !/SubPlan|dt\.|da\.|dg\.|db\./.test(l),
  );
  return {
    shape: shape.slice(0, 6).map((l) => l.trim().slice(0, 150)),
    time: plan.find((l) => l.startsWith("Execution Time")),
  };
}

const fresh = await freshDatabase("job_orders");
const db = await openDatabase({ databaseUrl: fresh.url, dataDir: "memory://" });
try {
  await migrate(db);
  await db.query(`
    insert into "jobs" ("id", "tenantId", "reasonerType", "reasonerName", "name", "state", "nativeState", "createdBy",
      "createdOn", "updatedOn", "finishedOn", "queue")
    select gen_random_uuid(), '${TENANT}', (array['LOGIC','AGENT','GENERATION','BATCH'])[1 + i % 4]::"ReasonerType", 'r',
      case when i % 20 = 0 then null else 'job-' || (i % 5000) end,
      (array['CREATED','QUEUED','RUNNING','SUCCEEDED','FAILED','CANCELED'])[1 + i % 6]::"JobState", 'x',
      'user-' || (i % 10), now() - i * interval '1 second', now() - i * interval '1 second',
      case when i % 6 >= 3 then now() - i * interval '1 second' + interval '5 seconds' end, 'default'
    from generate_series(1, ${JOBS}) i`);
  await db.query(`analyze "jobs"`);
  const admin: Viewer = { tenantId: TENANT, userId: "user-0", role: "ADMIN", email: null, apiKeyId: null };
  const member: Viewer = { tenantId: TENANT, userId: "user-3", role: "MEMBER", email: null, apiKeyId: null };
  const cases: [string, Viewer, JobFilter][] = [
    ["admin, allUsers", admin, { allUsers: true }],
    ["member, own", member, {}],
  ];
  const orders: JobOrder[] = [
    DEFAULT_JOB_ORDER,
    ...JOB_ORDER_FIELDS.flatMap((field) => (["ASC", "DESC"] as const).map((direction) => ({ field, direction }))),
  ].filter((o, i) => i === 0 || o.field !== "CREATED_ON" || o.direction === "ASC");
  for (const [label, viewer, filter] of cases) {
    for (const order of orders) {
      const deep = (await selectListedJobs(db, filter, order, null, 20_000, viewer)).at(-1)!;
      const after = { key: sortKeyOf(order, deep), id: deep.id };
      for (const [page, position] of [
        ["first page", null],
        ["after 20,000", after],
      ] as const) {
        const { shape, time } = await explain(db, order, filter, viewer, position);
        console.log(`\n${label} | ${order.field} ${order.direction} | ${page} | ${time}\n  ${shape.join("\n  ")}`);
      }
    }
  }
} finally {
  await db.close();
  await fresh.drop();
}
