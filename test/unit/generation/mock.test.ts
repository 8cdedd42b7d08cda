import { describe, expect, it } from "vitest";
import { parseCsvTable } from "../../../src/families/generation/engine/csv.ts";
import {
  ColumnSpecSchema,
  formatFloat,
  generateMock,
  generateMockChunks,
  inferColumnsFromDescription,
  type MockContract,
  MockSpecError,
  mockBytesAtLeast,
  parseMockContract,
  resolveMockColumns,
} from "../../../src/families/generation/engine/mock.ts";

const SIX_COLUMNS: MockContract = {
  rows: 20_000,
  spec: {
    columns: [
      { name: "id", type: "uuid" },
      { name: "full_name", type: "name" },
      { name: "email", type: "email" },
      { name: "age", type: "int", distribution: { kind: "uniform", min: 18, max: 90 } },
      { name: "balance", type: "float", distribution: { kind: "normal", mean: 100, std: 15 } },
      { name: "signup_date", type: "date" },
    ],
  },
};

/** Column-wise view of a generated CSV. */
function columnsOf(csv: Buffer): Record<string, string[]> {
  const table = parseCsvTable(csv);
  return Object.fromEntries(table.columns.map((name, c) => [name, table.rows.map((row) => row[c] as string)]));
}

/** The error thrown by fn, which must be a MockSpecError. */
function specError(fn: () => unknown): MockSpecError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MockSpecError);
    return error as MockSpecError;
  }
  throw new Error("expected a MockSpecError");
}

describe("generateMock determinism", () => {
  it("gives byte-identical output for the same contract and seed", () => {
    const a = generateMock(SIX_COLUMNS, 42);
    const b = generateMock(structuredClone(SIX_COLUMNS), 42);
    expect(a.csv.equals(b.csv)).toBe(true);
  });

  it("gives different output for seed 42 and 43", () => {
    expect(generateMock(SIX_COLUMNS, 42).csv.equals(generateMock(SIX_COLUMNS, 43).csv)).toBe(false);
  });

  it("is unaffected by keys it does not read, key order, or null vs absent", () => {
    const base = generateMock({ rows: 50, description: "orders with price" }, 7).csv;
    const noisy = { kind: "MOCK", planTier: "FREE", name: "x", spec: null, description: "orders with price", rows: 50 };
    expect(generateMock(noisy, 7).csv.equals(base)).toBe(true);
  });

  it("changes when the columns change", () => {
    const a = generateMock({ rows: 50, spec: { columns: [{ name: "x", type: "int" }] } }, 1).csv.toString();
    const b = generateMock({ rows: 50, spec: { columns: [{ name: "x", type: "float" }] } }, 1).csv.toString();
    expect(a).not.toBe(b);
  });
});

