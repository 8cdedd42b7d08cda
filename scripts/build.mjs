// `npm run build`: compiles the client package (packages/client/dist) and src/ to dist/ (tsc), then copies what the compiled
// server reads besides JavaScript: GraphiQL's browser files, so react and graphiql are build-time
// packages only. Writes dist/.build-stamp last: scripts/build-if-stale.mjs trusts a build that has it.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const require = createRequire(import.meta.url);

rmSync(dist, { recursive: true, force: true });
// The client package first: the server imports it (through node_modules) by its compiled build.
const clientDist = join(root, "packages", "client", "dist");
rmSync(clientDist, { recursive: true, force: true });
for (const project of [join(root, "packages", "client", "tsconfig.build.json"), join(root, "tsconfig.build.json")]) {
  const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", project], {
    stdio: "inherit",
    cwd: root,
  });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}

const { graphiqlPackageFiles } = await import(pathToFileURL(join(dist, "http", "graphiql.js")).href);
const { BUILT_ASSETS_DIR, BUILT_MANIFEST } = await import(pathToFileURL(join(dist, "http", "graphiql-files.js")).href);
const assets = join(dist, "http", BUILT_ASSETS_DIR);
mkdirSync(assets, { recursive: true });
const versions = {};
for (const [name, file] of Object.entries(graphiqlPackageFiles())) {
  copyFileSync(file.path, join(assets, name));
  versions[name] = file.version;
}
writeFileSync(join(assets, BUILT_MANIFEST), JSON.stringify(versions, null, 2) + "\n");

writeFileSync(join(dist, ".build-stamp"), new Date().toISOString() + "\n");
