// The baseline for GraphQL overhead: a bare Apollo Server 5 (startStandaloneServer, SDL schema, no
// plugins) doing the same data access as ours for `job(...) { id state }`: the same API-key check
// (AuthService.authenticate) and the same read (JobService.get through the local gateway).
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { bearerSecret } from "../src/auth/secrets.ts";
import type { ReasonerType, Viewer } from "../src/jobs/model.ts";
import type { Services } from "../src/schema/context.ts";

const typeDefs = `#graphql
  enum ReasonerType { LOGIC PRESCRIPTIVE PREDICTIVE AGENT GENERATION BATCH }
  enum JobState { CREATED QUEUED PENDING CLAIMED VALIDATING RUNNING UPLOADING CANCELING SUCCEEDED FAILED CANCELED UNKNOWN }
  type Job { id: ID! state: JobState! }
  type Query { job(reasonerType: ReasonerType!, jobId: ID!): Job }
`;

/** The GraphQL type a family's jobs have (for the Relay global id, as ours encodes it). */
const typeNameOf = (t: ReasonerType) =>
  t === "LOGIC"
    ? "Transaction"
    : t === "AGENT"
      ? "AgentJob"
      : t === "GENERATION"
        ? "GenerationJob"
        : t === "BATCH"
          ? "BatchJob"
          : "ReasonerJob";

interface BareContext {
  viewer: Viewer;
}

export async function startBareApollo(services: Services): Promise<{ url: string; stop(): Promise<void> }> {
  const server = new ApolloServer<BareContext>({
    typeDefs,
    resolvers: {
      Query: {
        job: async (_: unknown, args: { reasonerType: ReasonerType; jobId: string }, ctx: BareContext) => {
          const job = await services.jobs.get({ reasonerType: args.reasonerType, jobId: args.jobId }, ctx.viewer);
          return (
            job && {
              id: encodeGlobalID(typeNameOf(job.reasonerType), `${job.reasonerType}:${job.id}`),
              state: job.state,
            }
          );
        },
      },
    },
  });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: "127.0.0.1" },
    context: async ({ req }) => ({ viewer: await services.auth.authenticate(bearerSecret(req.headers.authorization)) }),
  });
  return { url: url.replace(/\/$/, ""), stop: () => server.stop() };
}
