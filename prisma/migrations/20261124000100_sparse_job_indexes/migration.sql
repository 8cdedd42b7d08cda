-- Lookups by name and by parent batch never ask for null, so unnamed and top-level jobs need no entry
-- there. Every state change of a job rewrites its entry in each full index (the state is indexed,
-- so no update is HOT); partial indexes skip those writes for the jobs they do not hold.
-- Not expressible in the Prisma schema (partial indexes); the names and columns stay Prisma's.
DROP INDEX "jobs_tenantId_name_idx";
CREATE INDEX "jobs_tenantId_name_idx" ON "jobs"("tenantId", "name") WHERE "name" IS NOT NULL;
DROP INDEX "jobs_parentJobId_idx";
CREATE INDEX "jobs_parentJobId_idx" ON "jobs"("parentJobId") WHERE "parentJobId" IS NOT NULL;
