// `npm run build`: compiles src/ to dist/ (tsc, tsconfig.build.json), then copies what the compiled
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
const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")], { stdio: "inherit", cwd: root });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

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
