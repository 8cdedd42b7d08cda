import { describe, expect, it } from "vitest";
import { Random, seededRandom } from "../../../src/families/generation/engine/random.ts";

const draws = (rng: Random, n: number) => Array.from({ length: n }, () => rng.nextUint32());

describe("seededRandom", () => {
  it("repeats for the same contract and seed", () => {
    expect(draws(seededRandom({ rows: 5 }, 42), 10)).toEqual(draws(seededRandom({ rows: 5 }, 42), 10));
  });

  it("ignores key order in the contract", () => {
    expect(draws(seededRandom({ a: 1, b: 2 }, 7), 5)).toEqual(draws(seededRandom({ b: 2, a: 1 }, 7), 5));
  });

  it("differs by seed, contract and domain", () => {
    const base = draws(seededRandom({ rows: 5 }, 42), 5);
    expect(draws(seededRandom({ rows: 5 }, 43), 5)).not.toEqual(base);
    expect(draws(seededRandom({ rows: 6 }, 42), 5)).not.toEqual(base);
    expect(draws(seededRandom({ rows: 5 }, 42, "other"), 5)).not.toEqual(base);
  });
});

describe("Random", () => {
  const rng = () => seededRandom("test", 1);

  it("refuses short seed state and survives an all-zero one", () => {
    expect(() => new Random(new Uint8Array(8))).toThrow(RangeError);
    const zero = new Random(new Uint8Array(16));
    expect(new Set(draws(zero, 10)).size).toBeGreaterThan(1);
  });

  it("draws next() in [0, 1) with a mean near 1/2", () => {
    const r = rng();
    const xs = Array.from({ length: 20_000 }, () => r.next());
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(0.5, 1);
  });

  it("keeps integer() inside inclusive bounds and reaches both ends", () => {
    const r = rng();
    const vs = Array.from({ length: 2_000 }, () => r.integer(3, 7));
    expect(vs.every((v) => Number.isInteger(v) && v >= 3 && v <= 7)).toBe(true);
    expect([...new Set(vs)].sort()).toEqual([3, 4, 5, 6, 7]);
    expect(() => r.integer(5, 4)).toThrow(RangeError);
  });

  it("draws normal() with the requested mean and standard deviation", () => {
    const r = rng();
    const xs = Array.from({ length: 50_000 }, () => r.normal(10, 2));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
    expect(mean).toBeCloseTo(10, 1);
    expect(std).toBeCloseTo(2, 1);
  });

  it("keeps uniform() in [min, max)", () => {
    const r = rng();
    const vs = Array.from({ length: 1_000 }, () => r.uniform(-2, 5));
    expect(vs.every((v) => v >= -2 && v < 5)).toBe(true);
  });

  it("chooses only from the list, and by weight", () => {
    const r = rng();
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 10_000; i++) counts[r.weightedChoice(["a", "b", "c"] as const, [1, 3, 0])] += 1;
    expect(counts.c).toBe(0);
    expect(counts.b / 10_000).toBeGreaterThan(0.72);
    expect(counts.b / 10_000).toBeLessThan(0.78);
    expect(["x", "y"]).toContain(r.choice(["x", "y"]));
    expect(() => r.choice([])).toThrow(RangeError);
    expect(() => r.weightedChoice(["a"], [0])).toThrow(RangeError);
  });
});
