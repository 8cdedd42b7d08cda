// ETags only where conditional requests are meant: API answers (GraphQL both ways, JSON routes,
// OPTIONS, errors, 404s) carry none, since they are not cacheable resources; downloads carry the
// content hash as a strong ETag and answer If-None-Match with 304, and the dashboard's files carry
// their static handler's and revalidate the same way.
import { readdirSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DASHBOARD_DIST } from "../../src/http/dashboard.ts";
import { backends } from "../helpers/backends.ts";
import { buildDashboard, DASHBOARD_BUILD_MS } from "../helpers/dashboard.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.ts";
import { keyedRequests, type RouteRequest } from "./keyed-routes.ts";

beforeAll(buildDashboard, DASHBOARD_BUILD_MS);

describe.each(backends.map((b) => [b.name, b] as const))("ETags on %s", (_name, backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_RATE_LIMIT: "0" });
  });
  afterAll(async () => t?.stop());

  const auth = { authorization: `Bearer ${ADMIN_KEY}` };
  const query = JSON.stringify({ query: "{ viewer { userId } }" });

  it("puts none on API answers", async () => {
    const requests: RouteRequest[] = [
      ...keyedRequests(ADMIN_KEY),
      [
        "POST /GraphQL (routed by express)",
        "/GraphQL",
        { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: query },
      ],
      ["GraphiQL's page", "/graphql", { headers: { accept: "text/html" } }],
      ["GET /healthz", "/healthz", {}],
      ["GET /readyz", "/readyz", {}],
      ["OPTIONS /graphql", "/graphql", { method: "OPTIONS" }],
      ["OPTIONS /session", "/session", { method: "OPTIONS" }],
      ["a 404", "/nothing-here", { headers: auth }],
      ["a refused request", "/artifacts/%E0%A4%A", { headers: auth }],
      [
        "a refused body",
        "/graphql",
        { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: "{" },
      ],
    ];
    for (const [name, path, init] of requests) {
      const res = await fetch(`${t.url}${path}`, init);
      await res.arrayBuffer();
      expect(res.status, name).toBeLessThan(500);
      expect(res.headers.get("etag"), name).toBeNull();
    }
  });

  it("gives a download its content hash as a strong ETag and answers If-None-Match with 304", async () => {
    const up = await fetch(`${t.url}/uploads?name=rows.csv`, { method: "PUT", headers: auth, body: "a,b\n3,4\n" });
    const stored = (await up.json()) as { id: string; contentHash: string };
    const got = await fetch(`${t.url}/artifacts/${stored.id}`, { headers: auth });
    expect(await got.text()).toBe("a,b\n3,4\n");
    expect(got.headers.get("etag")).toBe(`"${stored.contentHash}"`);
    const again = await fetch(`${t.url}/artifacts/${stored.id}`, {
      headers: { ...auth, "if-none-match": `"${stored.contentHash}"` },
    });
    expect(again.status).toBe(304);
    // Kept but revalidated on every use: a browser asks the server, which checks who asks, before
    // using its copy; a year of `immutable` let the next person on the same browser profile have it.
    expect(got.headers.get("cache-control")).toBe("private, no-cache");
    const stranger = (
      await t.admin.request<{ createApiKey: { secret: string } }>(
        `mutation { createApiKey(userId: "stranger", role: MEMBER) { secret } }`,
      )
    ).createApiKey;
    const refused = await fetch(`${t.url}/artifacts/${stored.id}`, {
      headers: { authorization: `Bearer ${stranger.secret}`, "if-none-match": `"${stored.contentHash}"` },
    });
    expect(refused.status).toBe(404);
  });

  it("keeps the dashboard's files revalidatable by their ETag", async () => {
    // node:http, not fetch: fetch sends `cache-control: no-cache` with a conditional request, which
    // the static handler rightly answers in full.
    const get = (path: string, headers: Record<string, string>) =>
      new Promise<{ status: number; etag: string | undefined }>((resolve, reject) => {
        request(`${t.url}${path}`, { headers }, (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode!, etag: res.headers.etag }));
        })
          .on("error", reject)
          .end();
      });
    const asset = readdirSync(join(DASHBOARD_DIST, "assets")).find((f) => f.endsWith(".js"))!;
    for (const path of ["/", `/assets/${asset}`]) {
      const first = await get(path, { accept: "text/html" });
      expect(first.status, path).toBe(200);
      expect(first.etag, path).toBeTruthy();
      const again = await get(path, { accept: "text/html", "if-none-match": first.etag! });
      expect(again.status, path).toBe(304);
    }
  });
});
