// The audit log: one row per mutation field a client calls (who, what, on which target, outcome).
// Lease tokens, secrets and payloads are never written; only the ids an operation names.
import { Kind, type OperationDefinitionNode, type ValueNode, valueFromASTUntyped } from "graphql";
import { WriteCoalescer } from "@jobs-api/client/node";
import type { Database } from "../db/database.ts";
import type { Logger } from "../logger.ts";
import type { Role, Viewer } from "../jobs/model.ts";
import { parseRelayedHandle } from "../jobs/remote/records.ts";
import { leaseJobIdOf } from "../workers/protocol/lease.ts";

/** Arguments that name what a mutation acts on. */
const TARGET_ARGS = ["jobId", "id", "workerId", "tenantId", "userId", "name"];
const MAX_TARGET_LENGTH = 255;

/**
 * What a mutation's result names (a field's `auditTarget`, audit-target-plugin.ts): the id of what it
 * made or took, a bulk operation's ids, or an id in a tenant that need not be the caller's; null:
 * nothing (a claim that found no job).
 */
export type ResultTarget = string | readonly string[] | { id: string; tenantId: string } | null;

export interface AuditEntry {
  tenantId: string | null;
  /** For people reading the table: "userId (key id)". */
  actor: string | null;
  actorId: string | null;
  role: Role | null;
  /** The GraphQL field, or the HTTP route ("GET /artifacts/:id"). */
  operation: string;
  target: string | null;
  /** "OK" or the error code it ended with. */
  outcome: string;
  requestId: string | null;
}

export const AUDIT_OK = "OK";

/** What an admin reads (Query.auditLog). */
export interface AuditRecord {
  id: string;
  createdOn: Date;
  actor: string | null;
  actorId: string | null;
  role: Role | null;
  operation: string;
  target: string | null;
  outcome: string;
  requestId: string | null;
}

/** At most this many rows per insert (8 parameters each, well under PostgreSQL's 65,535). */
const MAX_ROWS_PER_WRITE = 1000;
const COLUMNS = ["tenantId", "actor", "actorId", "role", "operation", "target", "outcome", "requestId"] as const;
const CASTS: Partial<Record<(typeof COLUMNS)[number], string>> = { tenantId: "::uuid", role: '::"Role"' };
const MAX_TEXT = {
  actor: 255,
  actorId: 255,
  operation: 255,
  target: MAX_TARGET_LENGTH,
  outcome: 64,
  requestId: 128,
} as const;
/**
 * Inserts start at least this far apart: nobody waits on them, and under load the mutations of
 * many requests (a worker's claims and completions, say) then share one.
 */
const AUDIT_WRITE_INTERVAL_MS = 10;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text PostgreSQL always accepts: NUL and lone UTF-16 surrogates (which a text column and UTF-8
 * refuse) become U+FFFD, and the length is capped. What a caller sends can so never fail a write.
 */
export function storableText(value: string | null, max: number): string | null {
  if (value === null) return null;
  const capped = value.length > max ? value.slice(0, max) : value;
  return capped.replaceAll("\u0000", "\uFFFD").replace(LONE_SURROGATE, "\uFFFD");
}

function storable(entry: AuditEntry): AuditEntry {
  return {
    ...entry,
    actor: storableText(entry.actor, MAX_TEXT.actor),
    actorId: storableText(entry.actorId, MAX_TEXT.actorId),
    operation: storableText(entry.operation, MAX_TEXT.operation) ?? "",
    target: storableText(entry.target, MAX_TEXT.target),
    outcome: storableText(entry.outcome, MAX_TEXT.outcome) ?? "",
    requestId: storableText(entry.requestId, MAX_TEXT.requestId),
  };
}

