-- CreateEnum
CREATE TYPE "ReasonerType" AS ENUM ('LOGIC', 'PRESCRIPTIVE', 'PREDICTIVE', 'AGENT', 'GENERATION', 'BATCH');
CREATE TYPE "JobState" AS ENUM ('CREATED', 'QUEUED', 'PENDING', 'CLAIMED', 'VALIDATING', 'RUNNING', 'UPLOADING', 'CANCELING', 'SUCCEEDED', 'FAILED', 'CANCELED', 'UNKNOWN');
CREATE TYPE "Role" AS ENUM ('ADMIN', 'MEMBER', 'WORKER');
CREATE TYPE "ArchiveStatus" AS ENUM ('ACTIVE', 'ARCHIVED');
CREATE TYPE "AccessRelation" AS ENUM ('OWNER', 'EDITOR', 'VIEWER');
CREATE TYPE "GenerationKind" AS ENUM ('MOCK', 'SYNTHESIZE', 'SIMULATE', 'ANALYZE', 'TRAIN', 'FIT', 'VERIFY', 'FABRICATE', 'SCENARIO_FABRICATE', 'LIFT');
CREATE TYPE "PlanTier" AS ENUM ('FREE', 'STANDARD', 'ENTERPRISE');

-- CreateTable
CREATE TABLE "tenants" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "createdOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "users" (
    "tenantId" UUID NOT NULL,
    "userId" TEXT NOT NULL,
    "email" TEXT,
    "createdOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "users_pkey" PRIMARY KEY ("tenantId","userId")
);

CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "userId" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "prefix" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "createdOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedOn" TIMESTAMPTZ(3),
    "lastUsedOn" TIMESTAMPTZ(3),
    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "jobs" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "reasonerType" "ReasonerType" NOT NULL,
    "reasonerName" TEXT NOT NULL,
    "name" TEXT,
    "state" "JobState" NOT NULL,
    "nativeState" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedOn" TIMESTAMPTZ(3),
    "finishedOn" TIMESTAMPTZ(3),
    "timeoutMins" INTEGER,
    "payload" JSONB,
    "result" JSONB,
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "queue" TEXT NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "runAfter" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 3,
    "workerId" UUID,
    "leaseToken" TEXT,
    "leaseExpiresOn" TIMESTAMPTZ(3),
    "leaseSeconds" INTEGER,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "statusSeq" INTEGER NOT NULL DEFAULT 0,
    "eventSeq" INTEGER NOT NULL DEFAULT 0,
    "logSeq" INTEGER NOT NULL DEFAULT 0,
    "parentJobId" UUID,
    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "transaction_details" (
    "jobId" UUID NOT NULL,
    "databaseName" TEXT,
    "engineName" TEXT,
    "readOnly" BOOLEAN NOT NULL DEFAULT false,
    "abortReason" TEXT,
    "progress" JSONB,
    "timings" JSONB,
    CONSTRAINT "transaction_details_pkey" PRIMARY KEY ("jobId")
);

CREATE TABLE "agent_details" (
    "jobId" UUID NOT NULL,
    "modelId" TEXT,
    "functionName" TEXT NOT NULL,
    "functionVersion" TEXT,
    "toolName" TEXT,
    "toolVersion" TEXT,
    "operatingSystem" TEXT,
    "parameters" JSONB,
    "assignedAgentId" TEXT,
    "assignedAgentPoolId" TEXT,
    "agentId" TEXT,
    "archiveStatus" "ArchiveStatus" NOT NULL DEFAULT 'ACTIVE',
    CONSTRAINT "agent_details_pkey" PRIMARY KEY ("jobId")
);

CREATE TABLE "generation_details" (
    "jobId" UUID NOT NULL,
    "kind" "GenerationKind" NOT NULL,
    "rows" INTEGER,
    "description" TEXT,
    "seed" INTEGER NOT NULL,
    "planTier" "PlanTier" NOT NULL,
    "spec" JSONB,
    "estimatedCredits" DOUBLE PRECISION NOT NULL,
    "chargedCredits" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "rerunOfId" UUID,
    "evidence" JSONB,
    CONSTRAINT "generation_details_pkey" PRIMARY KEY ("jobId")
);

CREATE TABLE "credit_charges" (
    "jobId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "credits" DOUBLE PRECISION NOT NULL,
    "createdOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "credit_charges_pkey" PRIMARY KEY ("jobId")
);

