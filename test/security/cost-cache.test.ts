// The cost of an operation is remembered per document, operation name and page-size variables; the
// limit must still hold on every request, whatever was seen before, and a remembered figure must
// never change an answer.
import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSchema } from "../../src/schema/index.ts";
import { DEFAULT_QUERY_LIMITS } from "../../src/config.ts";
import { assertWithinCost, operationCost } from "../../src/security/limits.ts";
import { backends } from "../helpers/backends.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const EXPANDED = `edges { node { id events { edges { node { cursor } } } logs { edges { node { message } } } artifacts { id } statusHistory { state } } }`;
const limits = { ...DEFAULT_QUERY_LIMITS, maxCost: 20_000 };

function refusal(fn: () => void): number | null {
  try {
    fn();
    return null;
  } catch (err) {
    return (err as { extensions?: { cost?: number } }).extensions?.cost ?? -1;
  }
}

describe("remembered operation costs", () => {
  const schema = buildSchema();

  it("gives the same verdict as a fresh analysis, for every page size, operation and directive", () => {
    const document = parse(`
      query Pages($n: Int, $m: Int = 2, $more: Boolean!) { jobs(first: $n) { ${EXPANDED} } other: jobs(first: $m) @include(if: $more) { ${EXPANDED} } }
      query Small { viewer { userId } }
    `);
    const variableSets: Record<string, unknown>[] = [
      { n: 5, more: false },
      { n: 500, more: false },
      { n: 5, more: true },
      { n: 5, m: 400, more: true },
      { n: 5, m: 400, more: false },
      { n: 5, m: null, more: true },
      { n: 5, more: false },
      { n: 500, more: false },
      { n: "many", more: false },
      { n: 5 },
      { n: 500 },
    ];
    for (let round = 0; round < 2; round++) {
      for (const variables of variableSets) {
        for (const operationName of ["Pages", "Small"]) {
          const fresh = refusal(() => {
            let cost: number;
            try {
              cost = operationCost(schema, document, variables, operationName);
            } catch {
              return;
            }
            if (cost > limits.maxCost) throw Object.assign(new Error("over"), { extensions: { cost } });
          });
          expect(
            refusal(() => assertWithinCost(schema, document, variables, operationName, limits)),
            JSON.stringify({ variables, operationName }),
          ).toBe(fresh);
        }
      }
    }
  });

  describe.each(backends.slice(0, 1))("over HTTP on $name", (backend) => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer(backend, { JOBS_MAX_COST: "20000" });
    });
    afterAll(async () => t?.stop());

    it("refuses an expensive page every time, and allows a cheap one every time, with one document", async () => {
      const query = `query Page($n: Int, $id: ID!) { jobs(first: $n) { ${EXPANDED} } job(reasonerType: LOGIC, jobId: $id) { id } }`;
      const id = "00000000-0000-0000-0000-000000000000";
      for (let i = 0; i < 3; i++) {
        const cheap = await t.admin.raw(query, { n: 5, id });
        expect(cheap.status).toBe(200);
        expect(cheap.errors).toBeUndefined();
        const dear = await t.admin.raw(query, { n: 500, id });
        expect(dear.status).toBe(400);
        expect(dear.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", maxCost: 20000 });
        // The same page size with a variable that does not fit: the variable's error, as before.
        const unfit = await t.admin.raw(query, { n: 500 });
        expect(unfit.status).toBe(400);
        expect(unfit.errors?.[0]?.message).toMatch(/\$id/);
        expect(unfit.errors?.[0]?.extensions?.maxCost).toBeUndefined();
      }
    });
  });
});