export class AuditLog {
  /** One insert at a time, AUDIT_WRITE_INTERVAL_MS apart; entries recorded meanwhile (or in the same turn) share the next one. */
  private readonly writes: WriteCoalescer<AuditEntry, void>;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
  ) {
    this.writes = new WriteCoalescer(
      async (entries) => {
        await this.write(entries);
        return entries.map(() => undefined);
      },
      MAX_ROWS_PER_WRITE,
      { minIntervalMs: AUDIT_WRITE_INTERVAL_MS },
    );
  }

  /**
   * Written beside the response, not before it: an audit failure is logged, never the caller's
   * error. Under load many mutations cost one statement (the operations of one batched request
   * always do). Resolves once these entries are written (or failed).
   */
  async record(entries: readonly AuditEntry[]): Promise<void> {
    await Promise.all(entries.map((e) => this.writes.submit(storable(e))));
  }

  /** One insert for the batch; if it fails, each entry alone, so one bad entry loses no other. */
  private async write(entries: readonly AuditEntry[]): Promise<void> {
    try {
      await this.insert(entries);
      return;
    } catch (err) {
      if (entries.length === 1) {
        this.logger.error({ err, operation: entries[0]!.operation }, "audit log write failed");
        return;
      }
      this.logger.warn(
        { err, entries: entries.length },
        "audit log batch write failed; writing its entries one by one",
      );
    }
    for (const entry of entries) {
      await this.insert([entry]).catch((err: unknown) =>
        this.logger.error({ err, operation: entry.operation }, "audit log write failed"),
      );
    }
  }

  private async insert(entries: readonly AuditEntry[]): Promise<void> {
    const values: unknown[] = [];
    const rows = entries.map((e) => {
      const params = COLUMNS.map((column) => {
        values.push(e[column]);
        return `$${values.length}${CASTS[column] ?? ""}`;
      });
      return `(${params.join(", ")})`;
    });
    await this.db.query(
      `insert into "audit_log" (${COLUMNS.map((c) => `"${c}"`).join(", ")}) values ${rows.join(", ")}`,
      values,
    );
  }

  /** A tenant's entries, newest first, after the entry `beforeId` (exclusive) when given. */
  async list(
    tenantId: string,
    filter: { actorId?: string | null; operation?: string | null },
    first: number,
    beforeId: bigint | null,
  ): Promise<AuditRecord[]> {
    const values: unknown[] = [tenantId];
    const where = [`"tenantId" = $1::uuid`];
    if (filter.actorId != null) where.push(`"actorId" = $${values.push(filter.actorId)}`);
    if (filter.operation != null) where.push(`"operation" = $${values.push(filter.operation)}`);
    if (beforeId !== null) where.push(`"id" < $${values.push(beforeId.toString())}::bigint`);
    values.push(first);
    // Ordered by the table's bigint id, not the text "id" the select gives (which would sort 9 after 10).
    return this.db.query<AuditRecord>(
      `select "id"::text as "id", "createdOn", "actor", "actorId", "role"::text as "role", "operation", "target", "outcome", "requestId"
         from "audit_log" where ${where.join(" and ")} order by "audit_log"."id" desc limit $${values.length}`,
      values,
    );
  }

  /** Resolves once every audit write started so far has finished (shutdown, tests). */
  idle(): Promise<void> {
    return this.writes.idle();
  }
}

/**
 * Ids joined by commas; those past the cap are counted instead (`a,b,c +997 more`), so a bulk
 * operation's row stays one readable row.
 */
function listTarget(ids: readonly string[]): string | null {
  const all = ids.join(",");
  if (all.length <= MAX_TARGET_LENGTH) return all || null;
  let shown = "";
  for (const [n, id] of ids.entries()) {
    const next = n === 0 ? id : `${shown},${id}`;
    if (next.length + ` +${ids.length - n - 1} more`.length > MAX_TARGET_LENGTH)
      return shown ? `${shown} +${ids.length - n} more` : all.slice(0, MAX_TARGET_LENGTH);
    shown = next;
  }
  return shown;
}

function resultText(made: ResultTarget): string | null {
  if (made === null || typeof made === "string") return made?.slice(0, MAX_TARGET_LENGTH) || null;
  if ("tenantId" in made) return made.id.slice(0, MAX_TARGET_LENGTH);
  return listTarget(made);
}

/** The job a lease token (ours, or one relayed from an upstream) stands for; never the token itself. */
function leaseJob(token: string): string | null {
  return leaseJobIdOf(parseRelayedHandle(token)?.upstream ?? token);
}

