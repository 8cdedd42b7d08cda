// Queries and mutations run as compiled functions (graphql-jit), not through graphql-js's per-field
// interpreter: a page of 50 jobs with their expansions resolves thousands of fields, and the
// interpreter's work per field (argument coercion, type checks, completion dispatch) dominated its
// latency. Apollo Server keeps everything else (parsing, validation, plugins, error formatting); it
// takes an executor only through its gateway interface, so this is a gateway with one fixed schema.
// A compiled plan is cached per document and operation; anything graphql-jit declines (or a
// subscription sent over HTTP) runs through graphql-js as before.
import type { GatewayExecutor, GatewayInterface } from "@apollo/server-gateway-interface";
import { type Context as OtelContext, context as otelContext } from "@opentelemetry/api";
import { type ExecutionResult, execute, type GraphQLError, type GraphQLSchema, printSchema } from "graphql";
import { getVariableValues } from "graphql/execution/values.js";
import { type CompiledQuery, compileQuery, isCompiledQuery } from "graphql-jit";
import { LRUCache } from "lru-cache";

/** Distinct operations kept compiled; past it the least recently used are compiled again on demand. */
const MAX_COMPILED = 1000;

type Plan = CompiledQuery | "interpreted";

export function compiledExecutor(schema: GraphQLSchema): GatewayExecutor {
  const plans = new LRUCache<string, Plan>({ max: MAX_COMPILED });
  return async (rc) => {
    // No operation to run (several and no operationName, or an unknown one): graphql-js says why,
    // and Apollo answers that as the client's error (400, OPERATION_RESOLUTION_FAILURE).
    // (The name asked for, not rc.operationName: that is the resolved operation's, null here.)
    if (!rc.operation)
      return execute({
        schema,
        document: rc.document,
        contextValue: rc.context,
        variableValues: rc.request.variables ?? {},
        operationName: rc.request.operationName,
      });
    const key = `${rc.operationName ?? ""}\u0000${rc.queryHash}`;
    let plan = plans.get(key);
    if (plan === undefined) {
      const operation = rc.operation.operation;
      const compiled =
        operation === "subscription" ? null : compileQuery(schema, rc.document, rc.operationName ?? undefined);
      plan = compiled && isCompiledQuery(compiled) ? compiled : "interpreted";
      plans.set(key, plan);
    }
    const variables = rc.request.variables ?? {};
    if (plan !== "interpreted" && rc.operation.variableDefinitions?.length) {
      // graphql-js's own coercion first: its errors are the ones Apollo recognizes as the client's
      // (BAD_USER_INPUT, HTTP 400) and names the variable in; graphql-jit's are worded otherwise.
      const coerced = getVariableValues(schema, rc.operation.variableDefinitions, variables, { maxErrors: 50 });
      if (coerced.errors) return { errors: coerced.errors };
    }
    const run = () =>
      plan === "interpreted"
        ? execute({
            schema,
            document: rc.document,
            contextValue: rc.context,
            variableValues: variables,
            operationName: rc.operationName,
          })
        : plan.query(undefined, rc.context, variables);
    const traced = (rc.context as { trace?: OtelContext }).trace;
    const result = await (traced ? otelContext.with(traced, run) : run());
    return withPartialErrors(result, rc.context as { partialErrors?: GraphQLError[] });
  };
}

/** A partial answer's errors (an unavailable upstream in a merged list) join the result's own. */
export function withPartialErrors<R extends ExecutionResult>(
  result: R,
  context: { partialErrors?: GraphQLError[] },
): R {
  if (!context.partialErrors?.length) return result;
  return { ...result, errors: [...(result.errors ?? []), ...context.partialErrors] };
}

/** Apollo's gateway interface around one schema that never changes, executed by compiledExecutor. */
export function compiledGateway(schema: GraphQLSchema): GatewayInterface {
  return {
    async load() {
      return { schema, executor: compiledExecutor(schema) };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => undefined;
    },
    async stop() {},
  };
}
