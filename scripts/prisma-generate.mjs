// Generates the Prisma client. Prisma's CLI wants its native schema engine path to exist even
// though `generate` never runs it, and it cannot be downloaded here: point it at node itself.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

// A production install (`npm ci --omit=dev`) has no prisma CLI and needs none: the compiled server
// in dist/ carries its generated client.
try {
  createRequire(import.meta.url).resolve("prisma/package.json");
} catch {
  process.stderr.write("prisma CLI not installed (production install): skipping prisma generate\n");
  process.exit(0);
}

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY || !existsSync(env.PRISMA_SCHEMA_ENGINE_BINARY)) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";
const result = spawnSync("npx", ["--no-install", "prisma", "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
