// Pass-through forwarding (src/schema/pass-through.ts): a `jobs` or `job` query of a family one
// upstream serves is sent to it as the client wrote it, and the answer is the upstream's, with list
// cursors wrapped in the front's and download URLs pointing at the front. Each backend's upstream
// (running its built-in executors) is read through a front and directly, as the same user, and the
// answers must be equal but for those rewrites.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../../src/jobs/cursor.ts";
import { backends } from "../helpers/backends.ts";
import { graphqlRequestsServed } from "../helpers/metrics.ts";
import { type Federation, GATEWAY_KEY, startFederation } from "../helpers/federation.ts";
import type { GraphQLClient, TestServer } from "../helpers/server.ts";
import { liveClient } from "../live/ws-client.ts";

const EXPANDED = `query Page($first: Int, $after: String) {
  jobs(filter: { reasonerType: GENERATION }, first: $first, after: $after) {
    totalCount totalCountIsEstimate
    edges { cursor node { __typename id jobId state nativeState createdBy createdOn payload
      statusHistory { id state nativeState createdOn }
      events(first: 5) { edges { cursor node { cursor stream data } } pageInfo { hasNextPage endCursor } }
      logs(first: 3) { edges { node { cursor level message } } }
      artifacts { id name sizeBytes contentHash downloadUrl } problems { code } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

/** The same selection through a named fragment, aliases and a type condition. */
const FRAGMENTED = `query Fragmented($n: Int) {
  list: jobs(first: $n, filter: { reasonerType: GENERATION }) { edges { node { ...Gen } } }
}
fragment Gen on Job { jobId st: state ... on GenerationJob { artifacts { url: downloadUrl name } } }`;

const SINGLE = `query One($id: ID!) { job(reasonerType: GENERATION, jobId: $id) { jobId state
  statusHistory { state } artifacts { name downloadUrl } events(first: 2) { edges { node { cursor } } } } }`;

/** A page nothing in which is rewritten (no list cursor, no download URL): passed on as the upstream's bytes. */
const PLAIN = `query Plain { jobs(first: 50, filter: { reasonerType: GENERATION }) { edges { node { jobId state
  statusHistory { state createdOn } events(first: 5) { edges { node { cursor data } } } artifacts { id name sizeBytes } } } } }`;

type Edge = { cursor: string; node: { jobId: string; artifacts: { downloadUrl: string }[] } };
type Page = {
  jobs: {
    totalCount: number;
    edges: Edge[];
    pageInfo: { hasNextPage: boolean; startCursor: string | null; endCursor: string | null };
  };
};

/** The upstream's cursor a front cursor of gateway "up" wraps. */
const upstreamCursor = (front: string) =>
  decodeCursor(
    decodeCursor(front, (v): v is { up: string } => typeof (v as { up?: unknown }).up === "string").up,
    (v): v is { GENERATION: string } => typeof (v as { GENERATION?: unknown }).GENERATION === "string",
  ).GENERATION;

describe.each(backends)("pass-through forwarding to an upstream on $name", (backend) => {
  let federation: Federation;
  let upstream: TestServer;
  let front: TestServer;
  let viaFront: GraphQLClient;
  let direct: GraphQLClient;
  const jobIds: string[] = [];

  /** The direct answer with the front's rewrites applied: what the front must answer. */
  const asFront = (page: Page): Page => {
    const cursor = (c: string | null) => (c === null ? null : frontCursorOf(c));
    return {
      jobs: {
        ...page.jobs,
        edges: page.jobs.edges.map((e) => ({
          ...e,
          cursor: cursor(e.cursor)!,
          node: {
            ...e.node,
            artifacts: e.node.artifacts.map((a) => ({
              ...a,
              downloadUrl: a.downloadUrl.replace(upstream.url, front.url),
            })),
          },
        })),
        pageInfo: {
          ...page.jobs.pageInfo,
          startCursor: cursor(page.jobs.pageInfo.startCursor),
          endCursor: cursor(page.jobs.pageInfo.endCursor),
        },
      },
    };
  };
  /** The front's cursor for an upstream one: each gateway's position, "up"'s its own per family. */
  const frontCursorOf = (c: string) => encodeCursor({ up: encodeCursor({ GENERATION: c }) });

  beforeAll(async () => {
    federation = await startFederation(backend, {
      families: ["GENERATION"],
      upstreamEnv: { JOBS_WORKERS: "2", JOBS_METRICS_PUBLIC: "1" },
      moreGateways: [
        // Nothing listens there: an unreachable upstream (of a family listed after GENERATION, since
        // a download is asked of each upstream in that order).
        {
          name: "down",
          url: "http://127.0.0.1:9/graphql",
          apiKey: GATEWAY_KEY,
          reasonerTypes: ["BATCH"],
          timeoutMs: 1000,
        },
      ],
    });
    ({ upstream, front } = federation);
    const key = async (server: TestServer) =>
      (
        await server.admin.request<{ createApiKey: { secret: string } }>(
          `mutation { createApiKey(userId: "alice", role: MEMBER) { secret } }`,
        )
      ).createApiKey.secret;
    viaFront = front.client(await key(front));
    direct = upstream.client(await key(upstream));
    for (let i = 0; i < 5; i++) {
      const ready = await viaFront.request<{ createJobReady: { jobId: string; state: string } }>(
        `mutation($p: JSON!) { createJobReady(input: { reasonerType: GENERATION, reasonerName: "mock", payload: $p }, timeoutS: 120) { jobId state } }`,
        { p: { kind: "MOCK", rows: 10, seed: i } },
      );
      expect(ready.createJobReady.state).toBe("SUCCEEDED");
      jobIds.push(ready.createJobReady.jobId);
    }
  }, 300_000);

  afterAll(() => federation?.stop());

  it("answers a page with its expansions as the upstream does, in one upstream request, cursors and URLs the front's", async () => {
    const before = await graphqlRequestsServed(upstream.url);
    const page = await viaFront.request<Page>(EXPANDED, { first: 50 });
    // The list, its count and every expansion: one request (the resolvers' path made two).
    expect((await graphqlRequestsServed(upstream.url)) - before).toBe(1);
    const there = await direct.request<Page>(EXPANDED, { first: 50 });
    expect(there.jobs.edges.map((e) => e.node.jobId).sort()).toEqual([...jobIds].sort());
    for (const [i, e] of page.jobs.edges.entries()) expect(upstreamCursor(e.cursor)).toBe(there.jobs.edges[i]!.cursor);
    expect(page).toEqual(asFront(there));
    const artifact = page.jobs.edges[0]!.node.artifacts[0]!;
    expect(artifact.downloadUrl.startsWith(`${front.url}/artifacts/`)).toBe(true);
    const download = await fetch(artifact.downloadUrl, { headers: { authorization: `Bearer ${viaFront.key}` } });
    expect(download.status).toBe(200);
    await download.arrayBuffer();
  });

  it("pages on by the front's cursors with no gap and no repeat, and they serve the resolvers' path too", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: Page = await viaFront.request<Page>(EXPANDED, { first: 2, after });
      const there = await direct.request<Page>(EXPANDED, {
        first: 2,
        after: after === null ? null : upstreamCursor(after),
      });
      expect(page).toEqual(asFront(there));
      seen.push(...page.jobs.edges.map((e) => e.node.jobId));
      after = page.jobs.pageInfo.hasNextPage ? page.jobs.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual([...jobIds].reverse());

    // `raw` is answered by the front's resolvers (it names the front's tenant): the same cursor
    // continues there, and the resolvers' cursors continue on the forwarded path.
    const firstPage = await viaFront.request<Page>(EXPANDED, { first: 2 });
    const resolved = await viaFront.request<{
      jobs: { edges: { cursor: string; node: { jobId: string } }[] };
    }>(
      `query($after: String) { jobs(filter: { reasonerType: GENERATION }, first: 2, after: $after) { edges { cursor node { jobId raw } } } }`,
      { after: firstPage.jobs.pageInfo.endCursor },
    );
    expect(resolved.jobs.edges.map((e) => e.node.jobId)).toEqual(seen.slice(2, 4));
    const next = await viaFront.request<Page>(EXPANDED, { first: 2, after: resolved.jobs.edges[1]!.cursor });
    expect(next.jobs.edges.map((e) => e.node.jobId)).toEqual(seen.slice(4, 6));
  });

  it("forwards fragments, aliases and variables, and single jobs, as the upstream answers them", async () => {
    const fragmented = await viaFront.request<{ list: { edges: { node: { artifacts: { url: string }[] } }[] } }>(
      FRAGMENTED,
      { n: 3 },
    );
    const fragmentedThere = await direct.request<typeof fragmented>(FRAGMENTED, { n: 3 });
    expect(fragmented.list.edges).toHaveLength(3);
    for (const edge of fragmentedThere.list.edges)
      for (const a of edge.node.artifacts) a.url = a.url.replace(upstream.url, front.url);
    expect(fragmented).toEqual(fragmentedThere);

    const before = await graphqlRequestsServed(upstream.url);
    const one = await viaFront.request<{ job: { artifacts: { downloadUrl: string }[] } }>(SINGLE, { id: jobIds[0] });
    expect((await graphqlRequestsServed(upstream.url)) - before).toBe(1);
    const oneThere = await direct.request<typeof one>(SINGLE, { id: jobIds[0] });
    for (const a of oneThere.job.artifacts) a.downloadUrl = a.downloadUrl.replace(upstream.url, front.url);
    expect(one).toEqual(oneThere);
    // Another user's job is not theirs to see there either.
    const bob = front.client(
      (
        await front.admin.request<{ createApiKey: { secret: string } }>(
          `mutation { createApiKey(userId: "bob", role: MEMBER) { secret } }`,
        )
      ).createApiKey.secret,
    );
    expect(await bob.request(SINGLE, { id: jobIds[0] })).toEqual({ job: null });
  });

  it("passes on an answer with nothing to rewrite as the upstream's bytes, the resolvers' answer, over every transport", async () => {
    const post = async (server: TestServer, key: string | null, accept?: string) => {
      const res = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}`, ...(accept ? { accept } : {}) },
        body: JSON.stringify({ query: PLAIN }),
      });
      expect(res.status).toBe(200);
      return res.text();
    };
    const there = await post(upstream, direct.key);
    const answer = JSON.parse(there) as { data: { jobs: { edges: unknown[] } } };
    expect(answer.data.jobs.edges).toHaveLength(jobIds.length);
    expect(await post(front, viaFront.key)).toBe(there);
    // The same selection through the front's resolvers (a second root field is never forwarded).
    const resolved = await viaFront.request<{ __typename: string; jobs: unknown }>(
      PLAIN.replace("query Plain {", "query Plain { __typename"),
    );
    expect(resolved.jobs).toEqual(answer.data.jobs);
    // Apollo's path (another answer type) and the WebSocket transport read the data from the bytes.
    expect(JSON.parse(await post(front, viaFront.key, "application/graphql-response+json"))).toEqual(answer);
    const live = liveClient(front.url, viaFront.key);
    try {
      expect(await live.request(PLAIN)).toEqual(answer);
    } finally {
      await live.dispose();
    }
  });

  it("refuses a cursor the front did not issue for the list: the upstream's own, a family the gateway does not serve", async () => {
    const there = await direct.request<Page>(EXPANDED, { first: 2 });
    const theirs = there.jobs.pageInfo.endCursor!;
    const ours = (await viaFront.request<Page>(EXPANDED, { first: 2 })).jobs.pageInfo.endCursor!;
    const foreign = [
      theirs,
      // The front's shape with the gateway's part naming a family it does not serve, or none.
      encodeCursor({ up: encodeCursor({ LOGIC: upstreamCursor(ours) }) }),
      encodeCursor({ up: encodeCursor({}) }),
      encodeCursor({}),
    ];
    // Forwarded (EXPANDED) and through the resolvers (`raw` is never forwarded): the same refusal.
    const RESOLVED = `query($after: String) { jobs(filter: { reasonerType: GENERATION }, first: 2, after: $after) { edges { node { jobId raw } } } }`;
    for (const after of foreign)
      for (const query of [EXPANDED, RESOLVED]) {
        const answer = await viaFront.raw(query, { first: 2, after });
        expect(answer.data).toBeNull();
        expect(answer.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
      }
    // The front's own cursor still pages on.
    const next = await viaFront.request<Page>(EXPANDED, { first: 2, after: ours });
    expect(next.jobs.edges.map((e) => e.node.jobId)).toEqual([...jobIds].reverse().slice(2, 4));
  });

  it("keeps the errors the resolvers give: the client's mistakes, and an unreachable upstream", async () => {
    const bad = await viaFront.raw(
      `query { jobs(filter: { reasonerType: GENERATION }, first: 1) { edges { node { events(first: 100000) { edges { cursor } } } } } }`,
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const badCursor = await viaFront.raw(EXPANDED, { first: 1, after: "nope" });
    expect(badCursor.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    const down = await viaFront.raw(`query { jobs(filter: { reasonerType: BATCH }) { edges { node { jobId } } } }`);
    expect(down.data).toBeNull();
    expect(down.errors).toHaveLength(1);
    expect(down.errors![0]!.path).toEqual(["jobs"]);
    expect(down.errors![0]!.extensions).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", gateway: "down" });
    const downOne = await viaFront.raw(
      `query { batch: job(reasonerType: BATCH, jobId: "0190a2b4-0000-7000-8000-000000000000") { jobId } }`,
    );
    expect(downOne.data).toEqual({ batch: null });
    expect(downOne.errors![0]!.path).toEqual(["batch"]);
    expect(downOne.errors![0]!.extensions).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", gateway: "down" });
  });
});
