// The compiled executor answers as graphql-js would: same data, same error paths, mutations one
// after another, variable errors worded by graphql-js, plans reused per document, and a
// subscription's event resolved as graphql-js resolves it for graphql-ws.
import type { GatewayGraphQLRequestContext } from "@apollo/server-gateway-interface";
import { buildSchema, type DocumentNode, execute, GraphQLError, type GraphQLSchema, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { compiledExecute, compiledGateway } from "../../src/schema/compiled-execution.ts";

/** The call stacks of resolvers: graphql-js's interpreter is on them only when it ran the operation. */
const stacks: string[] = [];
const interpretedBy = (stack: string) => /graphql[\\/]execution[\\/]execute\.m?js/.test(stack);

function makeSchema(log: string[]): GraphQLSchema {
  const schema = buildSchema(`
    interface Node { id: ID! }
    type Job implements Node { id: ID! state: String! events(first: Int!): [String!]! }
    type Query { job(id: ID!): Job node(id: ID!): Node broken: Job! }
    type Mutation { step(n: Int!): Int! }
    type Subscription { jobUpdated(id: ID!): Job! }
  `);
  const job = (id: string) => ({ __typename: "Job", id, state: "QUEUED" });
  // Resolvers are explicit, as Pothos makes them: graphql-jit's default resolver reads a property
  // and, unlike graphql-js's, does not call it when it is a function.
  (schema.getType("Job") as unknown as { getFields(): Record<string, { resolve: unknown }> }).getFields()
    .events!.resolve = (p: { id: string }, a: { first: number }) =>
    Array.from({ length: a.first }, (_, i) => `${p.id}:${i}`);
  const fields = schema.getQueryType()!.getFields();
  fields.job!.resolve = (_: unknown, a: { id: string }) => {
    stacks.push(new Error().stack ?? "");
    return job(a.id);
  };
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
  // The event is the root value; the field hands it on (as the schema's subscription fields do).
  schema.getSubscriptionType()!.getFields().jobUpdated!.resolve = (event: unknown) => {
    stacks.push(new Error().stack ?? "");
    return event;
  };
  return schema;
}

describe("compiled execution", () => {
  const log: string[] = [];
  const schema = makeSchema(log);
  const execute_ = compiledExecute(schema);
  const documents = new Map<string, DocumentNode>();
  /** As Apollo and the WebSocket server pass documents: the same object for the same text. */
  const documentOf = (query: string) => documents.get(query) ?? documents.set(query, parse(query)).get(query)!;
  const run = (query: string, variables?: Record<string, unknown>) =>
    execute_({ schema, document: documentOf(query), variableValues: variables });
  const interpreted = (query: string, variables?: Record<string, unknown>) =>
    execute({ schema, document: parse(query), variableValues: variables }) as Promise<unknown>;

  it("answers queries, abstract types and field arguments as graphql-js does", async () => {
    const query = `query($id: ID!, $n: Int!) { job(id: $id) { id state events(first: $n) } node(id: $id) { __typename id ... on Job { state } } }`;
    const variables = { id: "j1", n: 3 };
    const compiled = await run(query, variables);
    expect(compiled).toEqual(JSON.parse(JSON.stringify(await interpreted(query, variables))));
    expect(compiled.data).toMatchObject({ job: { events: ["j1:0", "j1:1", "j1:2"] } });
  });

  it("reports a resolver error at its path, nulling the nearest nullable parent", async () => {
    const result = await run(`{ broken { id } job(id: "a") { id } }`);
    expect(result.data).toBeNull();
    expect(result.errors?.map((e) => [e.message, e.path])).toEqual([["no such job", ["broken"]]]);
  });

  it("runs mutation fields one after another", async () => {
    log.length = 0;
    const result = await run(`mutation { a: step(n: 1) b: step(n: 2) c: step(n: 3) }`);
    expect(result.data).toEqual({ a: 1, b: 2, c: 3 });
    expect(log).toEqual(["step 1", "step 2", "step 3"]);
  });

  it("words variable errors as graphql-js does, naming the variable", async () => {
    const query = `query($id: ID!, $n: Int!) { job(id: $id) { events(first: $n) } }`;
    const result = await run(query, { id: "j1", n: "three" });
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.message).toMatch(/^Variable "\$n" got invalid value "three"/);
  });

  it("reuses the compiled plan for the same document and still reads each request's variables", async () => {
    const query = `query($id: ID!) { job(id: $id) { id } }`;
    const first = await run(query, { id: "x" });
    const second = await run(query, { id: "y" });
    expect([first.data?.job, second.data?.job]).toEqual([{ id: "x" }, { id: "y" }]);
  });

  it("runs queries compiled, not through graphql-js's interpreter", async () => {
    stacks.length = 0;
    await run(`{ job(id: "a") { id } }`);
    await interpreted(`{ job(id: "a") { id } }`);
    expect(stacks.map(interpretedBy)).toEqual([false, true]);
  });

  it("resolves a subscription's event compiled, with the event as the root value", async () => {
    stacks.length = 0;
    const event = { __typename: "Job", id: "e1", state: "RUNNING" };
    const result = await execute_({
      schema,
      document: documentOf(`subscription($id: ID!) { jobUpdated(id: $id) { id state } }`),
      variableValues: { id: "e1" },
      rootValue: event,
    });
    expect(result).toEqual({ data: { jobUpdated: { id: "e1", state: "RUNNING" } } });
    expect(stacks.map(interpretedBy)).toEqual([false]);
  });

  it("adds the context's partial errors (an unavailable upstream) to the result's", async () => {
    const partial = new GraphQLError("upstream unavailable");
    const result = await execute_({
      schema,
      document: documentOf(`{ job(id: "a") { id } }`),
      contextValue: { partialErrors: [partial] },
    });
    expect(result.data).toEqual({ job: { id: "a" } });
    expect(result.errors).toEqual([partial]);
  });

  it("lets graphql-js say why a document has no operation to run (Apollo's gateway executor)", async () => {
    const { executor } = await compiledGateway(schema, execute_).load({ apollo: {} } as never);
    if (!executor) throw new Error("the gateway gives no executor");
    const query = `query A { job(id: "a") { id } } query B { job(id: "b") { id } }`;
    const result = await executor({
      document: documentOf(query),
      request: { query, operationName: "C" },
      context: {},
    } as unknown as GatewayGraphQLRequestContext);
    expect(result.errors?.[0]?.message).toBe('Unknown operation named "C".');
    const chosen = await executor({
      document: documentOf(query),
      request: { query, operationName: "B" },
      context: {},
    } as unknown as GatewayGraphQLRequestContext);
    expect(chosen).toEqual({ data: { job: { id: "b" } } });
  });
});
