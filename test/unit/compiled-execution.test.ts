// The compiled executor answers as graphql-js would: same data, same error paths, mutations one
// after another, variable errors worded by graphql-js, and plans reused per document.
import type { GatewayGraphQLRequestContext } from "@apollo/server-gateway-interface";
import { buildSchema, execute, type GraphQLSchema, type OperationDefinitionNode, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { compiledExecutor } from "../../src/http/compiled-execution.ts";

function makeSchema(log: string[]): GraphQLSchema {
  const schema = buildSchema(`
    interface Node { id: ID! }
    type Job implements Node { id: ID! state: String! events(first: Int!): [String!]! }
    type Query { job(id: ID!): Job node(id: ID!): Node broken: Job! }
    type Mutation { step(n: Int!): Int! }
  `);
  const job = (id: string) => ({ __typename: "Job", id, state: "QUEUED" });
  // Resolvers are explicit, as Pothos makes them: graphql-jit's default resolver reads a property
  // and, unlike graphql-js's, does not call it when it is a function.
  (schema.getType("Job") as unknown as { getFields(): Record<string, { resolve: unknown }> }).getFields()
    .events!.resolve = (p: { id: string }, a: { first: number }) =>
    Array.from({ length: a.first }, (_, i) => `${p.id}:${i}`);
  const fields = schema.getQueryType()!.getFields();
  fields.job!.resolve = (_: unknown, a: { id: string }) => job(a.id);
  fields.node!.resolve = (_: unknown, a: { id: string }) => job(a.id);
  fields.broken!.resolve = () => {
    throw new Error("no such job");
  };
  (schema.getType("Node") as unknown as { resolveType: (v: { __typename: string }) => string }).resolveType = (v) =>
    v.__typename;
  schema.getMutationType()!.getFields().step!.resolve = async (_: unknown, a: { n: number }) => {
    // The first step takes longest: serial execution still logs them in order.
    await new Promise((r) => setImmediate(r));
    log.push(`step ${a.n}`);
    return a.n;
  };
  return schema;
}

function requestOf(query: string, variables?: Record<string, unknown>) {
  const document = parse(query);
  const operation = document.definitions[0] as OperationDefinitionNode;
  return {
    document,
    operation,
    operationName: null,
    queryHash: query,
    request: { query, variables },
    context: {},
  } as unknown as GatewayGraphQLRequestContext;
}

describe("compiled execution", () => {
  const log: string[] = [];
  const schema = makeSchema(log);
  const run = compiledExecutor(schema);
  const interpreted = (query: string, variables?: Record<string, unknown>) =>
    execute({ schema, document: parse(query), variableValues: variables }) as Promise<unknown>;

  it("answers queries, abstract types and field arguments as graphql-js does", async () => {
    const query = `query($id: ID!, $n: Int!) { job(id: $id) { id state events(first: $n) } node(id: $id) { __typename id ... on Job { state } } }`;
    const variables = { id: "j1", n: 3 };
    const compiled = await run(requestOf(query, variables));
    expect(compiled).toEqual(JSON.parse(JSON.stringify(await interpreted(query, variables))));
    expect(compiled.data?.job.events).toEqual(["j1:0", "j1:1", "j1:2"]);
  });

  it("reports a resolver error at its path, nulling the nearest nullable parent", async () => {
    const result = await run(requestOf(`{ broken { id } job(id: "a") { id } }`));
    expect(result.data).toBeNull();
    expect(result.errors?.map((e) => [e.message, e.path])).toEqual([["no such job", ["broken"]]]);
  });

  it("runs mutation fields one after another", async () => {
    log.length = 0;
    const result = await run(requestOf(`mutation { a: step(n: 1) b: step(n: 2) c: step(n: 3) }`));
    expect(result.data).toEqual({ a: 1, b: 2, c: 3 });
    expect(log).toEqual(["step 1", "step 2", "step 3"]);
  });

  it("words variable errors as graphql-js does, naming the variable", async () => {
    const query = `query($id: ID!, $n: Int!) { job(id: $id) { events(first: $n) } }`;
    const result = await run(requestOf(query, { id: "j1", n: "three" }));
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.message).toMatch(/^Variable "\$n" got invalid value "three"/);
  });

  it("reuses the compiled plan for the same document and still reads each request's variables", async () => {
    const query = `query($id: ID!) { job(id: $id) { id } }`;
    const first = await run(requestOf(query, { id: "x" }));
    const second = await run(requestOf(query, { id: "y" }));
    expect([first.data?.job.id, second.data?.job.id]).toEqual(["x", "y"]);
  });
});
