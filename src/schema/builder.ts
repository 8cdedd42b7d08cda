// The one Pothos builder. Types are declared beside their domain (src/families/<f>/schema.ts,
// src/schema/*.ts) and collected in src/schema/index.ts.
import SchemaBuilder from "@pothos/core";
import DirectivePlugin from "@pothos/plugin-directives";
import RelayPlugin from "@pothos/plugin-relay";
import SyncResolversPlugin from "./sync-resolvers-plugin.ts";
import AuditTargetsPlugin from "./audit-target-plugin.ts";
import { DateTimeResolver, JSONResolver } from "graphql-scalars";
import { GraphQLScalarType, Kind, type ValueNode } from "graphql";
import type { Maybe } from "graphql/jsutils/Maybe.js";
import type { ObjMap } from "graphql/jsutils/ObjMap.js";
import type { Context } from "./context.ts";

export const builder = new SchemaBuilder<{
  Context: Context;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
    /** A Federation entity representation (`_entities`): `{ __typename, id }`. */
    _Any: { Input: unknown; Output: unknown };
    ID: { Input: string; Output: string | number };
  };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  plugins: [SyncResolversPlugin, AuditTargetsPlugin, RelayPlugin, DirectivePlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    // The plugin resolves a connection's edges and pageInfo and an edge's node with
    // `(parent) => parent[name]`; marked so, they use the default resolver instead, which graphql-jit
    // inlines (a resolver costs a call and a resolve-info object per item): sync-resolvers-plugin.ts.
    edgesFieldOptions: { nullable: false, extensions: { readsProperty: true } },
    pageInfoFieldOptions: { extensions: { readsProperty: true } },
    nodeFieldOptions: { nullable: false, extensions: { readsProperty: true } },
    // Declared in node-queries.ts, which decodes their ids itself.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
});

const dateTime = DateTimeResolver.toConfig();
builder.scalarType("DateTime", {
  description: dateTime.description ?? undefined,
  specifiedByURL: dateTime.specifiedByURL,
  parseValue: dateTime.parseValue,
  parseLiteral: dateTime.parseLiteral,
  extensions: dateTime.extensions,
  // Serialized to its wire form (an ISO string) here, not left to JSON.stringify: a response holding
  // Date objects took twice as long to stringify (each Date's toJSON call) as the same with strings.
  serialize: (value: unknown) => {
    const date = dateTime.serialize(value);
    return date instanceof Date ? date.toISOString() : date;
  },
});
/**
 * A JSON literal as written, with graphql-scalars' reading but for enum values: `run: { reasonerType:
 * LOGIC }` is the string "LOGIC" (graphql-scalars dropped the key, so the value was silently lost).
 * Variables inside the literal are read from the operation's (see compiled-execution.ts).
 */
function jsonLiteral(ast: ValueNode, variables?: Maybe<ObjMap<unknown>>): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
    case Kind.ENUM:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map((item) => jsonLiteral(item, variables));
    case Kind.OBJECT: {
      const value = Object.create(null) as Record<string, unknown>;
      for (const field of ast.fields) value[field.name.value] = jsonLiteral(field.value, variables);
      return value;
    }
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
  }
}
builder.addScalarType("JSON", new GraphQLScalarType({ ...JSONResolver.toConfig(), parseLiteral: jsonLiteral }));
builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
