// A Pothos plugin (its public wrapResolve hook) that gives two kinds of fields cheaper resolvers with
// the same values. graphql-jit inlines a field without a resolver and runs a synchronous one far
// cheaper than one that returns a promise, and an answer holds these fields once per job or edge:
//  - the Relay `id` of every node type: the Relay plugin resolves it in two async steps, so every job
//    and artifact cost a promise to wait for (and its parent object a second pass); here it is the
//    type's name and its `id.resolve`, encoded with encodeGlobalID at once (an `id.resolve` that
//    returns a promise is still waited for). Left alone when a custom encoder is configured.
//  - fields marked `extensions: { readsProperty: true }` (a connection's edges and pageInfo, an
//    edge's node, builder.ts): they read the parent's property of their own name, which is what the
//    default resolver does, so they get none.
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from "@pothos/core";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { defaultFieldResolver, type GraphQLFieldResolver } from "graphql";

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      syncResolvers: SyncResolversPlugin<Types>;
    }
  }
}

type Resolver<Types extends SchemaTypes> = GraphQLFieldResolver<unknown, Types["Context"], object>;

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  typeof (v as PromiseLike<unknown> | null)?.then === "function";

export class SyncResolversPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(resolve: Resolver<Types>, field: PothosOutputFieldConfig<Types>): Resolver<Types> {
    if (field.extensions?.readsProperty === true) return defaultFieldResolver;
    if (field.name !== "id" || field.kind !== "Object" || this.builder.options.relay?.encodeGlobalID) return resolve;
    const type = this.buildCache.getTypeConfig(field.parentType);
    // A node type's options carry its `id` (the Relay plugin's node and nodeRef put them there).
    const idOf = (type.pothosOptions as { id?: { resolve?: Resolver<Types> } }).id?.resolve;
    if (type.kind !== "Object" || typeof idOf !== "function") return resolve;
    const name = type.name;
    return (parent, args, context, info) => {
      const id = idOf(parent, args, context, info);
      return isThenable(id)
        ? Promise.resolve(id).then((v) => encodeGlobalID(name, String(v)))
        : encodeGlobalID(name, String(id));
    };
  }
}

const pluginName = "syncResolvers";
SchemaBuilder.registerPlugin(pluginName, SyncResolversPlugin);
export default pluginName;
