// Tenants, users and API keys: who is calling, and who may make whom.
import { z } from "zod";
import type { Database, Unlisten } from "../db/database.ts";
import { jobsError } from "../errors.ts";
import { newId } from "../ids.ts";
import type { Role, Viewer } from "../jobs/model.ts";
import { email255, name255, parseInput, userId255 } from "../jobs/validation.ts";
import { hashSecret, newSecret, sameHash, visiblePrefix } from "./secrets.ts";

const BOOTSTRAP_ADMIN_USER = "admin";
/** The user a JOBS_GATEWAY_API_KEY belongs to (a front server's key; it acts as other users). */
const BOOTSTRAP_GATEWAY_USER = "gateway";
const LAST_USED_RESOLUTION_MS = 60_000;
const pageSize500 = z.number().int().min(1).max(500);

export interface ApiKeyRecord {
  id: string;
  prefix: string;
  userId: string;
  tenantId: string;
  role: Role;
  createdOn: Date;
  revokedOn: Date | null;
  lastUsedOn: Date | null;
}

/** What authenticate reads about a presented key. */
interface AuthenticatedKey {
  id: string;
  tenantId: string;
  userId: string;
  role: Role;
  secretHash: string;
  revoked: boolean;
  lastUseStale: boolean;
  email: string | null;
  /** Read with the key when a GATEWAY key names a user (one statement, not two): see actingAs. */
  acting?: ActingUser;
}

interface ActingUser {
  email: string | null;
  roles: string[] | null;
}

const keySelect = {
  id: true,
  prefix: true,
  userId: true,
  tenantId: true,
  role: true,
  createdOn: true,
  revokedOn: true,
  lastUsedOn: true,
} as const;

/**
 * Carries the id of each API key revoked, to every server process (see src/http/revocation-watch.ts), and
 * `created:<id>` for each key created: a new key may change the role its user acts with through a
 * GATEWAY key (see roleActedAs), which a revocation may too. One channel, so a process listening
 * for revocations alone (an older one, mid-deploy) still forgets acting users on a creation.
 */
export const REVOKED_KEYS_CHANNEL = "jobs_api_keys_revoked";
const CREATED_KEY_PREFIX = "created:";

/** The revoked key a REVOKED_KEYS_CHANNEL payload names; null for a created key's. */
export function revokedKeyOf(payload: string): string | null {
  return payload.startsWith(CREATED_KEY_PREFIX) ? null : payload;
}

/**
 * How long a checked key is answered from memory instead of read again. A revocation reaches every
 * process sooner, through REVOKED_KEYS_CHANNEL (and the revoking process at once); this bounds what a
 * lost notification could miss, and how stale the key's user's email may be.
 */
const CHECKED_KEY_MS = 5_000;
/** Checked keys kept per process; past it the memory starts over. */
const MAX_CHECKED_KEYS = 10_000;

/**
 * Users have no role of their own, keys do: through a GATEWAY key a user acts with the strongest
 * role among their own live keys (MEMBER when they have none).
 */
function roleActedAs(roles: readonly string[] | null): Role {
  if (roles?.includes("ADMIN")) return "ADMIN";
  return !roles?.length || roles.includes("MEMBER") ? "MEMBER" : "WORKER";
}

/** The user a jobs-act-as header names, when it is one actingAs would accept. */
const actingUserId = (actAs: string | null | undefined): string | null => {
  const userId = actAs?.trim();
  return userId && userId.length <= 255 ? userId : null;
};

export class AuthService {
  /**
   * Keys checked lately, by secret hash; a GATEWAY key's with the user it acts as (its role comes
   * from that user's keys here, so any revocation forgets every acting entry).
   */
  private readonly checked = new Map<string, { key: AuthenticatedKey; until: number }>();

  constructor(private readonly db: Database) {}

  /**
   * Forgets revoked keys as their notifications arrive (from any process), and every key when
   * notifications may have been lost; returns the function that stops listening.
   */
  watchRevocations(): Promise<Unlisten> {
    return this.db.listen(
      REVOKED_KEYS_CHANNEL,
      (payload) => this.forget(revokedKeyOf(payload)),
      () => this.forgetEveryKey(),
    );
  }

  /** The next request of every key reads it again (notifications may have been missed). */
  forgetEveryKey(): void {
    this.checked.clear();
  }

  /** Forgets the key (when one was revoked) and every acting user, whose role any key change may change. */
  private forget(keyId: string | null): void {
    for (const [entry, { key }] of this.checked) {
      if (key.id === keyId || key.acting !== undefined) this.checked.delete(entry);
    }
  }

