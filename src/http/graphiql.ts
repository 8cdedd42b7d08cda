// GraphiQL for browsers, served entirely by this server: the page, its scripts and its styles come
// from npm packages (see graphiql-files.ts; in the compiled server, from the copy `npm run build`
// made), so it works with no internet access, and its Content-Security-Policy lets the page load
// nothing from elsewhere.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import express, { type Request, type Response, type Router } from "express";
import { BUILT_ASSETS_DIR, BUILT_MANIFEST, GRAPHIQL_PACKAGE_FILES, JS } from "./graphiql-files.ts";

export interface GraphiQLOptions {
  /** Where queries and mutations are POSTed (a path on this server, or an absolute URL). */
  endpoint: string;
  /** Where subscriptions connect with graphql-ws (a path on this server, or an absolute ws(s) URL). */
  subscriptionEndpoint?: string;
}

const require = createRequire(import.meta.url);

/** A file inside an installed package. Resolves `<pkg>/package.json`, the one path every package
 * exports; the UMD bundles themselves are not listed in the packages' `exports`. */
function packageFile(pkg: string, file: string): { path: string; version: string } {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { version } = require(manifest) as { version: string };
  return { path: join(dirname(manifest), file), version };
}

/** Where each file is: the build's copy beside this module when there is one, else its package. */
function locateFiles(): Record<string, { path: string; version: string }> {
  const built = join(dirname(fileURLToPath(import.meta.url)), BUILT_ASSETS_DIR);
  const manifest = join(built, BUILT_MANIFEST);
  if (existsSync(manifest)) {
    const versions = JSON.parse(readFileSync(manifest, "utf8")) as Record<string, string>;
    return Object.fromEntries(
      Object.keys(GRAPHIQL_PACKAGE_FILES).map((name) => [
        name,
        { path: join(built, name), version: versions[name] ?? "built" },
      ]),
    );
  }
  return graphiqlPackageFiles();
}

/** Each file in its installed package, with the package's version (the build copies these). */
export function graphiqlPackageFiles(): Record<string, { path: string; version: string }> {
  return Object.fromEntries(
    Object.entries(GRAPHIQL_PACKAGE_FILES).map(([name, f]) => [name, packageFile(f.pkg, f.file)]),
  );
}

/** The page's own script: reads its settings from a JSON data block, so no inline script is needed. */
const INIT_SCRIPT = String.raw`(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("graphiql-config").textContent);
  var STORAGE_KEY = "jobs-api.graphiql.api-key";
  var keyInput = document.getElementById("api-key");
  var keyForm = document.getElementById("api-key-form");
  var keyStatus = document.getElementById("api-key-status");

  function stored() {
    try { return window.sessionStorage.getItem(STORAGE_KEY) || ""; } catch (e) { return ""; }
  }
  function store(key) {
    try {
      if (key) window.sessionStorage.setItem(STORAGE_KEY, key);
      else window.sessionStorage.removeItem(STORAGE_KEY);
    } catch (e) { /* storage disabled: the key lives as long as the page */ }
  }
  function absolute(url, ws) {
    var u = new URL(url, window.location.href);
    if (ws && (u.protocol === "http:" || u.protocol === "https:")) u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
    return u.toString();
  }

  // One "authorization" entry: a complete "Bearer <key>" from the Headers tab wins, otherwise the
  // key from the box. Lower-case, because graphql-ws sends these headers as connectionParams and
  // the server reads connectionParams.authorization; HTTP header names are case-insensitive anyway.
  function withAuthorization(headers, key) {
    var out = {};
    var given = null;
    Object.keys(headers || {}).forEach(function (name) {
      if (name.toLowerCase() === "authorization") given = headers[name];
      else out[name] = headers[name];
    });
    if (typeof given === "string" && /^\s*Bearer\s+\S+/i.test(given)) out.authorization = given.trim();
    else if (key) out.authorization = "Bearer " + key;
    return out;
  }

  function makeFetcher(key) {
    var options = { url: absolute(config.endpoint, false) };
    if (config.subscriptionEndpoint) options.subscriptionUrl = absolute(config.subscriptionEndpoint, true);
    // POSTs JSON with content-type: application/json, which the server's CSRF prevention accepts.
    var base = GraphiQL.createFetcher(options);
    return function (params, opts) {
      return base(params, Object.assign({}, opts, { headers: withAuthorization(opts && opts.headers, key) }));
    };
  }

  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  var apiKey = stored();

  function render() {
    keyStatus.textContent = apiKey ? "key set" : "no key: enter one here or send Authorization in the Headers tab";
    // A new fetcher makes GraphiQL fetch the schema again, now with the new key.
    root.render(React.createElement(GraphiQL, {
      fetcher: makeFetcher(apiKey),
      defaultHeaders: config.defaultHeaders,
      isHeadersEditorEnabled: true,
      defaultEditorToolsVisibility: "headers",
      shouldPersistHeaders: false,
    }));
  }

  keyInput.value = apiKey;
  keyForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var key = keyInput.value.trim().replace(/^Bearer\s+/i, "");
    if (key === apiKey) return;
    apiKey = key;
    store(key);
    render();
  });
  render();
})();
`;

interface Asset {
  contentType: string;
  /** A file from a package, or text made here. */
  path?: string;
  body?: string;
}

