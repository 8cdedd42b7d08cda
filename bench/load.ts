// Drives an HTTP endpoint with autocannon in a child process, so the load generator never shares
// the event loop (or the V8 heap) with the servers under test.
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { promisify } from "node:util";

const run = promisify(execFile);
const autocannonBin = createRequire(import.meta.url).resolve("autocannon/autocannon.js");

export interface LoadResult {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  requests: number;
  errors: number;
  non2xx: number;
}

export interface LoadOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  connections: number;
  durationS: number;
}

export async function postLoad(o: LoadOptions): Promise<LoadResult> {
  const args = [
    autocannonBin,
    "--json",
    "-c",
    String(o.connections),
    "-d",
    String(o.durationS),
    "-m",
    "POST",
    "-b",
    o.body,
  ];
  for (const [k, v] of Object.entries(o.headers)) args.push("-H", `${k}=${v}`);
  args.push(o.url);
  const { stdout } = await run(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 });
  const r = JSON.parse(stdout) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    errors: number;
    non2xx: number;
  };
  return {
    requestsPerSecond: r.requests.total / o.durationS,
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    requests: r.requests.total,
    errors: r.errors,
    non2xx: r.non2xx,
  };
}
