// The one executor of both transports: queries and mutations over HTTP (Apollo) and over WebSocket
// (graphql-ws), and each event of a subscription, run as functions compiled by graphql-jit instead
// of through graphql-js's per-field interpreter. A page of 50 jobs with their expansions resolves
// thousands of fields, and the interpreter's work per field (argument coercion, type checks,
// completion dispatch) dominated its latency. A plan is compiled once per document and operation and
// lives as long as the document (Apollo's and the WebSocket server's document caches keep the
// documents clients send again); anything graphql-jit declines runs through graphql-js.
import type { GatewayInterface } from "@apollo/server-gateway-interface";
import { type Context as OtelContext, context as otelContext } from "@opentelemetry/api";
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute as interpret,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  type OperationDefinitionNode,
  printSchema,
  visit,
  BREAK,
} from "graphql";
import { getVariableValues } from "graphql/execution/values.js";
import { type CompiledQuery, compileQuery, isCompiledQuery } from "graphql-jit";
import type { Context } from "./context.ts";
import { type ForwardPlan, forward, forwardPlan } from "./pass-through.ts";

/** graphql-js's `execute`, compiled; with a subscription's event as `rootValue`, the event's result. */
export type Execute = (args: ExecutionArgs) => Promise<ExecutionResult>;

/**
 * The outcomes of operations the HTTP route executed itself and hands to Apollo to answer (their
 * errors are formatted, logged and counted as Apollo does), by the operation's variables object (the
 * one parsed from its request body, which Apollo hands its executor as it is: one per operation of a
 * batch); the gateway's executor returns such an outcome as it is.
 */
export const EXECUTED = Symbol("executed");

/** An operation the HTTP route executed: its outcome, and the context it ran on. */
export interface Executed {
  result: ExecutionResult | Promise<ExecutionResult>;
  context: object;
}

/** What a context may carry that execution reads. */
interface ExecutionContextValue {
  [EXECUTED]?: Map<unknown, Executed>;
  /** The request's OpenTelemetry context (tracing.ts): execution runs inside it. */
  trace?: OtelContext;
  /** Errors of a partial answer (an unavailable upstream in a merged list), added to the result's. */
  partialErrors?: GraphQLError[];
}

interface Plan {
  operation: OperationDefinitionNode;
  /** null: graphql-jit declined the operation; graphql-js runs it. */
  compiled: CompiledQuery | null;
  /** A query an upstream may answer as it is (pass-through.ts); null: never forwarded. */
  forward: ForwardPlan | null;
}

const executors = new WeakMap<GraphQLSchema, Execute>();

/** The schema's executor: one per schema, the same for HTTP and WebSocket. */
export function compiledExecute(schema: GraphQLSchema): Execute {
  let execute = executors.get(schema);
  if (!execute) executors.set(schema, (execute = newCompiledExecute(schema)));
  return execute;
}

/** Whether a variable stands inside an object or list literal anywhere in the document. */
function variablesInsideLiterals(document: DocumentNode): boolean {
  let depth = 0;
  let found = false;
  const literal = {
    enter: () => {
      depth++;
    },
    leave: () => {
      depth--;
    },
  };
  visit(document, {
    ObjectValue: literal,
    ListValue: literal,
    Variable: () => {
      if (depth > 0) found = true;
      return found ? BREAK : undefined;
    },
  });
  return found;
}