/** The worker protocol's calls carry lease tokens: their target is the job each stands for. Undefined: no token argument. */
function leaseTarget(
  field: { arguments?: readonly { name: { value: string }; value: ValueNode }[] },
  variables: Record<string, unknown>,
): string | null | undefined {
  const token = field.arguments?.find((a) => a.name.value === "leaseToken");
  if (token) {
    const value = literal(token.value, variables);
    return value === null ? null : leaseJob(value);
  }
  const completions = field.arguments?.find((a) => a.name.value === "completions");
  if (!completions) return undefined;
  const items: unknown = valueFromASTUntyped(completions.value, variables);
  if (!Array.isArray(items)) return null;
  const jobs = items.flatMap((item: unknown) => {
    const value = typeof item === "object" && item !== null ? (item as { leaseToken?: unknown }).leaseToken : null;
    const job = typeof value === "string" ? leaseJob(value) : null;
    return job === null ? [] : [job];
  });
  return listTarget(jobs);
}

function literal(node: ValueNode, variables: Record<string, unknown>): string | null {
  switch (node.kind) {
    case Kind.VARIABLE: {
      const v = variables[node.name.value];
      return typeof v === "string" || typeof v === "number" ? String(v) : null;
    }
    case Kind.STRING:
    case Kind.INT:
    case Kind.ENUM:
      return node.value;
    case Kind.OBJECT:
      // Creators take an `input` object: its name or jobId says what was acted on.
      for (const name of TARGET_ARGS) {
        const f = node.fields.find((x) => x.name.value === name);
        if (f) return literal(f.value, variables);
      }
      return null;
    default:
      return null;
  }
}

function targetOf(
  field: { arguments?: readonly { name: { value: string }; value: ValueNode }[] },
  variables: Record<string, unknown>,
): string | null {
  const lease = leaseTarget(field, variables);
  if (lease !== undefined) return lease;
  for (const name of [...TARGET_ARGS, "input"]) {
    const arg = field.arguments?.find((a) => a.name.value === name);
    if (!arg) continue;
    if (arg.name.value === "input" && arg.value.kind === Kind.VARIABLE) {
      const input = variables[arg.value.name.value];
      if (input && typeof input === "object") {
        for (const key of TARGET_ARGS) {
          const v = (input as Record<string, unknown>)[key];
          if (typeof v === "string" || typeof v === "number") return String(v).slice(0, MAX_TARGET_LENGTH);
        }
      }
      return null;
    }
    const v = literal(arg.value, variables);
    if (v !== null) return v.slice(0, MAX_TARGET_LENGTH);
  }
  return null;
}

/** Who an entry says acted: the viewer's tenant, user, role and key. */
export function auditActor(viewer: Viewer): Pick<AuditEntry, "tenantId" | "actor" | "actorId" | "role"> {
  return {
    tenantId: viewer.tenantId,
    actor: `${viewer.userId} (key ${viewer.apiKeyId})`,
    actorId: viewer.userId,
    role: viewer.role,
  };
}

/**
 * Audit entries for an executed mutation: one per root field, outcome "ok" or the error's code. The
 * target is what the field's result names when it recorded one (`auditTargets`, by response key),
 * else what its arguments name. A result in another tenant (an API key a first-tenant admin made or
 * revoked there) is in that tenant's log too, for its admins.
 */
export function mutationAuditEntries(
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  ctx: { viewer: Viewer; requestId: string; auditTargets?: ReadonlyMap<string, ResultTarget> },
  errors: readonly { path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[],
): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    const responseKey = selection.alias?.value ?? selection.name.value;
    const error =
      errors.find((e) => e.path?.[0] === responseKey) ??
      (errors.length && !errors.some((e) => e.path) ? errors[0] : undefined);
    const made = ctx.auditTargets?.get(responseKey);
    const entry: AuditEntry = {
      ...auditActor(ctx.viewer),
      operation: selection.name.value,
      target: made === undefined ? targetOf(selection, variables) : resultText(made),
      outcome: error ? String(error.extensions?.code ?? "ERROR") : AUDIT_OK,
      requestId: ctx.requestId,
    };
    entries.push(entry);
    if (made && typeof made === "object" && "tenantId" in made && made.tenantId !== ctx.viewer.tenantId) {
      const { userId, apiKeyId, tenantId } = ctx.viewer;
      entries.push({ ...entry, tenantId: made.tenantId, actor: `${userId} (key ${apiKeyId}, tenant ${tenantId})` });
    }
  }
  return entries;
}
