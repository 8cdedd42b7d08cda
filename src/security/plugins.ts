// Checks that need the resolved operation and the caller: cost (page sizes may be variables) and
// introspection (off in production except for admins, when so configured).
import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLSchema } from "graphql";
import { jobsError } from "../errors.ts";
import type { Context } from "../schema/context.ts";
import { assertWithinCost, isIntrospection, type QueryLimits } from "./limits.ts";

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
  document: Parameters<typeof isIntrospection>[0],
  variables: Record<string, unknown> | undefined,
  operationName: string | null | undefined,
): void {
  if (!policy.introspection && ctx.viewer.role !== "ADMIN" && isIntrospection(document)) {
    throw jobsError("FORBIDDEN", "introspection is turned off for this server (admin keys may introspect)", { http: { status: 403 } });
  }
  assertWithinCost(schema, document, variables, operationName, policy.limits);
}

export function operationPolicyPlugin(schema: GraphQLSchema, policy: OperationPolicy): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, operationName, contextValue }) {
          checkOperation(schema, policy, contextValue, document, request.variables, operationName);
        },
      };
    },
  };
}
