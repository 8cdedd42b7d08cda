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
});
