// A schedule's job through the same validation as createJob / createGenerationJob: checked when the
// schedule is created (errors name `input.job.…`), and turned into the tick's NewJob when it fires.
import { defaultReasonerName } from "../families/queues.ts";
import type { CreateJobRequest, NewJob } from "../jobs/new-job.ts";
import { movedUnder } from "../jobs/validation.ts";
import type { ScheduledJob } from "./model.ts";

/** The createJob request a schedule's job is (named `scheduleName` when nothing else names it). */
export const scheduledJobRequest = (job: ScheduledJob, scheduleName: string): CreateJobRequest => ({
  reasonerType: job.reasonerType,
  reasonerName: job.reasonerName ?? defaultReasonerName(job.reasonerType),
  payload: job.payload,
  name: job.name,
  defaultName: scheduleName,
});

/** createJob's fields (`input.payload.rows`) as they sit under `path` (`input.job.payload.rows`). */
export const movedUnderJob = (error: unknown, path = "input.job") =>
  movedUnder(error, path, /payload|name|reasonerName|timeoutMins|idempotencyKey/);

/** The NewJob one tick creates; the tick's `idempotencyKey` replaces any key in the payload. */
export function newScheduledJob(
  job: ScheduledJob,
  idempotencyKey: string | null,
  /** createJob's reader (the server's newJobFromRequest, with its limits). */
  read: (request: CreateJobRequest) => NewJob,
  /** The schedule's name: the job's when neither the job nor its payload names one. */
  scheduleName: string,
  path = "input.job",
): NewJob {
  try {
    return { ...read(scheduledJobRequest(job, scheduleName)), idempotencyKey };
  } catch (error) {
    throw movedUnderJob(error, path);
  }
}

/** The tick's idempotency key: the same on every server, so a tick retried after a crash is the same job. */
export const tickKey = (scheduleId: string, tick: Date) => `schedule:${scheduleId}:${tick.toISOString()}`;
