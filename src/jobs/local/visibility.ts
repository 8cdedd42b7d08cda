// The visibility rule of src/jobs/visibility.ts rendered to SQL: every read of our store that a
// viewer's sight limits (jobs listed, counted and loaded, artifacts, downloads) takes its condition
// from here. live/visibility.ts renders the same rule in memory.
import type { Viewer } from "../model.ts";
import { type JobSight, readingSight } from "../visibility.ts";

/** Adds a value to a statement's parameters and names it ($n). */
export type Param = (value: unknown) => string;

/** The jobs (aliased `j`) the sight takes in, as an SQL condition. */
export function jobSightSql(sight: JobSight, param: Param, j = "j"): string {
  const tenant = `${j}."tenantId" = ${param(sight.tenantId)}::uuid`;
  if (sight.scope === "tenant") return tenant;
  const user = param(sight.userId);
  return `${tenant} and (${j}."createdBy" = ${user} or exists (select 1 from "access_grants" g where g."jobId" = ${j}."id" and g."subjectId" = ${user}))`;
}

/**
 * The artifacts (aliased `a`) a viewer may read, on every path (node(id:), downloads): those of the
 * jobs in their reading sight, and uploaded datasets (on no job) of a user in it: a member's own, the
 * whole tenant's for the other roles. A worker's upload not yet attached by completeJob records no
 * uploader and is nobody's to read.
 */
export function visibleArtifactsSql(viewer: Viewer, param: Param, a = "a"): string {
  const sight = readingSight(viewer);
  const uploader =
    sight.scope === "tenant" ? `${a}."uploadedBy" is not null` : `${a}."uploadedBy" = ${param(sight.userId)}`;
  return (
    `${a}."tenantId" = ${param(sight.tenantId)}::uuid and (` +
    `exists (select 1 from "jobs" j where j."id" = ${a}."jobId" and ${jobSightSql(sight, param)})` +
    ` or (${a}."jobId" is null and ${uploader}))`
  );
}
