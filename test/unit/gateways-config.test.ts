// JOBS_GATEWAYS is validated at start: a front with a bad gateway list refuses to start and says why.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";

const gateway = (extra: Record<string, unknown> = {}) => ({
  name: "eu",
  url: "http://jobs-eu.internal:4000/graphql",
  apiKey: "jobs_gateway-key-0123456789",
  reasonerTypes: ["GENERATION"],
  ...extra,
});
const load = (gateways: unknown) =>
  loadConfig({ JOBS_GATEWAYS: typeof gateways === "string" ? gateways : JSON.stringify(gateways) });

describe("JOBS_GATEWAYS", () => {
  it("is empty by default: every family is local", () => {
    expect(loadConfig({}).gateways).toEqual([]);
  });

  it("parses each upstream with its families and a default per-call timeout", () => {
    const [g] = load([gateway(), gateway({ name: "us", reasonerTypes: ["AGENT", "BATCH"], timeoutMs: 2500 })]).gateways;
    expect(g).toEqual({ ...gateway(), timeoutMs: 4000 });
    expect(
      load([gateway(), gateway({ name: "us", reasonerTypes: ["AGENT"], timeoutMs: 2500 })]).gateways[1]!.timeoutMs,
    ).toBe(2500);
  });

  it("refuses what it cannot use, naming the problem", () => {
    expect(() => load("[{")).toThrow(/JOBS_GATEWAYS: not JSON/);
    expect(() => load([gateway({ url: "not a url" })])).toThrow(/JOBS_GATEWAYS\.0\.url/);
    expect(() => load([gateway({ reasonerTypes: ["MAGIC"] })])).toThrow(/JOBS_GATEWAYS\.0\.reasonerTypes/);
    expect(() => load([gateway({ reasonerTypes: [] })])).toThrow(/JOBS_GATEWAYS\.0\.reasonerTypes/);
    expect(() => load([gateway({ apiKey: "short" })])).toThrow(/JOBS_GATEWAYS\.0\.apiKey/);
    expect(() => load([gateway(), gateway({ name: "us" })])).toThrow(/GENERATION is served by two gateways/);
    expect(() => load([gateway(), gateway({ reasonerTypes: ["AGENT"] })])).toThrow(/gateway name eu is used twice/);
    expect(() => load([gateway({ name: "local" })])).toThrow(/is used twice \(or is "local"\)/);
  });
});
