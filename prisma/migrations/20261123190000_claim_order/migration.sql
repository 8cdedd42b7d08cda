-- The claim statement serves waiting jobs across queues and families in one global order (higher
-- priority first, then oldest). jobs_claimable_idx leads with ("reasonerType", "queue"), so that
-- order could only be had by reading and sorting every waiting job on each claim (a sequential scan:
-- ~100 ms a claim with 50,000 jobs waiting). This partial index holds exactly that order, so a claim
-- walks it from the front and stops at the first eligible, unlocked job.
-- Not expressible in the Prisma schema (partial index), like jobs_claimable_idx.
CREATE INDEX "jobs_claim_order_idx" ON "jobs"("priority" DESC, "createdOn", "id") WHERE "state" IN ('QUEUED', 'PENDING');
