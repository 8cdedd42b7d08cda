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
  assertNoNul(document, variables);
}

/**
 * PostgreSQL text and jsonb cannot hold U+0000; refuse it anywhere in an operation's input
 * (variables or literals) up front, rather than failing deep inside a write.
 */
function assertNoNul(document: Parameters<typeof isIntrospection>[0], variables: Record<string, unknown> | undefined): void {
  const inVariables = variables !== undefined && JSON.stringify(variables).includes("\\u0000");
  const inLiterals = document.loc !== undefined && document.loc.source.body.includes("\u0000");
  const escaped = document.loc !== undefined && /\\u0000/.test(document.loc.source.body);
  if (inVariables || inLiterals || escaped) {
    throw jobsError("BAD_USER_INPUT", "input must not contain NUL characters (U+0000)", { http: { status: 400 } });
  }
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
