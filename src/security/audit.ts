// The audit log: one row per mutation field a client calls (who, what, on which target, outcome).
// Lease tokens, secrets and payloads are never written; only the ids an operation names.
import type { ApolloServerPlugin } from "@apollo/server";
import { Kind, type OperationDefinitionNode, type ValueNode } from "graphql";
import { WriteCoalescer } from "../coalesce.ts";
import type { Database } from "../db/database.ts";
import type { Logger } from "../logger.ts";
import type { Context } from "../schema/context.ts";

/** Arguments that name what a mutation acts on. */
const TARGET_ARGS = ["jobId", "id", "workerId", "tenantId", "userId", "name"];
const MAX_TARGET_LENGTH = 255;

export interface AuditEntry {
  tenantId: string | null;
  actor: string | null;
  operation: string;
  target: string | null;
  outcome: string;
}

/** At most this many rows per insert (5 parameters each, well under PostgreSQL's 65,535). */
const MAX_ROWS_PER_WRITE = 1000;
/**
 * Inserts start at least this far apart: nobody waits on them, and under load the mutations of
 * many requests (a worker's claims and completions, say) then share one.
 */
export const AUDIT_WRITE_INTERVAL_MS = 10;

export class AuditLog {
  /** One insert at a time, AUDIT_WRITE_INTERVAL_MS apart; entries recorded meanwhile (or in the same turn) share the next one. */
  private readonly writes: WriteCoalescer<AuditEntry, void>;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
  ) {
    this.writes = new WriteCoalescer(async (entries) => {
      await this.insert(entries);
      return entries.map(() => undefined);
    }, MAX_ROWS_PER_WRITE, { minIntervalMs: AUDIT_WRITE_INTERVAL_MS });
  }

  /**
   * Written beside the response, not before it: an audit failure is logged, never the caller's
   * error. Under load many mutations cost one statement (the operations of one batched request
   * always do). Resolves once these entries are written (or failed).
   */
  async record(entries: readonly AuditEntry[]): Promise<void> {
    await Promise.all(entries.map((e) => this.writes.submit(e)));
  }

  private async insert(entries: readonly AuditEntry[]): Promise<void> {
    const values: unknown[] = [];
    const rows = entries.map((e) => {
      values.push(e.tenantId, e.actor, e.operation, e.target, e.outcome);
      const n = values.length;
      return `($${n - 4}::uuid, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
    });
    await this.db
      .query(`insert into "audit_log" ("tenantId", "actor", "operation", "target", "outcome") values ${rows.join(", ")}`, values)
      .catch((err: unknown) => this.logger.error({ err, entries: entries.length }, "audit log write failed"));
  }

  /** Resolves once every audit write started so far has finished (shutdown, tests). */
  idle(): Promise<void> {
    return this.writes.idle();
  }
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

function targetOf(field: { arguments?: readonly { name: { value: string }; value: ValueNode }[] }, variables: Record<string, unknown>): string | null {
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

/** Audit entries for an executed mutation: one per root field, outcome "ok" or the error's code. */
export function mutationAuditEntries(
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  ctx: Pick<Context, "viewer">,
  errors: readonly { path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[],
): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    const responseKey = selection.alias?.value ?? selection.name.value;
    const error = errors.find((e) => e.path?.[0] === responseKey) ?? (errors.length && !errors.some((e) => e.path) ? errors[0] : undefined);
    entries.push({
      tenantId: ctx.viewer.tenantId,
      actor: `${ctx.viewer.userId} (key ${ctx.viewer.apiKeyId})`,
      operation: selection.name.value,
      target: targetOf(selection, variables),
      outcome: error ? String(error.extensions?.code ?? "ERROR") : "ok",
    });
  }
  return entries;
}

export function auditPlugin(audit: AuditLog): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, contextValue, request, errors, response }) {
          if (operation?.operation !== "mutation" || !contextValue.viewer) return;
          const body = response.body;
          const resultErrors = body.kind === "single" ? (body.singleResult.errors ?? []) : [];
          const all = [...resultErrors, ...(errors ?? []).map((e) => ({ path: e.path, extensions: e.extensions }))];
          void audit.record(mutationAuditEntries(operation, request.variables ?? {}, contextValue, all));
        },
      };
    },
  };
}
