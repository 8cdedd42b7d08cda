import type { ApolloServerPlugin } from "@apollo/server";
import type { Context } from "../../schema/context.ts";
import { type AuditLog, mutationAuditEntries } from "../../security/audit.ts";

/** Records every mutation's root fields in the audit log, with their outcome. */
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
