// A merged answer (a jobs page, the workers list) that one upstream could not give: the others' items
// are the data, and the missing upstream's error is reported beside them at the field's path.
import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import { pathToArray } from "graphql/jsutils/Path.js";
import type { Context } from "./context.ts";

export function reportPartial(ctx: Context, info: GraphQLResolveInfo, error: GraphQLError): void {
  (ctx.partialErrors ??= []).push(
    new GraphQLError(error.message, { path: pathToArray(info.path), extensions: error.extensions }),
  );
}
