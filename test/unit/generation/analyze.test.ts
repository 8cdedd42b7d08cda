import { describe, expect, it } from "vitest";
import { analyzeDataset, type ColumnProfile } from "../../../src/families/generation/engine/analyze.ts";
import { fitDataset, type NumericFit, type CategoricalFit } from "../../../src/families/generation/engine/fit.ts";
import { inferColumnType } from "../../../src/families/generation/engine/infer.ts";
import { liftCsv } from "../../../src/families/generation/engine/lift.ts";
import { generateMock } from "../../../src/families/generation/engine/mock.ts";

const DATASET = Buffer.from(
  [
    "id,price,qty,active,day,label",
    "1,10.5,3,true,2024-01-03,a",
    "2,20,,false,2024-01-01,b",
    "3,,5,TRUE,2024-02-29,a",
    '4,30.25,7,false,,"c, d"',
    "",
  ].join("\n"),
);

const byName = (columns: ColumnProfile[], name: string) => columns.find((c) => c.name === name);

describe("inferColumnType", () => {
  it.each([
    [["1", "-2", "0"], "int"],
    [["1", "2.5", "1e3"], "float"],
    [["true", "FALSE"], "bool"],
    [["1", "0"], "int"],
    [["2024-01-01", "2024-02-29T10:30:00Z", "2024-03-01 08:00"], "date"],
    [["2023-02-30"], "string"],
    [["007", "12"], "string"],
    [["12345678901234567890"], "string"],
    [["NaN"], "string"],
    [["", ""], "string"],
  ])("%j is %s", (values, type) => {
    expect(inferColumnType(values).type).toBe(type);
  });

  it("counts empty cells as nulls", () => {
    expect(inferColumnType(["1", "", "x", ""])).toEqual({ type: "string", count: 2, nulls: 2 });
  });
});

describe("analyzeDataset", () => {
  const profile = analyzeDataset(DATASET);

  it("counts rows and keeps column order", () => {
    expect(profile.rows).toBe(4);
    expect(profile.columns.map((c) => [c.name, c.type])).toEqual([
      ["id", "int"],
      ["price", "float"],
      ["qty", "int"],
      ["active", "bool"],
      ["day", "date"],
      ["label", "string"],
    ]);
  });

  it("computes exact statistics for a float column with a null", () => {
    const price = byName(profile.columns, "price");
    expect(price).toMatchObject({
      count: 3,
      nulls: 1,
      distinct: 3,
      min: 10.5,
      max: 30.25,
      mean: 20.25,
      p25: 15.25,
      p50: 20,
      p75: 25.125,
    });
    // Sample std: deviations -9.75, -0.25, 10 → (95.0625 + 0.0625 + 100) / 2.
    expect(price?.type === "float" && price.std).toBeCloseTo(Math.sqrt(97.5625), 12);
  });

  it("computes exact statistics for int columns", () => {
    expect(byName(profile.columns, "id")).toMatchObject({
      count: 4,
      nulls: 0,
      min: 1,
      max: 4,
      mean: 2.5,
      p25: 1.75,
      p50: 2.5,
      p75: 3.25,
    });
    expect(byName(profile.columns, "qty")).toMatchObject({
      count: 3,
      nulls: 1,
      min: 3,
      max: 7,
      mean: 5,
      std: 2,
      p25: 4,
      p50: 5,
      p75: 6,
    });
  });

  it("profiles dates, bools and strings", () => {
    expect(byName(profile.columns, "day")).toEqual({
      name: "day",
      type: "date",
      count: 3,
      nulls: 1,
      distinct: 3,
      min: "2024-01-01",
      max: "2024-02-29",
    });
    expect(byName(profile.columns, "active")).toEqual({
      name: "active",
      type: "bool",
      count: 4,
      nulls: 0,
      distinct: 2,
    });
    expect(byName(profile.columns, "label")).toEqual({
      name: "label",
      type: "string",
      count: 4,
      nulls: 0,
      distinct: 3,
    });
  });

  it("is JSON-serialisable", () => {
    expect(JSON.parse(JSON.stringify(profile))).toEqual(profile);
  });

  it("profiles a header-only file", () => {
    expect(analyzeDataset(Buffer.from("a,b\n"))).toEqual({
      rows: 0,
      columns: [
        { name: "a", type: "string", count: 0, nulls: 0, distinct: 0 },
        { name: "b", type: "string", count: 0, nulls: 0, distinct: 0 },
      ],
    });
  });
});

