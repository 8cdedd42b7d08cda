// Who sees an uploaded dataset: its uploader and the tenant's admins. Artifacts of jobs follow their
// job's visibility instead (see jobs/local/visibility.ts).
import type { Viewer } from "../jobs/model.ts";

/** A Prisma filter on artifacts.uploadedBy: the viewer's own uploads, or (admins) every upload of the tenant. */
export function uploadsVisibleTo(viewer: Viewer): string | { not: null } {
  return viewer.role === "ADMIN" ? { not: null } : viewer.userId;
}

/** For an artifact already known to be of the viewer's tenant: false only for someone else's upload seen by a non-admin. */
export function canSeeUpload(artifact: { jobId: string | null; uploadedBy: string | null }, viewer: Viewer): boolean {
  if (artifact.jobId !== null || artifact.uploadedBy === null) return true;
  return viewer.role === "ADMIN" || artifact.uploadedBy === viewer.userId;
}
