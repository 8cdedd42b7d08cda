// Istari's agent assignment: a job assigned to an agent (a registered AGENT worker) or a pool (the
// poolId of such workers) is claimable by that agent or that pool only. Assignments must name an
// agent or a pool of the tenant that exists.
import type { Sql } from "../../db/database.ts";
import { jobsError } from "../../errors.ts";
import { isUuid } from "../validation.ts";

export interface AgentAssignment {
  agentId: string | null;
  agentPoolId: string | null;
}

/** BAD_USER_INPUT at `<path>.<field>` for an agent or pool the tenant has no AGENT worker for. */
export async function requireAssignable(
  sql: Sql,
  tenantId: string,
  a: AgentAssignment,
  fields: { agent: string; pool: string },
): Promise<void> {
  if (a.agentId === null && a.agentPoolId === null) return;
  const rows = await sql.query<{ agent: boolean; pool: boolean; agentInPool: boolean }>(
    `select
       exists (select 1 from "workers" w where w."tenantId" = $1::uuid and w."id" = $2::uuid and 'AGENT' = any(w."reasonerTypes")) as "agent",
       exists (select 1 from "workers" w where w."tenantId" = $1::uuid and w."poolId" = $3::text and 'AGENT' = any(w."reasonerTypes")) as "pool",
       exists (select 1 from "workers" w where w."tenantId" = $1::uuid and w."id" = $2::uuid and w."poolId" = $3::text) as "agentInPool"`,
    [tenantId, isUuid(a.agentId) ? a.agentId : null, a.agentPoolId],
  );
  const found = rows[0]!;
  if (a.agentId !== null && !found.agent) {
    throw jobsError("BAD_USER_INPUT", `${fields.agent}: no agent ${a.agentId} is registered in this tenant`, {
      field: fields.agent,
    });
  }
  if (a.agentPoolId !== null && !found.pool) {
    throw jobsError(
      "BAD_USER_INPUT",
      `${fields.pool}: no agent pool ${a.agentPoolId} has a registered agent in this tenant`,
      { field: fields.pool },
    );
  }
  // Both named: a claim needs both to match, so an agent outside the pool could never take the job.
  if (a.agentId !== null && a.agentPoolId !== null && !found.agentInPool) {
    throw jobsError(
      "BAD_USER_INPUT",
      `${fields.pool}: agent ${a.agentId} is not in pool ${a.agentPoolId}, so no worker could claim the job`,
      { field: fields.pool },
    );
  }
}
