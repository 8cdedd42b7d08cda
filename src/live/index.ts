// Live updates for one server process: the fan-out feed and the graphql-ws endpoint beside HTTP.
import type { Server } from "node:http";
import type { GraphQLSchema } from "graphql";
import type { Services } from "../schema/context.ts";
import { LiveFeed, type LiveFeedOptions, setLiveFeed } from "./feed.ts";
import { type LiveServer, type LiveServerOptions, startLiveServer } from "./ws-server.ts";

export interface LiveUpdates {
  feed: LiveFeed;
  server: LiveServer;
  /** Closes the sockets (after operations in flight), then ends every stream. */
  close(): Promise<void>;
}

export function attachLiveUpdates(
  services: Services,
  schema: GraphQLSchema,
  httpServer: Server,
  options: { feed?: Partial<LiveFeedOptions>; server?: Partial<LiveServerOptions> } = {},
): LiveUpdates {
  const feed = new LiveFeed(
    { registry: services.registry, changes: services.changes, db: services.db, logger: services.logger },
    options.feed,
  );
  setLiveFeed(services, feed);
  feed.start();
  const server = startLiveServer(services, schema, httpServer, options.server);
  const live: LiveUpdates = {
    feed,
    server,
    async close() {
      await server.close();
      feed.stop();
    },
  };
  attached.set(services, live);
  return live;
}

const attached = new WeakMap<object, LiveUpdates>();

/** The live updates of a running server's services (tests, benchmarks, probes). */
export function liveUpdatesFor(services: object): LiveUpdates | undefined {
  return attached.get(services);
}
