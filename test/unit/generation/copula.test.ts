// The Gaussian copula engine by itself: correlations and marginals survive synthesis, output is
// seed-reproducible, and the correlation repair and fidelity metrics do what they say.
import { describe, expect, it } from "vitest";
import { nearestCorrelation, synthesizeCsv, trainCopula } from "../../../src/families/generation/engine/copula.ts";
import { parseCsvTable } from "../../../src/families/generation/engine/csv.ts";
import { readDataset } from "../../../src/families/generation/engine/dataset.ts";
import { fidelityReport, ksStatistic, totalVariation } from "../../../src/families/generation/engine/fidelity.ts";
import { normalCdf, normalQuantile } from "../../../src/families/generation/engine/normal.ts";
import { seededRandom } from "../../../src/families/generation/engine/random.ts";

/** 3,000 rows: two numeric columns correlated at 0.95, a skewed one, a category tied to x, dates, nulls. */
function correlatedCsv(rows = 3000): string {
  const rng = seededRandom("fixture", 7, "test");
  const lines = ["x,y,spend,tier,day"];
  for (let i = 0; i < rows; i++) {
    const a = rng.normal();
    const b = 0.95 * a + Math.sqrt(1 - 0.95 ** 2) * rng.normal();
    const spend = rng.next() < 0.1 ? "" : Math.exp(3 + 0.5 * rng.normal()).toFixed(2);
    const tier = a > 0.5 ? "gold" : a > -0.5 ? "silver" : "bronze";
    const day = new Date(Date.UTC(2024, 0, 1) + rng.integer(0, 365) * 86_400_000).toISOString().slice(0, 10);
    lines.push(`${(50 + 10 * a).toFixed(3)},${(200 + 40 * b).toFixed(3)},${spend},${tier},${day}`);
  }
  return lines.join("\n") + "\n";
}

const synthesize = (model: ReturnType<typeof trainCopula>, rows: number, seed: number) =>
  [...synthesizeCsv(model, rows, seed, 1000)].map((c) => c.text).join("");

