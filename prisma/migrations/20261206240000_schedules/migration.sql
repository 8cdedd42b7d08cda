-- Cron schedules (src/schedules). A due row is claimed with FOR UPDATE SKIP LOCKED, so one server
-- fires each tick; the job it creates carries an idempotency key made of the schedule and the tick.

-- CreateEnum
CREATE TYPE "ScheduleCatchUp" AS ENUM ('ONCE', 'SKIP');

-- CreateTable
CREATE TABLE "schedules" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "createdBy" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "timezone" TEXT NOT NULL,
    "catchUp" "ScheduleCatchUp" NOT NULL DEFAULT 'ONCE',
    "job" JSONB NOT NULL,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "nextRunOn" TIMESTAMPTZ(3),
    "lastRunOn" TIMESTAMPTZ(3),
    "lastJobId" UUID,
    "lastError" TEXT,
    "firingUntil" TIMESTAMPTZ(3),
    "createdOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedOn" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "schedules_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "schedules_tenantId_createdBy_id_idx" ON "schedules"("tenantId", "createdBy", "id" DESC);

-- CreateIndex
CREATE INDEX "schedules_nextRunOn_idx" ON "schedules"("nextRunOn");
