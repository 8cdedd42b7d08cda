// Relay ids are computed synchronously (not through Pothos's async id resolver): still the type name
// and the node's own id, base64-encoded, and `node(id:)` still reads them back.
import { encodeGlobalID } from "@pothos/plugin-relay";
import { GraphQLObjectType } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSchema } from "../../src/schema/index.ts";
import { backends } from "../helpers/backends.ts";
import { createJob, REASONER_TYPES } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const TYPE_NAMES = {
  LOGIC: "Transaction",
  PRESCRIPTIVE: "ReasonerJob",
  PREDICTIVE: "ReasonerJob",
  AGENT: "AgentJob",
  GENERATION: "GenerationJob",
  BATCH: "BatchJob",
} as const;

describe("Relay ids", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backends[0]!);
  });
  afterAll(async () => t?.stop());

  it("resolves every node type's id without a promise", () => {
    const schema = buildSchema();
    const nodes = Object.values(schema.getTypeMap()).filter(
      (type): type is GraphQLObjectType =>
        type instanceof GraphQLObjectType && type.getInterfaces().some((i) => i.name === "Node"),
    );
    expect(nodes.map((n) => n.name).sort()).toEqual([
      "AgentJob",
      "Artifact",
      "BatchJob",
      "GenerationJob",
      "ReasonerJob",
      "Transaction",
    ]);
    const id = schema.getType("Artifact") as GraphQLObjectType;
    expect(id.getFields().id!.resolve!({ id: "x" }, {}, {}, {} as never)).toBe(encodeGlobalID("Artifact", "x"));
  });

  it("are the type name and native id of jobs and artifacts, and node(id:) reads them", async () => {
    for (const type of REASONER_TYPES) {
      const job = await createJob(t.admin, type, 1);
      expect(job.id).toBe(encodeGlobalID(TYPE_NAMES[type], `${type}:${job.jobId}`));
      const read = await t.admin.request<{ node: { jobId: string } | null }>(
        `query($id: ID!) { node(id: $id) { ... on Job { jobId } } }`,
        { id: job.id },
      );
      expect(read.node?.jobId).toBe(job.jobId);
    }
    const job = await createJob(t.admin, "PREDICTIVE", 2);
    const db = t.server.services.db;
    const [artifact] = await db.query<{ id: string }>(
      `insert into "artifacts" ("id", "tenantId", "jobId", "name", "artifactType", "sizeBytes", "contentHash")
       select gen_random_uuid(), "tenantId", "id", 'out.csv', 'file', 12, 'sha256:00' from "jobs" where "id" = $1 returning "id"`,
      [job.jobId],
    );
    const data = await t.admin.request<{ job: { artifacts: { id: string }[] } }>(
      `query($id: ID!) { job(reasonerType: PREDICTIVE, jobId: $id) { artifacts { id } } }`,
      { id: job.jobId },
    );
    expect(data.job.artifacts).toEqual([{ id: encodeGlobalID("Artifact", artifact!.id) }]);
    const read = await t.admin.request<{ node: { name: string } | null }>(
      `query($id: ID!) { node(id: $id) { ... on Artifact { name } } }`,
      { id: data.job.artifacts[0]!.id },
    );
    expect(read.node?.name).toBe("out.csv");
  });

  it("read an id naming nothing here as null, alone in nodes(ids:), and refuse a string that is no global id", async () => {
    const jobs = [await createJob(t.admin, "PREDICTIVE", 3), await createJob(t.admin, "LOGIC", 4)];
    const nothing = [
      encodeGlobalID("Foo", "bar"),
      encodeGlobalID("Problem", "x"),
      encodeGlobalID("Query", "x"),
      encodeGlobalID("Transaction", "LOGIC:not-a-uuid"),
      encodeGlobalID("Artifact", "not-a-uuid"),
    ];
    for (const id of nothing) {
      const r = await t.admin.raw(`query($id: ID!) { node(id: $id) { id } }`, { id });
      expect(r.errors).toBeUndefined();
      expect(r.data).toEqual({ node: null });
    }
    const ids = [jobs[0]!.id, ...nothing, jobs[1]!.id];
    const many = await t.admin.raw<{ nodes: ({ id: string } | null)[] }>(
      `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
      { ids },
    );
    expect(many.errors).toBeUndefined();
    expect(many.data?.nodes).toEqual([{ id: jobs[0]!.id }, ...nothing.map(() => null), { id: jobs[1]!.id }]);

    for (const bad of ["notbase64!!", "", Buffer.from("no colon").toString("base64")]) {
      const one = await t.admin.raw(`query($id: ID!) { node(id: $id) { id } }`, { id: bad });
      expect(one.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "id" });
      const list = await t.admin.raw(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [jobs[0]!.id, bad] });
      expect(list.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "ids" });
    }
  });
});
