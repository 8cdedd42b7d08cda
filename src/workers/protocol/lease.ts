// Lease tokens: `<jobId>.<32 random bytes, base64url>`. Only sha256(token) is stored (jobs.leaseToken,
// artifacts.leaseToken), so a database read never yields a usable token, and a forged or stale token
// can never match: every write is guarded by `"id" = <jobId> and "leaseToken" = sha256(token)`.
import { randomBytes } from "node:crypto";
import { sha256Hex } from "@jobs-api/client/evidence";
import { jobsError } from "../../errors.ts";
import { isUuid } from "../../jobs/validation.ts";

const SECRET_BYTES = 32;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

/** The header a worker names the lease of the job it runs with, outside the protocol's own calls. */
export const LEASE_HEADER = "x-lease-token";

/** The random half of a token; the claim statement joins it to the job id and stores the hash. */
export const newLeaseSecret = (): string => randomBytes(SECRET_BYTES).toString("base64url");

export const leaseTokenOf = (jobId: string, secret: string): string => `${jobId}.${secret}`;

/** What jobs.leaseToken and artifacts.leaseToken hold for a token. */
export const hashLeaseToken = (token: string): string => sha256Hex(token);

/** The same hash, in SQL, from the job id column and the secret parameter (same bytes as hashLeaseToken). */
export const leaseHashSql = (idColumn: string, secretParam: string) =>
  `encode(sha256(convert_to(${idColumn}::text || '.' || ${secretParam}::text, 'UTF8')), 'hex')`;

export interface PresentedLease {
  jobId: string;
  /** sha256 of the whole token, as stored. */
  hash: string;
}

/** The job a token stands for, when it is shaped like one of ours (whether it still holds a lease or not); else null. */
export function leaseJobIdOf(token: string): string | null {
  const dot = token.indexOf(".");
  const jobId = dot > 0 ? token.slice(0, dot) : "";
  const secret = dot > 0 ? token.slice(dot + 1) : "";
  return isUuid(jobId) && SECRET.test(secret) && jobId === jobId.toLowerCase() ? jobId : null;
}

/** Splits a presented token; anything not shaped like one of ours is a lost lease, not bad input. */
export function parseLeaseToken(token: string): PresentedLease {
  const jobId = leaseJobIdOf(token);
  if (jobId === null) throw leaseLost();
  return { jobId, hash: hashLeaseToken(token) };
}

export const leaseLost = () =>
  jobsError(
    "LEASE_LOST",
    "this lease is no longer held: the token is unknown, expired and reassigned, or the job has finished",
  );
