// Query limits, the same on HTTP and WebSocket: checked before anything executes, so an abusive
// operation costs a parse and a walk, never a database read. Tokens are bounded by the parser
// (maxTokens); depth, aliases and directives by validation rules; cost needs the variables (a page
// size may be one), so it is checked once the operation is resolved.
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import {
  type ASTNode,
  type DocumentNode,
  getNamedType,
  getNullableType,
  GraphQLError,
  type GraphQLSchema,
  isListType,
  type ValidationContext,
  type ValidationRule,
  visit,
} from "graphql";
import { type ComplexityEstimator, getComplexity } from "graphql-query-complexity";
import type { QueryLimits } from "../config.ts";
import { jobsError } from "../errors.ts";

/** What a list field multiplies its selection by when nothing says how long it is. */
const ASSUMED_LIST_LENGTH = 10;
/** Connection plumbing whose length the parent's `first` already counted. */
const PAGE_PARTS = new Set(["edges", "nodes"]);

export function limitRules(limits: QueryLimits): ValidationRule[] {
  // Reported as ordinary validation errors (400, GRAPHQL_VALIDATION_FAILED), not thrown.
  const report = {
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (ctx: ValidationContext | null, err: GraphQLError) =>
        ctx?.reportError(new GraphQLError(err.message.replace(/^Syntax Error: /, ""))),
    ],
  };
  return [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true, ...report }),
    // __typename aliases count too (the library allows them by default): each is still a field to answer.
    maxAliasesRule({ n: limits.maxAliases, allowList: [], ...report }),
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

export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName?: string | null,
): number {
  return getComplexity({
    schema,
    query: document,
    variables: variables ?? {},
    operationName: operationName ?? undefined,
    estimators: [pageSizeEstimator],
  });
}

/** Operations whose cost is remembered per document (each distinct operation name and page-size variables). */
const MAX_COSTS_PER_DOCUMENT = 64;

interface DocumentCosts {
  schema: GraphQLSchema;
  /** Variables the cost can depend on: those in a `first`/`last` argument or in a directive (`@skip`/`@include`). */
  relevant: string[];
  /** Cost by operation name and the values of the relevant variables; only costs computed without error. */
  byKey: Map<string, number>;
}

/**
 * Cost analysis walks the whole document with type information on every request; the same document
 * (Apollo and the WebSocket server both keep parsed documents and hand out the same object) with the
 * same operation name and page sizes always costs the same, so the figure is remembered per document.
 */
const documentCosts = new WeakMap<DocumentNode, DocumentCosts>();

function costVariablesOf(document: DocumentNode): string[] {
  const names = new Set<string>();
  const collect = (node: ASTNode) =>
    visit(node, {
      Variable(v) {
        names.add(v.name.value);
      },
    });
  visit(document, {
    Argument(arg) {
      if (arg.name.value === "first" || arg.name.value === "last") collect(arg.value);
    },
    Directive(directive) {
      collect(directive);
    },
  });
  return [...names].sort();
}

function costKey(
  relevant: readonly string[],
  variables: Record<string, unknown> | undefined,
  operationName: string | null | undefined,
): string {
  let key = operationName === undefined ? "u" : operationName === null ? "n" : `s${JSON.stringify(operationName)}`;
  for (const name of relevant) {
    const value = variables?.[name];
    key += value === undefined ? "|u" : `|${JSON.stringify(value)}`;
  }
  return key;
}

/** BAD_USER_INPUT when an operation would cost more than the limit. */
export function assertWithinCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | null | undefined,
  limits: QueryLimits,
): void {
  let costs = documentCosts.get(document);
  if (costs?.schema !== schema)
    documentCosts.set(document, (costs = { schema, relevant: costVariablesOf(document), byKey: new Map() }));
  let key: string | undefined;
  try {
    key = costKey(costs.relevant, variables, operationName);
  } catch {
    key = undefined; // values JSON cannot write (never from a JSON request): not remembered
  }
  const known = key === undefined ? undefined : costs.byKey.get(key);
  // Within the limit: nothing to do, whatever else the variables hold. Over it: computed again, so
  // the answer is exactly what a fresh analysis gives (e.g. other variables that do not fit).
  if (known !== undefined && known <= limits.maxCost) return;
  let cost: number;
  try {
    cost = operationCost(schema, document, variables, operationName);
  } catch (err) {
    // Variables that do not fit the operation are reported by execution with their own message.
    if (err instanceof GraphQLError) return;
    throw err;
  }
  if (key !== undefined) {
    if (costs.byKey.size >= MAX_COSTS_PER_DOCUMENT) costs.byKey.clear();
    costs.byKey.set(key, cost);
  }
  if (cost > limits.maxCost) {
    throw jobsError(
      "BAD_USER_INPUT",
      `operation cost ${cost} exceeds the limit of ${limits.maxCost}; ask for smaller pages or fewer fields`,
      {
        cost,
        maxCost: limits.maxCost,
        http: { status: 400 },
      },
    );
  }
}

const introspective = new WeakMap<DocumentNode, boolean>();

/** Whether a document asks for the schema itself (`__schema` / `__type`); remembered per document. */
export function isIntrospection(document: DocumentNode): boolean {
  let known = introspective.get(document);
  if (known === undefined) introspective.set(document, (known = asksForSchema(document)));
  return known;
}

function asksForSchema(document: DocumentNode): boolean {
  let found = false;
  const walk = (
    selections: readonly {
      kind: string;
      name?: { value: string };
      selectionSet?: { selections: readonly unknown[] };
    }[],
  ) => {
    for (const s of selections) {
      if (found) return;
      if (s.kind === "Field" && (s.name?.value === "__schema" || s.name?.value === "__type")) found = true;
      else if (s.selectionSet) walk(s.selectionSet.selections as never);
    }
  };
  for (const def of document.definitions) {
    if ("selectionSet" in def && def.selectionSet) walk(def.selectionSet.selections as never);
  }
  return found;
}

/** graphql-js suggests field names ("Did you mean …?"); that maps the schema for a stranger. */
export const withoutSuggestions = (message: string): string => message.replace(/\s*Did you mean [^?]*\?/g, "");
