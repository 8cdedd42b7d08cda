// Child processes for the execution suites: the API server (`src/main.ts`, as `npm start` runs it)
// and the worker (`src/workers/main.ts`, as `npm run worker` runs it), started with node + tsx.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface Child {
  proc: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnTs(entry: string, env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ["--import", "tsx", entry], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  proc.stdout!.on("data", (d: Buffer) => (output += d.toString("utf8")));
  proc.stderr!.on("data", (d: Buffer) => (output += d.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once("exit", (code, signal) => resolve({ code, signal })));
  return { proc, output: () => output, exited };
}

/** Starts `src/main.ts` and resolves with its URL once it says it is ready. */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<Child & { url: string }> {
  const child = spawnTs("src/main.ts", { PORT: "0", HOST: "127.0.0.1", ...env });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within ${timeoutMs} ms:\n${child.output()}`)), timeoutMs);
    const onData = () => {
      const found = /Jobs API ready on (http:\/\/\S+)\/graphql/.exec(child.output());
      if (found) {
        clearTimeout(timer);
        child.proc.stdout!.off("data", onData);
        resolve(found[1]!);
      }
    };
    child.proc.stdout!.on("data", onData);
    void child.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code ?? signal}) before it was ready:\n${child.output()}`));
    });
  });
  return { ...child, url };
}

export async function stopChild(child: Child, signal: NodeJS.Signals = "SIGTERM"): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill(signal);
  return child.exited;
}
