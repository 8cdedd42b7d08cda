// Who sees an uploaded dataset: its uploader and the tenant's admins, and the tenant's WORKER keys,
// which read the inputs of the jobs they run (as they read every job's artifacts of their tenant).
// Artifacts of jobs follow their job's visibility instead (see jobs/local/visibility.ts).
import type { Viewer } from "../jobs/model.ts";

/** A Prisma filter on artifacts.uploadedBy: a member's own uploads, or (admins, workers) every upload of the tenant. */
export function uploadsVisibleTo(viewer: Viewer): string | { not: null } {
  return viewer.role === "MEMBER" ? viewer.userId : { not: null };
}
