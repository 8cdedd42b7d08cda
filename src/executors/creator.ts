// The viewer a job acts as when the server works on its behalf (reading its inputs, creating a
// batch's child jobs): its creator, in its tenant, with the most the creator's live keys allow.
// So a job can never read what its creator could not.
import type { Sql } from "../db/database.ts";
import type { Viewer } from "../jobs/model.ts";

export async function creatorViewer(sql: Sql, tenantId: string, userId: string): Promise<Viewer> {
  const rows = await sql.query<{ admin: boolean; email: string | null }>(
    `select exists (select 1 from "api_keys" k where k."tenantId" = $1::uuid and k."userId" = $2::text
                      and k."role" = 'ADMIN' and k."revokedOn" is null) as "admin",
            (select u."email" from "users" u where u."tenantId" = $1::uuid and u."userId" = $2::text) as "email"`,
    [tenantId, userId],
  );
  const row = rows[0];
  return { tenantId, userId, email: row?.email ?? null, role: row?.admin ? "ADMIN" : "MEMBER", apiKeyId: null };
}
