// Our server as a child process (`node dist/main.js`, the build `npm start` runs), for cases that measure the server
// process itself (its memory, as the kernel and V8 see it) or run several of them on one database;
// the load generator stays in the benchmark process, so its memory and CPU are not the server's.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshDatabase } from "./db.ts";
import { ADMIN_KEY } from "./ours.ts";

const repoRoot = new URL("../", import.meta.url).pathname;

export interface ChildServer {
  url: string;
  /** The database it serves (a second process on it: ChildServerOptions.databaseUrl). */
  databaseUrl: string;
  pid: number;
  /** Collects garbage in the server process, then reads its memory use. */
  memory(): Promise<NodeJS.MemoryUsage>;
  stop(): Promise<void>;
}

export interface ChildServerOptions {
  /** A database another process already uses (it is then not dropped on stop); a fresh one otherwise. */
  databaseUrl?: string;
  env?: Record<string, string>;
}

let built = false;

/** Builds dist/ first when it is older than its sources (once per benchmark process). */
function ensureBuilt(): void {
  if (built) return;
  const build = spawnSync(process.execPath, ["scripts/build-if-stale.mjs"], { cwd: repoRoot, stdio: "inherit" });
  if (build.status !== 0) throw new Error("the server could not be built (npm run build)");
  built = true;
}

/** One server process; resolves once it prints where to go. */
export async function startChildServer(label: string, options: ChildServerOptions = {}): Promise<ChildServer> {
  ensureBuilt();
  const db = options.databaseUrl ? null : await freshDatabase(label);
  const databaseUrl = options.databaseUrl ?? db!.url;
  const dataDir = mkdtempSync(join(tmpdir(), "jobs-bench-child-"));
  const child: ChildProcess = spawn(
    process.execPath,
    ["--expose-gc", "--import", "./bench/memory-probe.mjs", "dist/main.js"],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: "0",
        HOST: "127.0.0.1",
        DATABASE_URL: databaseUrl,
        JOBS_DATA_DIR: dataDir,
        JOBS_ADMIN_API_KEY: ADMIN_KEY,
        JOBS_WORKERS: "0",
        JOBS_RATE_LIMIT: "0",
        // Thousands of connections (subscribers, workers) under the one bench key.
        JOBS_MAX_WS_CONNECTIONS_PER_KEY: "0",
        JOBS_LOG_LEVEL: "warn",
        NODE_ENV: "production",
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  let onMemory: ((usage: NodeJS.MemoryUsage) => void) | null = null;
  child.stdout!.on("data", (chunk: Buffer) => {
    const report = /^memory (\{.*\})$/m.exec(chunk.toString());
    if (report && onMemory) onMemory(JSON.parse(report[1]!) as NodeJS.MemoryUsage);
  });
  // The start-up banner is printed to stderr (stdout stays for the memory reports); either is read.
  const url = await new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready on (http:\/\/\S+)\/graphql/.exec(output);
      if (match) resolve(match[1]!.replace("localhost", "127.0.0.1"));
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    child.once("exit", (code) => reject(new Error(`server exited (${code}):\n${output}`)));
  });
  return {
    url,
    databaseUrl,
    pid: child.pid!,
    memory: () =>
      new Promise<NodeJS.MemoryUsage>((resolve) => {
        onMemory = (usage) => {
          onMemory = null;
          resolve(usage);
        };
        child.kill("SIGUSR2");
      }),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await db?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
