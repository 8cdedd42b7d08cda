// A real Apollo Federation gateway at runtime: Hive Gateway (@graphql-hive/gateway-runtime, MIT) in
// this process composes our server (started by the test) with a second small subgraph that uses the
// common Relay shapes (PageInfo, Query.node, both @shareable) and references our GenerationJob.
// Through the gateway: a query of a job, a report whose job is resolved by our `_entities`, and a
// subscription the gateway takes from us over graphql-ws (it speaks SSE to subgraphs by default,
// which this server does not serve) and hands on to its own WebSocket client.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { composeServices } from "@theguild/federation-composition";
import { buildSchema, graphql, parse } from "graphql";
import type { ServerOptions } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { backends } from "../helpers/backends.ts";
import { createJob } from "../helpers/fixtures.ts";
import { openSubscriptions } from "../helpers/metrics.ts";
import { type GraphQLClient, graphqlClient, startTestServer, type TestServer } from "../helpers/server.ts";
import { JOB_UPDATED, type JobView } from "../live/driver.ts";
import { type LiveClient, liveClient } from "../live/ws-client.ts";

/** The gateway runtime as this test uses it: a Node request handler and a fetch handler (Yoga). */
interface GatewayRuntime {
  (req: IncomingMessage, res: ServerResponse): void;
  fetch(url: string, init: RequestInit): Promise<Response>;
  readonly graphqlEndpoint: string;
  dispose(): Promise<void>;
}
interface GatewayConfig {
  supergraph: string;
  logging: boolean;
  transportEntries?: Record<string, typeof JOBS_TRANSPORT>;
  propagateHeaders: {
    fromClientToSubgraphs(payload: { request?: Request }): Record<string, string | null | undefined>;
  };
}
/**
 * Loaded by a name the compiler does not follow: the package's own declarations reference the DOM
 * lib (through @whatwg-node/fetch), which would retype fetch bodies across the whole program.
 */
const HIVE_GATEWAY_RUNTIME: string = "@graphql-hive/gateway-runtime";
const { createGatewayRuntime, getGraphQLWSOptions } = (await import(HIVE_GATEWAY_RUNTIME)) as {
  createGatewayRuntime(config: GatewayConfig): GatewayRuntime;
  getGraphQLWSOptions(gateway: GatewayRuntime, onContext: () => Record<string, unknown>): ServerOptions;
};

