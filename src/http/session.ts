// The dashboard's sign-in cookie: POST /session with the API key in Authorization starts one (the
// key never travels in a URL); DELETE /session ends it. Only downloads accept the cookie. The cookie
// keeps one session per tab (`?tab=`, see session-cookie.ts): each call touches its tab's only.
import express, { type Request, type Response } from "express";
import type { TLSSocket } from "node:tls";
import { SESSION_COOKIE, SESSION_SECONDS } from "../auth/sessions.ts";
import { MAX_SLOTS, slotOf, writeSlots } from "../auth/session-cookie.ts";
import type { Services } from "../schema/context.ts";
import { authenticateRequest, sessionTokens } from "../security/authenticate.ts";
import { otherMethods } from "./options.ts";
import { sendHttpError } from "./send-error.ts";

/** Secure when the page is served over TLS, here or at the public URL a proxy terminates TLS for. */
function secureCookie(services: Services, req: Request): boolean {
  return Boolean((req.socket as TLSSocket).encrypted) || services.config.publicUrl?.startsWith("https:") === true;
}

function cookieOptions(services: Services, req: Request) {
  return { httpOnly: true, sameSite: "strict", secure: secureCookie(services, req), path: "/" } as const;
}

/** Writes the cookie with these sessions, or clears it when none is left. */
function setSessions(services: Services, req: Request, res: Response, slots: ReadonlyMap<string, string>): void {
  if (slots.size === 0) res.clearCookie(SESSION_COOKIE, cookieOptions(services, req));
  else
    res.cookie(SESSION_COOKIE, writeSlots(slots), { ...cookieOptions(services, req), maxAge: SESSION_SECONDS * 1000 });
}

export function sessionRouter(services: Services): express.Router {
  const router = express.Router();

  router.post("/session", async (req: Request, res: Response) => {
    try {
      const slot = slotOf(req.query);
      const viewer = await authenticateRequest(services, req.headers.authorization);
      const token = await services.sessions.start(viewer);
      const slots = sessionTokens(req.headers);
      // The tab's session this one replaces is gone with it (the dashboard renews the cookie before
      // each download, so a tab keeps one row, not one a click); so is the least recently started
      // one past MAX_SLOTS (a browser's cookie stays small).
      const replaced = slots.get(slot);
      if (replaced) await services.sessions.end(replaced);
      slots.delete(slot);
      slots.set(slot, token);
      for (const [oldest, evicted] of slots) {
        if (slots.size <= MAX_SLOTS) break;
        await services.sessions.end(evicted);
        slots.delete(oldest);
      }
      setSessions(services, req, res, slots);
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
      const slot = slotOf(req.query);
      const slots = sessionTokens(req.headers);
      const token = slots.get(slot);
      if (token) await services.sessions.end(token);
      slots.delete(slot);
      setSessions(services, req, res, slots);
      res.status(204).end();
    } catch (err) {
      sendHttpError(res, services.logger, err, { what: "ending a dashboard session failed" });
    }
  });

  router.all("/session", otherMethods(["DELETE", "POST"]));
  return router;
}
