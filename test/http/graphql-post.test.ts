// `POST /graphql` is answered on a direct path, not through express's router; every other spelling of
// the path (express routes case-insensitively) still goes through express. Both must answer alike:
// same status, same body, same headers (but the ETag express adds), for answers and for errors.
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createJob } from "../helpers/fixtures.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.ts";

async function until(done: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

describe("POST /graphql, direct path and express path", () => {
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
      parsed = JSON.parse(text.split(requestId).join("<request id>"));
    } catch {
      // not JSON: compared as text
    }
    const kept = Object.fromEntries([...res.headers].filter(([k]) => !["date", "etag", "x-request-id"].includes(k)));
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

  it.each(cases)("answers %s alike on both paths", async (_name, body, headers) => {
    for (const query of ["", "?x=1"]) {
      const direct = await post(`/graphql${query}`, body, headers);
      const routed = await post(`/GraphQL${query}`, body, headers);
      expect(direct).toEqual(routed);
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
      await until(() => signals.length === 1);
      expect(signals[0]?.aborted).toBe(false);
      client.abort();
      expect(await gone).toBe("aborted");
      await until(() => signals[0]?.aborted === true);
      const answered = await t.admin.raw(query, { id: job.jobId, s: 0 });
      expect(answered.errors?.[0]?.extensions?.code).toBe("JOB_TIMEOUT");
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(signals[1]?.aborted).toBe(false);
    } finally {
      changes.waitUntil = original;
    }
  });
});
