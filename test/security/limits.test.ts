// Abusive requests are refused cheaply with a clear code, on the real server over HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createJobInput } from "../helpers/fixtures.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.ts";

const pglite = backends[0]!;

async function post(url: string, body: string | object, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}`, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) as any };
}

function expectNoInternals(text: string) {
  expect(text).not.toMatch(/\bat [\w.<>]+ \(|node_modules|\.ts:\d+|stacktrace|prisma/i);
}

describe("query limits", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(pglite, { JOBS_MAX_COST: "20000" });
  });
  afterAll(async () => t?.stop());

  it("refuses 500 aliases before executing anything", async () => {
    const query = `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: viewer { userId }`).join(" ")} }`;
    const r = await post(t.url, { query });
    expect(r.status).toBe(400);
    expect(r.json.errors[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(r.json.errors[0].message).toMatch(/aliases/i);
    expect(r.json.data).toBeUndefined();
    expectNoInternals(r.text);
  });

  it("refuses deep queries", async () => {
    const nested = (n: number): string =>
      n === 0 ? "id" : `... on Node { id } ... on GenerationJob { rerunOf { ${nested(n - 1)} } }`;
    const r = await post(t.url, { query: `query { node(id: "x") { ${nested(14)} } }` });
    expect(r.status).toBe(400);
    expect(r.json.errors[0].message).toMatch(/depth/i);
  });

  it("prices lists by their page size", async () => {
    const expanded = `edges { node { id events { edges { node { cursor } } } logs { edges { node { message } } } artifacts { id } statusHistory { state } problems { code } } }`;
    expect((await post(t.url, { query: `{ jobs(first: 5) { ${expanded} } }` })).status).toBe(200);
    const r = await post(t.url, { query: `query($n: Int) { jobs(first: $n) { ${expanded} } }`, variables: { n: 500 } });
    expect(r.status).toBe(400);
    expect(r.json.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", maxCost: 20000 });
    expect(r.json.errors[0].extensions.cost).toBeGreaterThan(20000);
  });

  it("bounds tokens, directives and batch size", async () => {
    const tokens = await post(t.url, { query: `{ viewer { ${"userId ".repeat(6000)} } }` });
    expect(tokens.status).toBe(400);
    expect(tokens.json.errors[0].extensions.code).toBe("GRAPHQL_PARSE_FAILED");
    const directives = await post(t.url, { query: `{ viewer { userId ${"@include(if: true) ".repeat(50)} } }` });
    expect(directives.status).toBe(400);
    expect(directives.json.errors[0].message).toMatch(/directives/i);
    const batch = (n: number) => Array.from({ length: n }, () => ({ query: "{ viewer { userId } }" }));
    const ok = await post(t.url, batch(3));
    expect(ok.status).toBe(200);
    expect(ok.json).toHaveLength(3);
    const tooMany = await post(t.url, batch(11));
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.errors[0].extensions.code).toBe("BAD_USER_INPUT");
  });

  it("refuses 20 MiB bodies and 3 MiB payloads; a payload over 1 MiB is BAD_USER_INPUT", async () => {
    const huge = await post(
      t.url,
      JSON.stringify({ query: "{ viewer { userId } }", variables: { x: "a".repeat(20 * 1024 * 1024) } }),
    );
    expect(huge.status).toBe(413);
    expect(huge.json.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    const create = `mutation($input: CreateJobInput!) { createJob(input: $input) { job { id } } }`;
    const three = await post(t.url, {
      query: create,
      variables: { input: createJobInput("PREDICTIVE", 0, { payload: { blob: "x".repeat(3 * 1024 * 1024) } }) },
    });
    expect(three.status).toBe(413);
    const over = await post(t.url, {
      query: create,
      variables: { input: createJobInput("PREDICTIVE", 0, { payload: { blob: "x".repeat(1024 * 1024 + 10) } }) },
    });
    expect(over.json.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    expectNoInternals(over.text);
    const longName = await post(t.url, {
      query: create,
      variables: { input: createJobInput("PREDICTIVE", 0, { name: "n".repeat(256) }) },
    });
    expect(longName.json.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT" });
    const page = await post(t.url, { query: `{ jobs(first: 501) { totalCount } }` });
    expect(page.json.errors[0].extensions.code).toBe("BAD_USER_INPUT");
  });

  it("prevents CSRF: a simple GET without a preflight header is refused", async () => {
    const res = await fetch(`${t.url}/graphql?query=${encodeURIComponent("{ viewer { userId } }")}`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(res.status).toBe(400);
    const withHeader = await fetch(`${t.url}/graphql?query=${encodeURIComponent("{ viewer { userId } }")}`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "apollo-require-preflight": "1" },
    });
    expect(withHeader.status).toBe(200);
  });

  it("writes an audit entry for every mutation with its outcome", async () => {
    const ok = await t.admin.request<any>(
      `mutation($input: CreateJobInput!) { createJob(input: $input) { job { jobId } } }`,
      { input: createJobInput("LOGIC", 7) },
    );
    const bad = await t.admin.raw(
      `mutation { cancelJob(reasonerType: LOGIC, jobId: "00000000-0000-0000-0000-000000000000") { id } }`,
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const rows = await waitForRows(t, 2);
    expect(rows).toEqual(
      expect.arrayContaining([
        // A create names the job it made (a refused one, what its input names).
        expect.objectContaining({ operation: "createJob", outcome: "OK", target: ok.createJob.job.jobId }),
        expect.objectContaining({
          operation: "cancelJob",
          outcome: "NOT_FOUND",
          target: "00000000-0000-0000-0000-000000000000",
        }),
      ]),
    );
    expect(ok.createJob.job.jobId).toBeTruthy();
    expect(rows.every((r) => r.actor?.startsWith("admin"))).toBe(true);
  });
});

/** Audit rows are written beside the response: wait for those writes, then read them. */
async function waitForRows(t: TestServer, _n: number) {
  await t.server.services.audit.idle();
  return t.server.services.db.query<{
    operation: string;
    outcome: string;
    target: string | null;
    actor: string | null;
  }>(`select "operation", "outcome", "target", "actor" from "audit_log" order by "id"`);
}

describe("production defaults: introspection and suggestions for admins only, rate limits", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(pglite, {
      NODE_ENV: "production",
      JOBS_RATE_LIMIT: "8",
      JOBS_RATE_LIMIT_WINDOW_S: "60",
      JOBS_MAX_BATCH: "8",
    });
  });
  afterAll(async () => t?.stop());

  it("lets admins introspect, refuses members, hides suggestions, limits each key", async () => {
    const key = (await t.admin.request<any>(`mutation { createApiKey(userId: "m1", role: MEMBER) { secret } }`))
      .createApiKey.secret as string;
    const member = t.client(key);
    expect((await t.admin.request<any>(`{ __schema { queryType { name } } }`)).__schema.queryType.name).toBe("Query");
    const refused = await member.raw(`{ __schema { queryType { name } } }`);
    expect(refused.status).toBe(403);
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const typo = await member.raw(`{ viewr { userId } }`);
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
    // The member has spent 2 of 8; six more pass, the next is limited with a retry hint.
    for (let i = 0; i < 6; i++) expect((await member.raw(`{ viewer { userId } }`)).status).toBe(200);
    const limited = await member.raw(`{ viewer { userId } }`);
    expect(limited.status).toBe(429);
    expect(limited.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
    expect(limited.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    // Another key has its own budget.
    expect((await t.admin.raw(`{ viewer { userId } }`)).status).toBe(200);
  });
});
