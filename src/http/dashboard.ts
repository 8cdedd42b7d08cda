// The jobs dashboard at GET /: the page built from web/ (npm run build:web) into web/dist, every
// asset from this server. The page's routes all answer index.html; hashed assets are cached for a
// year; the Content-Security-Policy allows scripts, styles and connections to this origin only.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import express, { type Request, type Response } from "express";
import { connectSources } from "./graphiql.ts";
import { onlyMethods, optionsAnswer, otherMethods } from "./options.ts";

/** Where scripts/build-web.mjs puts the bundle. */
export const DASHBOARD_DIST = fileURLToPath(new URL("../../web/dist/", import.meta.url));

const ASSET_METHODS = ["GET", "HEAD"];

/** The page's own routes (client-side); each answers the same index.html. */
const PAGE_ROUTES = ["/", "/jobs", "/jobs/*rest", "/new", "/new/*rest", "/plots", "/admin", "/admin/*rest"];

function contentSecurityPolicy(req: Request): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connectSources({ endpoint: "/graphql", subscriptionEndpoint: "/graphql" }, req).join(" ")}`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

const SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Resource-Policy": "same-origin",
};

/** Answers the page (index.html) with `status`: the page's client-side router shows what the path is. */
function pageSender(dist: string, status = 200) {
  const index = join(dist, "index.html");
  return (req: Request, res: Response, next: express.NextFunction) => {
    if (!existsSync(index)) {
      res
        .status(503)
        .type("text/plain")
        .send("The dashboard is not built: run `npm run build:web` (npm start does it when needed).\n");
      return;
    }
    res.set({
      ...SECURITY_HEADERS,
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-cache",
      "Content-Security-Policy": contentSecurityPolicy(req),
    });
    res.status(status);
    res.sendFile(index, { dotfiles: "allow", cacheControl: false }, (err) => {
      if (err && !res.headersSent) next(err);
    });
  };
}

/**
 * The last route: a path nothing serves is a 404, as the page (which says "Not found", with a way
 * back) for a browser asking for HTML, and as a GraphQL-shaped error with its code for anything else.
 */
export function notFoundHandler(dist: string = DASHBOARD_DIST): express.RequestHandler {
  const sendPage = pageSender(dist, 404);
  return (req, res, next) => {
    if (req.method === "GET" && req.accepts(["json", "html"]) === "html" && existsSync(join(dist, "index.html")))
      return sendPage(req, res, next);
    res.status(404).json({
      errors: [{ message: `nothing is served at ${req.method} ${req.path}`, extensions: { code: "NOT_FOUND" } }],
    });
  };
}

export function dashboardRouter(dist: string = DASHBOARD_DIST): express.Router {
  const router = express.Router();
  router.get(PAGE_ROUTES, pageSender(dist));
  router.all(PAGE_ROUTES, otherMethods(["GET", "HEAD"]));

  // Ahead of the static handler, which would refuse OPTIONS and the other methods with an empty 405.
  router.options("/assets/*rest", optionsAnswer(ASSET_METHODS));
  router.use("/assets", onlyMethods(ASSET_METHODS));
  // File names carry a content hash (Vite), so a name never changes meaning: cache for a year.
  router.use(
    "/assets",
    express.static(join(dist, "assets"), {
      dotfiles: "allow",
      index: false,
      immutable: true,
      maxAge: "365d",
      fallthrough: false,
      setHeaders: (res) => {
        for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
      },
    }),
  );
  return router;
}
