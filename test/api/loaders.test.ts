// Expansions are batched per request: a page of 50 jobs with every expansion costs the same number
// of SQL statements as a page of 5.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createJob, REASONER_TYPES } from "../helpers/fixtures.ts";
import { NO_BACKGROUND_PASSES, startTestServer, type TestServer } from "../helpers/server.ts";

const EVERYTHING = `
  jobId state statusHistory { state } events { edges { cursor } } logs { edges { cursor } } execTimeMs
  artifacts { id } problems { code } details raw operation { done }
  ... on AgentJob { comments { id } archiveStatusHistory { status } access { subjectId } file { id revisions { id } } }
  ... on GenerationJob { seal { id } rerunOf { jobId } evidence { rootHash } }
  ... on BatchJob { steps { name } }
`;

describe.each(backends)("expansion batching on $name", (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    // No background passes: their statements would be counted with the request's.
    t = await startTestServer(backend, NO_BACKGROUND_PASSES);
    for (let i = 0; i < 54; i++) await createJob(t.admin, REASONER_TYPES[i % REASONER_TYPES.length]!, i);
  });
  afterAll(async () => t?.stop());

  async function statementsFor(first: number): Promise<number> {
    // Authentication reads are part of every request; they are counted too. Audit writes of earlier
    // mutations land beside their responses: let them finish first.
    await t.server.services.audit.idle();
    const before = t.server.services.db.statementCount();
    const data = await t.admin.request<{ jobs: { edges: unknown[] } }>(
      `query($n: Int) { jobs(first: $n) { edges { node { ${EVERYTHING} } } } }`,
      { n: first },
    );
    expect(data.jobs.edges).toHaveLength(first);
    return t.server.services.db.statementCount() - before;
  }

  it("counts the same statements for 5 and for 50 jobs", async () => {
    await statementsFor(5); // warm-up: the key's lastUsedOn write happens once
    const five = await statementsFor(5);
    const fifty = await statementsFor(50);
    expect(fifty).toBe(five);
    expect(five).toBeLessThan(25);
  });
});
