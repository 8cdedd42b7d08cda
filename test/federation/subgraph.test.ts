// The schema is an Apollo Federation 2 subgraph: its `_service.sdl` composes with another subgraph
// that references GenerationJob (composed by @theguild/federation-composition, MIT), and `_entities`
// resolves job references with the caller's visibility.
import { composeServices } from "@theguild/federation-composition";
import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createJob } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const DATASETS_SUBGRAPH = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
  type Query { datasets: [Dataset!]! }
  type Dataset @key(fields: "id") {
    id: ID!
    name: String!
    producedBy: GenerationJob
  }
  type GenerationJob @key(fields: "id", resolvable: false) { id: ID! }
`;

// Another subgraph with the common Relay shapes (Node, PageInfo, Query.node): composing it with ours
// needs both to mark the shared fields @shareable.
const RELAY_SUBGRAPH = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@shareable"])
  interface Node { id: ID! }
  type PageInfo {
    hasNextPage: Boolean! @shareable
    hasPreviousPage: Boolean! @shareable
    startCursor: String @shareable
    endCursor: String @shareable
  }
  type Query {
    node(id: ID!): Node @shareable
    reports(first: Int, after: String): ReportConnection!
  }
  type Report implements Node @key(fields: "id") { id: ID! title: String! source: GenerationJob }
  type ReportEdge { cursor: String! node: Report! }
  type ReportConnection { edges: [ReportEdge!]! pageInfo: PageInfo! }
  type GenerationJob @key(fields: "id", resolvable: false) { id: ID! }
`;

describe("federation subgraph", () => {
  let t: TestServer;
  // Start-up alone took close to a minute when other suites loaded the machine.
  beforeAll(async () => {
    t = await startTestServer(backends[0]!);
  }, 120_000);
  afterAll(async () => t?.stop());

  it("composes with a subgraph that references GenerationJob", async () => {
    const sdl = (await t.admin.request<{ _service: { sdl: string } }>(`{ _service { sdl } }`))._service.sdl;
    expect(sdl).toMatch(/type GenerationJob implements (?:Job & Node|Node & Job)\s+@key\(fields: "id"\)/);
    const result = composeServices([
      { name: "jobs", typeDefs: parse(sdl), url: `${t.url}/graphql` },
      { name: "datasets", typeDefs: parse(DATASETS_SUBGRAPH), url: "http://datasets.invalid/graphql" },
    ]);
    expect(result.errors ?? []).toEqual([]);
    const supergraph = "supergraphSdl" in result ? result.supergraphSdl : "";
    expect(supergraph).toMatch(
      /type GenerationJob implements[^{]*@join__type\(graph: (?:JOBS|DATASETS), key: "id"[^{]*@join__type\(graph: (?:JOBS|DATASETS), key: "id"/,
    );
    expect(supergraph).toContain("datasets: [Dataset!]!");
  });

  it("composes with a second subgraph that also uses the Relay shapes (PageInfo, Query.node)", async () => {
    const sdl = (await t.admin.request<{ _service: { sdl: string } }>(`{ _service { sdl } }`))._service.sdl;
    expect(sdl).toContain(`@link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@shareable"])`);
    expect(sdl).toMatch(/node\(id: ID!\): Node @shareable/);
    expect(sdl).toMatch(/hasNextPage: Boolean! @shareable/);
    // The spec's own types are the router's business, not part of the printed subgraph.
    expect(sdl).not.toMatch(/_entities|_service|scalar _Any|union _Entity/);
    const result = composeServices([
      { name: "jobs", typeDefs: parse(sdl), url: `${t.url}/graphql` },
      { name: "datasets", typeDefs: parse(DATASETS_SUBGRAPH), url: "http://datasets.invalid/graphql" },
      { name: "reports", typeDefs: parse(RELAY_SUBGRAPH), url: "http://reports.invalid/graphql" },
    ]);
    expect(result.errors ?? []).toEqual([]);
    const supergraph = "supergraphSdl" in result ? result.supergraphSdl : "";
    expect(supergraph).toContain("reports(first: Int, after: String): ReportConnection!");
    expect(supergraph).toMatch(
      /type PageInfo[^{]*@join__type\(graph: JOBS\)[^{]*@join__type\(graph: REPORTS\)|type PageInfo[^{]*@join__type\(graph: REPORTS\)[^{]*@join__type\(graph: JOBS\)/,
    );
  });

  it("answers _entities with BAD_USER_INPUT for a representation without a known __typename", async () => {
    const bad = await t.admin.raw(`query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`, {
      r: [{ id: "x" }],
    });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "representations.0" });
  });

  it("resolves references to jobs through _entities, scoped to the caller", async () => {
    const job = await createJob(t.admin, "GENERATION", 1);
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on GenerationJob { jobId kind rows } } }`;
    const found = await t.admin.request<any>(query, {
      r: [
        { __typename: "GenerationJob", id: job.id },
        { __typename: "GenerationJob", id: "bm90LWEtam9i" },
      ],
    });
    expect(found._entities).toEqual([
      { __typename: "GenerationJob", jobId: job.jobId, kind: "TRAIN", rows: 5000 },
      null,
    ]);

    const other = (await t.admin.request<any>(`mutation { createTenant(name: "fed-other") { id } }`)).createTenant.id;
    const stranger = t.client(
      (
        await t.admin.request<any>(
          `mutation($t: ID!) { createApiKey(userId: "s", role: ADMIN, tenantId: $t) { secret } }`,
          { t: other },
        )
      ).createApiKey.secret,
    );
    expect(
      (await stranger.request<any>(query, { r: [{ __typename: "GenerationJob", id: job.id }] }))._entities,
    ).toEqual([null]);
  });
});
