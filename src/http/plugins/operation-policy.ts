// Checks that need the resolved operation and the caller: cost (page sizes may be variables) and
// introspection (off in production except for admins, when so configured).
import type { ApolloServerPlugin } from "@apollo/server";
import type { DocumentNode, GraphQLSchema } from "graphql";
import type { QueryLimits } from "../../config.ts";
import { jobsError } from "../../errors.ts";
import type { Context } from "../../schema/context.ts";
import { assertStorableInput } from "../../security/input-guard.ts";
import { assertWithinCost, isIntrospection } from "../../security/limits.ts";

export interface OperationPolicy {
  limits: QueryLimits;
  /** Introspection for everyone; when false, admins only. */
  introspection: boolean;
}

/** The one check both transports run on a resolved operation. */
export function checkOperation(
  schema: GraphQLSchema,
  policy: OperationPolicy,
  ctx: Pick<Context, "viewer">,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | null | undefined,
): void {
  // First: nothing else walks the variables before they are known to be storable and shallow.
  assertStorableInput(document, variables);
  if (!policy.introspection && ctx.viewer.role !== "ADMIN" && isIntrospection(document)) {
    throw jobsError("FORBIDDEN", "introspection is turned off for this server (admin keys may introspect)", {
      http: { status: 403 },
    });
  }
  assertWithinCost(schema, document, variables, operationName, policy.limits);
}

export function operationPolicyPlugin(schema: GraphQLSchema, policy: OperationPolicy): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, operation, operationName, contextValue }) {
          if (operation?.operation === "subscription") {
            throw jobsError(
              "BAD_USER_INPUT",
              "query: subscriptions are served over WebSocket (graphql-ws, subprotocol graphql-transport-ws) at /graphql, not over HTTP",
              {
                field: "query",
                http: { status: 400 },
              },
            );
          }
          // No operation resolved (several and no operationName, or an unknown name): nothing runs, and
          // the executor answers why (OPERATION_RESOLUTION_FAILURE, 400).
          if (!operation) return;
          checkOperation(schema, policy, contextValue, document, request.variables, operationName);
        },
      };
    },
  };
}