  /**
   * The viewer a secret stands for, or UNAUTHENTICATED. A GATEWAY key (a front server's) stands for
   * the user it names in `actAs` (the jobs-act-as header); any other key ignores that header.
   */
  async authenticate(secret: string | null, actAs?: string | null): Promise<Viewer> {
    const key = await this.validKey(secret, actAs);
    if (key.role === "GATEWAY") return this.actingAs(key, actAs);
    return { tenantId: key.tenantId, userId: key.userId, email: key.email, role: key.role, apiKeyId: key.id };
  }

  /** The presented key, checked (a WebSocket connection checks its key before any operation names a user). */
  async validKey(secret: string | null, actAs?: string | null): Promise<AuthenticatedKey> {
    if (!secret) throw jobsError("UNAUTHENTICATED", "send Authorization: Bearer <api key>");
    const hash = hashSecret(secret);
    const acting = actingUserId(actAs);
    // Every request authenticates: most of them with a key checked a moment ago.
    const entry = acting === null ? hash : `${hash}\u0000${acting}`;
    const remembered = this.checked.get(entry) ?? (acting === null ? undefined : this.checked.get(hash));
    if (remembered && remembered.until > performance.now()) return remembered.key;
    // Every request authenticates: one plain statement (the key and its user's email), not two
    // Prisma reads, whose query building cost more than the reads. A GATEWAY key's request names
    // a user too: read in the same statement (every request through a front pays no extra trip).
    const [row] = await this.db.query<
      Omit<AuthenticatedKey, "acting"> & {
        actingFound?: boolean;
        actingEmail?: string | null;
        actingRoles?: string[] | null;
      }
    >(
      `select k."id", k."tenantId", k."userId", k."role"::text as "role", k."secretHash", k."revokedOn" is not null as "revoked",
         (k."lastUsedOn" is null or k."lastUsedOn" < now() - make_interval(secs => $2::int)) as "lastUseStale", u."email"${
           acting === null
             ? ""
             : `, a."userId" is not null as "actingFound", a."email" as "actingEmail",
         (select array_agg(g."role"::text) from "api_keys" g
           where g."tenantId" = a."tenantId" and g."userId" = a."userId" and g."revokedOn" is null and g."role" <> 'GATEWAY') as "actingRoles"`
         }
       from "api_keys" k left join "users" u on u."tenantId" = k."tenantId" and u."userId" = k."userId"${
         acting === null
           ? ""
           : ` left join "users" a on k."role" = 'GATEWAY' and a."tenantId" = k."tenantId" and a."userId" = $3`
       }
       where k."secretHash" = $1`,
      acting === null ? [hash, LAST_USED_RESOLUTION_MS / 1000] : [hash, LAST_USED_RESOLUTION_MS / 1000, acting],
    );
    const key: AuthenticatedKey | undefined = row && {
      id: row.id,
      tenantId: row.tenantId,
      userId: row.userId,
      role: row.role,
      secretHash: row.secretHash,
      revoked: row.revoked,
      lastUseStale: row.lastUseStale,
      email: row.email,
      ...(acting !== null && row.role === "GATEWAY"
        ? {
            acting: row.actingFound
              ? { email: row.actingEmail ?? null, roles: row.actingRoles ?? null }
              : { email: null, roles: null },
          }
        : {}),
    };
    if (!key || !sameHash(key.secretHash, hash) || key.revoked) {
      throw jobsError("UNAUTHENTICATED", "this API key is not valid (unknown or revoked)");
    }
    if (key.lastUseStale) {
      // Recorded at minute resolution so reads don't each cost a write.
      void this.db
        .query(`update "api_keys" set "lastUsedOn" = now() where "id" = $1::uuid`, [key.id])
        .catch(() => undefined);
    }
    // A key that ignores jobs-act-as is remembered once, whatever a caller put in the header.
    if (acting === null || key.acting !== undefined) {
      if (this.checked.size >= MAX_CHECKED_KEYS) this.checked.clear();
      this.checked.set(key.acting !== undefined ? entry : hash, {
        key: { ...key, lastUseStale: false },
        until: performance.now() + CHECKED_KEY_MS,
      });
    }
    return key;
  }