describe("Gaussian copula", () => {
  it("keeps a 0.95 correlation within 0.1 and each mean within 5% over 5,000 synthetic rows", () => {
    const real = parseCsvTable(correlatedCsv());
    const model = trainCopula(real, 1);
    expect(model.columns.map((c) => [c.name, c.kind])).toEqual([
      ["x", "numeric"],
      ["y", "numeric"],
      ["spend", "numeric"],
      ["tier", "categorical"],
      ["day", "datetime"],
    ]);
    const synthetic = parseCsvTable(synthesize(model, 5000, 42));
    expect(synthetic.rows).toHaveLength(5000);
    const report = fidelityReport(real, synthetic);
    const [rx, ry] = [report.correlation.real[0]![1]!, report.correlation.synthetic[0]![1]!];
    expect(rx).toBeGreaterThan(0.93);
    expect(Math.abs(ry - rx)).toBeLessThan(0.1);
    for (const c of report.columns.filter((c) => c.realMean !== undefined)) {
      expect(Math.abs(c.syntheticMean! - c.realMean!) / Math.abs(c.realMean!)).toBeLessThan(0.05);
    }
    for (const c of report.columns) expect(c.distance).toBeLessThan(0.1);
    const spend = report.columns.find((c) => c.name === "spend")!;
    expect(spend.realNullRate).toBeCloseTo(0.1, 1);
    expect(Math.abs(spend.syntheticNullRate - spend.realNullRate)).toBeLessThan(0.03);
    expect(report.correlation.maxAbsDifference).toBeLessThan(0.1);
    expect(report.privacy.exactCopyShare).toBe(0);
    // Dates stay dates, inside the data's range.
    expect(synthetic.rows.every((r) => /^2024-|^2025-01-01/.test(r[4]!))).toBe(true);
  });

  it("is seed-reproducible: same model and seed give the same bytes, another seed other rows", () => {
    const real = parseCsvTable(correlatedCsv(500));
    const a = trainCopula(real, 3);
    expect(JSON.stringify(trainCopula(real, 3))).toBe(JSON.stringify(a));
    expect(synthesize(a, 1000, 9)).toBe(synthesize(a, 1000, 9));
    expect(synthesize(a, 1000, 10)).not.toBe(synthesize(a, 1000, 9));
    // Batch size does not change the stream.
    expect([...synthesizeCsv(a, 1000, 9, 7)].map((c) => c.text).join("")).toBe(synthesize(a, 1000, 9));
  });

  it("repairs a correlation matrix that is not positive definite into one with a unit diagonal", () => {
    const bad = [
      [1, 0.9, -0.9],
      [0.9, 1, 0.9],
      [-0.9, 0.9, 1],
    ];
    const fixed = nearestCorrelation(bad);
    expect(fixed.map((row, i) => row[i])).toEqual([1, 1, 1]);
    // Cholesky succeeds: sampling from a model holding it works.
    const model = trainCopula(parseCsvTable("a,b,c\n1,2,3\n2,3,1\n3,1,2\n4,4,4\n"), 1);
    expect(() => synthesize({ ...model, correlation: fixed }, 10, 1)).not.toThrow();
  });

  it("measures distances: KS and total variation, Φ and Φ⁻¹", () => {
    expect(ksStatistic([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(ksStatistic([1, 2], [3, 4])).toBe(1);
    expect(totalVariation(["a", "a", "b"], ["a", "b", "b"])).toBeCloseTo(1 / 3, 10);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
  });

  it("reads JSON lines like CSV, for every kind that reads a dataset", async () => {
    const { runBuiltInGeneration } = await import("../../../src/families/generation/engine/index.ts");
    const jsonl = Buffer.from('{"a":1,"b":"x"}\n{"a":2.5,"c":true}\n');
    expect(runBuiltInGeneration("ANALYZE", { contract: {}, seed: 0, inputs: [jsonl] }).rows).toBe(2);
    expect(runBuiltInGeneration("LIFT", { contract: {}, seed: 0, inputs: [jsonl] }).rows).toBe(2);
    expect(runBuiltInGeneration("TRAIN", { contract: {}, seed: 0, inputs: [jsonl] }).rows).toBe(2);
    expect(() => readDataset('{"a":1}\n{oops\n')).toThrow(/JSON lines line 2/);
    const t = readDataset('{"a":1,"b":"x"}\n{"a":2.5,"c":true}\n');
    expect(t.columns).toEqual(["a", "b", "c"]);
    expect(t.rows).toEqual([
      ["1", "x", ""],
      ["2.5", "", "true"],
    ]);
    // Keys JavaScript objects inherit are data like any other: missing reads as missing.
    const inherited = readDataset('{"__proto__":1,"b":2}\n{"b":3,"constructor":"c"}\n{"b":4}\n');
    expect(inherited.columns).toEqual(["__proto__", "b", "constructor"]);
    expect(inherited.rows).toEqual([
      ["1", "2", ""],
      ["", "3", "c"],
      ["", "4", ""],
    ]);
  });
});

describe("SYNTHESIZE from a model file", () => {
  it("refuses a model that is not one, naming what is wrong", async () => {
    const { runBuiltInGeneration } = await import("../../../src/families/generation/engine/index.ts");
    const data = Buffer.from("a,b\n1,2\n3,4\n5,7\n");
    const model = JSON.parse(
      runBuiltInGeneration("TRAIN", { contract: {}, seed: 1, inputs: [data] }).outputs[0]!.bytes.toString("utf8"),
    );
    const synth = (m: unknown) =>
      runBuiltInGeneration("SYNTHESIZE", {
        contract: { rows: 5 },
        seed: 1,
        inputs: [data, Buffer.from(JSON.stringify(m))],
      });
    expect(synth(model).rows).toBe(5);
    expect(() => synth({ ...model, correlation: [[1]] })).toThrow(/spec\.model\.correlation: must be 2 × 2/);
    expect(() => synth({ hello: 1 })).toThrow(/not a gaussian-copula\/v1 model/);
  });
});
