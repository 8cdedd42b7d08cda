// Every refused request says what is wrong with it, with its code: a body that is not JSON (and
// where), JSON that is not a request, no `query`, a batch that is not an array of operations, a
// content type or encoding the server does not read, a path that does not decode. An upload over
// the size limit is refused in one wording, naming the limit and its setting, however it was sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.ts";

const MAX_BYTES = 1024;

interface Refusal {
  status: number;
  message: string;
  code: string;
}

describe.each(backends.map((b) => [b.name, b] as const))("what a refused request is told, on %s", (_name, backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_MAX_ARTIFACT_BYTES: String(MAX_BYTES), JOBS_RATE_LIMIT: "0" });
  });
  afterAll(async () => t?.stop());

  const auth = { authorization: `Bearer ${ADMIN_KEY}` };
  const json = { ...auth, "content-type": "application/json" };

  async function refusal(path: string, init: RequestInit): Promise<Refusal> {
    const res = await fetch(`${t.url}${path}`, init);
    const text = await res.text();
    const answer = JSON.parse(text) as { errors: { message: string; extensions: { code: string } }[] };
    expect(answer.errors).toHaveLength(1);
    return { status: res.status, message: answer.errors[0]!.message, code: answer.errors[0]!.extensions.code };
  }

  const posted = (body: string | Uint8Array, headers: Record<string, string> = json) =>
    refusal("/graphql", { method: "POST", headers, body });

  const cases: [string, () => Promise<Refusal>, Refusal | [number, string, RegExp]][] = [
    [
      "a body that is not JSON",
      () => posted('{"query": "{ viewer { userId } }",}'),
      [400, "BAD_REQUEST", /^the body is not valid JSON: Expected double-quoted property name in JSON at position 34/],
    ],
    [
      "a body that is not JSON, by its text",
      () => posted('{"query": }'),
      [400, "BAD_REQUEST", /^the body is not valid JSON: Unexpected token '}', "{"query": }" is not valid JSON$/],
    ],
    [
      "JSON that is a string",
      () => posted('"{ viewer { userId } }"'),
      [400, "BAD_REQUEST", /^the body is JSON but not a GraphQL request: send an object with a `query`/],
    ],
    ["JSON null", () => posted("null"), [400, "BAD_REQUEST", /^the body is JSON but not a GraphQL request/]],
    ["an empty object", () => posted("{}"), [400, "BAD_REQUEST", /^the body has no `query`/]],
    ["an empty body", () => posted(""), [400, "BAD_REQUEST", /^the body has no `query`/]],
    ["variables and no query", () => posted('{"variables":{}}'), [400, "BAD_REQUEST", /^the body has no `query`/]],
    ["an empty batch", () => posted("[]"), [400, "BAD_REQUEST", /^the batch is empty/]],
    [
      "a batch of numbers",
      () => posted("[1]"),
      [400, "BAD_REQUEST", /^a batch is an array of operations \(objects with a `query`\): element 0 is a number$/],
    ],
    [
      "a batch with a string in it",
      () => posted('[{"query":"{ viewer { userId } }"},"{ viewer { role } }"]'),
      [400, "BAD_REQUEST", /element 1 is a string$/],
    ],
    [
      "a batch operation without a query",
      () => posted('[{"query":"{ viewer { userId } }"},{"variables":{}}]'),
      [400, "BAD_REQUEST", /^operation 1 of the batch has no `query`$/],
    ],
    [
      "text/plain",
      () => posted('{"query":"{ viewer { userId } }"}', { ...auth, "content-type": "text/plain" }),
      [415, "BAD_REQUEST", /^POST \/graphql takes a JSON body \(content-type: application\/json\), not text\/plain$/],
    ],
    [
      "no content type",
      () => posted(new TextEncoder().encode('{"query":"{ viewer { userId } }"}'), auth),
      [415, "BAD_REQUEST", /^POST \/graphql takes a JSON body: send content-type: application\/json$/],
    ],
    [
      "a charset other than UTF-8",
      () => posted("{}", { ...json, "content-type": "application/json; charset=latin1" }),
      [415, "BAD_REQUEST", /^charset "latin1" is not supported: send JSON in UTF-8$/],
    ],
    [
      "an unknown content-encoding",
      () => posted("{}", { ...json, "content-encoding": "compress" }),
      [415, "BAD_REQUEST", /^content-encoding "compress" is not supported/],
    ],
    [
      "a body that is not the gzip it says",
      () => posted("{}", { ...json, "content-encoding": "gzip" }),
      [400, "BAD_REQUEST", /^the body is not valid gzip \(its content-encoding\): incorrect header check$/],
    ],
    [
      "a path that does not decode",
      () => refusal("/artifacts/%E0%A4%A", { headers: auth }),
      [400, "BAD_REQUEST", /^the path \/artifacts\/%E0%A4%A is not valid percent-encoding$/],
    ],
    [
      "a dashboard asset that is not there",
      () => refusal("/assets/nope.js", { headers: auth }),
      [404, "NOT_FOUND", /^nothing is served at GET \/assets\/nope\.js$/],
    ],
  ];

  it.each(cases)("says what is wrong with %s", async (_case, send, expected) => {
    const got = await send();
    const [status, code, message] = Array.isArray(expected)
      ? expected
      : [expected.status, expected.code, expected.message];
    expect(got).toMatchObject({ status, code });
    expect(got.message).toMatch(message);
  });

  it("still hands a persisted query (an operation without `query`) to Apollo", async () => {
    const got = await posted(
      JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: "ab".repeat(32) } } }),
    );
    expect(got.code).toBe("PERSISTED_QUERY_NOT_FOUND");
  });

  it("refuses an upload over JOBS_MAX_ARTIFACT_BYTES in one wording, declared or counted, on both routes", async () => {
    const big = new Uint8Array(MAX_BYTES + 1).fill(0x61);
    const chunked = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(big.subarray(0, 512));
          controller.enqueue(big.subarray(512));
          controller.close();
        },
      });
    const sent = [
      await refusal("/uploads?name=big.csv", { method: "PUT", headers: auth, body: big }),
      await refusal("/uploads?name=big.csv", {
        method: "PUT",
        headers: auth,
        body: chunked(),
        duplex: "half",
      } as RequestInit),
      await refusal("/artifacts?name=big.csv", {
        method: "PUT",
        headers: { ...auth, "x-lease-token": "any" },
        body: big,
      }),
    ];
    for (const got of sent)
      expect(got).toEqual({
        status: 413,
        code: "BAD_USER_INPUT",
        message: `artifact larger than ${MAX_BYTES} bytes (JOBS_MAX_ARTIFACT_BYTES)`,
      });
  });
});
