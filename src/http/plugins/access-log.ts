import type { ApolloServerPlugin } from "@apollo/server";
import type { Context } from "../../schema/context.ts";

/** Names each GraphQL operation of the request in its access line. */
export function accessLogPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operationName, contextValue }) {
          contextValue.access?.operations.push(operationName ?? "anonymous");
        },
      };
    },
  };
}