  /**
   * The user a GATEWAY key acts as, in the key's tenant. Users have no role of their own, keys do:
   * the user acts with the strongest role among their own live keys here (MEMBER when they have
   * none), so a front never sees more than that user could with a key of this server.
   */
  private async actingAs(key: AuthenticatedKey, actAs: string | null | undefined): Promise<Viewer> {
    const userId = actAs?.trim();
    if (!userId) throw jobsError("FORBIDDEN", "GATEWAY keys act as a user: send the jobs-act-as header");
    if (userId.length > 255)
      throw jobsError("BAD_USER_INPUT", "jobs-act-as: at most 255 characters", { field: "jobs-act-as" });
    const user: ActingUser | undefined =
      key.acting ??
      (
        await this.db.query<ActingUser>(
          `select u."email", (select array_agg(k."role"::text) from "api_keys" k
          where k."tenantId" = u."tenantId" and k."userId" = u."userId" and k."revokedOn" is null and k."role" <> 'GATEWAY') as "roles"
       from "users" u where u."tenantId" = $1::uuid and u."userId" = $2`,
          [key.tenantId, userId],
        )
      )[0];
    const role = roleActedAs(user?.roles ?? null);
    // Audit entries name the gateway's key; rate limits count per user behind it (authenticateRequest).
    return { tenantId: key.tenantId, userId, email: user?.email ?? null, role, apiKeyId: key.id, viaGateway: true };
  }

  /**
   * The role each of these users of the tenant acts with through a GATEWAY key now (as actingAs
   * decides it): open WebSocket subscriptions acting as them re-check it when a key is revoked.
   */
  async rolesActedAs(tenantId: string, userIds: readonly string[]): Promise<Map<string, Role>> {
    const rows = await this.db.query<{ userId: string; roles: string[] | null }>(
      `select a."userId", (select array_agg(k."role"::text) from "api_keys" k
          where k."tenantId" = $1::uuid and k."userId" = a."userId" and k."revokedOn" is null and k."role" <> 'GATEWAY') as "roles"
       from unnest($2::text[]) as a("userId")`,
      [tenantId, userIds],
    );
    return new Map(rows.map((r) => [r.userId, roleActedAs(r.roles)]));
  }

