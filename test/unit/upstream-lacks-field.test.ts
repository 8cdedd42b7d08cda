// When a front skips an upstream check: only when the upstream's schema has no such field (a server
// older than validateJob answers graphql-js's validation error for it), never for another refusal.
import { buildSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { lacksField } from "../../src/jobs/remote/gateway.ts";

/** What a server whose Query lacks the fields answers for `query` (Apollo codes validation errors so). */
function olderServerAnswer(query: string) {
  const older = buildSchema(
    `input CreateJobInput { payload: Int } type JobError { code: String } type Query { viewer: Int }`,
  );
  const errors = validate(older, parse(query));
  expect(errors.length).toBeGreaterThan(0);
  return { errors: errors.map((e) => ({ message: e.message, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } })) };
}

describe("lacksField", () => {
  it("is true when the upstream's validation says it has no such Query field", () => {
    expect(lacksField(olderServerAnswer(`query($i: CreateJobInput!) { validateJob(input: $i) }`), "validateJob")).toBe(
      true,
    );
    const many = olderServerAnswer(`query($i: [CreateJobInput!]!) { results: validateJobs(inputs: $i) { code } }`);
    expect(lacksField(many, "validateJobs")).toBe(true);
  });

  it("is false for any other answer: another field missing, a refusal, data", () => {
    expect(lacksField(olderServerAnswer(`{ somethingElse }`), "validateJobs")).toBe(false);
    const refused = {
      errors: [{ message: 'inputs.0.payload: "validateJobs" is no agent', extensions: { code: "BAD_USER_INPUT" } }],
    };
    expect(lacksField(refused, "validateJobs")).toBe(false);
    expect(lacksField({ data: { results: [null] } }, "validateJobs")).toBe(false);
  });
});
