// The schema's cheaper resolvers (sync-resolvers-plugin.ts): every node type's Relay id resolves at
// once to the id the Relay plugin would give, and connection plumbing fields have no resolver at all.
import { decodeGlobalID } from "@pothos/plugin-relay";
import { GraphQLObjectType, type GraphQLResolveInfo } from "graphql";
import { describe, expect, it } from "vitest";
import { buildSchema } from "../../src/schema/index.ts";

describe("sync resolvers plugin", () => {
  const schema = buildSchema();
  const objects = Object.values(schema.getTypeMap()).filter((t) => t instanceof GraphQLObjectType);
  const nodes = objects.filter((t) => t.getInterfaces().some((i) => i.name === "Node"));

  it("resolves every node type's id synchronously to its global id", () => {
    expect(nodes.map((t) => t.name)).toEqual(expect.arrayContaining(["GenerationJob", "BatchJob"]));
    for (const type of nodes) {
      const resolve = type.getFields().id!.resolve!;
      // Each node type reads its id from its own shape; a parent with every usual spelling serves them all.
      const parent = { id: "42", jobId: "42", transactionId: "42", key: "42", sha256: "42" };
      const id = resolve(parent, {}, {}, {} as GraphQLResolveInfo);
      expect(typeof id, type.name).toBe("string");
      expect(decodeGlobalID(id as string).typename, type.name).toBe(type.name);
    }
  });

  it("leaves a connection's edges and pageInfo and an edge's node to the default resolver", () => {
    const connections = objects.filter((t) => t.name.endsWith("Connection") && t.getFields().edges);
    const edges = objects.filter((t) => t.name.endsWith("Edge") && t.getFields().node);
    expect(connections.length).toBeGreaterThan(0);
    expect(edges.length).toBeGreaterThan(0);
    for (const c of connections)
      expect([c.getFields().edges!.resolve, c.getFields().pageInfo?.resolve]).toEqual([undefined, undefined]);
    for (const e of edges) expect(e.getFields().node!.resolve).toBeUndefined();
  });
});
