// The request id goes into an answer's errors as data, before or after Apollo serializes them: in
// the extensions of each, and in the message of an unexpected one (the client's handle on the logs).
import { describe, expect, it } from "vitest";
import { answerWithRequestId } from "../../src/http/request-id.ts";
import { withRequestId } from "../../src/schema/format-error.ts";

describe("request ids in answers", () => {
  it("puts the id in an error's extensions, and an unexpected error's message", () => {
    expect(withRequestId({ message: "nope", path: ["a"], extensions: { code: "NOT_FOUND" } }, "r1")).toEqual({
      message: "nope",
      path: ["a"],
      extensions: { code: "NOT_FOUND", requestId: "r1" },
    });
    expect(
      withRequestId({ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }, "r2"),
    ).toEqual({
      message: "Internal server error (request id r2)",
      extensions: { code: "INTERNAL_SERVER_ERROR", requestId: "r2" },
    });
  });

  it("rewrites an error answer that lacks the id, as Apollo writes answers, and leaves others as they are", () => {
    const refused = `${JSON.stringify({ errors: [{ message: "bad key", extensions: { code: "UNAUTHENTICATED" } }] })}\n`;
    expect(answerWithRequestId(401, refused, "r3")).toBe(
      `${JSON.stringify({ errors: [{ message: "bad key", extensions: { code: "UNAUTHENTICATED", requestId: "r3" } }] })}\n`,
    );
    const stamped = `${JSON.stringify({ errors: [{ message: "x", extensions: { code: "BAD_USER_INPUT", requestId: "r4" } }] })}\n`;
    expect(answerWithRequestId(400, stamped, "r4")).toBe(stamped);
    // Answers with data are the plugin's: never read here.
    const ok = `{"data":{"a":1},"errors":[{"message":"m"}]}\n`;
    expect(answerWithRequestId(200, ok, "r5")).toBe(ok);
    expect(answerWithRequestId(400, "not json", "r6")).toBe("not json");
  });
});