function loadAssets(): { assets: Map<string, Asset>; version: string } {
  const assets = new Map<string, Asset>();
  const hash = createHash("sha256");
  for (const [name, file] of Object.entries(locateFiles())) {
    assets.set(name, { path: file.path, contentType: GRAPHIQL_PACKAGE_FILES[name]!.contentType });
    hash.update(`${name}@${file.version}\n`);
  }
  assets.set("graphiql-init.js", { body: INIT_SCRIPT, contentType: JS });
  hash.update(INIT_SCRIPT);
  // Asset URLs carry this, so they can be cached for a year and still change on upgrades.
  return { assets, version: hash.digest("hex").slice(0, 16) };
}

/** True for a GET (or HEAD) whose Accept header prefers HTML over GraphQL's JSON: a browser. */
export function wantsGraphiQL(req: Request): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  if (!req.headers.accept) return false;
  return req.accepts(["application/graphql-response+json", "application/json", "text/html"]) === "text/html";
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON that is safe inside a <script> element. */
const scriptJson = (value: unknown) =>
  JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** `connect-src` sources for the endpoints: 'self' covers relative HTTP paths; WebSockets to this
 * host are named explicitly (not every browser counts ws: as 'self'); absolute URLs by origin. */
export function connectSources(options: GraphiQLOptions, req: Request): string[] {
  const sources = new Set<string>(["'self'"]);
  const host = req.get("host");
  for (const [url, ws] of [
    [options.endpoint, false],
    [options.subscriptionEndpoint, true],
  ] as const) {
    if (!url) continue;
    let absolute: URL | null = null;
    try {
      absolute = new URL(url);
    } catch {
      absolute = null; // a path on this server
    }
    if (absolute) {
      const protocol = ws ? absolute.protocol.replace(/^http/, "ws") : absolute.protocol;
      sources.add(`${protocol}//${absolute.host}`);
    } else if (ws && host && /^[A-Za-z0-9.\-:[\]]+$/.test(host)) {
      sources.add(`ws://${host}`).add(`wss://${host}`);
    }
  }
  return [...sources];
}

function contentSecurityPolicy(options: GraphiQLOptions, req: Request): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    // GraphiQL's dialogs and menus add <style> elements at run time.
    "style-src 'self' 'unsafe-inline'",
    // graphiql.min.css embeds its fonts and icons as data: URLs.
    "font-src 'self' data:",
    "img-src 'self' data:",
    `connect-src ${connectSources(options, req).join(" ")}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function page(base: string, version: string, options: GraphiQLOptions): string {
  const asset = (name: string) => escapeHtml(`${base}/graphiql/assets/${name}?v=${version}`);
  const config = {
    endpoint: options.endpoint,
    subscriptionEndpoint: options.subscriptionEndpoint ?? null,
    defaultHeaders: JSON.stringify({ Authorization: "Bearer " }, null, 2),
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Jobs API · GraphiQL</title>
<link rel="stylesheet" href="${asset("graphiql.min.css")}">
<style>
  html, body { height: 100%; margin: 0; }
  body { display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
  #api-key-form { display: flex; gap: 8px; align-items: center; padding: 6px 16px; font-size: 13px;
    border-bottom: 1px solid rgba(128, 128, 128, 0.3); }
  #api-key { width: 28em; max-width: 50vw; font: inherit; padding: 3px 6px; }
  #api-key-status { opacity: 0.7; }
  #graphiql { flex: 1; min-height: 0; }
  @media (prefers-color-scheme: dark) { #api-key-form { background: #0f1219; color: #ddd; } }
</style>
</head>
<body>
<form id="api-key-form" autocomplete="off">
  <label for="api-key">API key</label>
  <input id="api-key" type="password" spellcheck="false" placeholder="jobs_…">
  <button type="submit">Use key</button>
  <span id="api-key-status"></span>
</form>
<div id="graphiql">Loading GraphiQL…</div>
<noscript>GraphiQL needs JavaScript.</noscript>
<script id="graphiql-config" type="application/json">${scriptJson(config)}</script>
<script src="${asset("react.production.min.js")}"></script>
<script src="${asset("react-dom.production.min.js")}"></script>
<script src="${asset("graphiql.min.js")}"></script>
<script src="${asset("graphiql-init.js")}"></script>
</body>
</html>
`;
}

/**
 * Mount where GraphQL is served (e.g. `app.use("/graphql", graphiqlRouter({ endpoint: "/graphql" }))`):
 * answers a browser's GET with the GraphiQL page, serves its assets under `graphiql/assets/<file>`,
 * and passes every other request on.
 */
export function graphiqlRouter(options: GraphiQLOptions): Router {
  const { assets, version } = loadAssets();
  const router = express.Router();

  router.get("/", (req, res, next) => {
    if (!wantsGraphiQL(req)) return next();
    res.set({
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Content-Security-Policy": contentSecurityPolicy(options, req),
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
      "X-Frame-Options": "DENY",
      Vary: "Accept",
    });
    res.send(page(req.baseUrl, version, options));
  });

  router.get("/graphiql/assets/:file", (req, res: Response, next) => {
    const asset = assets.get(String(req.params.file));
    if (!asset) {
      res.status(404).type("text/plain").send("not found");
      return;
    }
    res.set({
      "Content-Type": asset.contentType,
      "Cache-Control": "public, max-age=31536000, immutable",
      "X-Content-Type-Options": "nosniff",
      "Cross-Origin-Resource-Policy": "same-origin",
    });
    if (asset.body !== undefined) {
      res.send(asset.body);
      return;
    }
    // dotfiles: the path is ours; "ignore" would refuse it if the project sat under a dot folder.
    res.sendFile(asset.path!, { dotfiles: "allow" }, (err) => {
      // A client that went away is not an error; anything else is, unless the response had begun.
      if (err && !res.headersSent) next(err);
    });
  });

  return router;
}
