-- jobs(orderBy:) reads a page by walking an index of (tenantId, sort key, id) from its cursor, in
-- either direction (src/jobs/local/read-jobs.ts, SORT_KEYS); newest first keeps its own indexes.
-- The keys are those expressions, so the walk needs no sort and no NULL handling: a name by its
-- bytes ("C", the order the merge of gateways' pages compares in), none as ''; a job not finished as
-- finished at infinity. None of these columns changes on a heartbeat or an event or log append, so
-- those updates stay HOT. The expressions are not expressible in the Prisma schema.
CREATE INDEX "jobs_tenantId_name_order_idx" ON "jobs"("tenantId", (coalesce("name", '') COLLATE "C"), "id");
CREATE INDEX "jobs_tenantId_state_id_idx" ON "jobs"("tenantId", "state", "id");
CREATE INDEX "jobs_tenantId_finishedOn_order_idx" ON "jobs"("tenantId", (coalesce("finishedOn", 'infinity'::timestamptz)), "id");
