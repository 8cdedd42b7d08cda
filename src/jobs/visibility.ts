// Who may see which jobs: the one rule. It is rendered twice, never restated: as an SQL condition
// for every read of our store (jobs/local/visibility.ts: list, count, load, artifacts, downloads)
// and in memory for live updates (live/visibility.ts); test/api/visibility-rule.test.ts holds the two
// renderings together. A remote gateway needs neither: its upstream applies this rule itself.
import type { JobFilter, Viewer } from "./model.ts";

/**
 * The jobs a viewer sees: always those of one tenant, and among them either every one or only those
 * `userId` created or was granted access to (a grant of any relation).
 */
export type JobSight =
  | { readonly tenantId: string; readonly scope: "tenant" }
  | { readonly tenantId: string; readonly scope: "ownOrShared"; readonly userId: string };

const wholeTenant = (viewer: Viewer): JobSight => ({ tenantId: viewer.tenantId, scope: "tenant" });
const ownOrShared = (viewer: Viewer): JobSight => ({
  tenantId: viewer.tenantId,
  scope: "ownOrShared",
  userId: viewer.userId,
});

/** Whose sight applies: a worker reading under a job's lease sees as that job's creator (Viewer.readsAs). */
const seeing = (viewer: Viewer): Viewer =>
  viewer.readsAs ? { ...viewer, userId: viewer.readsAs.userId, role: viewer.readsAs.role } : viewer;

/** As job(...), node(id:) and downloads read: members their own and those shared with them; every other role the whole tenant. */
export function readingSight(asked: Viewer): JobSight {
  const viewer = seeing(asked);
  return viewer.role === "MEMBER" ? ownOrShared(viewer) : wholeTenant(viewer);
}

/**
 * As jobs(filter) and jobsChanged list: the caller's own and those shared with them; the whole
 * tenant for admins asking allUsers, and for workers (agents waiting for work see every job, as
 * their claims do; jobs(...) itself refuses worker keys).
 */
export function listingSight(asked: Viewer, filter: Pick<JobFilter, "allUsers">): JobSight {
  const viewer = seeing(asked);
  return viewer.role === "WORKER" || (viewer.role === "ADMIN" && filter.allUsers)
    ? wholeTenant(viewer)
    : ownOrShared(viewer);
}
