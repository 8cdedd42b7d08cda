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
