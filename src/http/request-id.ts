// Every request gets an id: the caller's (x-request-id, when it is a sane token) or a fresh one. It
// is answered in the x-request-id header and in every error, and logged with what went wrong.
import { randomUUID } from "node:crypto";
import type { GraphQLFormattedError } from "graphql";
import { withRequestId } from "../schema/format-error.ts";

export function newRequestId(incoming?: string | string[]): string {
  const given = Array.isArray(incoming) ? incoming[0] : incoming;
  return given && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
}

/**
 * An answer of Apollo's with the request id in every error. Answers of operations have it already
 * (a plugin writes it before they are serialized); answers Apollo refuses before any operation runs
 * (a malformed request, a bad key) reach no plugin, and are rewritten here. Those are errors only,
 * so only answers with an error status are read.
 */
export function answerWithRequestId(status: number, body: string, requestId: string): string {
  if (status < 400) return body;
  let answer: { errors?: GraphQLFormattedError[] };
  try {
    answer = JSON.parse(body) as typeof answer;
  } catch {
    return body;
  }
  const { errors } = answer;
  if (!Array.isArray(errors) || errors.every((e) => e.extensions?.requestId === requestId)) return body;
  // As Apollo serializes an answer (prettyJSONStringify): JSON and a newline.
  return `${JSON.stringify({ ...answer, errors: errors.map((e) => withRequestId(e, requestId)) })}\n`;
}
