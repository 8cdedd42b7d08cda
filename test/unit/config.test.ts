// Switches (JOBS_METRICS_PUBLIC, JOBS_INTROSPECTION, ...) read the words people write for on and off,
// and refuse any other: a typo must not turn on what it meant to turn off.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";

describe("switches", () => {
  it("read 1/true/yes/on and 0/false/no/off, in any case, and fall back when unset or empty", () => {
    for (const on of ["1", "true", "YES", " on "])
      expect(loadConfig({ JOBS_METRICS_PUBLIC: on }).metricsPublic).toBe(true);
    for (const off of ["0", "False", "no", "OFF"]) expect(loadConfig({ JOBS_SCHEDULER: off }).scheduler).toBe(false);
    expect(loadConfig({}).metricsPublic).toBe(false);
    expect(loadConfig({ JOBS_SCHEDULER: "" }).scheduler).toBe(true);
  });

  it("refuse any other word, naming the setting", () => {
    for (const [name, value] of <[string, string][]>[
      ["JOBS_METRICS_PUBLIC", "disabled"],
      ["JOBS_INTROSPECTION", "flase"],
      ["JOBS_FIELD_SUGGESTIONS", "n"],
      ["JOBS_RETENTION_KEEP_PROVENANCE", "maybe"],
    ])
      expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}: expected one of .*; got "${value}"`));
  });
});

describe("rate budgets and the batch size", () => {
  it("refuse a budget (people's or workers') below JOBS_MAX_BATCH, naming both settings", () => {
    expect(() => loadConfig({ JOBS_RATE_LIMIT: "9" })).toThrow(
      /JOBS_RATE_LIMIT: 9 is below JOBS_MAX_BATCH \(10\): a full batched request would be more than the whole budget/,
    );
    expect(() => loadConfig({ JOBS_WORKER_RATE_LIMIT: "4", JOBS_MAX_BATCH: "5" })).toThrow(
      /JOBS_WORKER_RATE_LIMIT: 4 is below JOBS_MAX_BATCH \(5\)/,
    );
  });

  it("accept a budget at least the batch size, and 0 (no limit) whatever the batch size", () => {
    expect(loadConfig({ JOBS_RATE_LIMIT: "10", JOBS_WORKER_RATE_LIMIT: "10" }).rateLimit.points).toBe(10);
    const unlimited = loadConfig({ JOBS_RATE_LIMIT: "0", JOBS_WORKER_RATE_LIMIT: "0", JOBS_MAX_BATCH: "1000" });
    expect([unlimited.rateLimit.points, unlimited.workerRateLimit.points]).toEqual([0, 0]);
  });
});
