// What a viewer may do to a job they can see: the creator and admins own it; grants say the rest.
import type { Database } from "../../db/database.ts";
import { jobsError } from "../../errors.ts";
import type { AccessRelation, JobRecord, Viewer } from "../model.ts";

const STRENGTH: Record<AccessRelation, number> = { VIEWER: 1, EDITOR: 2, OWNER: 3 };

export async function relationOf(db: Database, job: JobRecord, viewer: Viewer): Promise<AccessRelation | null> {
  if (job.tenantId !== viewer.tenantId) return null;
  if (viewer.role === "ADMIN" || job.createdBy === viewer.userId) return "OWNER";
  const grant = await db.prisma.accessGrant.findUnique({
    where: { jobId_subjectId: { jobId: job.id, subjectId: viewer.userId } },
  });
  return grant?.relation ?? null;
}

export async function requireRelation(
  db: Database,
  job: JobRecord,
  viewer: Viewer,
  needed: AccessRelation,
): Promise<void> {
  const has = await relationOf(db, job, viewer);
  if (!has) throw jobsError("NOT_FOUND", `job ${job.id} not found`);
  if (STRENGTH[has] < STRENGTH[needed]) {
    throw jobsError("FORBIDDEN", `this needs ${needed} access to job ${job.id}; you have ${has}`);
  }
}