describe("generateMock output", () => {
  it("writes 20,000 rows × 6 columns as 20,001 newline-terminated lines, quickly", () => {
    generateMock({ rows: 100, spec: SIX_COLUMNS.spec }, 1); // warm up the JIT
    const started = performance.now();
    const result = generateMock(SIX_COLUMNS, 42);
    const elapsed = performance.now() - started;
    const text = result.csv.toString("utf8");
    expect(text.endsWith("\n")).toBe(true);
    const lines = text.slice(0, -1).split("\n");
    expect(lines).toHaveLength(20_001);
    expect(lines[0]).toBe("id,full_name,email,age,balance,signup_date");
    expect(text.includes("\r")).toBe(false);
    expect(result.rows).toBe(20_000);
    expect(result.format).toBe("csv");
    expect(result.bytes).toBe(result.csv);
    expect(elapsed).toBeLessThan(1_000);
  });

  it("formats each type deterministically", () => {
    const cols = columnsOf(generateMock(SIX_COLUMNS, 42).csv);
    expect(cols.id?.every((v) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(v))).toBe(
      true,
    );
    expect(new Set(cols.id).size).toBe(20_000);
    expect(cols.full_name?.every((v) => /^[A-Z][a-z]+ [A-Z][a-z]+$/.test(v))).toBe(true);
    expect(cols.email?.every((v) => /^[a-z]+\.[a-z]+\d{1,3}@example\.(com|org|net)$/.test(v))).toBe(true);
    expect(cols.balance?.every((v) => /^-?\d+\.\d{2}$/.test(v))).toBe(true);
    expect(
      cols.signup_date?.every((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && v >= "2015-01-01" && v <= "2024-12-31"),
    ).toBe(true);
  });

  it("formats floats with fixed decimals and no negative zero", () => {
    expect(formatFloat(1.005)).toMatch(/^1\.0[01]$/);
    expect(formatFloat(2)).toBe("2.00");
    expect(formatFloat(-0.001)).toBe("0.00");
    expect(formatFloat(-3.14159)).toBe("-3.14");
    expect(formatFloat(0.999, 0, 0.99)).toBe("0.99");
  });

  it("writes a header only for zero rows", () => {
    expect(generateMock({ rows: 0, spec: { columns: [{ name: "a", type: "int" }] } }, 1).csv.toString()).toBe("a\n");
  });

  it("quotes categorical values that need it", () => {
    const values = ["a,b", 'say "hi"', "two\nlines"];
    const result = generateMock(
      {
        rows: 300,
        spec: { columns: [{ name: "v", type: "category", distribution: { kind: "categorical", values } }] },
      },
      3,
    );
    const parsed = columnsOf(result.csv).v ?? [];
    expect(parsed).toHaveLength(300);
    expect(new Set(parsed)).toEqual(new Set(values));
  });

  it("writes JSON lines with typed values, carrying the same values as CSV", () => {
    const columns = [
      { name: "n", type: "int" as const },
      { name: "x", type: "float" as const, nullRate: 0.3 },
      { name: "ok", type: "bool" as const },
      { name: "who", type: "name" as const },
    ];
    const jsonl = generateMock({ rows: 200, spec: { columns, format: "jsonl" } }, 9);
    const csv = generateMock({ rows: 200, spec: { columns, format: "csv" } }, 9);
    expect(jsonl.format).toBe("jsonl");
    expect(jsonl.csv.equals(csv.csv)).toBe(true);
    const lines = jsonl.bytes.toString().trimEnd().split("\n");
    expect(lines).toHaveLength(200);
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(records[0] ?? {})).toEqual(["n", "x", "ok", "who"]);
    const table = parseCsvTable(csv.csv);
    records.forEach((record, r) => {
      const row = table.rows[r] ?? [];
      expect(record.n).toBe(Number(row[0]));
      expect(record.x).toBe(row[1] === "" ? null : Number(row[1]));
      expect(record.ok).toBe(row[2] === "true");
      expect(record.who).toBe(row[3]);
    });
    expect(records.some((r) => r.x === null)).toBe(true);
  });

  it("streams the same bytes in chunks", () => {
    const whole = generateMock({ ...SIX_COLUMNS, rows: 2_500 }, 5).csv;
    const chunks = [...generateMockChunks({ ...SIX_COLUMNS, rows: 2_500 }, 5, { chunkRows: 1_000 })];
    expect(chunks).toHaveLength(3);
    expect(Buffer.concat(chunks).equals(whole)).toBe(true);
    const jsonl = generateMock({ rows: 2_500, spec: { ...SIX_COLUMNS.spec, format: "jsonl" } }, 5).bytes;
    expect(
      Buffer.concat([
        ...generateMockChunks({ rows: 2_500, spec: { ...SIX_COLUMNS.spec, format: "jsonl" } }, 5, { chunkRows: 700 }),
      ]).equals(jsonl),
    ).toBe(true);
  });
});