describe("fitDataset", () => {
  it("fits numeric columns with moments and a 10-bin histogram", () => {
    const csv = Buffer.from(["x", ...Array.from({ length: 101 }, (_, i) => String(i))].join("\n") + "\n");
    const fit = fitDataset(csv);
    const x = fit.columns[0] as NumericFit;
    expect(x).toMatchObject({
      kind: "numeric",
      type: "int",
      count: 101,
      nulls: 0,
      nullRate: 0,
      min: 0,
      max: 100,
      mean: 50,
    });
    expect(x.histogram.edges).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(x.histogram.counts).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 11]);
  });

  it("puts a constant column in the first bin", () => {
    const x = fitDataset(Buffer.from("x\n3\n3\n")).columns[0] as NumericFit;
    expect(x.histogram.counts).toEqual([2, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(x.std).toBe(0);
  });

  it("keeps the top 20 categorical values by frequency, ties in value order", () => {
    const values = [
      ...Array.from({ length: 25 }, (_, i) => `v${String(i).padStart(2, "0")}`),
      "hot",
      "hot",
      "hot",
      "warm",
      "warm",
    ];
    const fit = fitDataset(Buffer.from(["c", ...values, ""].join("\n") + "\n"));
    const c = fit.columns[0] as CategoricalFit;
    expect(c.kind).toBe("categorical");
    expect(c.distinct).toBe(27);
    expect(c.top).toHaveLength(20);
    expect(c.top[0]).toEqual({ value: "hot", count: 3, frequency: 3 / 30 });
    expect(c.top[1]?.value).toBe("warm");
    expect(c.top[2]?.value).toBe("v00");
    expect(c.otherCount).toBe(30 - 3 - 2 - 18);
  });

  it("gives column specs that drive MOCK generation", () => {
    const fit = fitDataset(DATASET);
    expect(fit.columnSpecs.map((s) => [s.name, s.type])).toEqual([
      ["id", "int"],
      ["price", "float"],
      ["qty", "int"],
      ["active", "bool"],
      ["day", "date"],
      ["label", "category"],
    ]);
    expect(fit.columnSpecs[1]).toMatchObject({ distribution: { kind: "normal", mean: 20.25 }, nullRate: 0.25 });
    expect(fit.columnSpecs[5]?.distribution).toEqual({
      kind: "categorical",
      values: ["a", "b", "c, d"],
      weights: [2, 1, 1],
    });
    const mock = generateMock({ rows: 50, spec: { columns: fit.columnSpecs } }, 1);
    expect(analyzeDataset(mock.csv).columns.map((c) => c.name)).toEqual([
      "id",
      "price",
      "qty",
      "active",
      "day",
      "label",
    ]);
  });

  it("is JSON-serialisable", () => {
    const fit = fitDataset(DATASET);
    expect(JSON.parse(JSON.stringify(fit))).toEqual(fit);
  });
});

describe("liftCsv", () => {
  it("types values and marks nullable columns", () => {
    const lifted = liftCsv(DATASET);
    expect(lifted.rows).toBe(4);
    expect(lifted.schema.columns).toEqual([
      { name: "id", type: "int", nullable: false },
      { name: "price", type: "float", nullable: true },
      { name: "qty", type: "int", nullable: true },
      { name: "active", type: "bool", nullable: false },
      { name: "day", type: "date", nullable: true },
      { name: "label", type: "string", nullable: false },
    ]);
    const lines = lifted.jsonl.toString().split("\n");
    expect(lines.pop()).toBe("");
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { id: 1, price: 10.5, qty: 3, active: true, day: "2024-01-03", label: "a" },
      { id: 2, price: 20, qty: null, active: false, day: "2024-01-01", label: "b" },
      { id: 3, price: null, qty: 5, active: true, day: "2024-02-29", label: "a" },
      { id: 4, price: 30.25, qty: 7, active: false, day: null, label: "c, d" },
    ]);
    expect(lines[0]).toBe('{"id":1,"price":10.5,"qty":3,"active":true,"day":"2024-01-03","label":"a"}');
  });

  it("keeps codes with leading zeros as strings and awkward headers as plain keys", () => {
    const lifted = liftCsv(Buffer.from("zip,__proto__,zip\n007,1,x\n010,2,y\n"));
    expect(lifted.schema.columns).toEqual([
      { name: "zip", type: "string", nullable: false },
      { name: "__proto__", type: "int", nullable: false },
      { name: "zip_2", type: "string", nullable: false },
    ]);
    expect(lifted.jsonl.toString().split("\n")[0]).toBe('{"zip":"007","__proto__":1,"zip_2":"x"}');
  });

  it("lifts MOCK output back to the values it was generated with", () => {
    const spec = {
      columns: [
        { name: "n", type: "int" as const },
        { name: "x", type: "float" as const, nullRate: 0.2 },
        { name: "b", type: "bool" as const },
      ],
    };
    const csv = generateMock({ rows: 100, spec }, 4).csv;
    const jsonl = generateMock({ rows: 100, spec: { ...spec, format: "jsonl" } }, 4).bytes;
    const parse = (buf: Buffer) =>
      buf
        .toString()
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l));
    expect(parse(liftCsv(csv).jsonl)).toEqual(parse(jsonl));
  });
});