/** The second subgraph's types, as it declares them to composition. */
const REPORTS_TYPES = `
  interface Node { id: ID! }
  type PageInfo @shareable {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }
  type Query {
    node(id: ID!): Node @shareable
    reports(first: Int): ReportConnection!
  }
  type Report implements Node @key(fields: "id") { id: ID! title: String! source: GenerationJob }
  type ReportEdge { cursor: String! node: Report! }
  type ReportConnection { edges: [ReportEdge!]! pageInfo: PageInfo! }
  type GenerationJob @key(fields: "id", resolvable: false) { id: ID! }
`;
const REPORTS_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@shareable"])
${REPORTS_TYPES}`;
/** What it serves: the same types, the federation directives declared so graphql-js accepts them. */
const REPORTS_SCHEMA = buildSchema(`
  directive @key(fields: String!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
  directive @shareable repeatable on OBJECT | FIELD_DEFINITION
  ${REPORTS_TYPES}
`);

/** The gateway's configuration for our subgraph, as the README shows it. */
const JOBS_TRANSPORT = {
  options: {
    subscriptions: {
      kind: "ws",
      location: "/graphql",
      options: { connectionParams: { authorization: "{context.headers.authorization}" } },
    },
  },
};

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

async function bodyOf(req: IncomingMessage): Promise<{ query: string; variables?: Record<string, unknown> }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

describe("Hive Gateway over this server and a Relay-shaped subgraph", () => {
  let jobs: TestServer;
  let reports: Server;
  let gateway: GatewayRuntime;
  let gatewayServer: Server;
  let gatewayUrl: string;
  let viaGateway: GraphQLClient;
  const sockets: LiveClient[] = [];
  /** The reports subgraph's one report points at this job (its global id, as another subgraph stores it). */
  let reported: { id: string; jobId: string };
  /** Operations the reports subgraph was asked, so the test knows the gateway went there. */
  const reportsAsked: string[] = [];
  let supergraph: string;

  beforeAll(async () => {
    jobs = await startTestServer(backends[0]!, { JOBS_METRICS_PUBLIC: "1" });
    reported = await createJob(jobs.admin, "GENERATION", 1);
    reports = createServer(async (req, res) => {
      const { query, variables } = await bodyOf(req);
      reportsAsked.push(query);
      const result = await graphql({
        schema: REPORTS_SCHEMA,
        source: query,
        variableValues: variables,
        rootValue: {
          reports: () => ({
            edges: [
              {
                cursor: "r1",
                node: { id: "r1", title: "monthly", source: { __typename: "GenerationJob", id: reported.id } },
              },
            ],
            pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: "r1", endCursor: "r1" },
          }),
        },
      });
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(result));
    });
    const reportsUrl = await listen(reports);

    const sdl = (await jobs.admin.request<{ _service: { sdl: string } }>(`{ _service { sdl } }`))._service.sdl;
    const composed = composeServices([
      { name: "jobs", typeDefs: parse(sdl), url: `${jobs.url}/graphql` },
      { name: "reports", typeDefs: parse(REPORTS_SDL), url: `${reportsUrl}/graphql` },
    ]);
    expect(composed.errors ?? []).toEqual([]);
    if (!("supergraphSdl" in composed) || !composed.supergraphSdl) throw new Error("no supergraph");

    gateway = createGatewayRuntime({
      supergraph: composed.supergraphSdl,
      logging: false,
      transportEntries: { jobs: JOBS_TRANSPORT },
      // Our server authenticates every request: the client's key goes on to the subgraphs.
      propagateHeaders: {
        fromClientToSubgraphs: ({ request }) => ({ authorization: request?.headers.get("authorization") }),
      },
    });
    gatewayServer = createServer(gateway);
    gatewayUrl = await listen(gatewayServer);
    // The gateway's own WebSocket endpoint (as its CLI serves one): graphql-ws on its /graphql.
    const wss = new WebSocketServer({ server: gatewayServer, path: gateway.graphqlEndpoint });
    useServer(
      getGraphQLWSOptions(gateway, () => ({})),
      wss,
    );
    viaGateway = graphqlClient(gatewayUrl, jobs.admin.key);
    supergraph = composed.supergraphSdl;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    await gateway?.dispose();
    await new Promise((resolve) => gatewayServer?.close(resolve));
    gatewayServer?.closeAllConnections();
    await new Promise((resolve) => reports?.close(resolve));
    await jobs?.stop();
  });

  it("answers a query of a job through the gateway, as the caller", async () => {
    const query = `query($id: ID!) { job(reasonerType: GENERATION, jobId: $id) { jobId state reasonerType ... on GenerationJob { kind rows } } }`;
    const through = await viaGateway.request<{ job: Record<string, unknown> }>(query, { id: reported.jobId });
    expect(through.job).toEqual(
      await jobs.admin.request<{ job: unknown }>(query, { id: reported.jobId }).then((d) => d.job),
    );
    expect(through.job).toMatchObject({ jobId: reported.jobId, reasonerType: "GENERATION" });
    // Without a key the subgraph refuses it, through the gateway too.
    const anonymous = await graphqlClient(gatewayUrl, null).raw(query, { id: reported.jobId });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("resolves the other subgraph's job reference through our _entities", async () => {
    reportsAsked.length = 0;
    const { reports: page } = await viaGateway.request<{
      reports: {
        edges: { node: { title: string; source: { jobId: string; state: string; kind: string } | null } }[];
        pageInfo: { hasNextPage: boolean };
      };
    }>(`{ reports(first: 5) { edges { node { title source { jobId state kind } } } pageInfo { hasNextPage } } }`);
    expect(reportsAsked.length).toBeGreaterThan(0);
    expect(page.pageInfo.hasNextPage).toBe(false);
    expect(page.edges).toEqual([
      { node: { title: "monthly", source: { jobId: reported.jobId, state: "QUEUED", kind: "TRAIN" } } },
    ]);
  });

  it("delivers jobUpdated through the gateway, which subscribes to us over graphql-ws", async () => {
    const created = await createJob(jobs.admin, "GENERATION", 2);
    const socket = liveClient(gatewayUrl, jobs.admin.key);
    sockets.push(socket);
    const updates = socket.subscribe<{ jobUpdated: JobView }>(JOB_UPDATED, { t: "GENERATION", id: created.jobId });
    // jobUpdated starts with the job as it is, so the subscription is open at our server once it arrives.
    await updates.until(() => updates.items.length > 0, "the job as it is", 30_000);
    expect(updates.items[0]!.jobUpdated).toMatchObject({ jobId: created.jobId, state: "QUEUED" });
    // The gateway holds it open at our server, over our graphql-ws endpoint.
    expect(await openSubscriptions(jobs.url, "jobUpdated")).toBe(1);
    await viaGateway.request(`mutation($id: ID!) { cancelJob(reasonerType: GENERATION, jobId: $id) { state } }`, {
      id: created.jobId,
    });
    await updates.until(
      () => updates.items.some((u) => u.jobUpdated.state === "CANCELED"),
      "the cancel, relayed by the gateway",
      30_000,
    );
    expect(updates.messages.filter((m) => m.errors)).toEqual([]);
  }, 60_000);

  it("fails a subscription when the gateway is left to its default (HTTP with SSE) for our subgraph", async () => {
    const unconfigured = createGatewayRuntime({
      supergraph,
      logging: false,
      propagateHeaders: {
        fromClientToSubgraphs: ({ request }) => ({ authorization: request?.headers.get("authorization") }),
      },
    });
    try {
      const created = await createJob(jobs.admin, "GENERATION", 3);
      const response = await unconfigured.fetch("http://gateway.test/graphql", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "text/event-stream",
          authorization: `Bearer ${jobs.admin.key}`,
        },
        body: JSON.stringify({ query: JOB_UPDATED, variables: { t: "GENERATION", id: created.jobId } }),
      });
      const first = await firstEvent(response);
      // Our server serves subscriptions over graphql-ws only: the gateway's SSE request is refused.
      expect(first.data?.jobUpdated ?? null).toBeNull();
      expect(first.errors).toMatchObject([{ extensions: { code: "BAD_REQUEST", serviceName: "jobs" } }]);
    } finally {
      await unconfigured.dispose();
    }
  }, 60_000);
});

/** The first `data:` event of a server-sent event stream, parsed; the stream is then closed. */
async function firstEvent(
  response: Response,
): Promise<{ data?: Record<string, unknown>; errors?: { extensions?: Record<string, unknown> }[] }> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended without an event: ${text}`);
      text += value;
      const line = text.split("\n").find((l) => l.startsWith("data:"));
      if (line && text.includes("\n\n")) return JSON.parse(line.slice(5));
    }
  } finally {
    await reader.cancel();
  }
}
