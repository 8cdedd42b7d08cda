// What a request forwarded by a front costs its upstream: the statements of the same request sent
// there directly. The front's GATEWAY key and the user it acts as are remembered as a direct key is
// (auth/service.ts), so a forwarded page reads the database no more than a direct one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createJob } from "../helpers/fixtures.ts";
import { type Federation, startFederation } from "../helpers/federation.ts";
import { type GraphQLClient, NO_BACKGROUND_PASSES, type TestServer } from "../helpers/server.ts";

const PAGE = `query Page { jobs(first: 10, filter: { reasonerType: PRESCRIPTIVE }) { edges { node { jobId state
  statusHistory { state } events { edges { node { cursor data } } } artifacts { id name } } } } }`;

describe.each(backends)("a forwarded request's cost upstream on $name", (backend) => {
  let federation: Federation;
  let upstream: TestServer;
  let front: TestServer;

  beforeAll(async () => {
    // No background passes on either: their statements would be counted with the request's.
    federation = await startFederation(backend, {
      families: ["PRESCRIPTIVE"],
      upstreamEnv: NO_BACKGROUND_PASSES,
      frontEnv: NO_BACKGROUND_PASSES,
    });
    ({ upstream, front } = federation);
    for (let i = 0; i < 3; i++) await createJob(upstream.admin, "PRESCRIPTIVE", i);
  });
  afterAll(() => federation?.stop());

  /** The upstream's statements while `client` reads the page (the same admin user either way). */
  async function statementsFor(client: GraphQLClient): Promise<number> {
    await upstream.server.services.audit.idle();
    const before = upstream.server.services.db.statementCount();
    const data = await client.request<{ jobs: { edges: unknown[] } }>(PAGE);
    expect(data.jobs.edges).toHaveLength(3);
    return upstream.server.services.db.statementCount() - before;
  }

  it("is the statements of the same request sent directly", async () => {
    // Warm-up: each key is read once and its lastUsedOn written once (in the background).
    for (let i = 0; i < 2; i++) {
      await statementsFor(front.admin);
      await statementsFor(upstream.admin);
    }
    const forwarded = await statementsFor(front.admin);
    const direct = await statementsFor(upstream.admin);
    expect(direct).toBeGreaterThan(0);
    expect(forwarded).toBe(direct);
  });
});
