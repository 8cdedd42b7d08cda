// How jobsctl draws tables for people: ages instead of raw times, columns fitted to the terminal
// (all of them with -o wide), states coloured only on a terminal and never with NO_COLOR.
import { describe, expect, it } from "vitest";
import type { JobSummary } from "../../packages/client/src/job-types.ts";
import { age, jobDetails, jobsTable, pageCount, tableStyle } from "../../src/cli/render.ts";
import type { Job } from "../../packages/client/src/job-types.ts";

const NOW = Date.parse("2026-12-06T12:00:00Z");
const job = (n: number, state: string, createdOn: string): JobSummary =>
  ({
    jobId: `01a24903-0000-7000-8000-00000000000${n}`,
    reasonerType: "GENERATION",
    state,
    nativeState: state.toLowerCase(),
    name: `customers-${n}`,
    createdBy: "alice@example.com",
    createdOn,
    durationMs: 1500,
  }) as unknown as JobSummary;
const jobs = [job(1, "SUCCEEDED", "2026-12-06T11:55:00Z"), job(2, "FAILED", "2026-12-04T12:00:00Z")];
const ESC = String.fromCharCode(27);

describe("jobsctl tables", () => {
  it("says ages the way people read them", () => {
    expect(age("2026-12-06T11:59:58Z", NOW)).toBe("2s ago");
    expect(age("2026-12-06T11:55:00Z", NOW)).toBe("5m ago");
    expect(age("2026-12-06T09:00:00Z", NOW)).toBe("3h ago");
    expect(age("2026-12-04T12:00:00Z", NOW)).toBe("2d ago");
  });

  it("shows ages by default and every column with full times when wide", () => {
    const narrow = jobsTable(jobs, { wide: false, width: undefined, color: false, now: NOW });
    expect(narrow.split("\n")[0]).toMatch(/^JOB ID\s+TYPE\s+STATE\s+NAME\s+CREATED BY\s+AGE\s+DURATION$/);
    expect(narrow).toContain("5m ago");
    expect(narrow).not.toContain("2026-12-06T11:55:00Z");
    const wide = jobsTable(jobs, { wide: true, width: 40, color: false, now: NOW });
    expect(wide.split("\n")[0]).toMatch(/NATIVE.*CREATED BY\s+CREATED\s+DURATION$/);
    expect(wide).toContain("2026-12-06T11:55:00Z");
  });

  it("fits a narrow terminal by dropping the least needed columns first", () => {
    const full = jobsTable(jobs, { wide: false, width: undefined, color: false, now: NOW });
    const fullWidth = Math.max(...full.split("\n").map((l) => l.length));
    const fitted = jobsTable(jobs, { wide: false, width: fullWidth - 10, color: false, now: NOW });
    expect(Math.max(...fitted.split("\n").map((l) => l.length))).toBeLessThanOrEqual(fullWidth - 10);
    expect(fitted.split("\n")[0]).not.toContain("CREATED BY");
    expect(fitted.split("\n")[0]).toMatch(/^JOB ID.*STATE/);
    const tiny = jobsTable(jobs, { wide: false, width: 50, color: false, now: NOW });
    expect(tiny.split("\n")[0]).toMatch(/^JOB ID\s+STATE\s*$/);
  });

  it("colours states on a terminal only, and never with NO_COLOR", () => {
    expect(tableStyle(false, {}, { isTTY: true, columns: 120 })).toMatchObject({ color: true, width: 120 });
    expect(tableStyle(false, { NO_COLOR: "1" }, { isTTY: true, columns: 120 }).color).toBe(false);
    expect(tableStyle(false, {}, { isTTY: false })).toMatchObject({ color: false, width: undefined });
    expect(tableStyle(false, { FORCE_COLOR: "1" }, { isTTY: false }).color).toBe(true);
    const coloured = jobsTable(jobs, { wide: false, width: undefined, color: true, now: NOW });
    expect(coloured).toContain(`${ESC}[32mSUCCEEDED`);
    expect(jobsTable(jobs, { wide: false, width: undefined, color: false, now: NOW })).not.toContain(ESC);
  });
  it("says how many jobs a page shows of how many match, grouped, and when that is the server's estimate", () => {
    expect(pageCount({ jobs: [1], totalCount: 1, totalCountIsEstimate: false })).toBe("1 of 1 job");
    expect(pageCount({ jobs: jobs, totalCount: 2500, totalCountIsEstimate: false })).toBe("2 of 2,500 jobs");
    expect(pageCount({ jobs: jobs, totalCount: 120_034, totalCountIsEstimate: true })).toBe("2 of about 120,034 jobs");
  });

  it("get names the batch step that made a job, and says nothing of one no batch made", () => {
    const child = {
      ...job(3, "SUCCEEDED", "2026-12-06T11:55:00Z"),
      __typename: "ReasonerJob",
      reasonerName: "default",
      startedOn: null,
      finishedOn: null,
      error: null,
      problems: [],
      artifacts: [],
      batchStep: { name: "make", position: 0, batchJobId: "01a24903-0000-7000-8000-0000000000b1" },
    } as unknown as Job;
    expect(jobDetails(child)).toMatch(/Made by\s+│ step 1 \(make\) of batch 01a24903-0000-7000-8000-0000000000b1/);
    expect(jobDetails({ ...child, batchStep: null } as Job)).not.toContain("Made by");
  });
});