describe("generateMock distributions", () => {
  const draw = (column: Record<string, unknown>, rows = 10_000) =>
    columnsOf(generateMock({ rows, spec: { columns: [{ name: "v", ...column } as never] } }, 11).csv).v ?? [];

  it("keeps uniform ints and floats within bounds and spans them", () => {
    const ints = draw({ type: "int", distribution: { kind: "uniform", min: -5, max: 5 } }).map(Number);
    expect(Math.min(...ints)).toBe(-5);
    expect(Math.max(...ints)).toBe(5);
    expect(ints.every(Number.isInteger)).toBe(true);
    const floats = draw({ type: "float", distribution: { kind: "uniform", min: 1.5, max: 2.5 } }).map(Number);
    expect(Math.min(...floats)).toBeGreaterThanOrEqual(1.5);
    expect(Math.max(...floats)).toBeLessThanOrEqual(2.5);
  });

  it("draws normal values around the mean", () => {
    const xs = draw({ type: "float", distribution: { kind: "normal", mean: 50, std: 5 } }).map(Number);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean).toBeGreaterThan(49.7);
    expect(mean).toBeLessThan(50.3);
  });

  it("draws categorical values only from the list, honouring weights", () => {
    const values = draw({
      type: "category",
      distribution: { kind: "categorical", values: ["red", "green", "blue"], weights: [8, 2, 0] },
    });
    expect(new Set(values)).toEqual(new Set(["red", "green"]));
    const red = values.filter((v) => v === "red").length / values.length;
    expect(red).toBeGreaterThan(0.77);
    expect(red).toBeLessThan(0.83);
  });

  it("roughly honours nullRate", () => {
    const values = draw({ type: "int", nullRate: 0.3 });
    const rate = values.filter((v) => v === "").length / values.length;
    expect(rate).toBeGreaterThan(0.27);
    expect(rate).toBeLessThan(0.33);
    expect(draw({ type: "int", nullRate: 0 }).includes("")).toBe(false);
    expect(draw({ type: "int", nullRate: 1 }, 100).every((v) => v === "")).toBe(true);
  });

  it("fills in defaults from the column name", () => {
    const result = generateMock(
      {
        rows: 500,
        spec: {
          columns: [
            { name: "age", type: "int" },
            { name: "country", type: "category" },
            { name: "qty", type: "float" },
          ],
        },
      },
      2,
    );
    expect(result.columns[0]?.distribution).toEqual({ kind: "uniform", min: 18, max: 90 });
    expect(result.columns[1]?.distribution?.kind).toBe("categorical");
    // "qty" hints an int; for a float column the generic default applies instead.
    expect(result.columns[2]?.distribution).toEqual({ kind: "uniform", min: 0, max: 1000 });
    const ages = columnsOf(result.csv).age?.map(Number) ?? [];
    expect(ages.every((a) => a >= 18 && a <= 90)).toBe(true);
  });
});

