// The one pagination helper: opaque cursors in and out, and the connection shape Relay expects.
import { jobsError } from "../errors.ts";

/** The longest page any connection answers (upstreams refuse more, so a remote expansion asks no more). */
export const MAX_PAGE_SIZE = 500;

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

/**
 * Decodes a cursor made by encodeCursor and checks its shape; anything else is BAD_USER_INPUT, the
 * empty string included (no cursor is null: "" read as none answered page 1 as if it followed one).
 */
export function decodeCursor<T>(cursor: string, isValid: (v: unknown) => v is T, field = "after"): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    value = undefined;
  }
  if (!isValid(value)) throw jobsError("BAD_USER_INPUT", `${field}: not a cursor this list produced`, { field });
  return value;
}

export function pageSize(first: number | null | undefined, fallback: number, field = "first"): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE_SIZE) {
    throw jobsError("BAD_USER_INPUT", `${field}: must be between 0 and ${MAX_PAGE_SIZE}`, { field });
  }
  return n;
}

const MAX_OFFSET = 10_000;

/** A numeric offset into a list (RelationalAI's `list(offset=)`): skips that many; not with a cursor. */
export function pageOffset(offset: number | null | undefined, after: string | null | undefined): number {
  const n = offset ?? 0;
  if (!Number.isInteger(n) || n < 0 || n > MAX_OFFSET) {
    throw jobsError("BAD_USER_INPUT", `offset: must be between 0 and ${MAX_OFFSET}`, { field: "offset" });
  }
  if (n > 0 && after != null)
    throw jobsError("BAD_USER_INPUT", "offset: give either offset or after, not both", { field: "offset" });
  return n;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}
export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export function connection<T>(edges: Edge<T>[], hasNextPage: boolean, hasPreviousPage: boolean): Connection<T> {
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** Sequence cursors (events, log lines): the row's position in its job's stream, as a string. */
export function seqCursor(seq: number): string {
  return String(seq);
}
/** Sequences are PostgreSQL integers: a cursor past the largest names no row of any stream. */
const MAX_SEQ = 2_147_483_647;

export function parseSeqCursor(cursor: string | null | undefined, field = "after"): number {
  if (cursor === null || cursor === undefined) return 0;
  if (!/^\d{1,10}$/.test(cursor) || Number(cursor) > MAX_SEQ)
    throw jobsError("BAD_USER_INPUT", `${field}: not a cursor of this stream`, { field });
  return Number(cursor);
}
