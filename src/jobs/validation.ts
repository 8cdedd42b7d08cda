// Input validation shared by every family: zod schemas in, BAD_USER_INPUT with the exact field out.
import { z } from "zod";
import { type ErrorCode, isJobsError, jobsError } from "../errors.ts";

const MAX_NAME_LENGTH = 255;
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

export const name255 = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`)
  // GraphQL input is checked for NUL before it runs; names also arrive in HTTP query strings
  // (PUT /uploads?name=), and PostgreSQL cannot store the character.
  .refine((name) => !name.includes("\u0000"), "must not contain NUL characters");
export const optionalName = name255.nullish().transform((v) => v ?? null);
/** A user id: a name without control characters (it travels in a front's jobs-act-as header, in logs). */
export const userId255 = name255.regex(/^\P{Cc}*$/u, "must not contain control characters");
/** An email address, lower-cased: the one form users' emails are stored and looked up in. */
export const email255 = name255.email("must be an email address").transform((email) => email.toLowerCase());
export const timeoutMins = z
  .number()
  .int()
  .min(1)
  .max(60 * 24 * 30)
  .nullish()
  .transform((v) => v ?? null);
export const idempotencyKey = z
  .string()
  .min(1)
  .max(MAX_NAME_LENGTH)
  .nullish()
  .transform((v) => v ?? null);
export const jsonObject = z.record(z.string(), z.unknown());

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, path = "input"): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = [path, ...(issue?.path ?? [])].join(".");
  throw jobsError("BAD_USER_INPUT", `${field}: ${issue ? issueMessage(issue) : "invalid"}`, { field });
}

/** zod's words, except a missing field: "is required (a string)" reads better than "received undefined". */
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code !== "invalid_type" || !/ received undefined$/.test(issue.message)) return issue.message;
  const expected = issue.expected === "array" ? "list" : issue.expected;
  return `is required (${/^[aeiou]/.test(expected) ? "an" : "a"} ${expected})`;
}

export function assertPayloadSize(payload: unknown, field = "payload"): void {
  const size = Buffer.byteLength(JSON.stringify(payload ?? null), "utf8");
  if (size > MAX_PAYLOAD_BYTES) {
    throw jobsError("BAD_USER_INPUT", `${field} is ${size} bytes; at most ${MAX_PAYLOAD_BYTES} are accepted`, {
      field,
    });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Our ids are UUIDs; anything else names nothing (and must never reach SQL as a cast error). */
export const isUuid = (value: unknown): value is string => typeof value === "string" && UUID.test(value);

/**
 * A createJob error as it reads where the request sits inside another input (a schedule's job, a
 * batch step's run): the createJob fields that `fields` matches (`input.` before them) move under
 * `at`, in the field and the message (`input.payload.rows` becomes `<at>.payload.rows`). An error
 * naming no field gets `fallback` when given. Anything but a jobs error is returned as it is.
 */
export function movedUnder(error: unknown, at: string, fields: RegExp, fallback?: string): unknown {
  if (!isJobsError(error)) return error;
  const { field, code, http: _http, ...rest } = error.extensions as Record<string, unknown>;
  if (typeof field !== "string" && fallback === undefined) return error;
  const rename = (s: string) => s.replace(new RegExp(`\\binput\\.(?=${fields.source})`, "g"), `${at}.`);
  return jobsError(code as ErrorCode, rename(error.message), {
    ...rest,
    field: typeof field === "string" ? rename(field) : fallback,
  });
}
