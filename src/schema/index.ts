// Collects every type into the one schema. Importing a module registers its types on the builder.
import { encodeGlobalID } from "@pothos/plugin-relay";
import {
  type GraphQLFieldResolver,
  GraphQLObjectType,
  lexicographicSortSchema,
  printSchema,
  type GraphQLSchema,
} from "graphql";
import { builder } from "./builder.ts";
import "./enums.ts";
import "./job.ts";
import "./job-queries.ts";
import "./job-mutations.ts";
import "./auth.ts";
import "./audit.ts";
import "../families/logic/schema.ts";
import "../families/reasoner/schema.ts";
import "../families/agent/schema.ts";
import "../families/generation/schema.ts";
import "../families/batch/schema.ts";
import "../workers/schema.ts";
import "../schedules/schema.ts";
import "./gateways.ts";
import "./subscriptions.ts";
import "./federation.ts";

let schema: GraphQLSchema | undefined;

export function buildSchema(): GraphQLSchema {
  // Also a Federation 2 subgraph: `_service` and `_entities` beside the API's own fields (federation.ts).
  schema ??= syncNodeIds(lexicographicSortSchema(builder.toSchema()));
  return schema;
}

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  typeof (v as PromiseLike<unknown> | null)?.then === "function";

/**
 * The Relay `id` of every node type, computed synchronously. Pothos's Relay plugin resolves it in
 * two async steps, so every job and artifact in an answer cost graphql-js a promise to wait for (and
 * its parent object a second pass); the value is the same: the type's name and its `id.resolve`,
 * encoded with encodeGlobalID (no custom encoder is configured). An `id.resolve` that returns a
 * promise is still waited for.
 */
function syncNodeIds(subgraph: GraphQLSchema): GraphQLSchema {
  if (builder.options.relay?.encodeGlobalID) return subgraph;
  for (const type of Object.values(subgraph.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType) || !type.getInterfaces().some((i) => i.name === "Node")) continue;
    const idOf = (type.extensions as { pothosOptions?: { id?: { resolve?: GraphQLFieldResolver<unknown, unknown> } } })
      .pothosOptions?.id?.resolve;
    const field = type.getFields().id;
    if (!idOf || !field) continue;
    const name = type.name;
    field.resolve = (parent, args, context, info) => {
      const id = idOf(parent, args, context, info);
      return isThenable(id)
        ? Promise.resolve(id).then((v) => encodeGlobalID(name, String(v)))
        : encodeGlobalID(name, String(id));
    };
  }
  return subgraph;
}

/** The SDL checked in as schema.graphql. */
export function printedSchema(): string {
  return printSchema(lexicographicSortSchema(buildSchema())) + "\n";
}
