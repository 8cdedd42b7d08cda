// Batch reads of everything that hangs off a job: one statement per expansion per page.
import type { Database, Sql } from "../../db/database.ts";
import type {
  AccessGrantRecord,
  ArchiveChangeRecord,
  ArtifactRecord,
  BatchStepRecord,
  CommentRecord,
  EventWindow,
  FileRecord,
  JobEventRecord,
  JobExpansions,
  LogLineRecord,
  LogWindow,
  ProblemRecord,
  SealRecord,
  StatusChangeRecord,
} from "../gateway.ts";
import { ReasonerTypes } from "../model.ts";
import { initialHistory } from "../states.ts";
import { artifactRows } from "./artifact-rows.ts";
import { enumText, plain, recordReader, timestamp, timestampOrNull } from "./columns.ts";

const statusChanges = recordReader<StatusChangeRecord>({
  jobId: plain(),
  seq: plain(),
  state: enumText(),
  nativeState: plain(),
  message: plain(),
  agentId: plain(),
  createdById: plain(),
  createdOn: timestamp(),
});
/**
 * Every family's initial entries as SQL rows, made once from states.ts: a job's first
 * "impliedHistory" entries are these, by its creator at its creation (nothing stored them).
 */
const INITIAL_HISTORY = Object.values(ReasonerTypes)
  .flatMap((type) =>
    initialHistory(type).map(
      (e) => `('${type}'::"ReasonerType", ${e.seq}, '${e.state}'::"JobState", '${e.nativeState}')`,
    ),
  )
  .join(", ");
const STATUS_HISTORY = `select ${statusChanges.select("h")} from (
    select j."id" as "jobId", i."seq", i."state", i."nativeState", null::text as "message", null::text as "agentId",
      j."createdBy" as "createdById", j."createdOn"
    from "jobs" j join (values ${INITIAL_HISTORY}) as i("reasonerType", "seq", "state", "nativeState")
      on i."reasonerType" = j."reasonerType" and i."seq" <= j."impliedHistory"
    where j."id" = any($1::uuid[])
    union all
    select "jobId", "seq", "state", "nativeState", "message", "agentId", "createdById", "createdOn"
    from "job_status_changes" where "jobId" = any($1::uuid[])) h
  order by h."jobId", h."seq"`;

/** The status history of each of `jobIds` (implied entries, then stored ones), oldest first. */
export async function statusHistoryOf(sql: Sql, jobIds: readonly string[]): Promise<StatusChangeRecord[][]> {
  return groupBy(jobIds, await sql.queryRecords(STATUS_HISTORY, [jobIds], statusChanges.read));
}

const events = recordReader<JobEventRecord>({
  jobId: plain(),
  seq: plain(),
  stream: plain(),
  data: plain(),
  createdOn: timestamp(),
});
const EVENTS = `select ${events.select("ranked")} from (
    select e.*, row_number() over (partition by "jobId" order by "seq") as n
    from "job_events" e where "jobId" = any($1::uuid[]) and "stream" = $2 and "seq" > $3) ranked
  where n <= $4 order by "jobId", "seq"`;

const batchSteps = recordReader<BatchStepRecord>({
  jobId: plain(),
  position: plain(),
  name: plain(),
  run: plain(),
  metadata: plain(),
  ignoreChunkError: plain(),
  state: enumText(),
  childJobId: plain(),
  startedOn: timestampOrNull(),
  finishedOn: timestampOrNull(),
});
/** The steps that made these jobs (batch_steps_childJobId_idx): one statement, whatever the number of ids. */
export const STEPS_BY_CHILD = `select ${batchSteps.select("s")} from "batch_steps" s where s."childJobId" = any($1::uuid[])`;

const OUTPUT_ARTIFACTS = `select ${artifactRows.select("a")} from "artifacts" a
  where a."jobId" = any($1::uuid[]) and a."purpose" = 'output' order by a."createdOn", a."id"`;

function groupBy<T extends { jobId: string | null }>(ids: readonly string[], rows: T[]): T[][] {
  const byId = new Map<string, T[]>(ids.map((id) => [id, []]));
  for (const row of rows) if (row.jobId) byId.get(row.jobId)?.push(row);
  return ids.map((id) => byId.get(id) ?? []);
}

