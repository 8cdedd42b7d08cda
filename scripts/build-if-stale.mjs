// `prestart` / `preworker`: builds dist/ when it is missing or older than anything it is built from,
// so `npm install && npm start` works from a fresh clone and after every pull. An up-to-date build
// costs one walk over src/ (milliseconds).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { withBuildLock } from "./build-lock.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const stamp = join(root, "dist", ".build-stamp");
const inputs = [
  "src",
  "packages/client/src",
  "packages/client/package.json",
  "tsconfig.json",
  "tsconfig.build.json",
  "package-lock.json",
  "scripts/build.mjs",
];

function newest(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = info.mtimeMs; // a deleted file changes its folder's time
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

// Checked and built under the lock: a second caller waits for the first's build, then finds it fresh.
const status = await withBuildLock(root, "dist", () => {
  const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  const sourcesAt = Math.max(...inputs.map((p) => newest(join(root, p))));
  if (builtAt !== 0 && sourcesAt <= builtAt) return 0;
  process.stderr.write(
    builtAt === 0
      ? "jobs-api: no build in dist/, building (npm run build)\n"
      : "jobs-api: dist/ is older than the sources, rebuilding\n",
  );
  return spawnSync(process.execPath, [join(root, "scripts", "build.mjs")], { stdio: "inherit", cwd: root }).status ?? 1;
});
if (status !== 0) process.exit(status);
