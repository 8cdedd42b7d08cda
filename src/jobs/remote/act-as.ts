// How a front server names its caller to an upstream: the jobs-act-as header, which an upstream
// honours only from GATEWAY keys (src/security/authenticate.ts). An HTTP header carries visible ASCII
// only, so a user id with anything else (zoë, 日本) travels percent-encoded (UTF-8) in a header of
// its own: sent raw it would be garbled (Node writes header strings as latin1) or refused. An
// upstream too old to read that header sees no act-as at all and refuses the call (FORBIDDEN) rather
// than acting as someone else.

export const ACT_AS_HEADER = "jobs-act-as";
/** The act-as user id, percent-encoded: for ids an HTTP header cannot carry as they are. */
export const ACT_AS_ENCODED_HEADER = "jobs-act-as-encoded";

/** Visible ASCII, with spaces inside only (a header's value loses its outer ones). */
const HEADER_SAFE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/** The header that names `userId` to an upstream. */
export function actAsHeader(userId: string): Record<string, string> {
  return HEADER_SAFE.test(userId)
    ? { [ACT_AS_HEADER]: userId }
    : { [ACT_AS_ENCODED_HEADER]: encodeURIComponent(userId) };
}

/**
 * The user id named by HTTP headers or a graphql-ws operation's extensions (which carry any string
 * as it is, under ACT_AS_HEADER); null when none is named or the encoded one does not decode.
 */
export function actAsOf(source: Record<string, unknown> | null | undefined): string | null {
  const plain = first(source?.[ACT_AS_HEADER]);
  if (plain !== null) return plain;
  const encoded = first(source?.[ACT_AS_ENCODED_HEADER]);
  if (encoded === null) return null;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return null;
  }
}

const first = (value: unknown): string | null =>
  typeof value === "string" ? value : Array.isArray(value) && typeof value[0] === "string" ? value[0] : null;
