// The `jobsctl` CLI as a production install runs it: the compiled CLI (dist/cli/main.js, what
// bin/jobsctl.mjs loads where there is no tsx) in a child process against the real server, on
// PostgreSQL when it answers, else PGlite (one backend: see below). The documented generation flow
// (create → follow logs → wait → download → verify → rerun) with --json, and the exit codes scripts
// rely on. Compiled, each of its ~75 runs starts in a third of the time tsx takes; bin/jobsctl.mjs through tsx (a checkout's) is run by test/cli/schedules.test.ts,
// test/http/uploads.test.ts and test/execution/generation-kinds.test.ts.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { Command } from "commander";
import { Worker } from "@jobs-api/client/node";
import { buildProgram } from "../../src/cli/program.ts";
import { buildIfStale, ROOT } from "../execution/processes.ts";
import { backends } from "../helpers/backends.ts";
import { createJob, createKey } from "../helpers/fixtures.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.ts";

const CLI = join(ROOT, "dist", "cli", "main.js");

// dist/ as `npm start` builds it (a fresh one is kept: one walk over the sources).
beforeAll(async () => {
  const { code, output } = await buildIfStale();
  expect(code, output).toBe(0);
}, 240_000);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `jobsctl <args>`; JOBS_URL / JOBS_API_KEY come from `env` (absent: none at all). */
function jobs(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<CliResult> {
  const { JOBS_URL: _u, JOBS_API_KEY: _k, ...inherited } = process.env;
  return new Promise((resolve) => {
    // XDG_CONFIG_HOME: no config file of the person running the tests is read.
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        env: { ...inherited, NO_COLOR: "1", XDG_CONFIG_HOME: join(tmpdir(), "jobsctl-test-no-config"), ...env },
        cwd,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const json = <T>(r: CliResult): T => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
};

const sha256 = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

describe("jobsctl without a server", () => {
  it("bad usage exits 1: unknown command, invalid --type, bad JSON payload, no API key", async () => {
    const env = { JOBS_URL: "http://127.0.0.1:9", JOBS_API_KEY: "jobs_unused-0000000000000000" };
    const [unknown, badType, badPayload, noKey, help] = await Promise.all([
      jobs(["frobnicate"], env),
      jobs(["list", "--type", "nope"], env),
      jobs(["create", "--type", "LOGIC", "--payload", "{not json"], env),
      jobs(["list"], { JOBS_URL: "http://127.0.0.1:9" }),
      jobs(["--help"]),
    ]);
    expect(unknown.code).toBe(1);
    expect(badType.code).toBe(1);
    expect(badType.stderr).toContain("--type must be one of");
    expect(badPayload.code).toBe(1);
    expect(badPayload.stderr).toContain("--payload: not valid JSON");
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain("JOBS_API_KEY");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("download");
  });

  it("no command's flag shadows a global one: download takes --out, and -o stays --output", async () => {
    const program = buildProgram(async () => undefined);
    const globals = new Set(program.options.flatMap((o) => [o.short, o.long]).filter(Boolean));
    const clashes: string[] = [];
    const visit = (cmd: Command, path: string) => {
      for (const o of cmd.options)
        for (const flag of [o.short, o.long]) if (flag && globals.has(flag)) clashes.push(`${path} ${flag}`);
      for (const sub of cmd.commands) visit(sub, `${path} ${sub.name()}`.trim());
    };
    for (const cmd of program.commands) visit(cmd, cmd.name());
    expect(clashes).toEqual([]);
    const help = await jobs(["download", "--help"]);
    expect(help.stdout).toMatch(/^ {2}--out <path> /m);
    expect(help.stdout).not.toContain("-o, --out");
  });

  it("leaves the server's defaults to the server: no flag defaults a value the API would choose itself", async () => {
    const program = buildProgram(async () => undefined);
    const defaulted: string[] = [];
    const visit = (cmd: Command, path: string) => {
      for (const o of cmd.options) if (o.defaultValue !== undefined) defaulted.push(`${path} ${o.long}`.trim());
      for (const sub of cmd.commands) visit(sub, `${path} ${sub.name()}`.trim());
    };
    visit(program, "");
    // What only the client decides: where the server is, how long this process waits, an empty payload
    // (the API requires one). The reasoner (queue), a schedule's zone and catch-up policy, an
    // upload's type and a key's role are the server's to default: sent only when given.
    expect(defaulted.sort()).toEqual(
      [
        "--url",
        "create --payload",
        "create --timeout",
        "rerun --timeout",
        "schedules create --payload",
        "wait --timeout",
      ].sort(),
    );
  });

  it("estimate checks --kind here (exit 1, nothing sent); --type's help says what it does in each command", async () => {
    const env = { JOBS_URL: "http://127.0.0.1:9", JOBS_API_KEY: "jobs_unused-0000000000000000" };
    const [badKind, badKindJson, listHelp, createHelp, getHelp] = await Promise.all([
      jobs(["estimate", "--kind", "NOPE", "--rows", "10"], env),
      jobs(["--json", "estimate", "--kind", "NOPE", "--rows", "10"], env),
      jobs(["list", "--help"]),
      jobs(["create", "--help"]),
      jobs(["get", "--help"]),
    ]);
    expect(badKind.code).toBe(1);
    expect(badKind.stderr).toContain("--kind must be one of ANALYZE, FABRICATE");
    expect(JSON.parse(badKindJson.stderr)).toMatchObject({ error: { code: "USAGE" }, exitCode: 1 });
    expect(listHelp.stdout).toMatch(/-t, --type <reasonerType> +only jobs of this family/);
    expect(createHelp.stdout).toMatch(/-t, --type <reasonerType> +the job's family\s*$/m);
    expect(getHelp.stdout).toContain("found from the id when absent");
  });

  it("--version prints the package's version", async () => {
    const r = await jobs(["--version"]);
    expect(r.code).toBe(0);
    const { version } = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "package.json"), "utf8")) as {
      version: string;
    };
    expect(r.stdout.trim()).toBe(version);
  });

  it("prints a bash completion script that completes commands, subcommands and each command's flags", async () => {
    const script = await jobs(["completion", "bash"]);
    expect(script.code).toBe(0);
    const file = join(mkdtempSync(join(tmpdir(), "jobsctl-completion-")), "jobsctl.bash");
    writeFileSync(file, script.stdout);
    const complete = (...words: string[]) =>
      new Promise<string>((resolve, reject) => {
        const probe = `source "${file}"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _jobsctl; printf '%s\\n' "\${COMPREPLY[*]}"`;
        execFile("bash", ["-c", probe], (error, stdout) => (error ? reject(error) : resolve(stdout.trim())));
      });
    expect(await complete("jobsctl", "li")).toBe("list");
    expect(await complete("jobsctl", "list", "--sta")).toBe("--state");
    expect(await complete("jobsctl", "--json", "list", "--type", "GENERATION", "--fi")).toBe("--first");
    expect((await complete("jobsctl", "keys", "")).split(" ")).toEqual(
      expect.arrayContaining(["create", "list", "revoke"]),
    );
    expect(await complete("jobsctl", "keys", "create", "--ro")).toBe("--role");
    const zsh = await jobs(["completion", "zsh"]);
    expect(zsh.stdout).toMatch(/^autoload -U \+X bashcompinit && bashcompinit\n/);
    expect((await jobs(["completion", "fish"])).code).toBe(1);
  });

  it("with --json, the parser's own refusals are JSON too: code USAGE, exit 1", async () => {
    for (const args of [
      ["list", "--first", "abc", "--json"],
      ["--json", "list", "--bogus"],
      ["-o", "yaml", "list", "--first", "0"],
    ]) {
      const r = await jobs(args, { JOBS_API_KEY: "jobs_unused-0000000000000000" });
      expect(r.code, args.join(" ")).toBe(1);
      expect(JSON.parse(r.stderr), args.join(" ")).toMatchObject({ error: { code: "USAGE" }, exitCode: 1 });
    }
    // Without it, people read the plain line and the hint.
    const plain = await jobs(["list", "--bogus"], { JOBS_API_KEY: "jobs_unused-0000000000000000" });
    expect(plain.stderr).toMatch(/^error: unknown option '--bogus'/);
  });

  it("list --sort refuses a field or direction it does not know: exit 1, nothing sent", async () => {
    const r = await jobs(["--json", "list", "--sort", "size:up"], {
      JOBS_URL: "http://127.0.0.1:9",
      JOBS_API_KEY: "jobs_unused-0000000000000000",
    });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: "USAGE" }, exitCode: 1 });
    expect(r.stderr).toContain("created_on, name, state, finished_on");
  });

  it("an unreachable server is an API error: exit 2", async () => {
    const r = await jobs(["--json", "list"], {
      JOBS_URL: "http://127.0.0.1:9",
      JOBS_API_KEY: "jobs_unused-0000000000000000",
    });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: "NETWORK_ERROR" }, exitCode: 2 });
  });
});

