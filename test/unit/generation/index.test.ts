import { describe, expect, it } from "vitest";
import { MockSpecError } from "../../../src/families/generation/engine/column-spec.ts";
import { CsvParseError } from "../../../src/families/generation/engine/csv.ts";
import { contentHash } from "../../../src/families/generation/engine/hash.ts";
import {
  GenerationInputError,
  isGenerationInputFault,
  runBuiltInGeneration,
  UnsupportedKindError,
} from "../../../src/families/generation/engine/index.ts";

const CSV = Buffer.from("id,price,label\n1,2.5,a\n2,,b\n3,4.5,a\n");

/** The result must survive a JSON round trip unchanged, as completeJob stores it. */
const jsonSafe = (value: unknown) => expect(JSON.parse(JSON.stringify(value))).toEqual(value);

describe("runBuiltInGeneration", () => {
  it("runs MOCK as CSV, deterministically", () => {
    const contract = {
      kind: "MOCK",
      rows: 10,
      description: "customers with name and age",
      seed: 42,
      planTier: "STANDARD",
    };
    const run = runBuiltInGeneration("MOCK", { contract, seed: 42, inputs: [] });
    expect(run.rows).toBe(10);
    expect(run.outputs.map((o) => [o.name, o.artifactType, o.mimeType])).toEqual([["mock.csv", "dataset", "text/csv"]]);
    expect(run.outputs[0]?.bytes.toString().split("\n")).toHaveLength(12);
    expect(run.result).toMatchObject({ kind: "MOCK", rows: 10, format: "csv" });
    jsonSafe(run.result);
    const again = runBuiltInGeneration("MOCK", { contract, seed: 42, inputs: [] });
    expect(again.outputs[0]?.bytes.equals(run.outputs[0]?.bytes as Buffer)).toBe(true);
  });

  it("runs MOCK as JSON lines", () => {
    const run = runBuiltInGeneration("MOCK", { contract: { rows: 3, spec: { format: "jsonl" } }, seed: 1, inputs: [] });
    expect(run.outputs.map((o) => [o.name, o.mimeType])).toEqual([["mock.jsonl", "application/x-ndjson"]]);
  });

  it("runs ANALYZE, FIT and LIFT on one CSV input", () => {
    const analyze = runBuiltInGeneration("ANALYZE", { contract: {}, seed: 0, inputs: [CSV] });
    expect(analyze.rows).toBe(3);
    expect(analyze.outputs.map((o) => o.name)).toEqual(["profile.json"]);
    expect(JSON.parse(analyze.outputs[0]?.bytes.toString() ?? "")).toMatchObject({
      rows: 3,
      columns: [{ name: "id", type: "int" }, { name: "price", mean: 3.5 }, { name: "label" }],
    });
    jsonSafe(analyze.result);

    const fit = runBuiltInGeneration("FIT", { contract: {}, seed: 0, inputs: [CSV] });
    expect(fit.outputs.map((o) => [o.name, o.mimeType])).toEqual([["fit.json", "application/json"]]);
    expect(fit.result).toEqual({
      kind: "FIT",
      rows: 3,
      columns: [
        { name: "id", kind: "numeric", type: "int" },
        { name: "price", kind: "numeric", type: "float" },
        { name: "label", kind: "categorical", type: "string" },
      ],
    });

    const lift = runBuiltInGeneration("LIFT", { contract: {}, seed: 0, inputs: [CSV] });
    expect(lift.outputs.map((o) => o.name)).toEqual(["lifted.jsonl", "schema.json"]);
    expect(lift.outputs[0]?.bytes.toString().split("\n")[1]).toBe('{"id":2,"price":null,"label":"b"}');
    jsonSafe(lift.result);
  });

  it("runs VERIFY against spec.artifacts", () => {
    const other = Buffer.from("other");
    const run = runBuiltInGeneration("VERIFY", {
      contract: {
        spec: {
          artifacts: [
            { name: "data.csv", expectedHash: contentHash(CSV) },
            { name: "other", expectedHash: contentHash(CSV) },
          ],
        },
      },
      seed: 0,
      inputs: [CSV, other],
    });
    expect(run.rows).toBe(0);
    expect(run.outputs.map((o) => o.name)).toEqual(["verify.json"]);
    expect(run.result).toEqual({
      kind: "VERIFY",
      ok: false,
      checked: 2,
      mismatches: [{ name: "other", expected: contentHash(CSV), actual: contentHash(other) }],
    });
  });

  it("rejects unusable inputs as input faults", () => {
    const fault = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(isGenerationInputFault(error)).toBe(true);
        return error;
      }
      throw new Error("expected a throw");
    };
    expect(fault(() => runBuiltInGeneration("ANALYZE", { contract: {}, seed: 0, inputs: [] }))).toBeInstanceOf(
      GenerationInputError,
    );
    expect(fault(() => runBuiltInGeneration("LIFT", { contract: {}, seed: 0, inputs: [CSV, CSV] }))).toBeInstanceOf(
      GenerationInputError,
    );
    expect(
      fault(() => runBuiltInGeneration("FIT", { contract: {}, seed: 0, inputs: [Buffer.from('a\n"open')] })),
    ).toBeInstanceOf(CsvParseError);
    expect(
      fault(() => runBuiltInGeneration("MOCK", { contract: { rows: "ten" }, seed: 0, inputs: [] })),
    ).toBeInstanceOf(MockSpecError);
    const verify = fault(() => runBuiltInGeneration("VERIFY", { contract: { spec: {} }, seed: 0, inputs: [CSV] }));
    expect((verify as GenerationInputError).field).toBe("spec.artifacts");
    expect(
      fault(() =>
        runBuiltInGeneration("VERIFY", {
          contract: { spec: { artifacts: [{ name: "a", expectedHash: "x" }] } },
          seed: 0,
          inputs: [],
        }),
      ),
    ).toBeInstanceOf(GenerationInputError);
    expect(isGenerationInputFault(new Error("disk full"))).toBe(false);
  });

  it("throws UnsupportedKindError for a kind it does not know", () => {
    expect(() => runBuiltInGeneration("NOPE" as never, { contract: {}, seed: 0, inputs: [] })).toThrow(
      UnsupportedKindError,
    );
  });

  it.each(["TRAIN", "SYNTHESIZE"] as const)("%s without a dataset is an input fault", (kind) => {
    const run = () => runBuiltInGeneration(kind, { contract: {}, seed: 0, inputs: [] });
    expect(run).toThrow(GenerationInputError);
  });

  it.each(["FABRICATE", "SCENARIO_FABRICATE"] as const)(
    "%s without a description is an input fault naming it",
    (kind) => {
      expect(() => runBuiltInGeneration(kind, { contract: { description: " " }, seed: 0, inputs: [] })).toThrow(
        /description/,
      );
    },
  );
});