describe("description inference", () => {
  it("reads the brief's example", () => {
    const columns = inferColumnsFromDescription("customers with name, email, age and signup date");
    expect(columns.map((c) => [c.name, c.type])).toEqual([
      ["name", "name"],
      ["email", "email"],
      ["age", "int"],
      ["signup_date", "date"],
    ]);
    expect(columns[2]?.distribution).toEqual({ kind: "uniform", min: 18, max: 90 });
  });

  it("types money as float, labels as category, ids as uuid, flags as bool", () => {
    const columns = inferColumnsFromDescription(
      "Orders: customer id, unit price, total amount, country, status, category, is active; quantity",
    );
    expect(Object.fromEntries(columns.map((c) => [c.name, c.type]))).toEqual({
      customer_id: "uuid",
      unit_price: "float",
      total_amount: "float",
      country: "category",
      status: "category",
      category: "category",
      active: "bool",
      quantity: "int",
    });
  });

  it("reads plurals and names unknown listed fields as strings", () => {
    const columns = inferColumnsFromDescription("products with prices, countries and favourite snack");
    expect(columns.map((c) => [c.name, c.type])).toEqual([
      ["price", "float"],
      ["country", "category"],
      ["favourite_snack", "string"],
    ]);
  });

  it("keeps keywords from a sentence without a list, and de-duplicates names", () => {
    const columns = inferColumnsFromDescription("the price and the other price of each item");
    expect(columns.map((c) => c.name)).toEqual(["price", "other_price"]);
    expect(inferColumnsFromDescription("amount, amount").map((c) => c.name)).toEqual(["amount", "amount_2"]);
  });

  it("falls back to id + value", () => {
    const columns = inferColumnsFromDescription("something unusual");
    expect(columns.map((c) => [c.name, c.type])).toEqual([
      ["id", "uuid"],
      ["value", "float"],
    ]);
    const result = generateMock({ rows: 3 }, 1);
    expect(result.csv.toString().split("\n")[0]).toBe("id,value");
  });

  it("generates from a description alone", () => {
    const result = generateMock({ rows: 100, description: "customers with name, email, age and signup date" }, 42);
    expect(result.csv.toString().split("\n")[0]).toBe("name,email,age,signup_date");
  });

  it("prefers spec columns over the description", () => {
    const result = generateMock(
      { rows: 1, description: "customers with email", spec: { columns: [{ name: "z", type: "bool" }] } },
      1,
    );
    expect(result.columns.map((c) => c.name)).toEqual(["z"]);
  });
});

describe("spec validation", () => {
  const withColumn = (column: unknown): MockContract => ({ rows: 10, spec: { columns: [column as never] } });

  it.each([
    ["an unknown type", { name: "a", type: "decimal" }, "spec.columns[0].type"],
    ["an empty name", { name: " ", type: "int" }, "spec.columns[0].name"],
    [
      "min above max",
      { name: "a", type: "int", distribution: { kind: "uniform", min: 5, max: 1 } },
      "spec.columns[0].distribution.max",
    ],
    [
      "a negative std",
      { name: "a", type: "float", distribution: { kind: "normal", mean: 0, std: -1 } },
      "spec.columns[0].distribution.std",
    ],
    [
      "an unknown distribution",
      { name: "a", type: "float", distribution: { kind: "poisson" } },
      "spec.columns[0].distribution.kind",
    ],
    [
      "numbers for labels",
      { name: "a", type: "category", distribution: { kind: "uniform", min: 0, max: 1 } },
      "spec.columns[0].distribution.kind",
    ],
    [
      "no categories",
      { name: "a", type: "category", distribution: { kind: "categorical", values: [] } },
      "spec.columns[0].distribution.values",
    ],
    [
      "weights of another length",
      { name: "a", type: "category", distribution: { kind: "categorical", values: ["x", "y"], weights: [1] } },
      "spec.columns[0].distribution.weights",
    ],
    [
      "zero weights",
      { name: "a", type: "category", distribution: { kind: "categorical", values: ["x"], weights: [0] } },
      "spec.columns[0].distribution.weights",
    ],
    ["a nullRate above 1", { name: "a", type: "int", nullRate: 1.5 }, "spec.columns[0].nullRate"],
    ["a misspelt key", { name: "a", type: "int", nullrate: 0.1 }, "spec.columns[0]"],
  ])("rejects %s, naming %s", (_what, column, field) => {
    const error = specError(() => generateMock(withColumn(column), 1));
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
  });

  it("rejects duplicate names, bad rows, a bad format and a bad seed", () => {
    const dup = specError(() =>
      generateMock(
        {
          rows: 1,
          spec: {
            columns: [
              { name: "a", type: "int" },
              { name: "a", type: "bool" },
            ],
          },
        },
        1,
      ),
    );
    expect(dup.field).toBe("spec.columns[1].name");
    expect(dup.message).toContain('duplicate column name "a"');
    expect(specError(() => generateMock({ rows: -1 }, 1)).field).toBe("rows");
    expect(specError(() => generateMock({ rows: 1.5 }, 1)).field).toBe("rows");
    expect(specError(() => generateMock({ rows: 1, spec: { format: "xml" as never } }, 1)).field).toBe("spec.format");
    expect(specError(() => generateMock({ rows: 1 }, 1.5)).field).toBe("seed");
  });

  it("rejects a unique int column whose range is smaller than rows, naming its unique", () => {
    const unique = (rows: number, distribution?: unknown): MockContract => ({
      rows,
      spec: {
        columns: [{ name: "b", type: "bool" }, { name: "id", type: "int", unique: true, distribution } as never],
      },
    });
    const range = { kind: "uniform", min: 1, max: 10 };
    const error = specError(() => parseMockContract(unique(11, range)));
    expect(error.field).toBe("spec.columns[1].unique");
    expect(error.message).toContain("11 unique ints do not fit between 1 and 10");
    expect(generateMock(unique(10, range), 1).csv.toString().trimEnd().split("\n").at(-1)).toMatch(/^(true|false),10$/);
    expect(() => parseMockContract(unique(1_000_000))).not.toThrow();
  });

  it("exports ColumnSpecSchema for callers", () => {
    expect(ColumnSpecSchema.safeParse({ name: "a", type: "email" }).success).toBe(true);
    expect(
      ColumnSpecSchema.safeParse({ name: "a", type: "email", distribution: { kind: "normal", mean: 0, std: 1 } })
        .success,
    ).toBe(false);
  });
});

