// Collects every type into the one schema. Importing a module registers its types on the builder.
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { builder } from "./builder.ts";
import "./enums.ts";
import "./job.ts";
import "./job-queries.ts";
import "./node-queries.ts";
import "./job-mutations.ts";
import "./auth.ts";
import "./audit.ts";
import "./families/logic.ts";
import "./families/reasoner.ts";
import "./families/agent.ts";
import "./families/generation.ts";
import "./families/batch.ts";
import "./workers.ts";
import "./schedules.ts";
import "./gateways.ts";
import "./subscriptions.ts";
import "./federation.ts";

let schema: GraphQLSchema | undefined;

export function buildSchema(): GraphQLSchema {
  // Also a Federation 2 subgraph: `_service` and `_entities` beside the API's own fields (federation.ts).
  schema ??= lexicographicSortSchema(builder.toSchema());
  return schema;
}

/** The SDL checked in as schema.graphql. */
export function printedSchema(): string {
  return printSchema(lexicographicSortSchema(buildSchema())) + "\n";
}
