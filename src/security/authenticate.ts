// The one way a request (HTTP, WebSocket operation, artifact transfer) becomes a Viewer: the bearer
// key (or, for plain-link downloads, the dashboard's session cookie) is checked, then one request of
// its rate budget is spent.
import type { IncomingHttpHeaders } from "node:http";
import { parse as parseCookies } from "cookie";
import { bearerSecret } from "../auth/secrets.ts";
import { SESSION_COOKIE } from "../auth/sessions.ts";
import type { Viewer } from "../jobs/model.ts";
import type { Services } from "../schema/context.ts";

export async function authenticateRequest(services: Pick<Services, "auth" | "rateLimiter">, authorization: string | undefined | null): Promise<Viewer> {
  const viewer = await services.auth.authenticate(bearerSecret(authorization ?? undefined));
  return spend(services, viewer);
}

/**
 * For GETs a browser makes from a plain link (downloads): the Authorization header when sent, else
 * the dashboard session cookie. Only safe, read-only routes accept the cookie (SameSite=Strict keeps
 * other sites from sending it anyway).
 */
export async function authenticateLinkRequest(services: Pick<Services, "auth" | "rateLimiter" | "sessions">, headers: IncomingHttpHeaders): Promise<Viewer> {
  const token = headers.authorization ? undefined : sessionToken(headers);
  if (!token) return authenticateRequest(services, headers.authorization);
  return spend(services, await services.sessions.authenticate(token));
}

export function sessionToken(headers: IncomingHttpHeaders): string | undefined {
  return headers.cookie ? parseCookies(headers.cookie)[SESSION_COOKIE] || undefined : undefined;
}

async function spend(services: Pick<Services, "rateLimiter">, viewer: Viewer): Promise<Viewer> {
  await services.rateLimiter.consume(viewer.apiKeyId ?? `${viewer.tenantId}/${viewer.userId}`);
  return viewer;
}
