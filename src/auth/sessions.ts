// Dashboard sessions: after the page signs in with an API key, a cookie stands for that key so plain
// links (an artifact's <a href>) can download. The cookie holds a random token; only its sha256 is
// stored, bound to the key. Every use checks the key again, so revoking the key ends its sessions.
import { randomBytes } from "node:crypto";
import type { Database } from "../db/database.ts";
import { jobsError } from "../errors.ts";
import type { Role, Viewer } from "../jobs/model.ts";
import { hashSecret } from "./secrets.ts";

export const SESSION_COOKIE = "jobs_session";
/** A browser session rarely lasts longer; signing in again makes a new one. */
export const SESSION_SECONDS = 12 * 60 * 60;

interface SessionKey {
  tenantId: string;
  userId: string;
  role: Role;
  apiKeyId: string;
  email: string | null;
}

export class DashboardSessions {
  constructor(private readonly db: Database) {}

  /** Starts a session for an authenticated key; returns the cookie's token (never stored as is). */
  async start(viewer: Viewer): Promise<string> {
    if (!viewer.apiKeyId) throw jobsError("FORBIDDEN", "only API keys start dashboard sessions");
    const token = randomBytes(32).toString("base64url");
    await this.db.query(
      `insert into "dashboard_sessions" ("tokenHash", "apiKeyId", "expiresOn") values ($1, $2::uuid, now() + make_interval(secs => $3::int))`,
      [hashSecret(token), viewer.apiKeyId, SESSION_SECONDS],
    );
    // Expired sessions of this key are dropped here, so the table never grows beyond live ones.
    await this.db.query(`delete from "dashboard_sessions" where "apiKeyId" = $1::uuid and "expiresOn" < now()`, [
      viewer.apiKeyId,
    ]);
    return token;
  }

  /** The viewer a session token stands for, or UNAUTHENTICATED (unknown, expired, or its key revoked). */
  async authenticate(token: string): Promise<Viewer> {
    const [key] = await this.db.query<SessionKey>(
      `select k."tenantId", k."userId", k."role"::text as "role", k."id" as "apiKeyId", u."email"
       from "dashboard_sessions" s
       join "api_keys" k on k."id" = s."apiKeyId" and k."revokedOn" is null
       left join "users" u on u."tenantId" = k."tenantId" and u."userId" = k."userId"
       where s."tokenHash" = $1 and s."expiresOn" > now()`,
      [hashSecret(token)],
    );
    if (!key)
      throw jobsError(
        "UNAUTHENTICATED",
        "the dashboard session has ended (signed out, expired, or its API key was revoked); sign in again",
      );
    return { tenantId: key.tenantId, userId: key.userId, email: key.email, role: key.role, apiKeyId: key.apiKeyId };
  }

  async end(token: string): Promise<void> {
    await this.db.query(`delete from "dashboard_sessions" where "tokenHash" = $1`, [hashSecret(token)]);
  }
}
