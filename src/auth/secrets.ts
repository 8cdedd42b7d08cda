// API key secrets: recognisable by prefix, stored only as a sha256 hash, compared in constant time.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { sha256Hex } from "@jobs-api/client/evidence";

const SECRET_PREFIX = "jobs_";
/** How much of the secret is kept in clear to recognise a key by. */
const VISIBLE_PREFIX_LENGTH = 12;

export function newSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString("base64url");
}

export function hashSecret(secret: string): string {
  return sha256Hex(secret);
}

export function visiblePrefix(secret: string): string {
  return secret.slice(0, VISIBLE_PREFIX_LENGTH);
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The secret from an `Authorization: Bearer <secret>` header (or the bare secret). */
export function bearerSecret(header: string | undefined | null): string | null {
  if (!header) return null;
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}