function oneEach<T>(ids: readonly string[], rows: T[], key: (row: T) => string): (T | null)[] {
  const byId = new Map(rows.map((r) => [key(r), r]));
  return ids.map((id) => byId.get(id) ?? null);
}

export function localExpansions(db: Database): JobExpansions {
  const prisma = db.prisma;
  return {
    // Status history, events and artifacts are read with plain SQL (one prepared statement, whatever
    // the number of ids) into exactly the records Prisma's findMany made, by name through their
    // column lists (columns.ts): a page of 50 jobs maps hundreds of rows, and Prisma's row mapping
    // cost more than the statements.
    statusHistory: (jobIds) => statusHistoryOf(db, jobIds),
    async events(jobIds, w: EventWindow) {
      const rows = await db.queryRecords(EVENTS, [jobIds, w.stream, w.afterSeq, w.first + 1], events.read);
      return groupBy(jobIds, rows);
    },
    async logs(jobIds, w: LogWindow) {
      const rows = await db.query<LogLineRecord>(
        `select "jobId", "seq", "timestampMs", "level", "message", "step" from (
           select l.*, row_number() over (partition by "jobId" order by "seq") as n
           from "job_log_lines" l where "jobId" = any($1::uuid[]) and "seq" > $2
             and ($3::double precision is null or "timestampMs" >= $3)) ranked
         where n <= $4 order by "jobId", "seq"`,
        [jobIds, w.afterSeq, w.sinceMs, w.first + 1],
      );
      return groupBy(jobIds, rows);
    },
    async artifacts(jobIds) {
      const rows = await db.queryRecords(OUTPUT_ARTIFACTS, [jobIds], artifactRows.read);
      return groupBy(jobIds, rows);
    },
    async artifactsById(ids) {
      const rows = await prisma.artifact.findMany({ where: { id: { in: [...ids] } } });
      return oneEach<ArtifactRecord>(ids, rows, (r) => r.id);
    },
    async problems(jobIds) {
      const rows = await prisma.problem.findMany({
        where: { jobId: { in: [...jobIds] } },
        orderBy: [{ createdOn: "asc" }, { id: "asc" }],
      });
      return groupBy<ProblemRecord>(jobIds, rows);
    },
    async comments(jobIds) {
      const rows = await prisma.comment.findMany({
        where: { jobId: { in: [...jobIds] } },
        orderBy: [{ createdOn: "asc" }, { id: "asc" }],
      });
      return groupBy<CommentRecord>(jobIds, rows);
    },
    async archiveHistory(jobIds) {
      const rows = await prisma.archiveStatusChange.findMany({
        where: { jobId: { in: [...jobIds] } },
        orderBy: [{ createdOn: "asc" }, { id: "asc" }],
      });
      return groupBy<ArchiveChangeRecord>(jobIds, rows);
    },
    async access(jobIds) {
      const rows = await prisma.accessGrant.findMany({
        where: { jobId: { in: [...jobIds] } },
        orderBy: [{ createdOn: "asc" }, { subjectId: "asc" }],
      });
      return groupBy<AccessGrantRecord>(jobIds, rows);
    },
    async files(jobIds) {
      const rows = await prisma.file.findMany({
        where: { jobId: { in: [...jobIds] } },
        include: { revisions: { orderBy: [{ createdOn: "asc" }, { id: "asc" }] } },
      });
      return oneEach<FileRecord>(jobIds, rows, (r) => r.jobId);
    },
    async steps(jobIds) {
      const rows = await prisma.batchStep.findMany({
        where: { jobId: { in: [...jobIds] } },
        orderBy: [{ jobId: "asc" }, { position: "asc" }],
      });
      return groupBy<BatchStepRecord>(jobIds, rows);
    },
    async madeBy(jobIds) {
      const rows = await db.queryRecords(STEPS_BY_CHILD, [jobIds], batchSteps.read);
      return oneEach(jobIds, rows, (r) => r.childJobId!);
    },
    async seals(jobIds) {
      const rows = await prisma.provenanceSeal.findMany({ where: { jobId: { in: [...jobIds] } } });
      return oneEach<SealRecord>(jobIds, rows, (r) => r.jobId);
    },
  };
}
