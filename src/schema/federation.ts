// Apollo Federation 2: the job types are entities keyed by their global `id`, so another subgraph
// can reference a GenerationJob (or any job) and the router asks this one to resolve it — through
// the same per-request loaders and visibility rules as `node`.
//
// The subgraph spec is served here without @apollo/subgraph (its @apollo/federation-internals is
// Elastic-2.0, not an OSI licence): `_service.sdl` is our schema printed with the link, key and
// shareable directives added to its AST, and `_entities` is a resolver over our loaders.
import { decodeGlobalID } from "@pothos/plugin-relay";
import {
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLSchema,
  Kind,
  type ObjectTypeDefinitionNode,
  parse,
  print,
  printSchema,
  type StringValueNode,
  visit,
} from "graphql";
import { jobsError } from "../errors.ts";
import { AgentJobRef } from "./families/agent.ts";
import { BatchJobRef } from "./families/batch.ts";
import { GenerationJobRef } from "./families/generation.ts";
import { TransactionRef } from "./families/logic.ts";
import { ReasonerJobRef } from "./families/reasoner.ts";
import type { JobRecord, ReasonerType } from "../jobs/model.ts";
import { builder } from "./builder.ts";
import type { Context } from "./context.ts";
import { jobKeyOfGlobalId } from "./node-id.ts";
import { JOB_TYPE_NAMES } from "../jobs/model.ts";

const FEDERATION_LINK = "https://specs.apollo.dev/federation/v2.6";

/** Entity types (keyed by `id`) and the families each holds. */
const ENTITIES: Record<string, readonly ReasonerType[]> = {
  Transaction: ["LOGIC"],
  ReasonerJob: ["PRESCRIPTIVE", "PREDICTIVE"],
  AgentJob: ["AGENT"],
  GenerationJob: ["GENERATION"],
  BatchJob: ["BATCH"],
};

/** Fields other subgraphs define too (the common Relay shapes), which composition needs marked shareable. */
const SHAREABLE: Record<string, readonly string[] | "all"> = { PageInfo: "all", Query: ["node", "nodes"] };

/** What the subgraph spec adds to the API, left out of the SDL it prints (the router adds its own). */
const FEDERATION_TYPES = new Set(["_Any", "_Entity", "_Service"]);
const FEDERATION_FIELDS = new Set(["_service", "_entities"]);

async function resolveJob(ref: { id?: unknown }, ctx: Context, typeName: string): Promise<JobRecord | null> {
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(String(ref.id));
  } catch {
    return null;
  }
  const key = decoded.typename === typeName ? jobKeyOfGlobalId(decoded) : undefined;
  return key ? ctx.loaders.job.load(key) : null;
}

const directive = (name: string, args: Record<string, string | string[]> = {}): ConstDirectiveNode => ({
  kind: Kind.DIRECTIVE,
  name: { kind: Kind.NAME, value: name },
  arguments: Object.entries(args).map(([arg, value]) => ({
    kind: Kind.ARGUMENT,
    name: { kind: Kind.NAME, value: arg },
    value: Array.isArray(value)
      ? { kind: Kind.LIST, values: value.map((v): StringValueNode => ({ kind: Kind.STRING, value: v })) }
      : { kind: Kind.STRING, value },
  })),
});

/** The subgraph's SDL: the schema without the spec's own types, with @link, @key and @shareable. */
export function subgraphSdl(schema: GraphQLSchema): string {
  const document = parse(printSchema(schema));
  const withDirectives = visit(document, {
    ObjectTypeDefinition(node: ObjectTypeDefinitionNode) {
      if (FEDERATION_TYPES.has(node.name.value)) return null;
      const shareable = SHAREABLE[node.name.value];
      const fields = node.fields
        ?.filter((f) => node.name.value !== "Query" || !FEDERATION_FIELDS.has(f.name.value))
        .map((f) =>
          shareable === "all" || shareable?.includes(f.name.value)
            ? { ...f, directives: [...(f.directives ?? []), directive("shareable")] }
            : f,
        );
      const key = node.name.value in ENTITIES ? [directive("key", { fields: "id" })] : [];
      return { ...node, fields, directives: [...(node.directives ?? []), ...key] };
    },
    ScalarTypeDefinition: (node) => (FEDERATION_TYPES.has(node.name.value) ? null : undefined),
    UnionTypeDefinition: (node) => (FEDERATION_TYPES.has(node.name.value) ? null : undefined),
  }) as DocumentNode;
  const link = `extend schema @link(url: "${FEDERATION_LINK}", import: ["@key", "@shareable"])`;
  return `${link}\n\n${print(withDirectives)}\n`;
}

builder.scalarType("_Any", {
  serialize: (value) => value,
  parseValue: (value) => value,
});

const EntityRef = builder.unionType("_Entity", {
  types: [TransactionRef, ReasonerJobRef, AgentJobRef, GenerationJobRef, BatchJobRef],
  resolveType: (job) => JOB_TYPE_NAMES[job.reasonerType],
});

const ServiceRef = builder.objectRef<{ sdl: string }>("_Service").implement({
  fields: (t) => ({
    sdl: t.string({
      nullable: true,
      description:
        "The sdl representing the federated service capabilities. Includes federation directives, removes federation types, and includes rest of full schema after schema directives have been applied",
      resolve: (s) => s.sdl,
    }),
  }),
});

let printed: string | undefined;

builder.queryFields((t) => ({
  _service: t.field({
    type: ServiceRef,
    resolve: (_root, _args, _ctx, info) => ({ sdl: (printed ??= subgraphSdl(info.schema)) }),
  }),
  _entities: t.field({
    type: [EntityRef],
    nullable: { list: false, items: true },
    args: { representations: t.arg({ type: ["_Any"], required: true }) },
    resolve: (_root, args, ctx) =>
      args.representations.map((rep: unknown, i: number) => {
        const typename = rep && typeof rep === "object" ? (rep as { __typename?: unknown }).__typename : undefined;
        if (typeof typename !== "string" || !(typename in ENTITIES)) {
          throw jobsError(
            "BAD_USER_INPUT",
            `representations.${i}: needs __typename (one of ${Object.keys(ENTITIES).join(", ")}) and id`,
            {
              field: `representations.${i}`,
            },
          );
        }
        return resolveJob(rep as { id?: unknown }, ctx, typename);
      }),
  }),
}));
