// Random and hostile operations and variables against the running server (property-based, fast-check):
// a client's mistake is never a 5xx, the server never falls over, and the database's invariants hold.
import fc from "fast-check";
import { buildSchema, getNamedType, type GraphQLField, isInputObjectType, isLeafType, isNonNullType, type GraphQLInputType, isListType } from "graphql";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  return `${kind}${vars ? `(${vars})` : ""} { r: ${field.name}${args ? `(${args})` : ""} { __typename } }`.replace("{ __typename }", isLeafType(getNamedType(field.type)) ? "" : "{ __typename }");
}

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary", maxLength: 50 }),
  fc.constantFrom("", "\u0000", "' or 1=1 --", "$steps.x.artifacts[0]", "../../etc/passwd", "00000000-0000-0000-0000-000000000000", "LOGIC:00000000-0000-0000-0000-000000000000", "x".repeat(300), "jobs_forged"),
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
    shaped = fc.record(Object.fromEntries(fields.map((f) => [f.name, valueFor(f.type, depth + 1)])), { requiredKeys: fields.filter((f) => isNonNullType(f.type)).map((f) => f.name) });
  } else {
    const name = getNamedType(inner).name;
    const enumValues = "getValues" in inner ? (inner as unknown as { getValues(): { value: unknown; name: string }[] }).getValues().map((v) => v.name) : [];
    shaped =
      enumValues.length ? fc.constantFrom(...enumValues)
      : name === "Int" ? fc.oneof(fc.integer({ min: -5, max: 600 }), fc.integer())
      : name === "Float" ? fc.oneof(fc.double({ min: 0, max: 2, noNaN: true }), fc.double())
      : name === "Boolean" ? fc.boolean()
      : name === "JSON" ? hostileJson
      : hostileString;
  }
  return fc.oneof({ weight: 6, arbitrary: shaped }, { weight: 1, arbitrary: hostileJson }, ...nullable.map((a) => ({ weight: 1, arbitrary: a })));
}

describe.each(backends.map((b) => [b.name, b] as const))("hostile input on %s", (_name, backend) => {
  let t: TestServer;
  let memberKey: string;
  let workerKey: string;
  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_RATE_LIMIT: "0", JOBS_MAX_WAIT_S: "1" });
    memberKey = (await t.admin.request<any>(`mutation { createApiKey(userId: "fuzz-member", role: MEMBER) { secret } }`)).createApiKey.secret;
    workerKey = (await t.admin.request<any>(`mutation { createApiKey(userId: "fuzz-worker", role: WORKER) { secret } }`)).createApiKey.secret;
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
            variables: fc.record(Object.fromEntries(root.field.args.map((a) => [a.name, BLOCKING.has(root.field.name) && a.name === "timeoutS" ? fc.constant(0.05) : valueFor(a.type)]))),
          }),
        ),
      },
      { weight: 1, arbitrary: fc.record({ query: fc.string({ maxLength: 200 }), variables: hostileJson }) },
      { weight: 1, arbitrary: fc.record({ query: fc.constantFrom("{ jobs { edges { node { id } } } }", "{ __typename }", "subscription { x }", "{ viewer { userId } } { viewer { userId } }"), variables: fc.constant(undefined) }) },
    );
    await fc.assert(
      fc.asyncProperty(call, fc.constantFrom(...keys), async (body, key) => {
        const res = await fetch(`${t.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
          body: JSON.stringify(body),
        });
        const text = await res.text();
        if (res.status >= 500) throw new Error(`${res.status} for ${JSON.stringify(body).slice(0, 500)}: ${text.slice(0, 500)}`);
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
    // Every job's history is consistent: as many entries as its statusSeq, the last one its state.
    const inconsistent = await db.query(
      `select j."id" from "jobs" j
       left join lateral (select count(*)::int as n, max("seq") as last from "job_status_changes" s where s."jobId" = j."id") h on true
       left join "job_status_changes" l on l."jobId" = j."id" and l."seq" = h.last
       where h.n <> j."statusSeq" or l."state" is distinct from j."state"`,
    );
    expect(inconsistent).toEqual([]);
    // Credits only on succeeded jobs; no details without a job; one detail row per family job.
    expect(await db.query(`select c."jobId" from "credit_charges" c left join "jobs" j on j."id" = c."jobId" where j."state" is distinct from 'SUCCEEDED'`)).toEqual([]);
    expect(await db.query(`select j."id" from "jobs" j left join "generation_details" g on g."jobId" = j."id" where j."reasonerType" = 'GENERATION' and g."jobId" is null`)).toEqual([]);
    expect(await db.query(`select j."id" from "jobs" j left join "agent_details" a on a."jobId" = j."id" where j."reasonerType" = 'AGENT' and a."jobId" is null`)).toEqual([]);
    expect(await db.query(`select j."id" from "jobs" j where j."reasonerType" = 'BATCH' and not exists (select 1 from "batch_steps" s where s."jobId" = j."id")`)).toEqual([]);
  });
});
