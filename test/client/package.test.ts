// @jobs-api/client as a user gets it: the package compiled and packed with `npm pack`, installed from
// the tarball into a new project, then (1) a script run by plain node (no tsx) against the real
// server, (2) a consumer type-checked by a strict tsc (nodenext), (3) the browser entry bundled for
// the browser platform without one node: built-in in its import graph.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const PACKAGE = join(ROOT, "packages", "client");
const require = createRequire(import.meta.url);
const TSC = require.resolve("typescript/bin/tsc");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const npm = (args: string[], cwd: string) => run("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], cwd);

let work: string;
let consumer: string;
let tarball: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "jobs-client-pkg-"));
  // Built into a copy, so this test never races `npm run build` over packages/client/dist.
  const staged = join(work, "client");
  mkdirSync(staged);
  cpSync(join(PACKAGE, "package.json"), join(staged, "package.json"));
  const built = await run(
    process.execPath,
    [TSC, "-p", join(PACKAGE, "tsconfig.build.json"), "--outDir", join(staged, "dist")],
    ROOT,
  );
  expect(built.code, built.stdout + built.stderr).toBe(0);
  const packed = await npm(["pack", "--json", "--pack-destination", work], staged);
  expect(packed.code, packed.stderr).toBe(0);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  // Only the compiled package: no sources, no tests, nothing of the server.
  const paths = info!.files.map((f) => f.path);
  expect(paths).toContain("dist/index.js");
  expect(paths).toContain("dist/node.d.ts");
  expect(paths.filter((p) => !p.startsWith("dist/") && p !== "package.json")).toEqual([]);
  expect(paths.some((p) => p.endsWith(".ts") && !p.endsWith(".d.ts"))).toBe(false);
  tarball = join(work, info!.filename);

  consumer = join(work, "app");
  mkdirSync(consumer);
  writeFileSync(
    join(consumer, "package.json"),
    JSON.stringify({ name: "jobs-client-consumer", private: true, type: "module" }),
  );
  // Dependencies come from the npm cache when it has them (npm ci filled it), else the registry.
  const nodeTypes = (
    JSON.parse(readFileSync(join(ROOT, "node_modules", "@types", "node", "package.json"), "utf8")) as {
      version: string;
    }
  ).version;
  const installed = await npm(
    ["install", "--prefer-offline", "--ignore-scripts", tarball, `@types/node@${nodeTypes}`],
    consumer,
  );
  expect(installed.code, installed.stderr).toBe(0);
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the packed @jobs-api/client", () => {
  it("declares no install scripts and depends on nothing of the server", () => {
    const manifest = JSON.parse(
      readFileSync(join(consumer, "node_modules", "@jobs-api", "client", "package.json"), "utf8"),
    ) as Record<string, unknown>;
    const scripts = Object.keys((manifest.scripts ?? {}) as Record<string, string>);
    expect(scripts.filter((s) => /install|prepare|prepack|postpack/.test(s))).toEqual([]);
    const deps = Object.keys({ ...(manifest.dependencies as object), ...(manifest.peerDependencies as object) });
    expect(deps.filter((d) => /prisma|^pg$|pglite|apollo|pothos|express/.test(d))).toEqual([]);
    expect(Object.keys(manifest.exports as object)).toEqual(expect.arrayContaining([".", "./node"]));
  });

  it("type-checks a consumer with strict tsc (module and moduleResolution nodenext): zero errors", async () => {
    writeFileSync(
      join(consumer, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "ES2022",
          lib: ["ES2023", "DOM"],
          types: ["node"],
          noEmit: true,
          skipLibCheck: false,
        },
        include: ["consumer.ts"],
      }),
    );
    writeFileSync(
      join(consumer, "consumer.ts"),
      `import { documents, isTerminalState, JobsClient as BrowserClient, type Job, type JobSummary, type schema } from "@jobs-api/client";
import { JobsClient, Worker, type EvidenceCheck, type JobHandler } from "@jobs-api/client/node";

const browser: BrowserClient = new BrowserClient({ url: "http://localhost:4000", apiKey: "k" });
const client = new JobsClient({ url: "http://localhost:4000", apiKey: "k" });
const op = await client.create({ reasonerType: "LOGIC", reasonerName: "e", payload: { query: "q" } });
const job: Job = await op.wait(10);
const done: boolean = isTerminalState(job.state);
const state: schema.JobState = job.state;
for await (const changed of browser.jobsChanged({ reasonerType: "LOGIC" })) {
  const summary: JobSummary = changed;
  void summary;
  break;
}
for await (const update of client.jobUpdated(job)) void update.state;
for await (const event of client.jobEvents(job, { stream: "progress" })) void event.data;
for await (const line of client.jobLogs(job, { sinceMs: 0 })) void line.message;
const check: EvidenceCheck = await client.verifyEvidence(job);
const handler: JobHandler = async () => ({ result: { ok: true } });
new Worker({ url: "http://localhost:4000", apiKey: "k", name: "w", reasonerTypes: ["AGENT"] });
const query: string = documents.GetJobQuery.toString();
// @ts-expect-error: downloads to disk are Node-only, not on the browser client
browser.download;
export { check, done, handler, query, state };
`,
    );
    const checked = await run(process.execPath, [TSC, "-p", "tsconfig.json"], consumer);
    expect(checked.stdout + checked.stderr).toBe("");
    expect(checked.code).toBe(0);
  });

  it("bundles its browser entry for the browser with no node: built-in anywhere in the import graph", async () => {
    const { build } = await import("vite");
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    /** Bundles `source` for the browser; answers the built-ins its import graph reached and the code. */
    const bundle = async (name: string, source: string) => {
      const reached: string[] = [];
      const entry = join(consumer, `${name}.js`);
      writeFileSync(entry, source);
      const out = await build({
        root: consumer,
        configFile: false,
        logLevel: "silent",
        plugins: [
          { name: "record-builtins", enforce: "pre", resolveId: (id) => void (builtins.has(id) && reached.push(id)) },
        ],
        build: { write: false, lib: { entry, formats: ["es"], fileName: name }, minify: false },
      });
      const chunks = (Array.isArray(out) ? out : [out]).flatMap((o) => ("output" in o ? o.output : []));
      return { reached, code: chunks.map((c) => ("code" in c ? c.code : "")).join("\n") };
    };
    const browser = await bundle("browser", `export { JobsClient, documents } from "@jobs-api/client";\n`);
    expect(browser.reached).toEqual([]);
    expect(browser.code).toMatch(/JobsClient = class|class JobsClient/);
    expect(browser.code).toContain("jobsChanged(");
    expect(browser.code).not.toMatch(/from ["']node:/);
    // The check sees built-ins where there are some: the Node entry reaches node:fs and node:crypto.
    const node = await bundle("node", `export { JobsClient } from "@jobs-api/client/node";\n`);
    expect(node.reached).toEqual(expect.arrayContaining(["node:fs", "node:crypto"]));
  });
});

