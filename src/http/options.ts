// The methods a route takes, said both ways. `OPTIONS` on a route express cannot list itself (one
// served by middleware, not by method routes) is answered as express answers it for the others:
// 200, `Allow` and the same list as the body. No CORS headers: the API serves its own origin only,
// so a cross-origin preflight is not granted. Any other method the route does not take is a 405 with
// the same `Allow` and a GraphQL-shaped error that says what it takes.
import type { ServerResponse } from "node:http";
import type { Request, RequestHandler, Response } from "express";
import { writeJson } from "./send-error.ts";

export function optionsAnswer(methods: readonly string[]): RequestHandler {
  const allow = methods.join(", ");
  return (_req, res) => {
    res.setHeader("allow", allow);
    res.type("text/plain").send(allow);
  };
}

/** The 405 for `method` at `path`, which takes `methods`. */
export function refuseMethod(
  res: ServerResponse,
  path: string,
  method: string | undefined,
  methods: readonly string[],
  requestId: string,
): void {
  const allow = methods.join(", ");
  res.setHeader("allow", allow);
  writeJson(res, 405, {
    errors: [{ message: `${path} takes ${allow}, not ${method}`, extensions: { code: "BAD_REQUEST", requestId } }],
  });
}

/**
 * The last handler of a route taking `methods` (`router.all(path, …)` after them): OPTIONS is
 * answered with the list, any other method it reaches is one the route does not take (a 405, not
 * the 404 of a path that does not exist).
 */
export function otherMethods(methods: readonly string[]): RequestHandler {
  const options = optionsAnswer(methods);
  return (req, res, next) => {
    if (req.method === "OPTIONS") return options(req, res, next);
    refuseHere(req, res, methods);
  };
}

/** The 405 for this request's method at its path (an express route's). */
function refuseHere(req: Request, res: Response, methods: readonly string[]): void {
  refuseMethod(res, req.originalUrl.split("?", 1)[0]!, req.method, methods, String(res.locals.requestId));
}

/** Passes on requests of `methods` and refuses the rest: after the route's optionsAnswer, if it has one. */
export function onlyMethods(methods: readonly string[]): RequestHandler {
  return (req, res, next) => {
    if (methods.includes(req.method)) return next();
    refuseHere(req, res, methods);
  };
}
