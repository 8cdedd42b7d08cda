#!/usr/bin/env node
// The `jobsctl` command (not `jobs`: shells have a builtin of that name). In a checkout with dev
// dependencies it runs the TypeScript sources through tsx's loader (always current, no build step);
// in a production install (no tsx) it runs the compiled CLI from dist/ (`npm run build`).
import { existsSync } from "node:fs";

let register;
try {
  ({ register } = await import("tsx/esm/api"));
} catch {
  register = undefined;
}
const source = new URL("../src/cli/main.ts", import.meta.url);
const compiled = new URL("../dist/cli/main.js", import.meta.url);
let cli;
if (register && existsSync(source)) {
  // The repository's tsconfig (whatever the working directory): it maps @jobs-api/client to its sources.
  process.env.TSX_TSCONFIG_PATH ??= new URL("../tsconfig.json", import.meta.url).pathname;
  register();
  cli = await import(source.href);
} else {
  cli = await import(compiled.href);
}
await cli.main();
