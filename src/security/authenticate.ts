// The one way a request (HTTP, WebSocket operation, artifact transfer) becomes a Viewer: the bearer
// key (or, for plain-link downloads, the dashboard's session cookie) is checked, then its rate budget
// is spent: one per operation (a batched HTTP request's operations, each WebSocket operation), one
// for any other request.
import type { IncomingHttpHeaders } from "node:http";
import { parse as parseCookies } from "cookie";
import { bearerSecret } from "../auth/secrets.ts";
import type { Viewer } from "../jobs/model.ts";
import type { AuthService } from "../auth/service.ts";
import { type DashboardSessions, SESSION_COOKIE } from "../auth/sessions.ts";
import { DEFAULT_SLOT, readSlots } from "../auth/session-cookie.ts";
import { actAsOf } from "../jobs/remote/act-as.ts";
import type { KeyRateLimiter } from "./rate-limit.ts";

export async function authenticateRequest(
  services: { auth: AuthService } & RateBudgets,
  authorization: string | undefined | null,
  /** The jobs-act-as header: honoured for GATEWAY keys only. */
  actAs?: string | null,
  /** The request's operations: what it spends of the budget, in one store round trip. */
  operations = 1,
): Promise<Viewer> {
  const viewer = await services.auth.authenticate(bearerSecret(authorization ?? undefined), actAs);
  return spend(services, viewer, operations);
}

/**
 * For GETs a browser makes from a plain link (downloads): the Authorization header when sent, else
 * the dashboard session cookie's session of the tab the link names (`slot`). Only safe, read-only
 * routes accept the cookie (SameSite=Strict keeps other sites from sending it anyway).
 */
export async function authenticateLinkRequest(
  services: { auth: AuthService; sessions: DashboardSessions } & RateBudgets,
  headers: IncomingHttpHeaders,
  slot: string = DEFAULT_SLOT,
): Promise<Viewer> {
  const token = headers.authorization ? undefined : sessionTokens(headers).get(slot);
  if (!token) return authenticateRequest(services, headers.authorization, actAsOf(headers));
  return spend(services, await services.sessions.authenticate(token));
}

/** The sessions of the request's dashboard cookie, by tab (slot). */
export function sessionTokens(headers: IncomingHttpHeaders): Map<string, string> {
  return readSlots(headers.cookie ? parseCookies(headers.cookie)[SESSION_COOKIE] : undefined);
}

/** The budgets requests spend: WORKER keys' own (JOBS_WORKER_RATE_LIMIT), every other key's (JOBS_RATE_LIMIT). */
type RateBudgets = { rateLimiter: KeyRateLimiter; workerRateLimiter: KeyRateLimiter };

async function spend(services: RateBudgets, viewer: Viewer, operations = 1): Promise<Viewer> {
  // A front's users share its one GATEWAY key: each of them has their own budget behind it.
  const bucket = viewer.viaGateway
    ? `${viewer.apiKeyId}/${viewer.userId}`
    : (viewer.apiKeyId ?? `${viewer.tenantId}/${viewer.userId}`);
  await (viewer.role === "WORKER" ? services.workerRateLimiter : services.rateLimiter).consume(bucket, operations);
  return viewer;
}