// One backend: the CLI talks to the server over HTTP only, and every call it makes is tested on both
// backends by the API's own suites; this suite spawns ~75 processes a backend (CI's slowest file).
// PostgreSQL when it answers (what a deployment runs), else PGlite.
describe.each([backends.at(-1)!].map((b) => [b.name, b] as const))("jobsctl on %s", (_name, backend) => {
  let t: TestServer;
  let env: Record<string, string>;
  let dir: string;
  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_WORKERS: "2" });
    env = { JOBS_URL: t.url, JOBS_API_KEY: ADMIN_KEY };
    dir = mkdtempSync(join(tmpdir(), "jobs-cli-"));
  });
  afterAll(async () => {
    await t?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("create sends --reasoner only when given: an AGENT job without a pool waits in the server's agents queue", async () => {
    type Created = { jobId: string; reasonerType: string; reasonerName: string };
    const create = async (type: string, payload: string, ...more: string[]) =>
      json<Created>(await jobs(["--json", "create", "--type", type, "--payload", payload, ...more], env));
    const made = [
      await create("AGENT", '{"functionName":"mesh"}'),
      await create("AGENT", '{"functionName":"mesh"}', "--reasoner", "night-shift"),
      await create("PREDICTIVE", '{"model":"churn","rows":1}'),
    ];
    expect(made.map((j) => j.reasonerName)).toEqual(["agents", "night-shift", "default"]);
    const queues = await t.server.services.db.query<{ id: string; queue: string }>(
      `select "id"::text as "id", "queue" from "jobs" where "id" = any($1::uuid[])`,
      [made.map((j) => j.jobId)],
    );
    expect(made.map((j) => queues.find((q) => q.id === j.jobId)?.queue)).toEqual(["agents", "night-shift", "default"]);
    // Nobody takes them here: ended, so no other test meets them waiting.
    for (const j of made) expect((await jobs(["cancel", j.jobId, "--type", j.reasonerType], env)).code).toBe(0);
  });

  it("list --created-after/--created-before take an ISO date or a duration ago; a bad one is a usage error", async () => {
    const member = { ...env, JOBS_API_KEY: await createKey(t.admin, "cli-clock") };
    const made = [
      await createJob(t.client(member.JOBS_API_KEY), "LOGIC", 1),
      await createJob(t.client(member.JOBS_API_KEY), "AGENT", 2),
    ];
    const listed = async (...args: string[]) =>
      json<{ jobs: { jobId: string }[]; totalCount: number }>(await jobs(["--json", "list", ...args], member));
    const recent = await listed("--created-after", "1h");
    expect(recent.jobs.map((j) => j.jobId).sort()).toEqual(made.map((j) => j.jobId).sort());
    expect(await listed("--created-before", "1h")).toMatchObject({ jobs: [], totalCount: 0 });
    const isoWindow = await listed(
      "--created-after",
      new Date(Date.now() - 3_600_000).toISOString(),
      "--created-before",
      "0s",
    );
    expect(isoWindow.totalCount).toBe(2);
    for (const [flag, when] of [
      ["--created-after", "yesterday-ish"],
      ["--created-before", "99999999999999999"],
    ]) {
      const bad = await jobs(["list", flag!, when!], member);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain(flag);
    }
  });

  it("create --dry-run checks the job as the server would create it, and creates nothing", async () => {
    const jobCount = async () =>
      (await t.server.services.db.query<{ n: number }>(`select count(*)::int as "n" from "jobs"`))[0]?.n;
    const before = await jobCount();
    const [valid, generation, refused, withWait] = await Promise.all([
      jobs(["create", "--dry-run", "--type", "PREDICTIVE", "--payload", '{"model":"churn","rows":1}'], env),
      jobs(["--json", "create", "--dry-run", "--type", "GENERATION", "--payload", '{"kind":"MOCK","rows":10}'], env),
      jobs(["create", "--dry-run", "--type", "GENERATION", "--payload", '{"kind":"MOCK","rows":-1}'], env),
      jobs(["create", "--dry-run", "--wait", "--type", "PREDICTIVE"], env),
    ]);
    expect(valid).toMatchObject({ code: 0, stdout: "valid: the server would create this PREDICTIVE job\n" });
    expect(json(generation)).toEqual({ valid: true });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("input.payload.rows");
    expect(refused.stderr).toContain("BAD_USER_INPUT");
    expect(withWait.code).toBe(1);
    expect(withWait.stderr).toMatch(/--dry-run.*cannot be used with.*--wait/);
    expect(await jobCount()).toBe(before);
  });

  it("get shows a batch's steps in order, each with its state and the job it made", async () => {
    const payload = JSON.stringify({
      steps: [
        { name: "make", run: { reasonerType: "GENERATION", payload: { kind: "MOCK", rows: 10, seed: 1 } } },
        { name: "again", run: { reasonerType: "GENERATION", payload: { kind: "MOCK", rows: 20, seed: 2 } } },
      ],
    });
    const made = json<{ jobId: string; state: string; steps: { name: string; childJobId: string }[] }>(
      await jobs(["--json", "create", "--type", "BATCH", "--name", "cli-batch", "--payload", payload, "--wait"], env),
    );
    expect(made.state).toBe("SUCCEEDED");
    const children = made.steps.map((s) => s.childJobId);
    expect(children.every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true);
    const shown = await jobs(["get", made.jobId], env);
    expect(shown.code).toBe(0);
    const lines = shown.stdout.split("\n");
    const head = lines.findIndex((l) => /^STEP\s+NAME\s+STATE\s+CHILD JOB\s+DURATION$/.test(l));
    expect(head).toBeGreaterThan(0);
    expect(lines[head + 1]).toMatch(new RegExp(`^1\\s+make\\s+SUCCEEDED\\s+${children[0]}\\s+\\d`));
    expect(lines[head + 2]).toMatch(new RegExp(`^2\\s+again\\s+SUCCEEDED\\s+${children[1]}\\s+\\d`));
  });

  it("downloads artifacts named . or .. as 'artifact' inside --out; uploading a folder is a usage error", async () => {
    const { jobId } = await createJob(t.admin, "PREDICTIVE");
    const worker = new Worker({
      url: t.url,
      apiKey: await createKey(t.admin, "cli-dots", "WORKER"),
      name: "dots",
      reasonerTypes: ["PREDICTIVE"],
    });
    const lease = (await worker.claim())!;
    expect(lease.job.jobId).toBe(jobId);
    const uploaded = await worker.uploadArtifact(lease.token, { name: "..", body: Buffer.from("up") });
    await worker.complete(lease.token, {}, [uploaded.id]);
    const out = join(dir, "dots");
    const r = await jobs(["download", jobId, "--out", `${out}/`], env);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(out, "artifact"), "utf8")).toBe("up");
    expect(existsSync(join(dir, "up"))).toBe(false);
    const folder = await jobs(["--json", "upload", dir], env);
    expect(folder.code).toBe(1);
    expect(JSON.parse(folder.stderr)).toMatchObject({
      exitCode: 1,
      error: { message: expect.stringContaining("folder") },
    });
  });

  it("get shows the job's problems: counted with the first few in a table, all with -o wide, the full list in json and yaml", async () => {
    const { jobId } = await createJob(t.admin, "PRESCRIPTIVE");
    const worker = new Worker({
      url: t.url,
      apiKey: await createKey(t.admin, "cli-problems", "WORKER"),
      name: "problems",
      reasonerTypes: ["PRESCRIPTIVE"],
    });
    const lease = (await worker.claim())!;
    expect(lease.job.jobId).toBe(jobId);
    const problems = Array.from({ length: 7 }, (_, i) => ({
      severity: i === 0 ? "ERROR" : "WARNING",
      code: `ROW_${i}`,
      message: `row ${i} skipped`,
      details: { row: i },
    }));
    await worker.complete(lease.token, {}, [], problems);

    const [asJson, asYaml, table, wide] = await Promise.all([
      jobs(["--json", "get", jobId], env),
      jobs(["-o", "yaml", "get", jobId], env),
      jobs(["get", jobId], env),
      jobs(["-o", "wide", "get", jobId], env),
    ]);
    expect(json<{ problems: unknown[] }>(asJson).problems).toEqual(problems);
    expect((parseYaml(asYaml.stdout) as { problems: unknown[] }).problems).toEqual(problems);
    expect(table.stdout).toMatch(/Problems\s+│?\s*1 error, 6 warning/);
    expect(table.stdout).toMatch(/^SEVERITY +CODE +MESSAGE$/m);
    expect(table.stdout).toMatch(/^ERROR +ROW_0 +row 0 skipped$/m);
    expect(table.stdout).not.toContain("ROW_5");
    expect(table.stdout).toContain("… 2 more");
    expect(wide.stdout).toMatch(/^SEVERITY +CODE +MESSAGE +DETAILS$/m);
    expect(wide.stdout).toMatch(/^WARNING +ROW_6 +row 6 skipped +\{"row":6\}$/m);
  });

  it("logs -o yaml prints one YAML list of the lines, followed or not; --json prints the same NDJSON followed or not", async () => {
    const { jobId } = await createJob(t.admin, "LOGIC", 0, { reasonerName: "engine-yaml" });
    const worker = new Worker({
      url: t.url,
      apiKey: await createKey(t.admin, "cli-logs", "WORKER"),
      name: "logs",
      reasonerTypes: ["LOGIC"],
      reasonerNames: ["engine-yaml"],
    });
    const lease = (await worker.claim())!;
    expect(lease.job.jobId).toBe(jobId);
    const empty = await jobs(["-o", "yaml", "logs", jobId], env);
    expect(empty.code, empty.stderr).toBe(0);
    expect(parseYaml(empty.stdout)).toEqual([]);
    await worker.appendLogs(
      lease.token,
      [1, 2, 3].map((i) => ({ message: `line ${i}`, level: "info", step: "run" })),
    );
    await worker.complete(lease.token, {});

    const [asJson, followedJson, asYaml, followedYaml] = await Promise.all([
      jobs(["--json", "logs", jobId], env),
      jobs(["--json", "logs", jobId, "--follow"], env),
      jobs(["-o", "yaml", "logs", jobId], env),
      jobs(["-o", "yaml", "logs", jobId, "--follow"], env),
    ]);
    const lines = asJson.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { message: string });
    expect(lines.map((l) => l.message)).toEqual(["line 1", "line 2", "line 3"]);
    expect(followedJson.stdout).toBe(asJson.stdout);
    expect(parseYaml(asYaml.stdout)).toEqual(lines);
    expect(followedYaml.stdout).toBe(asYaml.stdout);
  });

  it("the documented generation flow: estimate, create, logs --follow, wait, download, verify, rerun", async () => {
    // A member key made with the CLI, passed by flag from here on.
    const key = json<{ secret: string; apiKey: { role: string } }>(
      await jobs(["--json", "keys", "create", "--user", "cli-user", "--role", "member"], env),
    );
    expect(key.apiKey.role).toBe("MEMBER");
    const member = ["--url", t.url, "--api-key", key.secret];

    // Independent steps run side by side to keep the suite quick; each is a separate process anyway.
    const [estimated, createdRun] = await Promise.all([
      jobs([...member, "--json", "estimate", "--kind", "MOCK", "--rows", "1000"]),
      jobs([
        ...member,
        "--json",
        "create",
        "--type",
        "GENERATION",
        "--name",
        "cli-demo",
        "--payload",
        '{"kind":"MOCK","rows":1000,"seed":42}',
      ]),
    ]);
    expect(json<{ estimatedCredits: number }>(estimated).estimatedCredits).toBe(1);
    const created = json<{ jobId: string; reasonerType: string; state: string }>(createdRun);
    expect(created.reasonerType).toBe("GENERATION");

    // Following the log and waiting at the same time; both end when the job does.
    const [follow, waited] = await Promise.all([
      jobs([...member, "logs", created.jobId, "--follow"]),
      jobs([...member, "--json", "wait", created.jobId, "--timeout", "120"]),
    ]);
    expect(follow.code).toBe(0);
    expect(follow.stdout).toMatch(/INFO +MOCK started \(seed 42\)/);
    expect(follow.stdout).toContain("MOCK finished: mock.csv");
    const job = json<{ state: string; artifacts: { name: string; contentHash: string; sizeBytes: number }[] }>(waited);
    expect(job.state).toBe("SUCCEEDED");

    const [listedRun, searchedRun, human, savedRun, verifiedRun] = await Promise.all([
      jobs([...member, "--json", "list", "--name", "cli-demo"]),
      jobs([...member, "--json", "list", "--name-contains", "LI-DE"]),
      jobs([...member, "list", "--type", "GENERATION"]),
      // Download into a folder: the file's bytes hash to the artifact's contentHash.
      jobs([...member, "--json", "download", created.jobId, "--out", `${dir}/first/`]),
      jobs([...member, "--json", "verify", created.jobId]),
    ]);
    expect(json<{ jobs: { jobId: string }[] }>(listedRun).jobs.map((j) => j.jobId)).toEqual([created.jobId]);
    expect(json<{ jobs: { jobId: string }[] }>(searchedRun).jobs.map((j) => j.jobId)).toEqual([created.jobId]);
    expect(human.stdout).toContain(created.jobId);
    expect(human.stdout).toMatch(/^JOB ID +TYPE +STATE/);

    const saved = json<{ name: string; path: string; contentHash: string; verified: boolean }[]>(savedRun);
    expect(saved).toHaveLength(1);
    expect(saved[0]!.path).toBe(join(dir, "first", "mock.csv"));
    const bytes = readFileSync(saved[0]!.path);
    expect(sha256(bytes)).toBe(job.artifacts[0]!.contentHash);
    expect(bytes.toString("utf8").split("\n")[0]).not.toBe("");

    expect(json<{ verified: boolean; mismatches: string[] }>(verifiedRun)).toMatchObject({
      verified: true,
      mismatches: [],
    });

    // Rerun and wait: byte-identical output, downloaded to a named file.
    const rerun = json<{ jobId: string; state: string }>(
      await jobs([...member, "--json", "rerun", created.jobId, "--wait", "--timeout", "120"]),
    );
    expect(rerun.state).toBe("SUCCEEDED");
    const again = json<{ path: string }[]>(
      await jobs([...member, "--json", "download", rerun.jobId, "--out", join(dir, "rerun.csv")]),
    );
    expect(again[0]!.path).toBe(join(dir, "rerun.csv"));
    expect(readFileSync(join(dir, "rerun.csv")).equals(bytes)).toBe(true);
  });

  it("keys list shows the tenant's keys (table, -o wide, json, yaml); keys revoke shuts a key out at once", async () => {
    const created = json<{ secret: string; apiKey: { id: string; prefix: string } }>(
      await jobs(["--json", "keys", "create", "--user", "keys-cli-user", "--role", "member"], env),
    );
    const member = { JOBS_URL: t.url, JOBS_API_KEY: created.secret };
    expect((await jobs(["list"], member)).code).toBe(0);

    type Listed = {
      id: string;
      prefix: string;
      userId: string;
      role: string;
      createdOn: string;
      lastUsedOn: string | null;
      revokedOn: string | null;
    };
    const [listedJson, listedYaml, table, wide] = await Promise.all([
      jobs(["-o", "json", "keys", "list"], env),
      jobs(["-o", "yaml", "keys", "list"], env),
      jobs(["keys", "list"], env),
      jobs(["-o", "wide", "keys", "list"], env),
    ]);
    const listed = json<Listed[]>(listedJson);
    const mine = listed.find((k) => k.id === created.apiKey.id);
    expect(mine).toMatchObject({
      prefix: created.apiKey.prefix,
      userId: "keys-cli-user",
      role: "MEMBER",
      revokedOn: null,
    });
    expect(mine?.lastUsedOn).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    expect(parseYaml(listedYaml.stdout)).toEqual(listed);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^KEY ID +PREFIX +USER +ROLE +TENANT +CREATED +LAST USED +REVOKED/);
    const row = table.stdout.split("\n").find((l) => l.startsWith(created.apiKey.id));
    expect(row).toMatch(new RegExp(`${created.apiKey.prefix} +keys-cli-user +MEMBER .* ago`));
    expect(wide.stdout.split("\n").find((l) => l.startsWith(created.apiKey.id))).toContain(mine?.createdOn);

    const revoked = json<Listed>(await jobs(["--json", "keys", "revoke", created.apiKey.id], env));
    expect(revoked).toMatchObject({ id: created.apiKey.id, revokedOn: expect.any(String) });
    const human = await jobs(["keys", "revoke", created.apiKey.id], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`revoked ${created.apiKey.id}`);

    const [refused, current, all] = await Promise.all([
      jobs(["--json", "list"], member),
      jobs(["--json", "keys", "list"], env),
      jobs(["--json", "keys", "list", "--all"], env),
    ]);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stderr)).toMatchObject({ error: { code: "UNAUTHENTICATED" } });
    expect(json<Listed[]>(current).map((k) => k.id)).not.toContain(created.apiKey.id);
    expect(json<Listed[]>(all).find((k) => k.id === created.apiKey.id)?.revokedOn).toBe(revoked.revokedOn);

    // A member may not list or revoke keys; an unknown id is not found (exit 4).
    const other = json<{ secret: string }>(
      await jobs(["--json", "keys", "create", "--user", "keys-cli-other", "--role", "member"], env),
    );
    const [forbidden, unknown] = await Promise.all([
      jobs(["--json", "keys", "list"], { JOBS_URL: t.url, JOBS_API_KEY: other.secret }),
      jobs(["--json", "keys", "revoke", "no-such-key"], env),
    ]);
    expect(JSON.parse(forbidden.stderr)).toMatchObject({ error: { code: "FORBIDDEN" } });
    expect(forbidden.code).toBe(2);
    expect(unknown.code).toBe(4);
    expect(JSON.parse(unknown.stderr)).toMatchObject({ error: { code: "NOT_FOUND" } });
  });

  it("reads URL and key from a config-file profile; flags and environment variables win over it", async () => {
    const file = join(dir, "config.yaml");
    writeFileSync(
      file,
      [
        "current: team",
        "profiles:",
        `  team: { url: "${t.url}", apiKey: "${ADMIN_KEY}" }`,
        `  stale: { url: "${t.url}", apiKey: "jobs_revoked-key-0000000000000000" }`,
      ].join("\n"),
    );
    const [current, named, overridden, unknown] = await Promise.all([
      jobs(["--json", "list", "--first", "1"], { JOBS_CONFIG: file }),
      jobs(["--config", file, "--profile", "team", "--json", "list", "--first", "1"]),
      jobs(["--config", file, "--profile", "stale", "--json", "list", "--first", "1"], { JOBS_API_KEY: ADMIN_KEY }),
      jobs(["--config", file, "--profile", "nope", "list"]),
    ]);
    expect(json<{ totalCount: number }>(current).totalCount).toBeGreaterThanOrEqual(0);
    expect(named.code).toBe(0);
    expect(overridden.code).toBe(0);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no profile "nope" (profiles: team, stale)');
  });

  it("-o yaml and -o json print the same page; -o wide adds the native state and full times", async () => {
    await jobs(
      ["--json", "create", "--type", "LOGIC", "--reasoner", "engine-o", "--payload", '{"query":"def output = 2"}'],
      env,
    );
    const [asYaml, asJson, wide, table, none] = await Promise.all([
      jobs(["-o", "yaml", "list", "--type", "LOGIC", "--first", "1"], env),
      jobs(["-o", "json", "list", "--type", "LOGIC", "--first", "1"], env),
      jobs(["-o", "wide", "list", "--type", "LOGIC", "--first", "1"], env),
      jobs(["list", "--type", "LOGIC", "--first", "1"], env),
      jobs(["list", "--name", "no-job-has-this-name"], env),
    ]);
    // No header over nothing: the table says so in words.
    expect(none).toMatchObject({ code: 0, stdout: "No jobs found.\n" });
    expect(table.stdout).toMatch(/^1 of [\d,]+ jobs?(; next page: --after \S+)?$/m);
    expect(asYaml.code).toBe(0);
    expect(parseYaml(asYaml.stdout)).toEqual(json(asJson));
    expect(wide.stdout.split("\n")[0]).toMatch(/NATIVE.*CREATED\s+DURATION$/);
    expect(wide.stdout).toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(table.stdout).toMatch(/\d+s ago|\dm ago/);
    expect(table.stdout).not.toContain("\u001b["); // piped: no colour
  });

  it("exit codes: 4 not found, 3 timeout, 5 hash mismatch or unverified evidence, 6 canceled, 2 refused", async () => {
    const [missing, logicRun, genRun, refused] = await Promise.all([
      jobs(["get", "00000000-0000-4000-8000-000000000000"], env),
      jobs(
        ["--json", "create", "--type", "LOGIC", "--reasoner", "engine-a", "--payload", '{"query":"def output = 1"}'],
        env,
      ),
      jobs(
        ["--json", "create", "--type", "GENERATION", "--payload", '{"kind":"MOCK","rows":20,"seed":5}', "--wait"],
        env,
      ),
      jobs(["list", "--all-users"], { ...env, JOBS_API_KEY: "jobs_wrong-key-000000000000000000" }),
    ]);
    expect(missing.code).toBe(4);
    // The message once, its code once, after it.
    expect(missing.stderr).toMatch(/^error: .+ \(NOT_FOUND\)\n$/);
    expect(missing.stderr.split("NOT_FOUND")).toHaveLength(2);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("UNAUTHENTICATED");

    // Nobody runs LOGIC jobs on this server: waiting times out.
    const logic = json<{ jobId: string }>(logicRun);
    const timedOut = await jobs(["--json", "wait", logic.jobId, "--type", "LOGIC", "--timeout", "0.5"], env);
    expect(timedOut.code).toBe(3);
    expect(JSON.parse(timedOut.stderr)).toMatchObject({ error: { code: "JOB_TIMEOUT" }, exitCode: 3 });

    const canceled = await jobs(["cancel", logic.jobId], env);
    expect(canceled.code).toBe(0);
    expect(canceled.stdout).toContain("CANCELED");

    const gen = json<{ jobId: string }>(genRun);
    const [waitCanceled, downloadNothing, wrongHash, otherSigner] = await Promise.all([
      jobs(["wait", logic.jobId], env),
      jobs(["download", logic.jobId], env),
      jobs(["download", gen.jobId, "--out", join(dir, "wrong.csv"), "--expected-hash", "0".repeat(64)], env),
      jobs(["verify", gen.jobId, "--public-key", `sha256:${"b".repeat(64)}`], env),
    ]);
    expect(waitCanceled.code).toBe(6);
    expect(downloadNothing.code).toBe(4);
    expect(wrongHash.code).toBe(5);
    expect(wrongHash.stderr).toContain("removed");
    expect(existsSync(join(dir, "wrong.csv"))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes("partial"))).toEqual([]);
    expect(otherSigner.code).toBe(5);
    expect(otherSigner.stdout).toContain("not by the expected key");
  });

  it("list --offset skips that many of the filtered, newest-first list (RelationalAI's list(offset=))", async () => {
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      made.push(
        json<{ jobId: string }>(
          await jobs(
            [
              "--json",
              "create",
              "--type",
              "LOGIC",
              "--reasoner",
              "engine-a",
              "--name",
              "offset-cli",
              "--payload",
              `{"query":"def q = ${i}"}`,
            ],
            env,
          ),
        ).jobId,
      );
    }
    const page = json<{ jobs: { jobId: string }[]; totalCount: number }>(
      await jobs(["--json", "list", "--name", "offset-cli", "--offset", "1", "--first", "1"], env),
    );
    expect(page).toMatchObject({ totalCount: 3, jobs: [{ jobId: made[1] }] });
    const both = await jobs(["list", "--offset", "1", "--after", "x"], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("offset");
  });

  it("list --sort orders the page by a field either way; its next-page hint and --after keep the order", async () => {
    await t.admin.request(`mutation($i: [CreateJobInput!]!) { createJobs(inputs: $i) { job { jobId } } }`, {
      i: ["sort-cli-b", "sort-cli-C", "sort-cli-a"].map((name) => ({
        reasonerType: "PREDICTIVE",
        reasonerName: "default",
        payload: { model: "churn", rows: 1 },
        name,
      })),
    });
    const names = async (...args: string[]) =>
      json<{ jobs: { name: string }[] }>(
        await jobs(["--json", "list", "--name-contains", "sort-cli", ...args], env),
      ).jobs.map((j) => j.name);
    // By the names' bytes: uppercase before lowercase.
    expect(await names("--sort", "name")).toEqual(["sort-cli-C", "sort-cli-a", "sort-cli-b"]);
    expect(await names("--sort", "name:desc")).toEqual(["sort-cli-b", "sort-cli-a", "sort-cli-C"]);
    const first = await jobs(["list", "--name-contains", "sort-cli", "--sort", "NAME:desc", "--first", "1"], env);
    const hint = /next page: (--after \S+ --sort name:desc)$/m.exec(first.stdout);
    expect(hint, first.stdout).not.toBeNull();
    const [, cursor] = hint![1]!.split(" ");
    expect(await names("--sort", "name:desc", "--after", cursor!)).toEqual(["sort-cli-a", "sort-cli-C"]);
    // The cursor of one order with another is refused by the server: exit 2, saying why.
    const mixed = await jobs(["list", "--name-contains", "sort-cli", "--after", cursor!], env);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain("sorted by NAME DESC");
  });

  it("verify re-hashes the artifacts' own bytes: a changed output exits 5 even though the bundle still matches its records", async () => {
    const gen = json<{ jobId: string; artifacts: { name: string; contentHash: string }[] }>(
      await jobs(
        ["--json", "create", "--type", "GENERATION", "--payload", '{"kind":"MOCK","rows":30,"seed":8}', "--wait"],
        env,
      ),
    );
    expect(json<{ verified: boolean }>(await jobs(["--json", "verify", gen.jobId], env)).verified).toBe(true);
    const output = gen.artifacts[0]!;
    const path = t.server.services.blobs.pathOf(output.contentHash);
    const original = readFileSync(path);
    // Same length, one bit changed: what a download's Content-Length cannot catch.
    const tampered = Buffer.from(original);
    tampered[0] = tampered[0]! ^ 1;
    writeFileSync(path, tampered);
    try {
      const verify = await jobs(["--json", "verify", gen.jobId], env);
      expect(verify.code).toBe(5);
      const check = JSON.parse(verify.stdout) as { verified: boolean; mismatches: string[] };
      expect(check.verified).toBe(false);
      expect(check.mismatches).toEqual([expect.stringContaining(`mock.csv: its bytes hash to sha256:`)]);
    } finally {
      writeFileSync(path, original);
    }
  });
});
