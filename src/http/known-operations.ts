// Documents already parsed and validated, by their text. Apollo's pipeline does per request what a
// known document does not need again: it hashes the text (sha256) to find its cached parse, builds a
// request context, clones ours per operation, runs every plugin's hooks as promises and negotiates
// the answer's type. For a plain POST (one operation or a batch) of queries and mutations whose
// documents are known valid, the HTTP route (graphql-route.ts) runs the same checks, the same
// executor and the plugins' steps itself; anything else (a subscription, a document with errors, an
// unusual request) goes through Apollo as before.
import {
  type DocumentNode,
  type GraphQLSchema,
  getOperationAST,
  type OperationDefinitionNode,
  parse,
  specifiedRules,
  type ValidationRule,
  validate,
} from "graphql";
import { LRUCache } from "lru-cache";

export interface KnownOperation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
}

/** A valid document, or false when Apollo must answer it (a parse or validation error). */
type Known = { document: DocumentNode; operations: Map<string, OperationDefinitionNode | null> } | false;

/** Documents remembered: by count, and by the length of their texts (a text's parse is ~10x its size). */
const MAX_DOCUMENTS = 1000;
const MAX_TEXT_CHARS = 4_000_000;
const MAX_NAMES_PER_DOCUMENT = 16;

export class KnownOperations {
  private readonly documents = new LRUCache<string, Known>({
    max: MAX_DOCUMENTS,
    maxSize: MAX_TEXT_CHARS,
    sizeCalculation: (_, text) => Math.max(1, text.length),
  });
  private readonly rules: readonly ValidationRule[];
  private readonly maxTokens: number;

  constructor(
    private readonly schema: GraphQLSchema,
    /** The rules Apollo validates with besides graphql-js's own, and its parser's token limit. */
    options: { validationRules: readonly ValidationRule[]; maxTokens: number },
  ) {
    this.rules = [...specifiedRules, ...options.validationRules];
    this.maxTokens = options.maxTokens;
  }

  /** The query or mutation `text` names, valid against the schema; null when Apollo must answer. */
  operationOf(text: string, operationName: string | null | undefined): KnownOperation | null {
    if (text.length > MAX_TEXT_CHARS) return null;
    let known = this.documents.get(text);
    if (known === undefined) this.documents.set(text, (known = this.check(text)));
    if (!known) return null;
    const name = operationName ?? "";
    let operation = known.operations.get(name);
    if (operation === undefined) {
      const found = getOperationAST(known.document, operationName);
      // Subscriptions are refused over HTTP, by Apollo (operation-policy.ts).
      operation = found && found.operation !== "subscription" ? found : null;
      // Names no operation has are not remembered beyond a few (a client could send any).
      if (operation || known.operations.size < MAX_NAMES_PER_DOCUMENT) known.operations.set(name, operation);
    }
    return operation && { document: known.document, operation };
  }

  private check(text: string): Known {
    let document: DocumentNode;
    try {
      document = parse(text, { maxTokens: this.maxTokens });
    } catch {
      return false;
    }
    return validate(this.schema, document, this.rules).length ? false : { document, operations: new Map() };
  }
}