  /** Of these key ids, the ones revoked (open WebSocket connections re-check theirs after missed notifications). */
  async revokedAmong(keyIds: readonly string[]): Promise<Set<string>> {
    if (keyIds.length === 0) return new Set();
    const rows = await this.db.query<{ id: string }>(
      `select "id"::text as "id" from "api_keys" where "id" = any($1::uuid[]) and "revokedOn" is not null`,
      [keyIds],
    );
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Makes sure a first tenant with an admin exists. With JOBS_ADMIN_API_KEY, that secret is the
   * admin's key. Without one, a key is created only when none exists, and returned to be shown once.
   */
  async bootstrap(
    adminSecret: string | undefined,
    gatewaySecret?: string,
  ): Promise<{ tenantId: string; createdSecret: string | null }> {
    const tenant =
      (await this.firstTenant()) ?? (await this.db.prisma.tenant.create({ data: { id: newId(), name: "default" } }));
    await this.ensureUser(tenant.id, BOOTSTRAP_ADMIN_USER, null);
    if (gatewaySecret) await this.ensureKey(tenant.id, BOOTSTRAP_GATEWAY_USER, "GATEWAY", gatewaySecret);
    if (adminSecret) {
      await this.ensureKey(tenant.id, BOOTSTRAP_ADMIN_USER, "ADMIN", adminSecret);
      return { tenantId: tenant.id, createdSecret: null };
    }
    const anyKey = await this.db.prisma.apiKey.findFirst({
      where: { tenantId: tenant.id, role: "ADMIN", revokedOn: null },
    });
    if (anyKey) return { tenantId: tenant.id, createdSecret: null };
    const { secret } = await this.issueKey(tenant.id, BOOTSTRAP_ADMIN_USER, null, "ADMIN");
    return { tenantId: tenant.id, createdSecret: secret };
  }

  /** A configured secret's key (JOBS_ADMIN_API_KEY, JOBS_GATEWAY_API_KEY), made once. */
  private async ensureKey(tenantId: string, userId: string, role: Role, secret: string): Promise<void> {
    await this.ensureUser(tenantId, userId, null);
    const secretHash = hashSecret(secret);
    await this.db.prisma.apiKey.upsert({
      where: { secretHash },
      update: {},
      create: { id: newId(), tenantId, userId, role, prefix: visiblePrefix(secret), secretHash },
    });
  }

  firstTenant() {
    return this.db.prisma.tenant.findFirst({ orderBy: [{ createdOn: "asc" }, { id: "asc" }] });
  }

  async createTenant(name: string, viewer: Viewer) {
    await this.requireFirstTenantAdmin(viewer);
    return this.db.prisma.tenant.create({ data: { id: newId(), name: parseInput(name255, name, "name") } });
  }

  async createApiKey(
    args: { userId: string; email?: string | null; role?: Role | null; tenantId?: string | null },
    viewer: Viewer,
  ) {
    if (viewer.role !== "ADMIN") throw jobsError("FORBIDDEN", "only ADMIN keys create API keys");
    const tenantId = args.tenantId ?? viewer.tenantId;
    if (tenantId !== viewer.tenantId) {
      await this.requireFirstTenantAdmin(viewer);
      const tenant = await this.db.prisma.tenant.findUnique({ where: { id: tenantId } }).catch(() => null);
      if (!tenant) throw jobsError("NOT_FOUND", `tenant ${tenantId} not found`);
    }
    const userId = parseInput(userId255, args.userId, "userId");
    const email = args.email ? parseInput(email255, args.email, "email") : null;
    await this.ensureUser(tenantId, userId, email);
    return this.issueKey(tenantId, userId, email, args.role ?? "MEMBER");
  }

  /** Admins: the tenant's API keys, newest first (revoked ones too, when asked). */
  async listApiKeys(args: { includeRevoked: boolean; first: number }, viewer: Viewer): Promise<ApiKeyRecord[]> {
    if (viewer.role !== "ADMIN") throw jobsError("FORBIDDEN", "only ADMIN keys list API keys");
    const take = parseInput(pageSize500, args.first, "first");
    return this.db.prisma.apiKey.findMany({
      where: { tenantId: viewer.tenantId, ...(args.includeRevoked ? {} : { revokedOn: null }) },
      orderBy: [{ createdOn: "desc" }, { id: "desc" }],
      take,
      select: keySelect,
    });
  }

  async revokeApiKey(id: string, viewer: Viewer): Promise<ApiKeyRecord> {
    const key = await this.db.prisma.apiKey.findUnique({ where: { id }, select: keySelect }).catch(() => null);
    // Admins revoke any key of their tenant, admins of the first tenant any key they could have
    // issued; anyone may revoke their own. Other keys read as not found.
    const own =
      key !== null && key.tenantId === viewer.tenantId && (viewer.role === "ADMIN" || key.userId === viewer.userId);
    const mayRevoke = own || (key !== null && (await this.isFirstTenantAdmin(viewer)));
    if (!key || !mayRevoke) throw jobsError("NOT_FOUND", `API key ${id} not found`);
    if (key.revokedOn) return key;
    // Every process closes the key's sockets; this one refuses the key at once.
    return this.changeKey(`update "api_keys" set "revokedOn" = now() where "id" = $1::uuid`, [id], (key) => key.id);
  }

  private async issueKey(tenantId: string, userId: string, email: string | null, role: Role) {
    const secret = newSecret();
    // The user's acting role may have changed (a WORKER-only user given a MEMBER key sees less):
    // their subscriptions through a front are checked again, as after a revocation.
    const apiKey = await this.changeKey(
      `insert into "api_keys" ("id", "tenantId", "userId", "role", "prefix", "secretHash")
       values ($1::uuid, $2::uuid, $3, $4::"Role", $5, $6)`,
      [newId(), tenantId, userId, role, visiblePrefix(secret), hashSecret(secret)],
      (key) => `${CREATED_KEY_PREFIX}${key.id}`,
    );
    return { apiKey, secret };
  }

  /**
   * Writes one key (`statement`, an insert or update of one row) and tells every process in the same
   * transaction, `payload` on REVOKED_KEYS_CHANNEL going out with the commit; this process forgets
   * what it cached at once, before its own notification comes back.
   */
  private async changeKey(
    statement: string,
    values: readonly unknown[],
    payload: (key: ApiKeyRecord) => string,
  ): Promise<ApiKeyRecord> {
    const key = await this.db.transaction(async (tx) => {
      const [row] = await tx.query<ApiKeyRecord>(
        `${statement}
         returning "id"::text as "id", "prefix", "userId", "tenantId"::text as "tenantId", "role"::text as "role", "createdOn", "revokedOn", "lastUsedOn"`,
        values,
      );
      await tx.query(`select pg_notify($1, $2)`, [REVOKED_KEYS_CHANNEL, payload(row!)]);
      return row!;
    });
    this.forget(revokedKeyOf(payload(key)));
    return key;
  }

  private async ensureUser(tenantId: string, userId: string, email: string | null) {
    await this.db.prisma.user.upsert({
      where: { tenantId_userId: { tenantId, userId } },
      update: email ? { email } : {},
      create: { tenantId, userId, email },
    });
  }

  /** Admins of the first tenant manage tenants and see cross-tenant figures (metrics). */
  async isFirstTenantAdmin(viewer: Viewer): Promise<boolean> {
    if (viewer.role !== "ADMIN") return false;
    return (await this.firstTenant())?.id === viewer.tenantId;
  }

  private async requireFirstTenantAdmin(viewer: Viewer) {
    if (!(await this.isFirstTenantAdmin(viewer))) {
      throw jobsError("FORBIDDEN", "only admins of the first tenant manage tenants");
    }
  }
}
