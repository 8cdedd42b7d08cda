// Agent-job extras on the local store: comments, archive state with history, file metadata, access.
import type { Database } from "../../db/database.ts";
import { jobsError } from "../../errors.ts";
import { newId } from "../../ids.ts";
import type { AgentJobExtras } from "../gateway.ts";
import { DEFAULT_AGENT_QUEUE, type JobRecord, type Viewer } from "../model.ts";
import { touchJob } from "../sql/transitionJob.ts";
import { requireRelation } from "./access.ts";
import { requireAssignable } from "./agent-assignment.ts";
import { jsonValue } from "./rows.ts";

export function localAgentExtras(
  db: Database,
  loadOne: (jobId: string, viewer: Viewer) => Promise<JobRecord | null>,
): AgentJobExtras {
  const prisma = db.prisma;

  async function agentJob(jobId: string, viewer: Viewer): Promise<JobRecord> {
    const job = await loadOne(jobId, viewer);
    if (!job) throw jobsError("NOT_FOUND", `agent job ${jobId} not found`);
    // The job exists: say the operation does not apply to its family rather than pretend it is missing.
    if (job.reasonerType !== "AGENT") {
      throw jobsError("BAD_USER_INPUT", `this applies to AGENT jobs only; job ${jobId} is a ${job.reasonerType} job`, {
        field: "jobId",
      });
    }
    return job;
  }
  const reload = async (jobId: string, viewer: Viewer) => (await loadOne(jobId, viewer))!;

  return {
    async addComment(jobId, content, viewer) {
      const job = await agentJob(jobId, viewer);
      await requireRelation(db, job, viewer, "EDITOR");
      const comment = await prisma.comment.create({
        data: { id: newId(), jobId, content, createdById: viewer.userId },
      });
      await touchJob(db, jobId);
      return comment;
    },

    async setArchiveStatus(jobId, status, reason, viewer) {
      const job = await agentJob(jobId, viewer);
      await requireRelation(db, job, viewer, "EDITOR");
      await db.transaction(async (tx) => {
        // Archiving an archived job (or restoring an active one) changes nothing and records nothing.
        const changed = await tx.query(
          `update "agent_details" set "archiveStatus" = $2::"ArchiveStatus" where "jobId" = $1 and "archiveStatus" <> $2::"ArchiveStatus" returning "jobId"`,
          [jobId, status],
        );
        if (changed.length === 0) return;
        await tx.query(
          `insert into "archive_status_changes" ("id", "jobId", "status", "reason", "createdById") values ($1, $2, $3::"ArchiveStatus", $4, $5)`,
          [newId(), jobId, status, reason, viewer.userId],
        );
        await touchJob(tx, jobId);
      });
      return reload(jobId, viewer);
    },

    async updateFile(jobId, update, viewer) {
      const job = await agentJob(jobId, viewer);
      await requireRelation(db, job, viewer, "EDITOR");
      const data = {
        ...(update.description !== undefined && { description: update.description }),
        ...(update.displayName !== undefined && { displayName: update.displayName }),
        ...(update.externalIdentifier !== undefined && { externalIdentifier: update.externalIdentifier }),
        ...(update.versionName !== undefined && { versionName: update.versionName }),
        ...(update.properties !== undefined && { properties: jsonValue(update.properties) }),
      };
      await prisma.file.upsert({ where: { jobId }, update: data, create: { id: newId(), jobId, ...data } });
      if (update.mergeProperties) {
        const entries = Object.entries(update.mergeProperties);
        await db.query(
          `update "files" set "properties" = (coalesce("properties", '{}'::jsonb) || $2::jsonb) - $3::text[] where "jobId" = $1::uuid`,
          [
            jobId,
            JSON.stringify(Object.fromEntries(entries.filter(([, v]) => v !== null))),
            entries.filter(([, v]) => v === null).map(([k]) => k),
          ],
        );
      }
      await touchJob(db, jobId);
      return reload(jobId, viewer);
    },

    async assignAgent(jobId, target, viewer) {
      const job = await agentJob(jobId, viewer);
      await requireRelation(db, job, viewer, "EDITOR");
      await requireAssignable(db, viewer.tenantId, target, { agent: "agentId", pool: "agentPoolId" });
      const reassigned = await db.transaction(async (tx) => {
        // Only while it waits: a claimed job is already its agent's. Locking the job row first means
        // a claim racing this either finished before (the job no longer waits) or skips the job.
        // The queue follows the pool, as addAgentJob derives it.
        const moved = await tx.query(
          `update "jobs" set "queue" = $2, "reasonerName" = $2 where "id" = $1::uuid and "state" in ('CREATED', 'PENDING') returning "id"`,
          [jobId, target.agentPoolId ?? DEFAULT_AGENT_QUEUE],
        );
        if (moved.length === 0) return false;
        await tx.query(
          `update "agent_details" set "assignedAgentId" = $2, "assignedAgentPoolId" = $3 where "jobId" = $1::uuid`,
          [jobId, target.agentId, target.agentPoolId],
        );
        await touchJob(tx, jobId);
        return true;
      });
      if (!reassigned) {
        // Read after the transaction: PGlite has one connection, which the transaction held.
        const now = (await loadOne(jobId, viewer))?.state ?? job.state;
        throw jobsError("INVALID_TRANSITION", `job ${jobId} is ${now}; only a waiting job can be reassigned`, {
          state: now,
        });
      }
      return reload(jobId, viewer);
    },

    async createAccess(jobId, subject, relation, viewer) {
      const job = await agentJob(jobId, viewer);
      await requireRelation(db, job, viewer, "OWNER");
      if (!subject.subjectId === !subject.email) {
        throw jobsError("BAD_USER_INPUT", "give exactly one of subjectId and email", {
          field: subject.subjectId ? "email" : "subjectId",
        });
      }
      let subjectId = subject.subjectId ?? null;
      let email = subject.email ?? null;
      if (email) {
        // Emails are stored lower-cased, as `email` arrives; rows stored before that, as typed.
        const [user] = await db.query<{ userId: string }>(
          `select "userId" from "users" where "tenantId" = $1 and lower("email") = $2 order by "userId" limit 1`,
          [viewer.tenantId, email],
        );
        if (!user) throw jobsError("NOT_FOUND", `no user with email ${email} in this tenant`);
        subjectId = user.userId;
      } else if (subjectId) {
        email =
          (
            await prisma.user.findUnique({
              where: { tenantId_userId: { tenantId: viewer.tenantId, userId: subjectId } },
            })
          )?.email ?? null;
      }
      const existing = await prisma.accessGrant.findUnique({
        where: { jobId_subjectId: { jobId, subjectId: subjectId! } },
      });
      if (existing)
        throw jobsError("CONFLICT", `${subjectId} already has ${existing.relation} access; use updateJobAccess`);
      const grant = await prisma.accessGrant.create({ data: { jobId, subjectId: subjectId!, email, relation } });
      await touchJob(db, jobId);
      return grant;
    },

    async updateAccess(jobId, subjectId, relation, viewer) {
      const job = await agentJob(jobId, viewer);
      await requireRelation(db, job, viewer, "OWNER");
      refuseCreatorsGrant(job, subjectId);
      const grant = await db.transaction(async (tx) => {
        const rows = await tx.query<{
          jobId: string;
          subjectId: string;
          email: string | null;
          relation: "OWNER" | "EDITOR" | "VIEWER";
        }>(
          `update "access_grants" set "relation" = $3::"AccessRelation" where "jobId" = $1 and "subjectId" = $2
           returning "jobId", "subjectId", "email", "relation"`,
          [jobId, subjectId, relation],
        );
        if (!rows[0]) throw jobsError("NOT_FOUND", `${subjectId} has no access to job ${jobId}`);
        await assertAnOwnerRemains(tx, jobId);
        await touchJob(tx, jobId);
        return rows[0];
      });
      return grant;
    },

    async removeAccess(jobId, subjectId, viewer) {
      const job = await agentJob(jobId, viewer);
      await requireRelation(db, job, viewer, "OWNER");
      refuseCreatorsGrant(job, subjectId);
      return db.transaction(async (tx) => {
        const rows = await tx.query(
          `delete from "access_grants" where "jobId" = $1 and "subjectId" = $2 returning "subjectId"`,
          [jobId, subjectId],
        );
        if (rows.length === 0) return false;
        await assertAnOwnerRemains(tx, jobId);
        await touchJob(tx, jobId);
        return true;
      });
    },
  };
}

/**
 * The creator owns their job by having created it ("createdBy"), whatever the grants say: their row
 * is listed, but changing or removing it would answer as if their rights had changed when they had not.
 */
function refuseCreatorsGrant(job: { createdBy: string }, subjectId: string): void {
  if (subjectId === job.createdBy)
    throw jobsError("BAD_USER_INPUT", `subjectId: ${subjectId} created this job and always owns it`, {
      field: "subjectId",
    });
}

async function assertAnOwnerRemains(tx: { query: Database["query"] }, jobId: string): Promise<void> {
  const owners = await tx.query(`select 1 from "access_grants" where "jobId" = $1 and "relation" = 'OWNER' limit 1`, [
    jobId,
  ]);
  if (owners.length === 0) throw jobsError("CONFLICT", "a job must keep at least one OWNER");
}
