// `node(id:)` and `nodes(ids:)`, declared here rather than by the Relay plugin: the plugin decodes
// its id arguments before any resolver runs, answering a string that is no global id with its own
// error (no code of ours, no field) and an id of a type that is not a node with "Foo has not been
// implemented", which in `nodes` failed the whole list. Here a string that is no global id is
// BAD_USER_INPUT naming the argument, and an id naming nothing this server has reads as null.
import { decodeGlobalID, resolveNodes } from "@pothos/plugin-relay";
import { type GraphQLResolveInfo, isObjectType } from "graphql";
import { jobsError } from "../errors.ts";
import { builder } from "./builder.ts";
import type { Context } from "./context.ts";
import { readJobSelected } from "./list-prefetch.ts";
import { jobKeyOfGlobalId } from "./node-id.ts";

type GlobalId = { typename: string; id: string };

/** The decoded id, or BAD_USER_INPUT on `field` when the string is not a global id at all. */
function decoded(id: string | number, field: string): GlobalId {
  try {
    return decodeGlobalID(String(id));
  } catch {
    throw jobsError("BAD_USER_INPUT", `${field}: not a global id`, { field });
  }
}

/** Whether the id's type is one of the schema's node types (others name nothing to load). */
function namesNodeType({ typename }: GlobalId, info: GraphQLResolveInfo): boolean {
  const type = info.schema.getType(typename);
  return isObjectType(type) && type.getInterfaces().some((i) => i.name === "Node");
}

/** The nodes the ids name, in order, null for each that names nothing the viewer may see. */
async function loadNodes(ids: GlobalId[], ctx: Context, info: GraphQLResolveInfo): Promise<unknown[]> {
  const known = ids.map((id) => (namesNodeType(id, info) ? id : null));
  return Promise.all(await resolveNodes(builder, ctx, info, known));
}

const NodeRef = builder.nodeInterfaceRef();

builder.queryFields((t) => ({
  node: t.field({
    type: NodeRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    // A job is read with the expansions selected on it (one upstream request for an upstream job,
    // as `job(...)`); anything else as the node types load it.
    resolve: async (_root, args, ctx, info) => {
      const id = decoded(args.id, "id");
      const key = jobKeyOfGlobalId(id);
      if (key) return readJobSelected(key, ctx, info);
      const [node] = await loadNodes([id], ctx, info);
      return node ?? null;
    },
  }),
  // Many jobs or artifacts in one field (what a front's remote gateway batches with).
  nodes: t.field({
    type: [NodeRef],
    nullable: { list: false, items: true },
    args: { ids: t.arg.idList({ required: true }) },
    resolve: (_root, args, ctx, info) =>
      loadNodes(
        args.ids.map((id) => decoded(id, "ids")),
        ctx,
        info,
      ),
  }),
}));
