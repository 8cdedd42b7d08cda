// Random and hostile operations and variables against the running server (property-based, fast-check):
// a client's mistake is never a 5xx, the server never falls over, and the database's invariants hold.
import fc from "fast-check";
import {
  buildSchema,
  getNamedType,
  type GraphQLField,
  isInputObjectType,
  isLeafType,
  isNonNullType,
  type GraphQLInputType,
  isListType,
} from "graphql";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statusHistoryOf } from "../../src/jobs/local/expansions.ts";
import { backends } from "../helpers/backends.ts";
import { createJob } from "../helpers/fixtures.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.ts";

const schema = buildSchema(readFileSync(new URL("../../schema.graphql", import.meta.url), "utf8"));
/** Fields that block until a deadline: their timeouts are kept short so the run stays fast. */
const BLOCKING = new Set(["waitForJob", "createJobReady"]);

type RootField = { kind: "query" | "mutation"; field: GraphQLField<unknown, unknown> };
const roots: RootField[] = [
  ...Object.values(schema.getQueryType()!.getFields()).map((field) => ({ kind: "query" as const, field })),
  ...Object.values(schema.getMutationType()!.getFields()).map((field) => ({ kind: "mutation" as const, field })),
];

function operationOf({ kind, field }: RootField): string {
  const vars = field.args.map((a) => `$${a.name}: ${String(a.type)}`).join(", ");
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(", ");
  return `${kind}${vars ? `(${vars})` : ""} { r: ${field.name}${args ? `(${args})` : ""} { __typename } }`.replace(
    "{ __typename }",
    isLeafType(getNamedType(field.type)) ? "" : "{ __typename }",
  );
}

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary", maxLength: 50 }),
  fc.constantFrom(
    "",
    "\u0000",
    "' or 1=1 --",
    "$steps.x.artifacts[0]",
    "../../etc/passwd",
    "00000000-0000-0000-0000-000000000000",
    "LOGIC:00000000-0000-0000-0000-000000000000",
    "x".repeat(300),
    "jobs_forged",
  ),
  fc.uuid(),
);
const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    hostileString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(hostileString, tie("value"), { maxKeys: 4 }),
  ),
})).value;

/** Values shaped like the argument's type most of the time, anything at all some of the time. */
function valueFor(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
  const inner = isNonNullType(type) ? type.ofType : type;
  const nullable = isNonNullType(type) ? [] : [fc.constant(null)];
  let shaped: fc.Arbitrary<unknown>;
  if (isListType(inner)) shaped = fc.array(valueFor(inner.ofType, depth + 1), { maxLength: 3 });
  else if (isInputObjectType(inner)) {
    if (depth > 3) return fc.constant(null);
    const fields = Object.values(inner.getFields());
    shaped = fc.record(Object.fromEntries(fields.map((f) => [f.name, valueFor(f.type, depth + 1)])), {
      requiredKeys: fields.filter((f) => isNonNullType(f.type)).map((f) => f.name),
    });
  } else {
    const name = getNamedType(inner).name;
    const enumValues =
      "getValues" in inner
        ? (inner as unknown as { getValues(): { value: unknown; name: string }[] }).getValues().map((v) => v.name)
        : [];
    shaped = enumValues.length
      ? fc.constantFrom(...enumValues)
      : name === "Int"
        ? fc.oneof(fc.integer({ min: -5, max: 600 }), fc.integer())
        : name === "Float"
          ? fc.oneof(fc.double({ min: 0, max: 2, noNaN: true }), fc.double())
          : name === "Boolean"
            ? fc.boolean()
            : name === "JSON"
              ? hostileJson
              : hostileString;
  }
  return fc.oneof(
    { weight: 6, arbitrary: shaped },
    { weight: 1, arbitrary: hostileJson },
    ...nullable.map((a) => ({ weight: 1, arbitrary: a })),
  );
}

