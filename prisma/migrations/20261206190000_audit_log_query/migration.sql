-- The audit log as admins read it (Query.auditLog): who acted (user id and role, apart from the
-- display string in "actor"), under which request id, paged newest first by id within a tenant.
ALTER TABLE "audit_log" ADD COLUMN "actorId" TEXT;
ALTER TABLE "audit_log" ADD COLUMN "role" "Role";
ALTER TABLE "audit_log" ADD COLUMN "requestId" TEXT;

CREATE INDEX "audit_log_tenantId_id_idx" ON "audit_log"("tenantId", "id");
