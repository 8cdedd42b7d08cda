// The server side of the dashboard, over plain HTTP: GET / and its assets (CSP, caching), the
// sign-in cookie (attributes, accepted on downloads, a session per tab, ended by sign-out and by
// revoking the key),
// and the admin lists the dashboard reads (apiKeys, workers).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../../src/auth/secrets.ts";
import { DASHBOARD_DIST } from "../../src/http/dashboard.ts";
import { backends } from "../helpers/backends.ts";
import { buildDashboard, DASHBOARD_BUILD_MS } from "../helpers/dashboard.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

beforeAll(buildDashboard, DASHBOARD_BUILD_MS);

describe("dashboard bundle", () => {
  it("stays under 300 KB gzipped, every asset together", () => {
    const assets = readdirSync(join(DASHBOARD_DIST, "assets")).map((f) => join(DASHBOARD_DIST, "assets", f));
    const gzipped = [join(DASHBOARD_DIST, "index.html"), ...assets].reduce(
      (sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length,
      0,
    );
    console.log(`[dashboard] bundle: ${assets.length} assets, ${(gzipped / 1024).toFixed(1)} KiB gzipped`);
    expect(gzipped).toBeLessThan(300 * 1024);
  });

  it("is the production build even when built under the tests' NODE_ENV (no development JSX)", () => {
    // beforeAll built it from this process, whose NODE_ENV is vitest's "test".
    expect(process.env.NODE_ENV).toBe("test");
    const scripts = readdirSync(join(DASHBOARD_DIST, "assets")).filter((f) => f.endsWith(".js"));
    expect(scripts.length).toBeGreaterThan(0);
    for (const file of scripts)
      expect(readFileSync(join(DASHBOARD_DIST, "assets", file), "utf8")).not.toContain("jsxDEV");
  });
});

describe.each(backends)("dashboard server side ($name)", (backend) => {
  let t: TestServer;
  let member: { key: string; id: string };
  let artifact: { id: string; downloadUrl: string; contentHash: string };

  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_WORKERS: "1" });
    const made = await t.admin.request<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
      `mutation { createApiKey(userId: "dora", role: MEMBER) { secret apiKey { id } } }`,
    );
    member = { key: made.createApiKey.secret, id: made.createApiKey.apiKey.id };
    const created = await t
      .client(member.key)
      .request<{ createGenerationJob: { job: { jobId: string } } }>(
        `mutation { createGenerationJob(input: { kind: MOCK, rows: 50, seed: 3, description: "people" }) { job { jobId } } }`,
      );
    const done = await t.client(member.key).request<{
      waitForJob: { state: string; artifacts: { id: string; downloadUrl: string; contentHash: string }[] };
    }>(
      `query($id: ID!) { waitForJob(reasonerType: GENERATION, jobId: $id, timeoutS: 60) { state artifacts { id downloadUrl contentHash } } }`,
      { id: created.createGenerationJob.job.jobId },
    );
    expect(done.waitForJob.state).toBe("SUCCEEDED");
    artifact = done.waitForJob.artifacts[0]!;
  });
  afterAll(() => t?.stop());

  it("serves the page at / and its client routes with a CSP that forbids inline script", async () => {
    for (const path of ["/", "/jobs", "/jobs/GENERATION/abc", "/new?family=AGENT", "/admin/keys"]) {
      const res = await fetch(`${t.url}${path}`, { headers: { accept: "text/html" } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).not.toContain("unsafe-eval");
      const html = await res.text();
      expect(html).toContain('<div id="root">');
      // No inline script: every <script> has a src on this server.
      for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/src="\/assets\//);
    }
    // A path nothing serves is a 404: the page (which says "Not found") to a browser, a coded error
    // to anything else; never the framework's bare "Cannot GET".
    const page = await fetch(`${t.url}/nope/route`, { headers: { accept: "text/html" } });
    expect(page.status).toBe(404);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await page.text()).toContain('<div id="root">');
    for (const [method, accept] of [
      ["GET", "application/json"],
      ["GET", "*/*"],
      ["PUT", "text/html"],
    ]) {
      const other = await fetch(`${t.url}/nope`, { method, headers: { accept: accept! } });
      expect(other.status, `${method} ${accept}`).toBe(404);
      expect(((await other.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
        "NOT_FOUND",
      );
    }
  });

  it("serves hashed assets with a year of immutable caching, and 404s unknown ones", async () => {
    const files = readdirSync(join(DASHBOARD_DIST, "assets"));
    expect(files.some((f) => f.endsWith(".js"))).toBe(true);
    for (const file of files) {
      const res = await fetch(`${t.url}/assets/${file}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toContain("immutable");
      expect(res.headers.get("cache-control")).toContain("max-age=31536000");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
    const missing = await fetch(`${t.url}/assets/nothing-here.js`);
    expect(missing.status).toBe(404);
  });

  it("POST /session sets an HttpOnly SameSite=Strict cookie (not the key) and refuses bad keys", async () => {
    const bad = await fetch(`${t.url}/session`, {
      method: "POST",
      headers: { authorization: "Bearer jobs_not-a-real-key" },
    });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
      "UNAUTHENTICATED",
    );
    expect(bad.headers.get("set-cookie")).toBeNull();

    const res = await fetch(`${t.url}/session`, { method: "POST", headers: { authorization: `Bearer ${member.key}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ userId: "dora", role: "MEMBER" });
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^jobs_session=[A-Za-z0-9_-]{40,};/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Path=/");
    expect(cookie).not.toContain("Secure"); // plain HTTP here; Secure under TLS or an https public URL
    expect(cookie).not.toContain(member.key);
  });

  it("the cookie downloads artifacts; signing out ends it", async () => {
    const session = await startSession(member.key);
    const path = new URL(artifact.downloadUrl).pathname;
    const withCookie = await fetch(`${t.url}${path}`, { headers: { cookie: session } });
    expect(withCookie.status).toBe(200);
    const bytes = Buffer.from(await withCookie.arrayBuffer());
    expect(`sha256:${createHash("sha256").update(bytes).digest("hex")}`).toBe(artifact.contentHash);

    // Without any credentials, and with a made-up cookie: refused.
    expect((await fetch(`${t.url}${path}`)).status).toBe(401);
    expect((await fetch(`${t.url}${path}`, { headers: { cookie: "jobs_session=made-up" } })).status).toBe(401);

    const out = await fetch(`${t.url}/session`, { method: "DELETE", headers: { cookie: session } });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/jobs_session=;.*Expires=Thu, 01 Jan 1970/);
    expect((await fetch(`${t.url}${path}`, { headers: { cookie: session } })).status).toBe(401);
  });

  it("a new session ends the one whose cookie it replaces, so renewing keeps one session a browser", async () => {
    const path = new URL(artifact.downloadUrl).pathname;
    const first = await startSession(member.key);
    const renewed = await fetch(`${t.url}/session`, {
      method: "POST",
      headers: { authorization: `Bearer ${member.key}`, cookie: first },
    });
    expect(renewed.status).toBe(200);
    const second = (renewed.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect(second).not.toBe(first);
    expect((await fetch(`${t.url}${path}`, { headers: { cookie: first } })).status).toBe(401);
    expect((await fetch(`${t.url}${path}`, { headers: { cookie: second } })).status).toBe(200);
    // Renewed again and again from one browser: still its one session.
    const cookies = [first, second];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${t.url}/session`, {
        method: "POST",
        headers: { authorization: `Bearer ${member.key}`, cookie: cookies.at(-1)! },
      });
      cookies.push((res.headers.get("set-cookie") ?? "").split(";")[0]!);
    }
    const live = await t.server.services.db.query<{ tokenHash: string }>(
      `select "tokenHash" from "dashboard_sessions" where "tokenHash" = any($1::text[])`,
      [cookies.map((c) => hashSecret(c.slice("jobs_session=".length)))],
    );
    expect(live.map((r) => r.tokenHash)).toEqual([hashSecret(cookies.at(-1)!.slice("jobs_session=".length))]);
  });

  it("keeps a session per tab: a download link names its tab, and each tab signs in and out alone", async () => {
    const made = await t.admin.request<{ createApiKey: { secret: string } }>(
      `mutation { createApiKey(userId: "eve", role: MEMBER) { secret } }`,
    );
    const eve = made.createApiKey.secret;
    const path = new URL(artifact.downloadUrl).pathname;
    const session = async (method: "POST" | "DELETE", tab: string, cookie: string, key?: string) => {
      const res = await fetch(`${t.url}/session?tab=${tab}`, {
        method,
        headers: { cookie, ...(key ? { authorization: `Bearer ${key}` } : {}) },
      });
      expect(res.status).toBe(method === "POST" ? 200 : 204);
      return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
    };
    const download = async (query: string, cookie: string) =>
      (await fetch(`${t.url}${path}${query}`, { headers: { cookie } })).status;

    // Tab a signs in as dora, then tab b of the same browser as eve, who may not see dora's job.
    const a = await session("POST", "a", "", member.key);
    const both = await session("POST", "b", a, eve);
    expect(await download("?tab=a", both)).toBe(200);
    expect(await download("?tab=b", both)).toBe(404);
    // A link naming no tab uses the default session, which this browser has none of.
    expect(await download("", both)).toBe(401);
    const bad = await fetch(`${t.url}${path}?tab=no%20such`, { headers: { cookie: both } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
      "BAD_USER_INPUT",
    );

    // Tab b signs out: its session ends, tab a's stays.
    const left = await session("DELETE", "b", both);
    expect(await download("?tab=a", left)).toBe(200);
    expect(await download("?tab=b", both)).toBe(401);
    // The last tab out clears the cookie.
    expect(await session("DELETE", "a", left)).toBe("jobs_session=");

    // Past 16 tabs, the least recently started session ends.
    let cookie = "";
    for (let i = 0; i < 17; i++) cookie = await session("POST", `t${i}`, cookie, member.key);
    expect(await download("?tab=t0", cookie)).toBe(401);
    expect(await download("?tab=t1", cookie)).toBe(200);
    expect(await download("?tab=t16", cookie)).toBe(200);
  });

  it("the cookie does not authenticate GraphQL", async () => {
    const session = await startSession(member.key);
    const res = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { cookie: session, "content-type": "application/json" },
      body: JSON.stringify({ query: "{ viewer { userId } }" }),
    });
    const body = (await res.json()) as { errors?: { extensions: { code: string } }[] };
    expect(body.errors?.[0]?.extensions.code).toBe("UNAUTHENTICATED");
  });

  it("lists API keys and workers for admins only", async () => {
    const keys = await t.admin.request<{
      apiKeys: { id: string; userId: string; prefix: string; revokedOn: string | null }[];
    }>(`{ apiKeys(includeRevoked: true) { id userId prefix revokedOn } }`);
    expect(keys.apiKeys.map((k) => k.userId)).toEqual(expect.arrayContaining(["admin", "dora"]));
    expect(JSON.stringify(keys)).not.toContain(member.key);
    const worker = await t
      .client(await workerKey())
      .request<{ registerWorker: { id: string } }>(
        `mutation { registerWorker(input: { name: "w1", reasonerTypes: [PRESCRIPTIVE] }) { id } }`,
      );
    const workers = await t.admin.request<{ workers: { id: string; name: string; lastSeenOn: string }[] }>(
      `{ workers { id name lastSeenOn } }`,
    );
    expect(workers.workers.map((w) => w.id)).toContain(worker.registerWorker.id);
    for (const query of ["{ apiKeys { id } }", "{ workers { id } }"]) {
      const denied = await t.client(member.key).raw(query);
      expect(denied.errors?.[0]?.extensions?.code, query).toBe("FORBIDDEN");
    }
  });

  it("revoking the key ends its sessions", async () => {
    const session = await startSession(member.key);
    const path = new URL(artifact.downloadUrl).pathname;
    expect((await fetch(`${t.url}${path}`, { headers: { cookie: session } })).status).toBe(200);
    await t.admin.request(`mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: member.id });
    const after = await fetch(`${t.url}${path}`, { headers: { cookie: session } });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
      "UNAUTHENTICATED",
    );
  });

  async function startSession(key: string): Promise<string> {
    const res = await fetch(`${t.url}/session`, { method: "POST", headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
  }

  async function workerKey(): Promise<string> {
    const made = await t.admin.request<{ createApiKey: { secret: string } }>(
      `mutation { createApiKey(userId: "runner", role: WORKER) { secret } }`,
    );
    return made.createApiKey.secret;
  }
});
