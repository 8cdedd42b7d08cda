// `jobsctl schedules create|list|pause|resume|delete` in a child process against the real server, on
// PGlite and PostgreSQL: --json for scripts, tables for people, and the exit codes.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.ts";

const BIN = join(import.meta.dirname, "..", "..", "bin", "jobsctl.mjs");

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function jobsctl(args: string[], env: Record<string, string>): Promise<CliResult> {
  const { JOBS_URL: _u, JOBS_API_KEY: _k, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...inherited, NO_COLOR: "1", ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}
const json = <T>(r: CliResult): T => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
};

interface Schedule {
  id: string;
  name: string;
  cron: string;
  timezone: string;
  catchUp: string;
  paused: boolean;
  nextRunOn: string | null;
  job: Record<string, unknown>;
}

describe.each(backends.map((b) => [b.name, b] as const))("jobsctl schedules on %s", (_name, backend) => {
  let t: TestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await startTestServer(backend);
    env = { JOBS_URL: t.url, JOBS_API_KEY: ADMIN_KEY };
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it("creates, lists, pauses, resumes and deletes a schedule", async () => {
    const created = json<Schedule>(
      await jobsctl(
        [
          "--json",
          "schedules",
          "create",
          "--name",
          "nightly-mock",
          "--cron",
          "0 3 * * *",
          "--timezone",
          "Europe/Berlin",
          "--catch-up",
          "skip",
          "--type",
          "GENERATION",
          "--payload",
          '{"kind":"MOCK","rows":100,"seed":1}',
        ],
        env,
      ),
    );
    expect(created).toMatchObject({
      name: "nightly-mock",
      cron: "0 3 * * *",
      timezone: "Europe/Berlin",
      catchUp: "SKIP",
      paused: false,
    });
    expect(created.job).toEqual({
      reasonerType: "GENERATION",
      reasonerName: null,
      payload: { kind: "MOCK", rows: 100, seed: 1 },
      name: null,
    });
    expect(created.nextRunOn).not.toBeNull();

    const listed = json<{ schedules: Schedule[]; hasNextPage: boolean }>(
      await jobsctl(["--json", "schedules", "list"], env),
    );
    expect(listed.schedules.map((s) => s.id)).toContain(created.id);
    const table = await jobsctl(["schedules", "list"], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/SCHEDULE ID\s+NAME\s+CRON/);
    expect(table.stdout).toContain(created.id);
    expect(table.stdout).toContain("Europe/Berlin");

    expect(json<Schedule>(await jobsctl(["--json", "schedules", "pause", created.id], env))).toMatchObject({
      paused: true,
      nextRunOn: null,
    });
    const paused = await jobsctl(["schedules", "list"], env);
    expect(paused.stdout).toMatch(new RegExp(`${created.id}.*paused`));
    const resumed = await jobsctl(["schedules", "resume", created.id], env);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/State\s*│?\s*active/);
    expect(json<{ deleted: string }>(await jobsctl(["--json", "schedules", "delete", created.id], env))).toEqual({
      deleted: created.id,
    });
    const again = await jobsctl(["--json", "schedules", "delete", created.id], env);
    expect(again.code).toBe(4);
    expect(JSON.parse(again.stderr)).toMatchObject({ error: { code: "NOT_FOUND" }, exitCode: 4 });
  });

  it("a bad cron expression or time zone is the API's BAD_USER_INPUT (exit 2); bad flags exit 1 and send nothing", async () => {
    const base = ["--json", "schedules", "create", "--name", "x", "--type", "PREDICTIVE", "--payload", "{}"];
    const [badCron, badZone, badPolicy, noCron] = await Promise.all([
      jobsctl([...base, "--cron", "0 25 * * *"], env),
      jobsctl([...base, "--cron", "0 3 * * *", "--timezone", "Moon/Tranquility"], env),
      jobsctl([...base, "--cron", "0 3 * * *", "--catch-up", "ALL"], env),
      jobsctl(["schedules", "create", "--name", "x", "--type", "PREDICTIVE"], env),
    ]);
    expect(badCron.code).toBe(2);
    expect(JSON.parse(badCron.stderr)).toMatchObject({ error: { code: "BAD_USER_INPUT" } });
    expect(JSON.parse(badCron.stderr).error.message).toContain("input.cron");
    expect(badZone.code).toBe(2);
    expect(JSON.parse(badZone.stderr).error.message).toContain("input.timezone");
    expect(badPolicy.code).toBe(1);
    expect(badPolicy.stderr).toContain("--catch-up must be one of ONCE, SKIP");
    expect(noCron.code).toBe(1);
    expect(noCron.stderr).toContain("--cron");
    expect(json<{ schedules: unknown[] }>(await jobsctl(["--json", "schedules", "list"], env)).schedules).toHaveLength(
      0,
    );
  });
});
