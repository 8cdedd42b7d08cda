// `POST /graphql` goes straight to the one GraphQL handler; express routes every other spelling of
// the path (it routes case-insensitively) to that same handler. Both ways must answer alike: same
// status, body and headers, for answers and for errors; and every error, also those refused before
// any operation runs, names the request id of the answer's x-request-id header.
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { CLAIM_JOBS, COMPLETE_JOBS, REGISTER_WORKER } from "../../packages/client/src/operations.ts";
import { createJob, createKey } from "../helpers/fixtures.ts";
import { ADMIN_KEY, graphqlClient, startTestServer, type TestServer } from "../helpers/server.ts";
import { pollUntil } from "../helpers/poll.ts";

interface Answered {
  errors?: { extensions?: { requestId?: string } }[];
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

describe("POST /graphql, handed directly and routed by express", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backends[0]!, { JOBS_MAX_COST: "20000" });
  });
  afterAll(async () => t?.stop());

  async function post(path: string, body: string | Buffer, headers: Record<string, string>): Promise<Answer> {
    const res = await fetch(`${t.url}${path}`, { method: "POST", headers, body });
    const text = await res.text();
    const requestId = res.headers.get("x-request-id") ?? "";
    expect(requestId).not.toBe("");
    let parsed: unknown = text;
    try {
      const answer = JSON.parse(text) as Answered | Answered[];
      for (const error of (Array.isArray(answer) ? answer : [answer]).flatMap((a) => a.errors ?? []))
        expect(error.extensions?.requestId).toBe(requestId);
      parsed = JSON.parse(text.split(requestId).join("<request id>"));
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      // not JSON: compared as text
    }
    const kept = Object.fromEntries([...res.headers].filter(([k]) => !["date", "x-request-id"].includes(k)));
    return { status: res.status, headers: kept, body: parsed };
  }

  const json = { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` };
  const expanded = `edges { node { id events { edges { node { cursor } } } artifacts { id } statusHistory { state } } }`;
  const cases: [string, string | Buffer, Record<string, string>][] = [
    ["a query", JSON.stringify({ query: "{ viewer { userId role } }" }), json],
    [
      "a query with variables",
      JSON.stringify({ query: "query($n: Int) { jobs(first: $n) { edges { cursor } } }", variables: { n: 3 } }),
      json,
    ],
    ["a validation error", JSON.stringify({ query: "{ nope }" }), json],
    ["a parse error", JSON.stringify({ query: "{" }), json],
    [
      "an operation over the cost limit",
      JSON.stringify({ query: `query($n: Int) { jobs(first: $n) { ${expanded} } }`, variables: { n: 500 } }),
      json,
    ],
    [
      "variables that do not fit",
      JSON.stringify({ query: "query($n: Int) { jobs(first: $n) { edges { cursor } } }", variables: { n: "many" } }),
      json,
    ],
    ["a batch", JSON.stringify([{ query: "{ viewer { userId } }" }, { query: "{ viewer { role } }" }]), json],
    [
      "a batch over the limit",
      JSON.stringify(Array.from({ length: 11 }, () => ({ query: "{ viewer { userId } }" }))),
      json,
    ],
    ["malformed JSON", '{"query": ', json],
    [
      "a body over the limit",
      JSON.stringify({ query: "{ viewer { userId } }", variables: { x: "a".repeat(3 * 1024 * 1024) } }),
      json,
    ],
    ["no credentials", JSON.stringify({ query: "{ viewer { userId } }" }), { "content-type": "application/json" }],
    ["a bad key", JSON.stringify({ query: "{ viewer { userId } }" }), { ...json, authorization: "Bearer jobs_nope" }],
    ["no content type", JSON.stringify({ query: "{ viewer { userId } }" }), { authorization: `Bearer ${ADMIN_KEY}` }],
    ["text/plain", JSON.stringify({ query: "{ viewer { userId } }" }), { ...json, "content-type": "text/plain" }],
    [
      "an unsupported charset",
      JSON.stringify({ query: "{ viewer { userId } }" }),
      { ...json, "content-type": "application/json; charset=latin1" },
    ],
    [
      "a gzipped body",
      gzipSync(JSON.stringify({ query: "{ viewer { userId } }" })),
      { ...json, "content-encoding": "gzip" },
    ],
    [
      "graphql-response+json accepted",
      JSON.stringify({ query: "{ nope }" }),
      { ...json, accept: "application/graphql-response+json" },
    ],
    ["a caller's request id", JSON.stringify({ query: "{ nope }" }), { ...json, "x-request-id": "caller-id-1" }],
  ];

  it.each(cases)("answers %s alike both ways", async (_name, body, headers) => {
    for (const query of ["", "?x=1"]) {
      const direct = await post(`/graphql${query}`, body, headers);
      const routed = await post(`/GraphQL${query}`, body, headers);
      expect(direct).toEqual(routed);
      expect(direct.headers.etag).toBeUndefined();
    }
  });

  // A plain POST of a valid query is answered by the route itself (src/http/known-queries.ts); one
  // whose accept header needs negotiating goes through Apollo's pipeline. Both must answer alike.
  it.each([
    ["a query", { query: "{ viewer { userId role } }" }],
    ["the same query again (its document known)", { query: "{ viewer { userId role } }" }],
    [
      "a query with variables",
      { query: "query($n: Int) { jobs(first: $n) { edges { cursor } } }", variables: { n: 2 } },
    ],
    ["a resolver's error", { query: '{ artifacts(jobId: "00000000-0000-0000-0000-000000000000") { id } }' }],
    [
      "variables that do not fit",
      { query: "query($n: Int) { jobs(first: $n) { totalCount } }", variables: { n: "x" } },
    ],
    ["a cost over the limit", { query: `query($n: Int) { jobs(first: $n) { ${expanded} } }`, variables: { n: 500 } }],
    ["a validation error", { query: "{ viewer { nope } }" }],
    [
      "a named operation of several",
      { query: "query A { viewer { userId } } query B { viewer { role } }", operationName: "B" },
    ],
    ["several operations and no name", { query: "query A { viewer { userId } } query B { viewer { role } }" }],
    ["an unknown operation name", { query: "query A { viewer { userId } }", operationName: "C" }],
    ["a mutation", { query: 'mutation { cancelJob(reasonerType: LOGIC, jobId: "nope") { jobId } }' }],
  ])("answers %s without negotiation as Apollo's pipeline does", async (_name, request) => {
    const body = JSON.stringify(request);
    const known = await post("/graphql", body, json);
    const negotiated = await post("/graphql", body, { ...json, accept: "application/json, text/plain" });
    expect(known).toEqual(negotiated);
  });

  it("names the request id in errors refused before any operation runs, as in an operation's", async () => {
    const refused = [
      { headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ viewer { userId } }" }) },
      { headers: json, body: JSON.stringify({ nope: 1 }) },
      { headers: { ...json, "content-type": "text/plain" }, body: JSON.stringify({ query: "{ viewer { userId } }" }) },
      { headers: json, body: JSON.stringify({ query: "{ nope }" }) },
    ];
    for (const { headers, body } of refused) {
      const res = await fetch(`${t.url}/graphql`, {
        method: "POST",
        headers: { ...headers, "x-request-id": "r-1" },
        body,
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
      const answer = (await res.json()) as { errors: { extensions: { code: string; requestId: string } }[] };
      expect(answer.errors.length).toBeGreaterThan(0);
      for (const error of answer.errors) expect(error.extensions).toMatchObject({ requestId: "r-1" });
    }
  });

  it("echoes the request id in the header and in errors, and marks answers uncacheable", async () => {
    const res = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { ...json, "x-request-id": "abc-123" },
      body: JSON.stringify({ query: "{ nope }" }),
    });
    expect(res.headers.get("x-request-id")).toBe("abc-123");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as { errors: { extensions: { requestId: string } }[] };
    expect(body.errors[0]!.extensions.requestId).toBe("abc-123");
    const ok = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ query: "{ viewer { userId } }" }),
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("cache-control")).toBe("no-store");
    expect(ok.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(Number(ok.headers.get("content-length"))).toBe(Buffer.byteLength(await ok.text()));
  });

  it("aborts a waitForJob when its client goes away before the answer, and not after an answer", async () => {
    const changes = t.server.services.changes;
    const signals: (AbortSignal | undefined)[] = [];
    const original = changes.waitUntil;
    changes.waitUntil = function (this: typeof changes, ...args: Parameters<typeof original>) {
      signals.push(args[3]);
      return original.apply(this, args);
    } as typeof original;
    try {
      const job = await createJob(t.admin, "PREDICTIVE", 1);
      const query = `query($id: ID!, $s: Float) { waitForJob(reasonerType: PREDICTIVE, jobId: $id, timeoutS: $s) { state } }`;
      const wait = (timeoutS: number) => JSON.stringify({ query, variables: { id: job.jobId, s: timeoutS } });
      const client = new AbortController();
      const gone = fetch(`${t.url}/graphql`, {
        method: "POST",
        headers: json,
        body: wait(30),
        signal: client.signal,
      }).catch(() => "aborted");
      await pollUntil(() => signals.length === 1, "waitForJob to start waiting", { timeoutMs: 5000 });
      expect(signals[0]?.aborted).toBe(false);
      client.abort();
      expect(await gone).toBe("aborted");
      await pollUntil(() => signals[0]?.aborted === true, "the wait's signal to abort", { timeoutMs: 5000 });
      const answered = await t.admin.raw(query, { id: job.jobId, s: 0 });
      expect(answered.errors?.[0]?.extensions?.code).toBe("JOB_TIMEOUT");
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(signals[1]?.aborted).toBe(false);
    } finally {
      changes.waitUntil = original;
    }
  });

  // Batches and mutations are answered by the route itself too (the Worker's turn is its completions
  // and its next claim in one batched request): a request with an accept header to negotiate goes
  // through Apollo's pipeline instead. Both ways must answer alike (status, headers, bytes), write the
  // same audit rows and count the same request metrics, also when an operation fails or is refused.
  describe("batched mutations, by the route and by Apollo's pipeline", () => {
    const WORKER_QUEUE = "batch-queue";
    let worker: Record<string, string>;
    let workerId: string;
    let cases = 0;
    beforeAll(async () => {
      const secret = await createKey(t.admin, "batch-worker", "WORKER");
      worker = { "content-type": "application/json", authorization: `Bearer ${secret}` };
      const registered = await graphqlClient(t.url, secret).request<{ registerWorker: { id: string } }>(
        REGISTER_WORKER,
        { input: { name: "batch", reasonerTypes: ["PREDICTIVE"], reasonerNames: [WORKER_QUEUE] } },
      );
      workerId = registered.registerWorker.id;
    });

    /** Request counts by their labels, from the server's request-duration histogram. */
    async function requestCounts(): Promise<Map<string, number>> {
      const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      const text = await res.text();
      return new Map(
        [...text.matchAll(/^jobs_graphql_request_duration_seconds_count(\{[^}]*\}) (\d+)/gm)].map((m) => [
          m[1]!,
          Number(m[2]),
        ]),
      );
    }

    /**
     * One request: its answer with the ids of jobs and leases (and their times) masked, its audit
     * rows and the request metrics it counted. Both ways use request ids of one length (errors name
     * the id, and the answers' lengths must match).
     */
    async function turn(body: unknown, negotiated: boolean, requestId: string) {
      const before = await requestCounts();
      const headers = {
        ...worker,
        "x-request-id": requestId,
        ...(negotiated ? { accept: "application/json, text/plain" } : {}),
      };
      const answer = await post("/graphql", JSON.stringify(body), headers);
      const after = await requestCounts();
      const counted = [...after].map(([labels, n]) => [labels, n - (before.get(labels) ?? 0)]).filter(([, n]) => n);
      await t.server.services.audit.idle();
      const audited = await t.server.services.db.query<{ operation: string; target: string | null }>(
        `select "tenantId", "actor", "actorId", "role", "operation", "target", "outcome", "requestId"
           from "audit_log" where "requestId" = $1 order by "operation", "target", "outcome"`,
        [requestId],
      );
      const named = JSON.parse(
        JSON.stringify(answer.body, (key, value) =>
          ["id", "jobId", "token", "expiresOn", "createdOn", "name"].includes(key) && typeof value === "string"
            ? `<${key}>`
            : value,
        ),
      );
      const rows = audited.map((row) => ({ ...row, requestId: "<request id>", target: row.target && "<target>" }));
      // `seen` is what both ways must have alike; `body` as answered (its leases are used).
      return { seen: { answer: { ...answer, body: named }, rows, counted }, body: answer.body };
    }

    const claim = (limit: number) => ({ query: CLAIM_JOBS, variables: { workerId, limit } });
    const complete = (...tokens: string[]) => ({
      query: COMPLETE_JOBS,
      variables: { completions: tokens.map((leaseToken) => ({ leaseToken, result: { ok: true } })) },
    });

    it("answers a turn with nothing to claim alike", async () => {
      const batch = [complete(), claim(8)];
      const known = await turn(batch, false, "turn-k-1");
      const negotiated = await turn(batch, true, "turn-n-1");
      expect(known.seen.answer.body).toEqual([{ data: { completeJobs: [] } }, { data: { claimJobs: [] } }]);
      expect(known.seen).toEqual(negotiated.seen);
      expect(known.seen.rows.map((r) => r.operation)).toEqual(["claimJobs", "completeJobs"]);
    });

    it("answers a turn that claims and completes jobs alike", async () => {
      const ways = [];
      for (const [negotiated, id] of [
        [false, "k"],
        [true, "n"],
      ] as const) {
        await createJob(t.admin, "PREDICTIVE", 1, { reasonerName: WORKER_QUEUE });
        await createJob(t.admin, "PREDICTIVE", 2, { reasonerName: WORKER_QUEUE });
        const claimed = await turn([claim(2)], negotiated, `turn-${id}-2`);
        const leases = (claimed.body as [{ data: { claimJobs: { token: string }[] } }])[0].data.claimJobs;
        expect(leases).toHaveLength(2);
        const completed = await turn([complete(...leases.map((l) => l.token)), claim(2)], negotiated, `turn-${id}-3`);
        ways.push({ claimed: claimed.seen, completed: completed.seen });
      }
      expect(ways[0]).toEqual(ways[1]);
      expect(ways[0]!.completed.answer.body).toMatchObject([
        { data: { completeJobs: [{ state: "SUCCEEDED" }, { state: "SUCCEEDED" }] } },
        { data: { claimJobs: [] } },
      ]);
    });

    it.each([
      ["a completion with a lost lease", () => [complete("nope"), claim(8)]],
      ["variables that do not fit", () => [complete(), { query: CLAIM_JOBS, variables: { workerId, limit: "x" } }]],
      [
        "a claim of an unknown worker",
        () => [claim(1), { query: CLAIM_JOBS, variables: { workerId: "nope", limit: 1 } }],
      ],
      [
        "an operation over the cost limit beside a mutation",
        () => [claim(1), { query: `query($n: Int) { jobs(first: $n) { ${expanded} } }`, variables: { n: 500 } }],
      ],
      ["a query and a mutation", () => [{ query: "{ viewer { userId role } }" }, claim(1)]],
      [
        "a query without variables beside a failing mutation",
        () => [{ query: "{ viewer { userId } }" }, complete("nope")],
      ],
      [
        "a resolver's error without variables beside a mutation",
        () => [{ query: '{ artifacts(jobId: "00000000-0000-0000-0000-000000000000") { id } }' }, claim(1)],
      ],
      ["a lone mutation", () => claim(1)],
      ["a lone mutation that fails", () => complete("nope")],
    ])("answers %s alike", async (_name, body) => {
      const n = ++cases;
      const known = await turn(body(), false, `case-k-${n}`);
      const negotiated = await turn(body(), true, `case-n-${n}`);
      expect(known.seen).toEqual(negotiated.seen);
    });
  });
});
