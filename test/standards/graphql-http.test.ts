// GraphQL over HTTP conformance: the graphql-http package's server audits against the live
// /graphql endpoint (with an admin key on every request), on PGlite and PostgreSQL. No MUST audit
// may fail. SHOULD audits that fail are printed, and must be among the known, explained ones below,
// so a new deviation fails here instead of slipping in.
import { serverAudits, type AuditResult } from "graphql-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.ts";

/**
 * SHOULD audits the server knowingly does not meet, by audit id. All three ask for HTTP 200 on
 * request errors when the client accepts only `application/json`; Apollo Server answers 400 for
 * parse, validation and variable errors whatever the Accept header, which the query limits and
 * their tests rely on (test/security/limits.test.ts), and which the spec requires anyway for
 * `application/graphql-response+json`.
 */
const KNOWN_SHOULD_FAILURES: Record<string, string> = {
  "572B": "200 on document parsing failure with application/json",
  FDE2: "200 on document validation failure with application/json",
  "7B9B": "200 on variable coercion failure with application/json",
};

/** Every request of the audit carries the admin key, as a real client's would. */
const withKey: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  headers.set("authorization", `Bearer ${ADMIN_KEY}`);
  return fetch(input, { ...init, headers });
};

describe.each(backends.map((b) => [b.name, b] as const))("graphql-http server audits on %s", (_name, backend) => {
  let t: TestServer;
  let results: AuditResult[] = [];
  beforeAll(async () => {
    t = await startTestServer(backend);
    const audits = serverAudits({ url: () => `${t.url}/graphql`, fetchFn: withKey });
    // One at a time: the audits are small, and the rate limiter should see an ordinary client.
    for (const audit of audits) results.push(await audit.fn());
  });
  afterAll(async () => {
    results = [];
    await t?.stop();
  });

  const failures = (level: "MUST" | "SHOULD" | "MAY") =>
    results.filter((r) => r.name.startsWith(level) && r.status !== "ok");
  const describeFailure = (r: AuditResult) => (r.status === "ok" ? r.name : `${r.id} ${r.name}: ${r.reason}`);

  it("runs the whole audit suite against the live endpoint", () => {
    expect(results.length).toBeGreaterThanOrEqual(50);
    expect(results.filter((r) => r.name.startsWith("MUST")).length).toBeGreaterThanOrEqual(10);
    // Most audits pass outright: a server that answered nothing would fail nearly all of them.
    expect(results.filter((r) => r.status === "ok").length).toBeGreaterThan(results.length * 0.8);
  });

  it("passes every MUST audit", () => {
    expect(failures("MUST").map(describeFailure)).toEqual([]);
  });

  it("fails no SHOULD audit beyond the known, explained ones (printed)", () => {
    const should = failures("SHOULD");
    for (const r of should) console.warn(`graphql-http SHOULD not met: ${describeFailure(r)}`);
    for (const r of failures("MAY")) console.info(`graphql-http MAY not offered: ${describeFailure(r)}`);
    expect(should.map((r) => r.id).filter((id) => !(id in KNOWN_SHOULD_FAILURES))).toEqual([]);
  });
});
