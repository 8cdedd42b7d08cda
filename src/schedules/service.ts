// Managing schedules, independent of GraphQL: members manage their own, admins every schedule of
// their tenant; another tenant's (or another member's) schedule is not found. Worker keys have none.
import type { Database } from "../db/database.ts";
import { jobsError, notFound } from "../errors.ts";
import { newId } from "../ids.ts";
import { connection, decodeCursor, encodeCursor, pageSize, type Connection } from "../jobs/cursor.ts";
import type { ReasonerType, Viewer } from "../jobs/model.ts";
import type { CreateJobRequest } from "../jobs/new-job.ts";
import { isUuid, name255, parseInput } from "../jobs/validation.ts";
import { nextRunAfter, parseCronSpec } from "./cron.ts";
import type { CatchUpPolicy, ScheduledJob, ScheduleRecord } from "./model.ts";
import { movedUnderJob, scheduledJobRequest } from "./scheduled-job.ts";
import { deleteSchedule } from "./sql/deleteSchedule.ts";
import { insertSchedule } from "./sql/insertSchedule.ts";
import { selectSchedulePage } from "./sql/selectSchedules.ts";
import { setSchedulePaused } from "./sql/setSchedulePaused.ts";

export interface CreateScheduleRequest {
  name: string;
  cron: string;
  timezone?: string | null;
  catchUp?: CatchUpPolicy | null;
  job: { reasonerType: ReasonerType; reasonerName?: string | null; payload?: unknown; name?: string | null };
}

type SchedulePosition = { i: string };
const isSchedulePosition = (v: unknown): v is SchedulePosition =>
  typeof v === "object" && v !== null && isUuid((v as SchedulePosition).i);

export class ScheduleService {
  constructor(
    private readonly db: Database,
    /**
     * createJob's checks, creating nothing (JobService.validate): the job read as createJob reads it
     * (with the server's limits), the agents and pools it names, a family or a batch's steps served
     * upstream checked there, as the caller.
     */
    private readonly check: (request: CreateJobRequest, viewer: Viewer) => Promise<void>,
    /** Whether a six-field expression (seconds first) is accepted: JOBS_SCHEDULE_SECONDS. */
    private readonly seconds = false,
  ) {}

  async create(input: CreateScheduleRequest, viewer: Viewer): Promise<ScheduleRecord> {
    refuseWorkers(viewer);
    const name = parseInput(name255, input.name, "input.name");
    const spec = parseCronSpec({ cron: input.cron, timezone: input.timezone ?? "UTC" }, "input", {
      seconds: this.seconds,
    });
    const job: ScheduledJob = {
      reasonerType: input.job.reasonerType,
      reasonerName: input.job.reasonerName ?? null,
      payload: input.job.payload as Record<string, unknown>,
      name: input.job.name ?? null,
    };
    // Refused now, as createJob would refuse it, rather than at every tick; its fields named under input.job.
    await this.check(scheduledJobRequest(job, name), viewer).catch((error: unknown) => {
      throw movedUnderJob(error);
    });
    return insertSchedule(this.db, {
      id: newId(),
      tenantId: viewer.tenantId,
      createdBy: viewer.userId,
      name,
      ...spec,
      catchUp: input.catchUp ?? "ONCE",
      job,
      nextRunOn: nextRunAfter(spec, new Date()),
    });
  }

  /** Newest first. */
  async list(
    first: number | null | undefined,
    after: string | null | undefined,
    viewer: Viewer,
  ): Promise<Connection<ScheduleRecord>> {
    refuseWorkers(viewer);
    const limit = pageSize(first, 50);
    const beforeId = after != null ? decodeCursor(after, isSchedulePosition).i : null;
    const rows = await selectSchedulePage(this.db, viewer, beforeId, limit + 1);
    const edges = rows.slice(0, limit).map((node) => ({ cursor: encodeCursor({ i: node.id }), node }));
    return connection(edges, rows.length > limit, after != null);
  }

  async pause(id: string, viewer: Viewer): Promise<ScheduleRecord> {
    refuseWorkers(viewer);
    return (isUuid(id) ? await setSchedulePaused(this.db, viewer, id, { paused: true }) : null) ?? scheduleNotFound(id);
  }

  /** Armed at the first tick from now: ticks that passed while paused are not caught up. */
  async resume(id: string, viewer: Viewer): Promise<ScheduleRecord> {
    refuseWorkers(viewer);
    if (!isUuid(id)) return scheduleNotFound(id);
    // The expression was checked when stored; only its next tick is needed.
    const rows = await this.db.query<{ cron: string; timezone: string }>(
      `select "cron", "timezone" from "schedules" where "id" = $1::uuid`,
      [id],
    );
    const nextRunOn = rows[0] ? nextRunAfter(rows[0], new Date()) : null;
    return (await setSchedulePaused(this.db, viewer, id, { paused: false, nextRunOn })) ?? scheduleNotFound(id);
  }

  async delete(id: string, viewer: Viewer): Promise<boolean> {
    refuseWorkers(viewer);
    return (isUuid(id) && (await deleteSchedule(this.db, viewer, id))) || scheduleNotFound(id);
  }
}

function refuseWorkers(viewer: Viewer): void {
  if (viewer.role === "WORKER")
    throw jobsError("FORBIDDEN", "worker keys run the worker protocol only; they have no schedules");
}

function scheduleNotFound(id: string): never {
  throw notFound(`schedule ${id}`);
}
