// GraphiQL is served from our own packages: the page names no other host, and everything it loads
// comes from this server with the right content type.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphiqlRouter } from "../../src/http/graphiql.ts";

async function start(mount: string): Promise<{ url: string; server: Server }> {
  const app = express();
  app.use(mount, graphiqlRouter({ endpoint: "/graphql", subscriptionEndpoint: "/graphql" }));
  // Whatever the router passes on lands here, as GraphQL would.
  app.use(mount, (req, res) => {
    res.json({ passedThrough: true, method: req.method });
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

describe.each([
  ["/", ""],
  ["/graphql", "/graphql"],
])("graphiqlRouter mounted at %s", (mount, prefix) => {
  let url: string;
  let server: Server;
  beforeAll(async () => {
    ({ url, server } = await start(mount));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("serves the page to a browser, naming no external host", async () => {
    const res = await fetch(`${url}${prefix}/`, { headers: { accept: BROWSER_ACCEPT } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('id="graphiql"');
    const urls = html.match(/\b(?:https?|wss?):\/\/[^\s"'<>)]*/gi) ?? [];
    expect(urls).toEqual([]);
    // No inline script: only data blocks, which browsers do not run.
    for (const [, attrs] of html.matchAll(/<script\b([^>]*)>/gi)) {
      expect(attrs).toMatch(/\bsrc="|type="application\/json"/);
    }
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/https?:/);
    const config = JSON.parse(
      /<script id="graphiql-config" type="application\/json">([^<]*)<\/script>/.exec(html)![1]!,
    );
    expect(config).toMatchObject({ endpoint: "/graphql", subscriptionEndpoint: "/graphql" });
    expect(JSON.parse(config.defaultHeaders)).toEqual({ Authorization: "Bearer " });
  });

  it("answers at the mount point itself, with or without a trailing slash", async () => {
    const res = await fetch(`${url}${prefix || "/"}`, { headers: { accept: BROWSER_ACCEPT } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`src="${prefix}/graphiql/assets/graphiql.min.js?v=`);
  });

  it("serves every script and stylesheet the page names, from this server", async () => {
    const html = await (await fetch(`${url}${prefix}/`, { headers: { accept: "text/html" } })).text();
    const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/gi)].map((m) => m[1]!);
    const styles = [...html.matchAll(/<link\b[^>]*\bhref="([^"]+)"/gi)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThanOrEqual(4);
    expect(styles.length).toBeGreaterThanOrEqual(1);
    const check = async (src: string, type: RegExp) => {
      expect(src.startsWith(`${prefix}/graphiql/assets/`), src).toBe(true);
      const asset = new URL(src.replaceAll("&amp;", "&"), `${url}${prefix}/`);
      expect(asset.origin).toBe(url);
      const res = await fetch(asset);
      expect(res.status, src).toBe(200);
      expect(res.headers.get("content-type"), src).toMatch(type);
      expect(res.headers.get("cache-control"), src).toContain("immutable");
      const body = await res.text();
      expect(body.length, src).toBeGreaterThan(1000);
      return body;
    };
    const bodies = new Map<string, string>();
    for (const src of scripts) bodies.set(src, await check(src, /^text\/javascript/));
    for (const href of styles) await check(href, /^text\/css/);
    const byName = (name: string) => [...bodies].find(([src]) => src.includes(`/${name}?`))?.[1] ?? "";
    expect(byName("react.production.min.js")).toContain("react.production.min.js");
    expect(byName("graphiql.min.js")).toContain("createFetcher");
    // The page's fetcher sends the key as a bearer token.
    expect(byName("graphiql-init.js")).toContain('"Bearer " + key');
  });

  it("serves the source map graphiql.min.js points at, and 404s anything else", async () => {
    const map = await fetch(`${url}${prefix}/graphiql/assets/index.umd.js.map`);
    expect(map.status).toBe(200);
    expect(map.headers.get("content-type")).toMatch(/^application\/json/);
    await map.arrayBuffer();
    for (const bad of ["nope.js", "..%2Fpackage.json", "%2E%2E%2F%2E%2E%2Fpackage.json"]) {
      const res = await fetch(`${url}${prefix}/graphiql/assets/${bad}`);
      expect(res.status, bad).toBe(404);
      await res.arrayBuffer();
    }
  });

  it("passes on requests that want JSON, or are not GETs", async () => {
    for (const accept of [
      "application/json",
      "application/graphql-response+json, application/json",
      "*/*",
      undefined,
    ]) {
      const res = await fetch(`${url}${prefix}/`, { headers: accept ? { accept } : {} });
      expect(await res.json(), String(accept)).toEqual({ passedThrough: true, method: "GET" });
    }
    const post = await fetch(`${url}${prefix}/`, {
      method: "POST",
      headers: { accept: "text/html", "content-type": "application/json" },
      body: "{}",
    });
    expect(await post.json()).toEqual({ passedThrough: true, method: "POST" });
  });
});
