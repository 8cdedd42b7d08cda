// OPTIONS lists the methods a route really takes, and each method listed is served: /graphql takes
// POST, GET and HEAD (not only the GET of GraphiQL's router), any other method is a 405 with the
// same list, as is any method the dashboard's files and every other route do not take. CORS is not configured: a
// cross-origin preflight gets no Access-Control-* headers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.ts";

describe.each(backends.map((b) => [b.name, b] as const))("OPTIONS and Allow on %s", (_name, backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend);
  });
  afterAll(async () => t?.stop());

  const allowOf = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${t.url}${path}`, { method: "OPTIONS", headers });
    await res.text();
    return { status: res.status, allow: res.headers.get("allow"), headers: res.headers };
  };

  it("lists GET, HEAD, POST for /graphql, however the path is spelled", async () => {
    for (const path of ["/graphql", "/graphql?x=1", "/GraphQL"]) {
      expect(await allowOf(path), path).toMatchObject({ status: 200, allow: "GET, HEAD, POST" });
    }
  });

  it("serves every method /graphql lists, and refuses others with the same list", async () => {
    const auth = { authorization: `Bearer ${ADMIN_KEY}` };
    const query = "{ viewer { userId } }";
    const post = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ query }),
    });
    expect(await post.json()).toEqual({ data: { viewer: { userId: "admin" } } });
    const search = `?query=${encodeURIComponent(query)}`;
    const get = await fetch(`${t.url}/graphql${search}`, { headers: { ...auth, "apollo-require-preflight": "1" } });
    const body = await get.text();
    expect(JSON.parse(body)).toEqual({ data: { viewer: { userId: "admin" } } });
    const head = await fetch(`${t.url}/graphql${search}`, {
      method: "HEAD",
      headers: { ...auth, "apollo-require-preflight": "1" },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(Buffer.byteLength(body)));
    expect(await head.text()).toBe("");

    for (const method of ["PUT", "DELETE", "PATCH"]) {
      const res = await fetch(`${t.url}/graphql`, { method, headers: auth });
      const answer = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(res.status, method).toBe(405);
      expect(res.headers.get("allow"), method).toBe("GET, HEAD, POST");
      expect(answer.errors[0]).toMatchObject({
        message: `/graphql takes GET, HEAD, POST, not ${method}`,
        extensions: { code: "BAD_REQUEST" },
      });
    }
  });

  it("refuses other methods on the dashboard's files as /graphql does: 405, Allow and what the path takes", async () => {
    for (const [method, path] of [
      ["POST", "/assets/index.js"],
      ["PUT", "/assets/app-0123abcd.css"],
      ["DELETE", "/assets"],
    ] as const) {
      const res = await fetch(`${t.url}${path}`, { method, headers: { "x-request-id": "asset-method" } });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("allow"), `${method} ${path}`).toBe("GET, HEAD");
      expect(await res.json()).toEqual({
        errors: [
          {
            message: `${path} takes GET, HEAD, not ${method}`,
            extensions: { code: "BAD_REQUEST", requestId: "asset-method" },
          },
        ],
      });
    }
  });

  it("answers OPTIONS on the other routes with what they take", async () => {
    const expected: [string, string][] = [
      ["/healthz", "GET, HEAD"],
      ["/metrics", "GET, HEAD"],
      ["/session", "DELETE, POST"],
      ["/artifacts", "PUT"],
      ["/uploads", "PUT"],
      ["/artifacts/00000000-0000-0000-0000-000000000000", "GET, HEAD"],
      ["/jobs", "GET, HEAD"],
      ["/assets/index.js", "GET, HEAD"],
    ];
    for (const [path, allow] of expected) expect(await allowOf(path), path).toMatchObject({ status: 200, allow });
  });

  it("refuses a method a route does not take with 405 and its list, not the 404 of a path that does not exist", async () => {
    const auth = { authorization: `Bearer ${ADMIN_KEY}` };
    const cases: [string, string, string][] = [
      ["POST", "/healthz", "GET, HEAD"],
      ["DELETE", "/readyz", "GET, HEAD"],
      ["POST", "/metrics", "GET, HEAD"],
      ["GET", "/session", "DELETE, POST"],
      ["PUT", "/session", "DELETE, POST"],
      ["POST", "/artifacts", "PUT"],
      ["GET", "/uploads", "PUT"],
      ["DELETE", "/artifacts/00000000-0000-0000-0000-000000000000", "GET, HEAD"],
      ["POST", "/files/00000000-0000-0000-0000-000000000000", "GET, HEAD"],
      ["POST", "/jobs", "GET, HEAD"],
      ["PATCH", "/", "GET, HEAD"],
    ];
    for (const [method, path, allow] of cases) {
      const res = await fetch(`${t.url}${path}`, { method, headers: { ...auth, "x-request-id": "wrong-method" } });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("allow"), `${method} ${path}`).toBe(allow);
      expect(await res.json(), `${method} ${path}`).toEqual({
        errors: [
          {
            message: `${path} takes ${allow}, not ${method}`,
            extensions: { code: "BAD_REQUEST", requestId: "wrong-method" },
          },
        ],
      });
    }
    // A path nothing serves is still a 404.
    const nowhere = await fetch(`${t.url}/nowhere`, { method: "POST", headers: auth });
    await nowhere.text();
    expect(nowhere.status).toBe(404);
  });

  it("grants no cross-origin preflight (CORS is not configured)", async () => {
    const preflight = await allowOf("/graphql", {
      origin: "https://elsewhere.example",
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization, content-type",
    });
    expect(preflight.allow).toBe("GET, HEAD, POST");
    expect([...preflight.headers.keys()].filter((h) => h.startsWith("access-control-"))).toEqual([]);
  });
});
