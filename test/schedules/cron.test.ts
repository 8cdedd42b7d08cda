// The next-run computation across daylight-saving transitions (2026: Europe/Berlin springs forward
// on March 29 at 02:00 and falls back on October 25 at 03:00; America/New_York on March 8 and
// November 1 at 02:00), and the validation of expressions and zones.
import { describe, expect, it } from "vitest";
import { isJobsError } from "../../src/errors.ts";
import { nextRunAfter, parseCronSpec } from "../../src/schedules/cron.ts";

function ticks(cron: string, timezone: string, from: string, n: number): string[] {
  const out: string[] = [];
  let at = new Date(from);
  for (let i = 0; i < n; i++) {
    at = nextRunAfter({ cron, timezone }, at)!;
    out.push(at.toISOString());
  }
  return out;
}

describe("next run across daylight-saving transitions", () => {
  it("Europe/Berlin spring-forward: a daily 02:30 that does not exist that night runs at 03:00 CEST, then 02:30 again", () => {
    expect(ticks("30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", 3)).toEqual([
      "2026-03-29T01:00:00.000Z", // 03:00 CEST, the first valid time after the gap
      "2026-03-30T00:30:00.000Z", // 02:30 CEST
      "2026-03-31T00:30:00.000Z",
    ]);
  });

  it("Europe/Berlin fall-back: a daily 02:30 that occurs twice runs once, at the first", () => {
    expect(ticks("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", 2)).toEqual([
      "2026-10-25T00:30:00.000Z", // 02:30 CEST; the second 02:30 (CET, 01:30Z) is not run
      "2026-10-26T01:30:00.000Z", // 02:30 CET
    ]);
  });

  it("Europe/Berlin: an every-30-minutes schedule keeps its real-time spacing through both transitions", () => {
    const spacing = (isoTimes: string[]) =>
      isoTimes.slice(1).map((t, i) => (Date.parse(t) - Date.parse(isoTimes[i]!)) / 60_000);
    const fallBack = ticks("*/30 * * * *", "Europe/Berlin", "2026-10-24T23:00:00Z", 6);
    expect(fallBack[0]).toBe("2026-10-24T23:30:00.000Z");
    expect(spacing(fallBack)).toEqual([30, 30, 30, 30, 30]); // both 02:00 and both 02:30 run
    const springForward = ticks("*/30 * * * *", "Europe/Berlin", "2026-03-29T00:00:00Z", 3);
    expect(springForward).toEqual(["2026-03-29T00:30:00.000Z", "2026-03-29T01:00:00.000Z", "2026-03-29T01:30:00.000Z"]); // 01:30 CET, 03:00 CEST, 03:30 CEST
  });

  it("America/New_York: weekday 09:00 stays 09:00 local as the offset changes from -5 to -4", () => {
    expect(ticks("0 9 * * 1-5", "America/New_York", "2026-03-05T00:00:00Z", 4)).toEqual([
      "2026-03-05T14:00:00.000Z", // Thursday, EST
      "2026-03-06T14:00:00.000Z", // Friday
      "2026-03-09T13:00:00.000Z", // Monday, EDT (the weekend and the transition skipped)
      "2026-03-10T13:00:00.000Z",
    ]);
  });

  it("America/New_York: 02:30 on the spring-forward night runs at 03:00 EDT; 01:30 on the fall-back night runs once", () => {
    expect(ticks("30 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", 2)).toEqual([
      "2026-03-08T07:00:00.000Z",
      "2026-03-09T06:30:00.000Z",
    ]);
    expect(ticks("30 1 * * *", "America/New_York", "2026-10-31T12:00:00Z", 2)).toEqual([
      "2026-11-01T05:30:00.000Z",
      "2026-11-02T06:30:00.000Z",
    ]);
    expect(ticks("0 * * * *", "America/New_York", "2026-11-01T04:00:00Z", 4)).toEqual([
      "2026-11-01T05:00:00.000Z", // 01:00 EDT
      "2026-11-01T06:00:00.000Z", // 01:00 EST: hourly runs keep running hourly
      "2026-11-01T07:00:00.000Z",
      "2026-11-01T08:00:00.000Z",
    ]);
  });

  it("UTC has no transitions; the next run is strictly after the given instant", () => {
    expect(ticks("0 0 1 * *", "UTC", "2026-01-01T00:00:00Z", 2)).toEqual([
      "2026-02-01T00:00:00.000Z",
      "2026-03-01T00:00:00.000Z",
    ]);
  });
});

