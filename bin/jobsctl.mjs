#!/usr/bin/env node
// The `jobsctl` command (not `jobs`: shells have a builtin of that name): runs the TypeScript CLI through tsx's loader, so no build step is needed.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
await main();
