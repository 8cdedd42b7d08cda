// Collects every type into the one schema. Importing a module registers its types on the builder.
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import { builder } from "./builder.ts";
import "./enums.ts";
import "./job.ts";
import "./job-queries.ts";
import "./job-mutations.ts";
import "./auth.ts";
import "../families/logic/schema.ts";
import "../families/reasoner/schema.ts";
import "../families/agent/schema.ts";
import "../families/generation/schema.ts";
import "../families/batch/schema.ts";
import "../workers/schema.ts";

let schema: GraphQLSchema | undefined;

export function buildSchema(): GraphQLSchema {
  schema ??= builder.toSchema();
  return schema;
}

/** The SDL checked in as schema.graphql. */
export function printedSchema(): string {
  return printSchema(lexicographicSortSchema(buildSchema())) + "\n";
}
