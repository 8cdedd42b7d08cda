// `OPTIONS` on a route express cannot list itself (one served by middleware, not by method routes),
// answered as express answers it for the others: 200, `Allow` and the same list as the body. No
// CORS headers: the API serves its own origin only, so a cross-origin preflight is not granted.
import type { RequestHandler } from "express";

export function optionsAnswer(methods: readonly string[]): RequestHandler {
  const allow = methods.join(", ");
  return (_req, res) => {
    res.setHeader("allow", allow);
    res.type("text/plain").send(allow);
  };
}
