// Child processes for the execution suites: the API server (`src/main.ts`) and the worker
// (`src/worker.ts`), started with node + tsx from the sources, or (`compiled`) as `npm start`
// and `npm run worker` run them: plain node on dist/ (build it first: test/production/build.ts).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";
import type { Backend } from "../helpers/backends.ts";
import { ADMIN_KEY } from "../helpers/server.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface Child {
  proc: ChildProcess;
  /** stdout and stderr as they came. */
  output(): string;
  /** stdout alone. */
  stdout(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnTs(entry: string, env: Record<string, string>): Child {
  return spawnNode(["--import", "tsx", entry], env);
}

export function spawnNode(args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let stdout = "";
  proc.stdout!.on("data", (d: Buffer) => {
    output += d.toString("utf8");
    stdout += d.toString("utf8");
  });
  proc.stderr!.on("data", (d: Buffer) => (output += d.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { proc, output: () => output, stdout: () => stdout, exited };
}

/**
 * Builds dist/ as `npm start` does (prestart: scripts/build-if-stale.mjs, under the build lock: another
 * suite may be building at the same moment, and a second build would empty dist/ under the first's
 * processes). Resolves with the exit code and what the build printed.
 */
export function buildIfStale(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawnNode(["scripts/build-if-stale.mjs"], {});
    void child.exited.then(({ code }) => resolve({ code, output: child.output() }));
  });
}

/** Starts `src/main.ts` (or `dist/main.js`) and resolves with its URL once it says it is ready. */
export async function startServerProcess(
  env: Record<string, string>,
  timeoutMs = 60_000,
  options: { compiled?: boolean } = {},
): Promise<Child & { url: string }> {
  const serverEnv = { PORT: "0", HOST: "127.0.0.1", ...env };
  const child = options.compiled ? spawnNode(["dist/main.js"], serverEnv) : spawnTs("src/main.ts", serverEnv);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the server did not start within ${timeoutMs} ms:\n${child.output()}`)),
      timeoutMs,
    );
    const onData = () => {
      const found = /Jobs API ready on (http:\/\/\S+)\/graphql/.exec(child.output());
      if (found) {
        clearTimeout(timer);
        child.proc.stdout!.off("data", onData);
        child.proc.stderr!.off("data", onData);
        resolve(found[1]!);
      }
    };
    // The banner is on stderr (stdout carries JSON log lines only).
    child.proc.stdout!.on("data", onData);
    child.proc.stderr!.on("data", onData);
    void child.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code ?? signal}) before it was ready:\n${child.output()}`));
    });
  });
  return { ...child, url };
}

export async function stopChild(
  child: Child,
  signal: NodeJS.Signals = "SIGTERM",
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill(signal);
  return child.exited;
}

/**
 * A suite's server processes, all on one fresh database and one data folder (so a server started
 * after another's SIGKILL finds what it left): every process is killed, the database dropped and the
 * folder removed after the suite.
 */
export function serverProcesses(dataDirPrefix: string) {
  const dataDir = mkdtempSync(join(tmpdir(), dataDirPrefix));
  const children: Child[] = [];
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    for (const c of children) await stopChild(c, "SIGKILL");
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    /** Makes the suite's database; the environment its servers share, with these settings. */
    async environment(backend: Backend, settings: Record<string, string>): Promise<Record<string, string>> {
      const database = await backend.create();
      drop = database.drop;
      return {
        JOBS_DATA_DIR: dataDir,
        JOBS_ADMIN_API_KEY: ADMIN_KEY,
        JOBS_LOG_LEVEL: "warn",
        ...settings,
        ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
      };
    },
    /** Starts one (stopped with the others after the suite). */
    async start(env: Record<string, string>, timeoutMs?: number): Promise<Child & { url: string }> {
      const child = await startServerProcess(env, timeoutMs);
      children.push(child);
      return child;
    },
  };
}
