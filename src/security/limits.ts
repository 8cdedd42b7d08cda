// Query limits, the same on HTTP and WebSocket: checked before anything executes, so an abusive
// operation costs a parse and a walk, never a database read. Tokens are bounded by the parser
// (maxTokens); depth, aliases and directives by validation rules; cost needs the variables (a page
// size may be one), so it is checked once the operation is resolved.
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import { type DocumentNode, getNamedType, getNullableType, GraphQLError, type GraphQLSchema, isListType, type ValidationContext, type ValidationRule } from "graphql";
import { type ComplexityEstimator, getComplexity } from "graphql-query-complexity";
import { jobsError } from "../errors.ts";

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
  /** Operations in one batched HTTP request. */
  maxBatch: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxDirectives: 20,
  maxTokens: 5_000,
  maxCost: 250_000,
  maxBatch: 10,
};

/** What a list field multiplies its selection by when nothing says how long it is. */
const ASSUMED_LIST_LENGTH = 10;
/** Connection plumbing whose length the parent's `first` already counted. */
const PAGE_PARTS = new Set(["edges", "nodes"]);

export function limitRules(limits: QueryLimits): ValidationRule[] {
  // Reported as ordinary validation errors (400, GRAPHQL_VALIDATION_FAILED), not thrown.
  const report = {
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [(ctx: ValidationContext | null, err: GraphQLError) => ctx?.reportError(new GraphQLError(err.message.replace(/^Syntax Error: /, "")))],
  };
  return [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true, ...report }),
    maxAliasesRule({ n: limits.maxAliases, ...report }),
    maxDirectivesRule({ n: limits.maxDirectives, ...report }),
  ] as unknown as ValidationRule[];
}

/**
 * Every field costs 1 plus its selection times how many items it returns: a page costs its page size
 * (`first`/`last`), another list an assumed length, a single object once.
 */
const pageSizeEstimator: ComplexityEstimator = ({ args, childComplexity, field }) => {
  const page = typeof args.first === "number" ? args.first : typeof args.last === "number" ? args.last : undefined;
  if (page !== undefined) return 1 + childComplexity * Math.max(page, 1);
  if (PAGE_PARTS.has(field.name)) return 1 + childComplexity;
  const listed = isListType(getNullableType(field.type)) && getNamedType(field.type) !== undefined;
  return 1 + childComplexity * (listed ? ASSUMED_LIST_LENGTH : 1);
};

export function operationCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, operationName?: string | null): number {
  return getComplexity({ schema, query: document, variables: variables ?? {}, operationName: operationName ?? undefined, estimators: [pageSizeEstimator] });
}

/** BAD_USER_INPUT when an operation would cost more than the limit. */
export function assertWithinCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | null | undefined, limits: QueryLimits): void {
  let cost: number;
  try {
    cost = operationCost(schema, document, variables, operationName);
  } catch (err) {
    // Variables that do not fit the operation are reported by execution with their own message.
    if (err instanceof GraphQLError) return;
    throw err;
  }
  if (cost > limits.maxCost) {
    throw jobsError("BAD_USER_INPUT", `operation cost ${cost} exceeds the limit of ${limits.maxCost}; ask for smaller pages or fewer fields`, {
      cost,
      maxCost: limits.maxCost,
      http: { status: 400 },
    });
  }
}

/** Whether a document asks for the schema itself (`__schema` / `__type`). */
export function isIntrospection(document: DocumentNode): boolean {
  let found = false;
  const visit = (selections: readonly { kind: string; name?: { value: string }; selectionSet?: { selections: readonly unknown[] } }[]) => {
    for (const s of selections) {
      if (found) return;
      if (s.kind === "Field" && (s.name?.value === "__schema" || s.name?.value === "__type")) found = true;
      else if (s.selectionSet) visit(s.selectionSet.selections as never);
    }
  };
  for (const def of document.definitions) {
    if ("selectionSet" in def && def.selectionSet) visit(def.selectionSet.selections as never);
  }
  return found;
}

/** graphql-js suggests field names ("Did you mean …?"); that maps the schema for a stranger. */
export const withoutSuggestions = (message: string): string => message.replace(/ ?Did you mean .*\?$/, "");