describe("mockBytesAtLeast", () => {
  const columnSets: [string, MockContract["spec"], string?][] = [
    ["the default columns", null],
    ["six typed columns", SIX_COLUMNS.spec],
    [
      "unique columns, negative and wide ranges, labels and nulls",
      {
        columns: [
          { name: "id", type: "int", unique: true, distribution: { kind: "uniform", min: -50, max: 1e6 } },
          { name: "code", type: "string", unique: true },
          { name: "mail", type: "email", unique: true, nullRate: 0.4 },
          { name: "u", type: "uuid", unique: true },
          { name: "neg", type: "int", distribution: { kind: "uniform", min: -900, max: -120 } },
          { name: "big", type: "float", distribution: { kind: "uniform", min: 1234.5, max: 99999 }, nullRate: 0.9 },
          { name: "n", type: "float", distribution: { kind: "normal", mean: -5, std: 3 } },
          { name: "tier", type: "category", distribution: { kind: "categorical", values: ["a,b", "pro", 'x"y'] } },
          { name: "words", type: "string" },
          { name: "plain", type: "category" },
          { name: "flag", type: "bool", nullRate: 1 },
          { name: "when", type: "date" },
          { name: "who", type: "name" },
          { name: "ä", type: "email" },
        ],
      },
    ],
  ];
  it.each(columnSets)("is never above what MOCK writes, as CSV and JSON lines: %s", (_what, spec) => {
    for (const format of ["csv", "jsonl"] as const)
      for (const rows of [0, 1, 7, 5_000]) {
        const contract: MockContract = { rows, spec: { ...spec, format } };
        const written = generateMock(contract, 3).bytes.length;
        const floor = mockBytesAtLeast(resolveMockColumns(parseMockContract(contract)), rows, format);
        expect(floor, `${format}, ${rows} rows`).toBeLessThanOrEqual(written);
        if (rows === 5_000) expect(floor, `${format}, ${rows} rows`).toBeGreaterThan(written * 0.6);
      }
  });

  it("sums a unique column's row numbers exactly", () => {
    const ids = [{ name: "id", type: "int" as const, unique: true }];
    // 1…9, 10…99, 100…999, 1000: 9 + 180 + 2700 + 4 digits, and a line break each.
    expect(mockBytesAtLeast(ids, 1000, "csv")).toBe(2893 + 1000);
    expect(mockBytesAtLeast(ids, 1000, "csv")).toBe(
      generateMock({ rows: 1000, spec: { columns: ids } }, 1).bytes.length - 3,
    );
  });
});