CREATE TABLE "provenance_seals" (
    "id" UUID NOT NULL,
    "jobId" UUID NOT NULL,
    "sealHash" TEXT NOT NULL,
    "previousSealHash" TEXT,
    "createdOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "provenance_seals_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "batch_details" (
    "jobId" UUID NOT NULL,
    "metadata" JSONB,
    "instanceType" TEXT,
    "region" TEXT,
    CONSTRAINT "batch_details_pkey" PRIMARY KEY ("jobId")
);

CREATE TABLE "batch_steps" (
    "jobId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "run" JSONB NOT NULL,
    "metadata" JSONB,
    "ignoreChunkError" BOOLEAN NOT NULL DEFAULT false,
    "state" "JobState" NOT NULL DEFAULT 'PENDING',
    "childJobId" UUID,
    "startedOn" TIMESTAMPTZ(3),
    "finishedOn" TIMESTAMPTZ(3),
    CONSTRAINT "batch_steps_pkey" PRIMARY KEY ("jobId","position")
);

CREATE TABLE "job_status_changes" (
    "jobId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "state" "JobState" NOT NULL,
    "nativeState" TEXT NOT NULL,
    "message" TEXT,
    "agentId" TEXT,
    "createdById" TEXT,
    "createdOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "job_status_changes_pkey" PRIMARY KEY ("jobId","seq")
);

CREATE TABLE "job_events" (
    "jobId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "stream" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "createdOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "job_events_pkey" PRIMARY KEY ("jobId","seq")
);

CREATE TABLE "job_log_lines" (
    "jobId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "timestampMs" DOUBLE PRECISION NOT NULL,
    "level" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "step" TEXT,
    CONSTRAINT "job_log_lines_pkey" PRIMARY KEY ("jobId","seq")
);

CREATE TABLE "artifacts" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "jobId" UUID,
    "leaseToken" TEXT,
    "purpose" TEXT NOT NULL DEFAULT 'output',
    "name" TEXT NOT NULL,
    "artifactType" TEXT NOT NULL,
    "mimeType" TEXT,
    "sizeBytes" BIGINT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "createdOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "artifacts_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "problems" (
    "id" UUID NOT NULL,
    "jobId" UUID NOT NULL,
    "severity" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "details" JSONB,
    "createdOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "problems_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "comments" (
    "id" UUID NOT NULL,
    "jobId" UUID NOT NULL,
    "content" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "comments_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "archive_status_changes" (
    "id" UUID NOT NULL,
    "jobId" UUID NOT NULL,
    "status" "ArchiveStatus" NOT NULL,
    "reason" TEXT,
    "createdById" TEXT NOT NULL,
    "createdOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "archive_status_changes_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "access_grants" (
    "jobId" UUID NOT NULL,
    "subjectId" TEXT NOT NULL,
    "email" TEXT,
    "relation" "AccessRelation" NOT NULL,
    "createdOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "access_grants_pkey" PRIMARY KEY ("jobId","subjectId")
);

CREATE TABLE "files" (
    "id" UUID NOT NULL,
    "jobId" UUID NOT NULL,
    "description" TEXT,
    "displayName" TEXT,
    "externalIdentifier" TEXT,
    "versionName" TEXT,
    "properties" JSONB,
    "createdOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "files_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "file_revisions" (
    "id" UUID NOT NULL,
    "fileId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "mimeType" TEXT,
    "sizeBytes" BIGINT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "createdOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "file_revisions_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "idempotency_keys" (
    "tenantId" UUID NOT NULL,
    "createdBy" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "jobId" UUID NOT NULL,
    "requestHash" TEXT NOT NULL,
    "createdOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("tenantId","createdBy","key")
);

CREATE TABLE "workers" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "reasonerTypes" "ReasonerType"[],
    "reasonerNames" TEXT[],
    "poolId" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "workers_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "tenantId" UUID,
    "actor" TEXT,
    "operation" TEXT NOT NULL,
    "target" TEXT,
    "outcome" TEXT NOT NULL,
    "createdOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "users_tenantId_email_idx" ON "users"("tenantId", "email");
CREATE UNIQUE INDEX "api_keys_secretHash_key" ON "api_keys"("secretHash");
CREATE INDEX "api_keys_tenantId_createdOn_idx" ON "api_keys"("tenantId", "createdOn");
CREATE INDEX "jobs_tenantId_createdOn_id_idx" ON "jobs"("tenantId", "createdOn" DESC, "id" DESC);
CREATE INDEX "jobs_tenantId_reasonerType_createdOn_id_idx" ON "jobs"("tenantId", "reasonerType", "createdOn" DESC, "id" DESC);
CREATE INDEX "jobs_tenantId_createdBy_createdOn_id_idx" ON "jobs"("tenantId", "createdBy", "createdOn" DESC, "id" DESC);
CREATE INDEX "jobs_tenantId_state_createdOn_id_idx" ON "jobs"("tenantId", "state", "createdOn" DESC, "id" DESC);
CREATE INDEX "jobs_tenantId_name_idx" ON "jobs"("tenantId", "name");
CREATE INDEX "jobs_parentJobId_idx" ON "jobs"("parentJobId");
CREATE INDEX "generation_details_rerunOfId_idx" ON "generation_details"("rerunOfId");
CREATE INDEX "credit_charges_tenantId_createdOn_idx" ON "credit_charges"("tenantId", "createdOn");
CREATE UNIQUE INDEX "provenance_seals_jobId_key" ON "provenance_seals"("jobId");
CREATE UNIQUE INDEX "provenance_seals_sealHash_key" ON "provenance_seals"("sealHash");
CREATE UNIQUE INDEX "provenance_seals_previousSealHash_key" ON "provenance_seals"("previousSealHash");
CREATE UNIQUE INDEX "batch_steps_jobId_name_key" ON "batch_steps"("jobId", "name");
CREATE INDEX "job_events_jobId_stream_seq_idx" ON "job_events"("jobId", "stream", "seq");
CREATE INDEX "job_log_lines_jobId_timestampMs_idx" ON "job_log_lines"("jobId", "timestampMs");
CREATE INDEX "artifacts_jobId_createdOn_idx" ON "artifacts"("jobId", "createdOn");
CREATE INDEX "problems_jobId_createdOn_idx" ON "problems"("jobId", "createdOn");
CREATE INDEX "comments_jobId_createdOn_idx" ON "comments"("jobId", "createdOn");
CREATE INDEX "archive_status_changes_jobId_createdOn_idx" ON "archive_status_changes"("jobId", "createdOn");
CREATE INDEX "access_grants_subjectId_idx" ON "access_grants"("subjectId");
CREATE UNIQUE INDEX "files_jobId_key" ON "files"("jobId");
CREATE INDEX "file_revisions_fileId_createdOn_idx" ON "file_revisions"("fileId", "createdOn");
CREATE INDEX "workers_tenantId_idx" ON "workers"("tenantId");
CREATE INDEX "audit_log_tenantId_createdOn_idx" ON "audit_log"("tenantId", "createdOn");

-- Not expressible in the Prisma schema: the claim path's partial index over runnable jobs, in the
-- order claimJob serves them (queue, higher priority first, then oldest).
CREATE INDEX "jobs_claimable_idx" ON "jobs"("reasonerType", "queue", "priority" DESC, "createdOn", "id")
    WHERE "state" IN ('QUEUED', 'PENDING');
-- The sweeper's scans: expired leases and running jobs with a timeout.
CREATE INDEX "jobs_lease_expiry_idx" ON "jobs"("leaseExpiresOn") WHERE "leaseExpiresOn" IS NOT NULL;
CREATE INDEX "jobs_timeout_idx" ON "jobs"("createdOn") WHERE "timeoutMins" IS NOT NULL AND "state" NOT IN ('SUCCEEDED', 'FAILED', 'CANCELED');

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "transaction_details" ADD CONSTRAINT "transaction_details_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "agent_details" ADD CONSTRAINT "agent_details_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "generation_details" ADD CONSTRAINT "generation_details_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "provenance_seals" ADD CONSTRAINT "provenance_seals_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "generation_details"("jobId") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "batch_details" ADD CONSTRAINT "batch_details_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "batch_steps" ADD CONSTRAINT "batch_steps_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "job_status_changes" ADD CONSTRAINT "job_status_changes_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "job_events" ADD CONSTRAINT "job_events_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "job_log_lines" ADD CONSTRAINT "job_log_lines_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "artifacts" ADD CONSTRAINT "artifacts_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "problems" ADD CONSTRAINT "problems_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "comments" ADD CONSTRAINT "comments_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "archive_status_changes" ADD CONSTRAINT "archive_status_changes_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "access_grants" ADD CONSTRAINT "access_grants_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "files" ADD CONSTRAINT "files_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "file_revisions" ADD CONSTRAINT "file_revisions_fileId_fkey" FOREIGN KEY ("fileId") REFERENCES "files"("id") ON DELETE CASCADE ON UPDATE CASCADE;
