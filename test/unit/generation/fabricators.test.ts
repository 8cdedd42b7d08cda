// FABRICATE's and SCENARIO_FABRICATE's parsers and the SIMULATE plant by themselves: what each
// phrasing becomes, what is reported as not understood, and that the plant behaves physically.
import { describe, expect, it } from "vitest";
import { parseCsvTable } from "../../../src/families/generation/engine/csv.ts";
import { contractColumnSpecs, fabricateContract } from "../../../src/families/generation/engine/fabricate.ts";
import { runBuiltInGeneration } from "../../../src/families/generation/engine/index.ts";
import { fabricateScenario } from "../../../src/families/generation/engine/scenario.ts";
import { PlantSchema, simulateCsv } from "../../../src/families/generation/engine/simulate.ts";

describe("FABRICATE", () => {
  it("reads the common phrasings into a contract MOCK accepts", () => {
    const c = fabricateContract(
      "unique order id; customer email; amount in USD between 5 and 500; status one of pending, shipped, delivered",
    );
    expect(c.columns).toEqual([
      { name: "order_id", type: "uuid", unique: true, format: "uuid" },
      { name: "customer_email", type: "email", format: "email" },
      {
        name: "amount",
        type: "float",
        distribution: { kind: "uniform", min: 5, max: 500 },
        unit: "USD",
        format: "decimal(2)",
      },
      {
        name: "status",
        type: "category",
        distribution: { kind: "categorical", values: ["pending", "shipped", "delivered"] },
      },
    ]);
    expect(c.problems).toEqual([]);
    expect(c.contractHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The same words give the same contract (and hash); MOCK runs it.
    expect(
      fabricateContract(
        "unique order id; customer email; amount in USD between 5 and 500; status one of pending, shipped, delivered",
      ),
    ).toEqual(c);
    const mock = runBuiltInGeneration("MOCK", { contract: { rows: 50, spec: { contract: c } }, seed: 1, inputs: [] });
    expect(parseCsvTable(mock.outputs[0]!.bytes).columns).toEqual(["order_id", "customer_email", "amount", "status"]);
  });

  it("reads integers, counts, normal ranges, null rates, booleans and dates; keeps the enumeration's spelling", () => {
    const c = fabricateContract(
      "people: age integer from 18 to 90, height around 170 ± 10, 5% missing phone, active flag, signup date, plan one of Free, Pro or Enterprise",
    );
    expect(c.name).toBe("people");
    expect(contractColumnSpecs(c)).toEqual([
      { name: "age", type: "int", distribution: { kind: "uniform", min: 18, max: 90 } },
      { name: "height", type: "float", distribution: { kind: "normal", mean: 170, std: 10 } },
      { name: "phone", type: "string", nullRate: 0.05 },
      { name: "active", type: "bool" },
      { name: "signup_date", type: "date" },
      { name: "plan", type: "category", distribution: { kind: "categorical", values: ["Free", "Pro", "Enterprise"] } },
    ]);
  });

  it("says in problems what it did not understand, and makes no column of it", () => {
    const c = fabricateContract(
      "customer email; whatever the marketing team feels like on a sunny day; zorblax; unique active flag",
    );
    expect(c.columns.map((x) => x.name)).toEqual(["customer_email", "zorblax", "active"]);
    expect(c.problems.map((p) => p.code)).toEqual(["UNRECOGNIZED_PHRASE", "TYPE_ASSUMED", "UNIQUE_IGNORED"]);
    expect(c.problems[0]!.message).toContain("sunny day");
  });
});

describe("SCENARIO_FABRICATE", () => {
  it("reads times in seconds, minutes and hours, parameters, and sorts events by time", () => {
    const s = fabricateScenario(
      "a leak of 0.004 m3/s at 1 h for 10 min. valve stuck at 30% at 20 min; setpoint attack to 3.5 at 90 s for 30 s\nlevel sensor drift of 0.2 m per hour after 2 min",
    );
    expect(s.events).toEqual([
      { type: "SETPOINT_ATTACK", startS: 90, durationS: 30, setpointM: 3.5 },
      { type: "SENSOR_DRIFT", startS: 120, durationS: 60, tag: "level", ratePerHour: 0.2 },
      { type: "STUCK_VALVE", startS: 1200, durationS: 60, positionPct: 30 },
      { type: "LEAK", startS: 3600, durationS: 600, flowM3s: 0.004 },
    ]);
    expect(s.problems?.map((p) => p.code)).toEqual(["DEFAULT_DURATION", "DEFAULT_DURATION"]);
  });

  it("reports clauses with no event or no time", () => {
    const s = fabricateScenario("the operator goes to lunch; pump trip");
    expect(s.events).toEqual([]);
    expect(s.problems?.map((p) => p.code)).toEqual(["UNRECOGNIZED_EVENT", "MISSING_TIME"]);
  });
});

describe("SIMULATE plant", () => {
  const run = (events: unknown[], rows = 400, spec: Record<string, unknown> = {}) =>
    parseCsvTable(
      [
        ...simulateCsv(
          { plant: PlantSchema.parse(spec), scenario: { format: "scenario/v1", events } as never, rows },
          3,
        ),
      ].join(""),
    ).rows;
  const level = (rows: string[][], i: number) => Number(rows[i]![1]);

  it("holds the level near the setpoint with no events, reproducibly", () => {
    const rows = run([], 1800);
    const tail = rows.slice(1200).map((r) => Number(r[1]));
    const mean = tail.reduce((a, b) => a + b, 0) / tail.length;
    expect(Math.abs(mean - 2.5)).toBeLessThan(0.15);
    expect(rows.every((r) => r[9] === "NORMAL")).toBe(true);
    expect(run([], 1800)).toEqual(rows);
  });

  it("a pump trip empties the tank and stops inflow; a stuck valve ignores the controller", () => {
    const tripped = run([{ type: "PUMP_TRIP", startS: 100, durationS: 200 }]);
    expect(level(tripped, 290)).toBeLessThan(level(tripped, 100) - 0.2);
    expect(Math.abs(Number(tripped[200]![3]))).toBeLessThan(0.002);
    const stuck = run([{ type: "STUCK_VALVE", startS: 50, durationS: 300, positionPct: 10 }]);
    expect(stuck.slice(60, 340).every((r) => r[8] === "10.00")).toBe(true);
    expect(stuck.slice(60, 340).some((r) => r[7] !== "10.00")).toBe(true);
  });

  it("refuses bad plant parameters, naming the field", () => {
    expect(() =>
      runBuiltInGeneration("SIMULATE", { contract: { rows: 10, spec: { tankAreaM2: 0 } }, seed: 1, inputs: [] }),
    ).toThrow(/spec\.tankAreaM2/);
    expect(() =>
      runBuiltInGeneration("SIMULATE", {
        contract: { rows: 10, spec: { scenario: { events: [{ type: "METEOR", startS: 1 }] } } },
        seed: 1,
        inputs: [],
      }),
    ).toThrow(/spec\.scenario\.events\[0\]\.type/);
  });
});