describe.each(backends.map((b) => [b.name, b] as const))("hostile input on %s", (_name, backend) => {
  let t: TestServer;
  let memberKey: string;
  let workerKey: string;
  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_RATE_LIMIT: "0", JOBS_MAX_WAIT_S: "1" });
    memberKey = (
      await t.admin.request<any>(`mutation { createApiKey(userId: "fuzz-member", role: MEMBER) { secret } }`)
    ).createApiKey.secret;
    workerKey = (
      await t.admin.request<any>(`mutation { createApiKey(userId: "fuzz-worker", role: WORKER) { secret } }`)
    ).createApiKey.secret;
    for (const type of ["LOGIC", "AGENT", "GENERATION", "BATCH"] as const) await createJob(t.admin, type, 1);
  });
  afterAll(async () => t?.stop());

  it("answers every random operation without a 5xx and keeps its invariants", async () => {
    const keys = [ADMIN_KEY, memberKey, workerKey, "jobs_not-a-key", ""];
    const call = fc.oneof(
      {
        weight: 8,
        arbitrary: fc.constantFrom(...roots).chain((root) =>
          fc.record({
            query: fc.constant(operationOf(root)),
            variables: fc.record(
              Object.fromEntries(
                root.field.args.map((a) => [
                  a.name,
                  BLOCKING.has(root.field.name) && a.name === "timeoutS" ? fc.constant(0.05) : valueFor(a.type),
                ]),
              ),
            ),
          }),
        ),
      },
      { weight: 1, arbitrary: fc.record({ query: fc.string({ maxLength: 200 }), variables: hostileJson }) },
      {
        weight: 1,
        arbitrary: fc.record({
          query: fc.constantFrom(
            "{ jobs { edges { node { id } } } }",
            "{ __typename }",
            "subscription { x }",
            "{ viewer { userId } } { viewer { userId } }",
          ),
          variables: fc.constant(undefined),
        }),
      },
    );
    await fc.assert(
      fc.asyncProperty(call, fc.constantFrom(...keys), async (body, key) => {
        const res = await fetch(`${t.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
          body: JSON.stringify(body),
        });
        const text = await res.text();
        if (res.status >= 500)
          throw new Error(`${res.status} for ${JSON.stringify(body).slice(0, 500)}: ${text.slice(0, 500)}`);
        const json = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] };
        for (const e of json.errors ?? []) {
          expect(e.extensions?.code, text.slice(0, 300)).not.toBe("INTERNAL_SERVER_ERROR");
        }
        expect(text).not.toMatch(/\bat [\w.<>]+ \(|node_modules|\.ts:\d+/);
      }),
      { numRuns: 400, seed: Number(process.env.FUZZ_SEED ?? 20261123) },
    );
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);

    const db = t.server.services.db;
    // Every job's history is consistent: entries 1 to its statusSeq (the first implied by its row,
    // the rest stored), the last one its state.
    const jobs = await db.query<{ id: string; state: string; statusSeq: number }>(
      `select "id", "state"::text, "statusSeq" from "jobs" order by "id"`,
    );
    const histories = await statusHistoryOf(
      db,
      jobs.map((j) => j.id),
    );
    const inconsistent = jobs.filter(
      (j, i) =>
        histories[i]!.map((h) => h.seq).join() !== Array.from({ length: j.statusSeq }, (_, k) => k + 1).join() ||
        histories[i]!.at(-1)?.state !== j.state,
    );
    expect(inconsistent).toEqual([]);
    // Credits only on succeeded jobs; no details without a job; one detail row per family job.
    expect(
      await db.query(
        `select c."jobId" from "credit_charges" c left join "jobs" j on j."id" = c."jobId" where j."state" is distinct from 'SUCCEEDED'`,
      ),
    ).toEqual([]);
    expect(
      await db.query(
        `select j."id" from "jobs" j left join "generation_details" g on g."jobId" = j."id" where j."reasonerType" = 'GENERATION' and g."jobId" is null`,
      ),
    ).toEqual([]);
    expect(
      await db.query(
        `select j."id" from "jobs" j left join "agent_details" a on a."jobId" = j."id" where j."reasonerType" = 'AGENT' and a."jobId" is null`,
      ),
    ).toEqual([]);
    expect(
      await db.query(
        `select j."id" from "jobs" j where j."reasonerType" = 'BATCH' and not exists (select 1 from "batch_steps" s where s."jobId" = j."id")`,
      ),
    ).toEqual([]);
  });
  // Each class of input that once reached a masked 500, generated: refused as the client's error
  // (4xx, BAD_USER_INPUT or the GraphQL-over-HTTP status), naming the field, never a 500.
  describe("hostile input classes", () => {
    const RUNS = { numRuns: 25, seed: Number(process.env.FUZZ_SEED ?? 20261206) };
    let jobId: string;
    beforeAll(async () => {
      jobId = (await createJob(t.admin, "PREDICTIVE", 7)).jobId;
    });

    /** POSTs a raw body (so it can hold what JSON.stringify would not make). */
    async function post(body: string, key: string = ADMIN_KEY) {
      const res = await fetch(`${t.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body,
      });
      const text = await res.text();
      return {
        status: res.status,
        text,
        json: JSON.parse(text) as {
          data?: unknown;
          errors?: { message: string; extensions?: Record<string, unknown> }[];
        },
      };
    }
    function expectRefused(answer: Awaited<ReturnType<typeof post>>, code: string, field?: string) {
      expect(answer.status, answer.text.slice(0, 300)).toBeLessThan(500);
      const error = answer.json.errors?.[0];
      expect(error?.extensions?.code, answer.text.slice(0, 300)).toBe(code);
      if (field !== undefined) {
        expect(error?.extensions?.field).toBe(field);
        expect(error?.message).toContain(field);
      }
    }
    const CREATE = `mutation($p: JSON!, $n: String) { createJob(input: { reasonerType: PREDICTIVE, reasonerName: "d", name: $n, payload: $p }) { job { jobId } } }`;
    const jsonString = (text: string) =>
      JSON.stringify(text).replace(/[\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);

    it("escapes: NUL in any spelling of a literal is refused", async () => {
      const escapeForm = fc.constantFrom("\\u0000", "\\u{0}", "\\u{00}", "\\u{000000}");
      await fc.assert(
        fc.asyncProperty(
          escapeForm,
          fc.stringMatching(/^[a-z0-9 ]{0,8}$/),
          fc.boolean(),
          async (nul, around, inPayload) => {
            const text = `${around}${nul}`;
            const query = inPayload
              ? `mutation { createJob(input: { reasonerType: PREDICTIVE, reasonerName: "d", payload: { x: "${text}" } }) { job { jobId } } }`
              : `mutation { createJob(input: { reasonerType: PREDICTIVE, reasonerName: "d", name: "${text}", payload: {} }) { job { jobId } } }`;
            expectRefused(await post(JSON.stringify({ query })), "BAD_USER_INPUT", "input");
          },
        ),
        RUNS,
      );
    });

    it("surrogates: a lone UTF-16 surrogate in a JSON value, key or string variable is refused", async () => {
      const lone = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
      await fc.assert(
        fc.asyncProperty(
          lone,
          fc.string({ maxLength: 6 }),
          fc.constantFrom("value", "key", "name"),
          async (s, around, where) => {
            const text = `${around}${s}`;
            const variables =
              where === "value"
                ? `{"p":{"k":${jsonString(text)}}}`
                : where === "key"
                  ? `{"p":{${jsonString(text)}:1}}`
                  : `{"p":{},"n":${jsonString(text)}}`;
            expectRefused(
              await post(`{"query":${JSON.stringify(CREATE)},"variables":${variables}}`),
              "BAD_USER_INPUT",
              where === "name" ? "n" : "p",
            );
          },
        ),
        RUNS,
      );
    });

    it("numbers: one past a double's range, in a variable or a literal, is refused, not stored as null", async () => {
      const huge = fc
        .tuple(fc.constantFrom("", "-"), fc.constantFrom("1e400", "9.9e308", "1E+999", `1${"0".repeat(400)}`))
        .map(([sign, digits]) => `${sign}${digits}`);
      await fc.assert(
        fc.asyncProperty(huge, fc.constantFrom("variable", "nested", "literal"), async (number, where) => {
          const answer =
            where === "literal"
              ? await post(
                  JSON.stringify({
                    query: `mutation { createJob(input: { reasonerType: PREDICTIVE, reasonerName: "d", payload: { x: ${number} } }) { job { jobId } } }`,
                  }),
                )
              : await post(
                  `{"query":${JSON.stringify(CREATE)},"variables":{"p":${where === "nested" ? `{"a":[1,{"b":${number}}]}` : `{"x":${number}}`}}}`,
                );
          expectRefused(answer, "BAD_USER_INPUT", where === "literal" ? "input" : "p");
          expect(answer.json.errors?.[0]?.message).toContain("range of a double");
        }),
        RUNS,
      );
      // The largest double itself is a number like any other, kept as sent.
      const kept = await post(
        `{"query":${JSON.stringify(CREATE.replace("jobId", "jobId payload"))},"variables":{"p":{"x":1.7976931348623157e308}}}`,
      );
      expect(kept.json.errors).toBeUndefined();
      expect(kept.json.data).toMatchObject({ createJob: { job: { payload: { x: Number.MAX_VALUE } } } });
    });

    it("depth: variables nested past the bound are refused, used or not", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 65, max: 8000 }),
          fc.boolean(),
          fc.boolean(),
          async (depth, arrays, used) => {
            const nested = arrays
              ? `${"[".repeat(depth)}1${"]".repeat(depth)}`
              : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
            const body = used
              ? `{"query":${JSON.stringify(CREATE)},"variables":{"p":{"d":${nested}}}}`
              : `{"query":"{ __typename }","variables":{"x":${nested}}}`;
            expectRefused(await post(body), "BAD_USER_INPUT", used ? "p" : "x");
          },
        ),
        RUNS,
      );
    });

    it("integer edges: stream cursors past PostgreSQL's integers are refused; page sizes past Int are invalid", async () => {
      const big = fc.oneof(
        fc.bigInt({ min: 2n ** 31n, max: 10n ** 10n - 1n }),
        fc.bigInt({ min: 10n ** 10n, max: 10n ** 30n }),
      );
      await fc.assert(
        fc.asyncProperty(big, fc.constantFrom("events", "logs"), async (n, list) => {
          const answer = await post(
            JSON.stringify({
              query: `query($id: ID!, $a: String) { job(reasonerType: PREDICTIVE, jobId: $id) { ${list}(after: $a) { edges { cursor } } } }`,
              variables: { id: jobId, a: String(n) },
            }),
          );
          expectRefused(answer, "BAD_USER_INPUT", "after");
          const paged = await post(JSON.stringify({ query: `{ jobs(first: ${n}) { edges { cursor } } }` }));
          expect(paged.status).toBe(400);
        }),
        RUNS,
      );
    });

    it("cursor shapes: crafted merged-list cursors (far dates, odd ids, unknown gateways) are refused", async () => {
      const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
      const farDate = fc.oneof(
        fc.integer({ min: 10_000, max: 275_760 }).map((y) => `+${String(y).padStart(6, "0")}-01-01T00:00:00.000Z`),
        fc.constant("-000001-01-01T00:00:00.000Z"),
      );
      const oddId = fc.oneof(
        fc.constant("-".repeat(36)),
        fc.string({ minLength: 36, maxLength: 36 }),
        fc.uuid().map((u) => u.replace(/-/g, "")),
      );
      const shape = fc.oneof(
        fc.tuple(farDate, fc.uuid()).map(([c, i]) => ({ local: b64({ c, i }) })),
        fc.tuple(fc.constant("2026-01-01T00:00:00.000Z"), oddId).map(([c, i]) => ({ local: b64({ c, i }) })),
        fc
          .string({ minLength: 1, maxLength: 20 })
          .filter((g) => g !== "local")
          .map((g) => ({ [g]: b64({ c: "2026-01-01T00:00:00.000Z", i: "00000000-0000-0000-0000-000000000000" }) })),
      );
      await fc.assert(
        fc.asyncProperty(shape, async (cursor) => {
          expectRefused(
            await post(
              JSON.stringify({
                query: `query($a: String) { jobs(after: $a) { edges { cursor } } }`,
                variables: { a: b64(cursor) },
              }),
            ),
            "BAD_USER_INPUT",
            "after",
          );
        }),
        RUNS,
      );
    });

    it("ids: any id reads as not found (null, or 404 for a download), never a server error", async () => {
      const anyId = fc.oneof(
        fc.string({ maxLength: 80 }),
        fc.uuid(),
        fc.constant("-".repeat(36)),
        fc.string({ unit: "binary", maxLength: 40 }),
      );
      await fc.assert(
        fc.asyncProperty(anyId, fc.constantFrom("Artifact", "AgentJob", "GenerationJob"), async (id, type) => {
          const node = await post(
            JSON.stringify({
              query: `query($id: ID!) { node(id: $id) { id } }`,
              variables: { id: Buffer.from(`${type}:${id}`).toString("base64") },
            }),
          );
          expect(node.status, node.text).toBe(200);
          expect(node.json.data).toEqual({ node: null });
          // An id that is no global id at all is the client's error, naming the argument.
          for (const e of node.json.errors ?? [])
            expect(e.extensions, node.text).toMatchObject({ code: "BAD_USER_INPUT", field: "id" });
          const download = await fetch(`${t.url}/artifacts/${encodeURIComponent(id) || "x"}`, {
            headers: { authorization: `Bearer ${ADMIN_KEY}` },
          });
          await download.arrayBuffer();
          expect(download.status).toBe(404);
        }),
        RUNS,
      );
    });

    it("operations: several without a name, an unknown name, a subscription over POST, many __typename aliases, a __proto__ key", async () => {
      const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/);
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 2, max: 5 }), name, async (count, unknown) => {
          const query = Array.from({ length: count }, (_, i) => `query Q${i} { __typename }`).join(" ");
          const none = await post(JSON.stringify({ query }));
          expect(none.status).toBe(400);
          expect(none.json.errors?.[0]?.extensions?.code).toBe("OPERATION_RESOLUTION_FAILURE");
          const wrong = await post(JSON.stringify({ query, operationName: `X${unknown}` }));
          expect(wrong.status).toBe(400);
          expect(wrong.json.errors?.[0]?.extensions?.code).toBe("OPERATION_RESOLUTION_FAILURE");
          const single = await post(JSON.stringify({ query: `query Q { __typename }`, operationName: `X${unknown}` }));
          expect(single.status).toBe(400);
        }),
        RUNS,
      );
      expectRefused(
        await post(JSON.stringify({ query: `subscription { jobsChanged { jobId } }` })),
        "BAD_USER_INPUT",
        "query",
      );
      const aliases = await post(
        JSON.stringify({ query: `{ ${Array.from({ length: 31 }, (_, i) => `t${i}: __typename`).join(" ")} }` }),
      );
      expect(aliases.status).toBe(400);
      expect(aliases.json.errors?.[0]?.message).toMatch(/Aliases limit/);
      expectRefused(
        await post(`{"query":${JSON.stringify(CREATE)},"variables":{"p":{"__proto__":{"x":1},"y":2}}}`),
        "BAD_USER_INPUT",
        "p",
      );
      expectRefused(
        await post(
          JSON.stringify({
            query: `mutation { createJob(input: { reasonerType: PREDICTIVE, reasonerName: "d", payload: { __proto__: { x: 1 } } }) { job { jobId } } }`,
          }),
        ),
        "BAD_USER_INPUT",
        "input",
      );
    });

    it("a worker cannot move its own job to CANCELING", async () => {
      const worker = t.client(workerKey);
      const { registerWorker } = await worker.request<any>(
        `mutation { registerWorker(input: { name: "fuzz", reasonerTypes: [PREDICTIVE] }) { id } }`,
      );
      const { claimJob } = await worker.request<any>(
        `mutation($w: ID!) { claimJob(workerId: $w) { ... on Lease { token job { jobId } } } }`,
        { w: registerWorker.id },
      );
      expect(claimJob.token).toBeTruthy();
      const refused = await worker.raw(
        `mutation($t: String!) { updateJobStatus(leaseToken: $t, state: CANCELING) { state } }`,
        { t: claimJob.token },
      );
      expect(refused.errors?.[0]?.extensions?.code).toBe("INVALID_TRANSITION");
      const { job } = await t.admin.request<any>(
        `query($id: ID!) { job(reasonerType: PREDICTIVE, jobId: $id) { state } }`,
        { id: claimJob.job.jobId },
      );
      expect(job.state).toBe("RUNNING");
    });
  });
});
