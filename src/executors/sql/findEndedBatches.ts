// Batches that ended while steps were still open and no executor was there to close them: a batch
// handed back (its executor's process crashed or stopped) and then canceled while it waited, or timed
// out, or failed by the sweeper. Found through "batch_steps_open_idx", which holds only the open
// steps of batches, so a pass with nothing to do reads a handful of index entries.
import type { Sql } from "../../db/database.ts";
import type { JobState, ReasonerType } from "../../jobs/model.ts";
import { TERMINAL_SQL } from "../../workers/protocol/states-sql.ts";

export interface EndedBatch {
  id: string;
  tenantId: string;
  createdBy: string;
  state: JobState;
  errorCode: string | null;
  /** How long ago it ended, by the database's clock: what bounds the retries of an upstream child's cancel. */
  endedMsAgo: number;
  /** The jobs its open steps made, which may still run, with their steps' names. */
  children: { jobId: string; reasonerType: ReasonerType; step: string }[];
}

/**
 * In id order, after `after` (null: from the first): a batch whose child's upstream cannot be reached
 * stays open and is found again, so passes go round rather than read the same first ones each time.
 */
export async function findEndedBatches(sql: Sql, limit: number, after: string | null = null): Promise<EndedBatch[]> {
  return sql.query<EndedBatch>(
    `select b."id", b."tenantId", b."createdBy", b."state", b."errorCode",
            extract(epoch from now() - coalesce(b."finishedOn", b."updatedOn"))::float8 * 1000 as "endedMsAgo",
            coalesce(json_agg(json_build_object('jobId', s."childJobId", 'reasonerType', s."run"->>'reasonerType', 'step', s."name"))
                       filter (where s."childJobId" is not null), '[]') as "children"
       from "batch_steps" s join "jobs" b on b."id" = s."jobId"
      where s."state" not in ${TERMINAL_SQL} and b."state" in ${TERMINAL_SQL}
        and ($2::uuid is null or b."id" > $2::uuid)
      group by b."id" order by b."id" limit $1`,
    [limit, after],
  );
}
