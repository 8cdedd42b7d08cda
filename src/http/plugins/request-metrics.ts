import type { ApolloServerPlugin } from "@apollo/server";
import type { Metrics } from "../../observability/metrics.ts";
import type { Context } from "../../schema/context.ts";

/** Times every GraphQL request (HTTP) by operation type and whether it had errors. */
export function requestMetricsPlugin(metrics: Metrics): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      const start = performance.now();
      return {
        async willSendResponse({ operation, errors, response }) {
          const body = response.body;
          const failed =
            (errors?.length ?? 0) > 0 || (body.kind === "single" && (body.singleResult.errors?.length ?? 0) > 0);
          metrics.requestDuration.observe(
            { operation_type: operation?.operation ?? "unknown", outcome: failed ? "error" : "ok" },
            (performance.now() - start) / 1000,
          );
        },
      };
    },
  };
}
