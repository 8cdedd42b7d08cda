import { Prisma } from "../../generated/prisma/client.ts";
import type { JobRecord } from "../model.ts";

export const jobInclude = {
  transaction: true,
  agent: true,
  generation: true,
  batch: true,
} as const satisfies Prisma.JobInclude;
export type JobRow = Prisma.JobGetPayload<{ include: typeof jobInclude }>;

/** Drops what must never leave the server (the lease token), bookkeeping counters and the creating trace. */
export function toJobRecord(row: JobRow): JobRecord {
  const {
    leaseToken: _secret,
    statusSeq: _s,
    impliedHistory: _i,
    handBacks: _h,
    eventSeq: _e,
    logSeq: _l,
    runAfter: _r,
    traceParent: _t,
    ...job
  } = row;
  return job;
}

/** JSON for a Prisma write: absent or null becomes SQL NULL. */
export function jsonValue(value: unknown): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return value === null || value === undefined ? Prisma.DbNull : (value as Prisma.InputJsonValue);
}