describe("parseCronSpec", () => {
  const fieldOf = (cron: string, timezone: string) => {
    try {
      parseCronSpec({ cron, timezone });
      return "accepted";
    } catch (error) {
      if (!isJobsError(error, "BAD_USER_INPUT")) throw error;
      return error.extensions.field;
    }
  };

  it("accepts five-field expressions in IANA zones, normalising spaces", () => {
    expect(parseCronSpec({ cron: " */15  9-17 * * MON-FRI ", timezone: "Asia/Tokyo" })).toEqual({
      cron: "*/15 9-17 * * MON-FRI",
      timezone: "Asia/Tokyo",
    });
    expect(fieldOf("0 0 L * *", "UTC")).toBe("accepted");
  });

  it("names the cron or the time zone it refuses", () => {
    expect(fieldOf("* * * *", "UTC")).toBe("input.cron");
    expect(fieldOf("0 * * * * *", "UTC")).toBe("input.cron");
    expect(fieldOf("0 25 * * *", "UTC")).toBe("input.cron");
    expect(fieldOf("0 0 31 2 *", "UTC")).toBe("input.cron");
    expect(fieldOf("@reboot", "UTC")).toBe("input.cron");
    expect(fieldOf("0 0 * * *", "Europe/Atlantis")).toBe("input.timezone");
  });

  it("with seconds allowed (JOBS_SCHEDULE_SECONDS), takes six fields, the first the second, and ticks on it", () => {
    const seconds = { seconds: true };
    expect(parseCronSpec({ cron: " */15  * * * * * ", timezone: "UTC" }, "input", seconds)).toEqual({
      cron: "*/15 * * * * *",
      timezone: "UTC",
    });
    expect(parseCronSpec({ cron: "0 3 * * *", timezone: "UTC" }, "input", seconds).cron).toBe("0 3 * * *");
    for (const cron of ["* * * *", "0 0 0 * * * *", "60 * * * * *"]) {
      const refused = (() => {
        try {
          parseCronSpec({ cron, timezone: "UTC" }, "input", seconds);
          return "accepted";
        } catch (error) {
          if (!isJobsError(error, "BAD_USER_INPUT")) throw error;
          return error.extensions.field;
        }
      })();
      expect(refused, cron).toBe("input.cron");
    }
    // A stored six-field expression ticks by its seconds (whether or not the server still allows them);
    // five fields stay minute ticks.
    expect(ticks("*/15 * * * * *", "UTC", "2026-05-01T10:00:05Z", 3)).toEqual([
      "2026-05-01T10:00:15.000Z",
      "2026-05-01T10:00:30.000Z",
      "2026-05-01T10:00:45.000Z",
    ]);
    expect(ticks("30 0 3 * * *", "Europe/Berlin", "2026-05-01T00:00:00Z", 1)).toEqual(["2026-05-01T01:00:30.000Z"]);
    expect(ticks("* * * * *", "UTC", "2026-05-01T10:00:05Z", 2)).toEqual([
      "2026-05-01T10:01:00.000Z",
      "2026-05-01T10:02:00.000Z",
    ]);
  });

  const zoneOf = (timezone: string) => parseCronSpec({ cron: "0 3 * * *", timezone }).timezone;

  it("stores every spelling of a zone by one correctly spelled name, aliases in any case too", () => {
    expect(zoneOf("europe/berlin")).toBe("Europe/Berlin");
    expect(zoneOf("AMERICA/NEW_YORK")).toBe("America/New_York");
    expect(zoneOf("utc")).toBe("UTC");
    // Every zone this runtime names is itself, typed in any case.
    for (const zone of Intl.supportedValuesOf("timeZone")) {
      expect(zoneOf(zone)).toBe(zone);
      expect(zoneOf(zone.toLowerCase())).toBe(zone);
      expect(zoneOf(zone.toUpperCase())).toBe(zone);
    }
    // Aliases: the same name however typed, one the runtime spells (Node 20 resolves Asia/Kolkata to
    // Asia/Calcutta and US/Pacific to America/Los_Angeles; later runtimes keep the names given).
    for (const [alias, names] of [
      ["Asia/Kolkata", ["Asia/Kolkata", "Asia/Calcutta"]],
      ["US/Pacific", ["US/Pacific", "America/Los_Angeles"]],
    ] as const) {
      const stored = zoneOf(alias);
      expect(names).toContain(stored);
      for (const typed of [alias.toLowerCase(), alias.toUpperCase()]) expect(zoneOf(typed)).toBe(stored);
    }
  });

  it("refuses zones the runtime does not know, in any case, as BAD_USER_INPUT on the zone", () => {
    for (const zone of ["Europe/Atlantis", "asia/nowhere", "", " ", "kolkata"])
      expect(fieldOf("0 0 * * *", zone)).toBe("input.timezone");
  });
});
