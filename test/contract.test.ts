// The schema keeps every promise of the API contract, and schema.graphql is what the code builds.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { buildSchema as buildSdl, findBreakingChanges } from "graphql";
import { describe, expect, it } from "vitest";
import { printedSchema } from "../src/schema/index.ts";

const sharedContract = new URL("../../shared/design/contract.graphql", import.meta.url);
const sharedChecker = new URL("../../shared/tools/check-contract.mjs", import.meta.url);
const vendoredContract = new URL("../contract/contract.graphql", import.meta.url);

// Promises still being built, each named by its issue. Empty when the contract is complete.
// Compared as sets, so each issue can drop its own lines in any order.
const PENDING: string[] = [];

describe("API contract", () => {
  it("schema.graphql is exactly what the code builds (run `npm run schema:print` after changing types)", () => {
    expect(readFileSync(new URL("../schema.graphql", import.meta.url), "utf8")).toBe(printedSchema());
  });

  it("breaks no promise of contract.graphql", () => {
    const contract = buildSdl(readFileSync(vendoredContract, "utf8"));
    const broken = findBreakingChanges(contract, buildSdl(printedSchema()));
    expect(broken.map((c) => `${c.type}: ${c.description}`).sort()).toEqual([...PENDING].sort());
  });

  it.runIf(existsSync(sharedChecker))("passes the shared check-contract tool", () => {
    let out: string;
    try {
      out = execFileSync(process.execPath, [sharedChecker.pathname, "schema.graphql"], { encoding: "utf8" });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout ?? e);
    }
    expect(out).toContain(`${PENDING.length} contract promises broken`);
    for (const promise of PENDING) expect(out).toContain(promise);
  });

  it.runIf(existsSync(sharedContract))("the vendored contract copy is the shared contract", () => {
    expect(readFileSync(vendoredContract, "utf8")).toBe(readFileSync(sharedContract, "utf8"));
  });
});
