// Which jobs a viewer may see. Admins: the whole tenant. Members: their own and those shared with
// them. Workers: jobs of their tenant, read through their leases.
import type { Prisma } from "../../generated/prisma/client.ts";
import { uploadsVisibleTo } from "../../artifacts/visibility.ts";
import type { JobFilter, Viewer } from "../model.ts";
import { TERMINAL_STATES } from "../states.ts";

export function visibleJobs(viewer: Viewer): Prisma.JobWhereInput {
  if (viewer.role === "MEMBER") {
    return {
      tenantId: viewer.tenantId,
      OR: [{ createdBy: viewer.userId }, { access: { some: { subjectId: viewer.userId } } }],
    };
  }
  return { tenantId: viewer.tenantId };
}

/**
 * Artifacts, on every path (node(id:), downloads): visible exactly when their job is. One on no job is
 * either a user's uploaded dataset (its uploader, the tenant's admins and workers: uploadsVisibleTo)
 * or a worker's upload not yet attached by completeJob, which records no uploader and is nobody's to
 * read. This is the one place that rule lives.
 */
export function visibleArtifacts(viewer: Viewer): Prisma.ArtifactWhereInput {
  return {
    tenantId: viewer.tenantId,
    OR: [{ job: visibleJobs(viewer) }, { jobId: null, uploadedBy: uploadsVisibleTo(viewer) }],
  };
}

/** Lists show the caller's own jobs (and those shared with them); admins see everyone's with allUsers. */
export function listedJobs(filter: JobFilter, viewer: Viewer): Prisma.JobWhereInput {
  const base: Prisma.JobWhereInput =
    viewer.role === "ADMIN" && filter.allUsers
      ? { tenantId: viewer.tenantId }
      : {
          tenantId: viewer.tenantId,
          OR: [{ createdBy: viewer.userId }, { access: { some: { subjectId: viewer.userId } } }],
        };
  const where: Prisma.JobWhereInput[] = [base];
  if (filter.reasonerTypes) where.push({ reasonerType: { in: [...filter.reasonerTypes] } });
  if (filter.jobId) where.push({ id: filter.jobId });
  if (filter.state) where.push({ state: filter.state });
  if (filter.name) where.push({ name: filter.name });
  if (filter.createdBy) where.push({ createdBy: filter.createdBy });
  if (filter.assignedAgentId) where.push({ agent: { assignedAgentId: filter.assignedAgentId } });
  if (filter.archiveStatus) where.push({ agent: { archiveStatus: filter.archiveStatus } });
  if (filter.onlyActive) where.push({ state: { notIn: [...TERMINAL_STATES] } });
  return { AND: where };
}
