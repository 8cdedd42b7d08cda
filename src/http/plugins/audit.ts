import type { ApolloServerPlugin } from "@apollo/server";
import type { OperationDefinitionNode } from "graphql";
import type { Context } from "../../schema/context.ts";
import { type AuditLog, mutationAuditEntries } from "../../security/audit.ts";

type Errors = Parameters<typeof mutationAuditEntries>[3];

/** Records a mutation's root fields in the audit log, with their outcome (anything else is not audited). */
export function auditOperation(
  audit: AuditLog,
  operation: OperationDefinitionNode | null | undefined,
  variables: Record<string, unknown> | undefined,
  ctx: Context,
  errors: Errors,
): void {
  if (operation?.operation !== "mutation" || !ctx.viewer) return;
  void audit.record(mutationAuditEntries(operation, variables ?? {}, ctx, errors));
}

/** Records every mutation's root fields in the audit log, with their outcome. */
export function auditPlugin(audit: AuditLog): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, contextValue, request, errors, response }) {
          if (operation?.operation !== "mutation") return;
          const body = response.body;
          const resultErrors = body.kind === "single" ? (body.singleResult.errors ?? []) : [];
          const all = [...resultErrors, ...(errors ?? []).map((e) => ({ path: e.path, extensions: e.extensions }))];
          auditOperation(audit, operation, request.variables, contextValue, all);
        },
      };
    },
  };
}