describe.each(backends.map((b) => [b.name, b] as const))(
  "the installed client under plain node, on %s",
  (_name, backend) => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer(backend, { JOBS_WORKERS: "2" });
    });
    afterAll(async () => {
      await t?.stop();
    });

    it("creates, waits for, lists and reads a generation job; follows it by subscription; downloads and verifies its output", async () => {
      const script = join(consumer, "use-client.mjs");
      writeFileSync(
        script,
        `import { JobsClient } from "@jobs-api/client/node";
import { readFileSync } from "node:fs";
const client = new JobsClient({ url: process.env.JOBS_URL, apiKey: process.env.JOBS_API_KEY });
const op = await client.createGeneration({ kind: "MOCK", rows: 100, seed: 7 });
const updates = [];
const followed = (async () => {
  for await (const job of client.jobUpdated(op.jobId)) {
    updates.push(job.state);
    if (job.state === "SUCCEEDED" || job.state === "FAILED") break;
  }
})();
const job = await op.wait(120);
await followed;
// The subscription replays the finished job's events: the same cursors the query pages through.
const page = await client.getEvents(job, { first: 500 });
const events = [];
if (page.events.length) {
  for await (const e of client.jobEvents(job)) {
    events.push(e.cursor);
    if (events.length === page.events.length) break;
  }
}
const listed = await client.list({ reasonerType: "GENERATION" });
const logs = await client.getLogs(job);
const artifact = job.artifacts[0];
const file = await client.download(artifact, process.env.OUT_DIR + "/" + artifact.name);
const check = await client.verifyEvidence(job);
const rerun = await (await client.rerun(job)).wait(120);
await client.close();
console.log(JSON.stringify({
  state: job.state, listed: listed.jobs.map((j) => j.jobId).includes(job.jobId), logLines: logs.length,
  updates, events, eventsPage: page.events.map((e) => e.cursor),
  artifact: artifact.name, hash: artifact.contentHash, downloadedHash: file.contentHash, bytes: readFileSync(file.path).length, size: artifact.sizeBytes,
  verified: check.verified, rerunHash: rerun.artifacts[0].contentHash, tsx: Object.keys(process.env).some((k) => k.startsWith("TSX")) || process.execArgv.join(" ").includes("tsx"),
}));
`,
      );
      const outDir = mkdtempSync(join(work, "out-"));
      const { TSX_TSCONFIG_PATH: _tsx, NODE_OPTIONS: _opts, ...env } = process.env;
      const result = await run(process.execPath, [script], consumer, {
        ...env,
        JOBS_URL: t.url,
        JOBS_API_KEY: ADMIN_KEY,
        OUT_DIR: outDir,
      });
      expect(result.code, result.stderr).toBe(0);
      const r = JSON.parse(result.stdout) as Record<string, unknown>;
      expect(r).toMatchObject({ state: "SUCCEEDED", listed: true, verified: true, tsx: false });
      expect(r.logLines).toBeGreaterThan(0);
      expect(r.updates).toContain("SUCCEEDED");
      expect((r.eventsPage as string[]).length).toBeGreaterThan(0);
      expect(r.events).toEqual(r.eventsPage);
      expect(r.downloadedHash).toBe(r.hash);
      expect(r.bytes).toBe(r.size);
      expect(r.rerunHash).toBe(r.hash);
      expect(readdirSync(outDir)).toEqual([r.artifact]);
    });
  },
);
