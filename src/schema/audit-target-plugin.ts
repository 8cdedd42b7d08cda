// A Pothos plugin (its public wrapResolve hook) for the audit log's targets that only a mutation's
// result knows: the id of what it made (a job, a schedule, an API key) or took (a claim's jobs).
// A mutation field declares `auditTarget: (result) => ...`; its resolver's value is read by that, and
// what it names kept on the operation's context by response key, where mutationAuditEntries
// (security/audit.ts) finds it. The response never waits for the audit: this only reads the value.
// A resolver that makes something and may still fail after (createJobReady: made, then waited for)
// notes it at once with noteAuditTarget, so the failed call's row names what it made too.
import SchemaBuilder, {
  BasePlugin,
  type FieldNullability,
  type InputFieldMap,
  type PothosOutputFieldConfig,
  type SchemaTypes,
  type ShapeFromTypeParam,
  type TypeParam,
} from "@pothos/core";
import type { GraphQLFieldResolver, GraphQLResolveInfo } from "graphql";
import type { ResultTarget } from "../security/audit.ts";
import type { Context } from "./context.ts";

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      auditTargets: AuditTargetsPlugin<Types>;
    }
    export interface MutationFieldOptions<
      Types extends SchemaTypes,
      Type extends TypeParam<Types>,
      Nullable extends FieldNullability<Type>,
      Args extends InputFieldMap,
      ResolveReturnShape,
    > {
      /** What the audit log names as this mutation's target, read from its result (never a secret). */
      auditTarget?: (result: ShapeFromTypeParam<Types, Type, Nullable>) => ResultTarget;
    }
  }
}

/** Keeps `target` as what this field's audit row names (the operation's context, by response key). */
export function noteAuditTarget(ctx: Context, info: GraphQLResolveInfo, target: ResultTarget): void {
  // Created here, on the operation's own context (a batch's operations each run on a copy).
  ctx.auditTargets ??= new Map();
  ctx.auditTargets.set(String(info.path.key), target);
}

type Resolver<Types extends SchemaTypes> = GraphQLFieldResolver<unknown, Types["Context"], object>;

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  typeof (v as PromiseLike<unknown> | null)?.then === "function";

export class AuditTargetsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(resolve: Resolver<Types>, field: PothosOutputFieldConfig<Types>): Resolver<Types> {
    if (field.kind !== "Mutation") return resolve;
    const targetOf = (field.pothosOptions as { auditTarget?: (result: unknown) => ResultTarget }).auditTarget;
    if (!targetOf) return resolve;
    return (parent, args, context, info) => {
      const noted = (result: unknown) => {
        noteAuditTarget(context as Context, info, targetOf(result));
        return result;
      };
      const value = resolve(parent, args, context, info);
      return isThenable(value) ? Promise.resolve(value).then(noted) : noted(value);
    };
  }
}

const pluginName = "auditTargets";
SchemaBuilder.registerPlugin(pluginName, AuditTargetsPlugin);
export default pluginName;
