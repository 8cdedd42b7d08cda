// The workers list at a front: its own registered workers and each upstream's (as `@<gateway>/<id>`),
// most recently seen first; an upstream that cannot be reached leaves the others' workers listed and
// says so beside them (UPSTREAM_UNAVAILABLE at the field), as a merged jobs page does. The upstream is
// a real server on each backend, reached through a TCP proxy the test cuts; the front runs on PGlite.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createKey } from "../helpers/fixtures.ts";
import { type Federation, startFederation } from "../helpers/federation.ts";
import type { GraphQLClient, TestServer } from "../helpers/server.ts";
import type { TcpProxy } from "../helpers/tcp-proxy.ts";

const WORKERS = `{ workers { id name reasonerTypes } }`;

interface WorkerView {
  id: string;
  name: string;
  reasonerTypes: string[];
}

describe.each(backends)("the workers list at a front, upstream on $name", (backend) => {
  let federation: Federation;
  let upstream: TestServer;
  let front: TestServer;
  let link: TcpProxy;
  /** "boss": an admin at the front and at the upstream, which applies its own role for it. */
  let boss: GraphQLClient;

  beforeAll(async () => {
    federation = await startFederation(backend, { families: ["AGENT"], cuttable: true, timeoutMs: 1000 });
    ({ upstream, front } = federation);
    link = federation.link!;
    boss = front.client(await createKey(front.admin, "boss", "ADMIN"));
    await createKey(upstream.admin, "boss", "ADMIN");
  }, 120_000);

  afterAll(() => federation?.stop());

  it("lists the front's own workers and the upstream's, and the front's alone with an error while the upstream is away", async () => {
    const register = async (server: TestServer, user: string, name: string, types: string) => {
      const worker = server.client(await createKey(server.admin, user, "WORKER"));
      return (
        await worker.request<{ registerWorker: { id: string } }>(
          `mutation { registerWorker(input: { name: "${name}", reasonerTypes: [${types}] }) { id } }`,
        )
      ).registerWorker.id;
    };
    // Registered at the front for a family it serves itself, and through it for the upstream's.
    await createKey(upstream.admin, "mesher", "WORKER");
    const own = await register(front, "predictor", "predictor-1", "PREDICTIVE");
    const relayed = await register(front, "mesher", "mesher-1", "AGENT");
    expect(relayed).toMatch(/^@up\//);

    const listed = await boss.request<{ workers: WorkerView[] }>(WORKERS);
    // Most recently seen first: the relayed one registered last.
    expect(listed.workers).toEqual([
      { id: relayed, name: "mesher-1", reasonerTypes: ["AGENT"] },
      { id: own, name: "predictor-1", reasonerTypes: ["PREDICTIVE"] },
    ]);
    const firstOnly = await boss.request<{ workers: WorkerView[] }>(`{ workers(first: 1) { id } }`);
    expect(firstOnly.workers).toEqual([{ id: relayed }]);

    link.cut();
    try {
      const partial = await boss.raw(WORKERS);
      expect((partial.data as { workers: WorkerView[] }).workers).toEqual([
        { id: own, name: "predictor-1", reasonerTypes: ["PREDICTIVE"] },
      ]);
      expect(partial.errors).toHaveLength(1);
      expect(partial.errors![0]!.path).toEqual(["workers"]);
      expect(partial.errors![0]!.extensions?.code).toBe("UPSTREAM_UNAVAILABLE");
    } finally {
      link.restore();
    }
    // A member may not list workers, at the front or through it.
    const member = front.client(await createKey(front.admin, "alice", "MEMBER"));
    const refused = await member.raw(WORKERS);
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  }, 120_000);
});
