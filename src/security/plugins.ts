// Checks that need the resolved operation and the caller: cost (page sizes may be variables) and
// introspection (off in production except for admins, when so configured).
import type { ApolloServerPlugin } from "@apollo/server";
import type { DocumentNode, GraphQLSchema } from "graphql";
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
  document: DocumentNode,
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
function assertNoNul(document: DocumentNode, variables: Record<string, unknown> | undefined): void {
  const inVariables = variables !== undefined && JSON.stringify(variables).includes("\\u0000");
  if (inVariables || nulInText(document)) {
    throw jobsError("BAD_USER_INPUT", "input must not contain NUL characters (U+0000)", { http: { status: 400 } });
  }
}

const textHasNul = new WeakMap<DocumentNode, boolean>();

/** Whether the operation's text holds U+0000, raw or escaped; remembered per (cached) document. */
function nulInText(document: DocumentNode): boolean {
  let known = textHasNul.get(document);
  if (known === undefined) {
    const body = document.loc?.source.body;
    known = body !== undefined && (body.includes("\u0000") || /\\u0000/.test(body));
    textHasNul.set(document, known);
  }
  return known;
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
