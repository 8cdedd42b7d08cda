// An upstream's answer passed on unread (src/jobs/remote/upstream.ts isDataOnly): only `{"data": {…}}`
// alone, told from its bytes; anything that may hold errors or extensions is parsed as before.
import { describe, expect, it } from "vitest";
import { isDataOnly } from "../../src/jobs/remote/upstream.ts";

const bytes = (text: string) => Buffer.from(text, "utf8");
const page = JSON.stringify({
  data: {
    jobs: { edges: [{ node: { jobId: "a", events: { edges: [{ node: { data: { say: 'no "errors" here' } } }] } } }] },
  },
});

describe("isDataOnly", () => {
  it("takes a success as JSON.stringify writes it, with or without the trailing newline", () => {
    expect(isDataOnly(bytes(page))).toBe(true);
    expect(isDataOnly(bytes(`${page}\n`))).toBe(true);
    expect(isDataOnly(bytes('{"data":{"job":null}}\n'))).toBe(true);
    expect(isDataOnly(bytes('{"data":{"jobs":{"edges":[{"node":{"name":"café ✓"}}]}}}'))).toBe(true);
  });

  it("leaves to parsing whatever may hold errors or extensions, or is not one compact object", () => {
    for (const text of [
      '{"errors":[{"message":"no"}],"data":null}',
      '{"errors":[{"message":"no"}],"data":{"job":null}}',
      '{"data":{"job":null},"errors":[{"message":"no"}]}',
      '{"data":{"job":null},"extensions":{"x":{}}}',
      '{"data":{"jobs":{"edges":[{"node":{"payload":{"errors":[]}}}]}}}', // a value's key: parsed to be sure
      '{"data":{"job":{"state":"errors"}}}',
      '{"data":null}',
      '{ "data": { "job": null } }',
      '{"data":{"jobs":{"edges":[',
      "",
    ])
      expect(isDataOnly(bytes(text)), text).toBe(false);
  });
});
