// The dashboard's sign-in cookie: POST /session with the API key in Authorization starts one (the
// key never travels in a URL); DELETE /session ends it. Only downloads accept the cookie.
import express, { type Request, type Response } from "express";
import type { TLSSocket } from "node:tls";
import { SESSION_COOKIE, SESSION_SECONDS } from "../auth/sessions.ts";
import type { Services } from "../schema/context.ts";
import { authenticateRequest, sessionToken } from "../security/authenticate.ts";
import { otherMethods } from "./options.ts";
import { sendHttpError } from "./send-error.ts";

/** Secure when the page is served over TLS, here or at the public URL a proxy terminates TLS for. */
function secureCookie(services: Services, req: Request): boolean {
  return Boolean((req.socket as TLSSocket).encrypted) || services.config.publicUrl?.startsWith("https:") === true;
}

function cookieOptions(services: Services, req: Request) {
  return { httpOnly: true, sameSite: "strict", secure: secureCookie(services, req), path: "/" } as const;
}

export function sessionRouter(services: Services): express.Router {
  const router = express.Router();

  router.post("/session", async (req: Request, res: Response) => {
    try {
      const viewer = await authenticateRequest(services, req.headers.authorization);
      const token = await services.sessions.start(viewer);
      // The cookie this one replaces in the browser is gone with it: its session ends too (the
      // dashboard renews the cookie before each download, so a browser keeps one row, not one a click).
      const replaced = sessionToken(req.headers);
      if (replaced) await services.sessions.end(replaced);
      res.cookie(SESSION_COOKIE, token, { ...cookieOptions(services, req), maxAge: SESSION_SECONDS * 1000 });
      res.setHeader("cache-control", "no-store");
      res.json({
        userId: viewer.userId,
        tenantId: viewer.tenantId,
        role: viewer.role,
        expiresInSeconds: SESSION_SECONDS,
      });
    } catch (err) {
      sendHttpError(res, services.logger, err, { what: "starting a dashboard session failed" });
    }
  });

  router.delete("/session", async (req: Request, res: Response) => {
    try {
      const token = sessionToken(req.headers);
      if (token) await services.sessions.end(token);
      res.clearCookie(SESSION_COOKIE, cookieOptions(services, req));
      res.status(204).end();
    } catch (err) {
      sendHttpError(res, services.logger, err, { what: "ending a dashboard session failed" });
    }
  });

  router.all("/session", otherMethods(["DELETE", "POST"]));
  return router;
}
