// Flag parsing of the CLI: what `--since`, `--payload` and counts accept, and that mistakes are
// usage errors (exit 1) before anything is sent.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT, exitCodeFor, UsageError } from "../../src/cli/exit-codes.ts";
import { parseCount, parseJsonObject, parseSince, parseSort } from "../../src/cli/parse.ts";
import { ContentHashMismatchError, JobsApiError, JobTimeoutError } from "@jobs-api/client/node";

describe("CLI flag parsing", () => {
  it("--sort takes a field in any case, - for _, and :asc (the default) or :desc", () => {
    expect(parseSort("name")).toEqual({ field: "NAME", direction: "ASC" });
    expect(parseSort("finished-on:desc")).toEqual({ field: "FINISHED_ON", direction: "DESC" });
    expect(parseSort("CREATED_ON:Asc")).toEqual({ field: "CREATED_ON", direction: "ASC" });
    expect(parseSort("state:desc")).toEqual({ field: "STATE", direction: "DESC" });
    for (const bad of ["", "size", "name:up", "name:asc:desc", ":desc"])
      expect(() => parseSort(bad), bad).toThrow(UsageError);
  });

  it("--since takes epoch ms, ISO dates and durations ago", () => {
    const now = Date.UTC(2026, 0, 2, 12, 0, 0);
    expect(parseSince("1700000000000", now)).toBe(1_700_000_000_000);
    expect(parseSince("2026-01-02T11:00:00Z", now)).toBe(now - 3_600_000);
    expect(parseSince("90s", now)).toBe(now - 90_000);
    expect(parseSince("10m", now)).toBe(now - 600_000);
    expect(parseSince("2h", now)).toBe(now - 7_200_000);
    expect(parseSince("1d", now)).toBe(now - 86_400_000);
    expect(parseSince("250ms", now)).toBe(now - 250);
    expect(() => parseSince("yesterday-ish", now)).toThrow(UsageError);
  });

  it("--payload reads JSON inline or from @file, and must be an object for GENERATION", () => {
    const dir = mkdtempSync(join(tmpdir(), "jobs-parse-"));
    try {
      const file = join(dir, "payload.json");
      writeFileSync(file, '{"kind":"MOCK","rows":5}');
      expect(parseJsonObject(`@${file}`, "--payload")).toEqual({ kind: "MOCK", rows: 5 });
      expect(parseJsonObject('{"a":1}', "--payload")).toEqual({ a: 1 });
      expect(() => parseJsonObject("[1]", "--payload")).toThrow(/JSON object/);
      expect(() => parseJsonObject(`@${join(dir, "missing.json")}`, "--payload")).toThrow(/cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("counts are whole numbers in range", () => {
    expect(parseCount("20", "--first", 1)).toBe(20);
    expect(() => parseCount("0", "--first", 1)).toThrow(UsageError);
    expect(() => parseCount("2.5", "--first")).toThrow(UsageError);
  });

  it("maps every failure to its documented exit code", () => {
    expect(exitCodeFor(new UsageError("x"))).toBe(EXIT.USAGE);
    expect(exitCodeFor(new JobTimeoutError({ reasonerType: "LOGIC", jobId: "j" }, 1))).toBe(EXIT.TIMEOUT);
    expect(exitCodeFor(new JobsApiError("JOB_TIMEOUT", "late"))).toBe(EXIT.TIMEOUT);
    expect(exitCodeFor(new JobsApiError("NOT_FOUND", "gone"))).toBe(EXIT.NOT_FOUND);
    expect(exitCodeFor(new JobsApiError("FORBIDDEN", "no"))).toBe(EXIT.API_ERROR);
    expect(exitCodeFor(new JobsApiError("NETWORK_ERROR", "down"))).toBe(EXIT.API_ERROR);
    expect(exitCodeFor(new ContentHashMismatchError("sha256:a", "sha256:b", "/x"))).toBe(EXIT.INTEGRITY);
  });
});
