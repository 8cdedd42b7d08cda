// Every request gets an id: the caller's (x-request-id, when it is a sane token) or a fresh one. It
// is answered in the x-request-id header and in every error, and logged with what went wrong.
import { randomUUID } from "node:crypto";

export function newRequestId(incoming?: string | string[]): string {
  const given = Array.isArray(incoming) ? incoming[0] : incoming;
  return given && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
}