function newCompiledExecute(schema: GraphQLSchema): Execute {
  const plans = new WeakMap<DocumentNode, Map<string, Plan | null>>();

  /** The operation's plan; null when the document names no single operation to run. */
  const planOf = (document: DocumentNode, operationName: string | null | undefined): Plan | null => {
    let byName = plans.get(document);
    if (!byName) plans.set(document, (byName = new Map()));
    const key = operationName ?? "";
    let plan = byName.get(key);
    if (plan === undefined) {
      const operation = getOperationAST(document, operationName);
      if (operation) {
        // graphql-jit reads a custom scalar's literal when it compiles, without the variables: one
        // inside it (`payload: { query: $q }`) would read as absent, and its value be lost.
        const compiled = variablesInsideLiterals(document)
          ? null
          : compileQuery(schema, document, operationName ?? undefined);
        plan = {
          operation,
          compiled: compiled && isCompiledQuery(compiled) ? compiled : null,
          forward: forwardPlan(schema, document, operation),
        };
      } else plan = null;
      byName.set(key, plan);
    }
    return plan;
  };

  const run = (args: ExecutionArgs): Promise<ExecutionResult> | ExecutionResult => {
    const plan = planOf(args.document, args.operationName);
    // No operation to run (several and no operationName, or an unknown one): graphql-js says why,
    // and Apollo answers that as the client's error (400, OPERATION_RESOLUTION_FAILURE). A
    // subscription without an event (one sent over HTTP) is run by graphql-js as it always was.
    if (!plan?.compiled || (plan.operation.operation === "subscription" && args.rootValue === undefined))
      return interpret(args);
    const variables = args.variableValues ?? {};
    // graphql-js's coercion words a refusal as Apollo recognizes the client's (BAD_USER_INPUT, HTTP
    // 400, the variable named); graphql-jit's is worded otherwise.
    const coercedByGraphqlJs = () => {
      const definitions = plan.operation.variableDefinitions ?? [];
      const coerced = getVariableValues(schema, definitions, variables, { maxErrors: 50 });
      return coerced.errors ? { errors: coerced.errors } : { coerced: coerced.coerced };
    };
    if (plan.forward) {
      const coerced = coercedByGraphqlJs();
      if ("errors" in coerced) return coerced;
      const compiled = plan.compiled;
      return forward(plan.forward, variables, coerced.coerced, args.contextValue as Context).then(
        (answer) => answer ?? compiled.query(args.rootValue, args.contextValue, variables),
      );
    }
    // graphql-jit coerces the variables itself (compiled, once per operation); graphql-js runs only
    // when jit refused them (an answer of errors and no data), for its wording. Coercing 1,000
    // createJobs inputs with graphql-js first cost ~6 ms a call. Both refuse the same values.
    const answer = plan.compiled.query(args.rootValue, args.contextValue, variables);
    if (!(answer instanceof Promise) && !("data" in answer) && plan.operation.variableDefinitions?.length) {
      const coerced = coercedByGraphqlJs();
      if ("errors" in coerced) return coerced;
    }
    return answer;
  };

  return async (args) => {
    const context = (args.contextValue ?? {}) as ExecutionContextValue;
    const result = await (context.trace ? otelContext.with(context.trace, run, undefined, args) : run(args));
    return withPartialErrors(withExtensions(result), context);
  };
}

/**
 * graphql-jit leaves `extensions` unset on the error it makes of a resolver's plain Error (the
 * database going away, say); Apollo reads `extensions.code` before our formatError sees the error,
 * and a TypeError there answered a bare "Internal server error" instead of what formatError says.
 */
function withExtensions<R extends ExecutionResult>(result: R): R {
  if (!result.errors?.some((e) => e.extensions == null)) return result;
  const errors = result.errors.map((e) => {
    if (e.extensions != null) return e;
    const fixed = new GraphQLError(e.message, {
      ...(e.path ? { path: e.path } : {}),
      originalError: e.originalError ?? e,
    });
    // Where the failing field stands in the query, as jit had it.
    if (e.locations) Object.defineProperty(fixed, "locations", { value: e.locations, enumerable: true });
    return fixed;
  });
  return { ...result, errors };
}

/** A partial answer's errors (an unavailable upstream in a merged list) join the result's own. */
export function withPartialErrors<R extends ExecutionResult>(result: R, context: ExecutionContextValue): R {
  if (!context.partialErrors?.length) return result;
  return { ...result, errors: [...(result.errors ?? []), ...context.partialErrors] };
}

/** Apollo takes an executor only through its gateway interface: one fixed schema, run by `execute`. */
export function compiledGateway(schema: GraphQLSchema, execute: Execute): GatewayInterface {
  return {
    async load() {
      return {
        schema,
        // The operation name the client asked for (rc.operationName is the resolved one's, null
        // when there is none to run), so graphql-js can say why there is none.
        executor: (rc) => {
          const executed = (rc.context as ExecutionContextValue)[EXECUTED]?.get(rc.request.variables);
          if (executed) {
            // What execution wrote on the context it ran on (the audit's targets) is the
            // operation's, so Apollo's copy, which its plugins read, gets it too.
            Object.assign(rc.context, executed.context);
            return Promise.resolve(executed.result);
          }
          return execute({
            schema,
            document: rc.document,
            contextValue: rc.context,
            variableValues: rc.request.variables ?? {},
            operationName: rc.request.operationName,
          });
        },
      };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => undefined;
    },
    async stop() {},
  };
}
