// Builds the dashboard (web/) into web/dist with Vite when the bundle is missing or older than any
// of its sources; `--force` always builds. `npm start` runs it first (prestart), the browser tests
// before they start, so a fresh clone serves the dashboard after `npm install && npm start`.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { withBuildLock } from "./build-lock.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const web = join(root, "web");
const dist = join(web, "dist");
const builtMarker = join(dist, "index.html");

/** Newest modification time under a path (files only), skipping the output. */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) {
    if (path === web && entry === "dist") continue;
    latest = Math.max(latest, newest(join(path, entry)));
  }
  return latest;
}

export function webBundleIsFresh() {
  return existsSync(builtMarker) && statSync(builtMarker).mtimeMs >= newest(web);
}

/** Checked and built under the lock: a second caller waits for the first's build, then finds it fresh. */
export function buildWeb({ force = false } = {}) {
  return withBuildLock(root, "web-dist", () => buildUnlocked(force));
}

async function buildUnlocked(force) {
  if (!force && webBundleIsFresh()) return false;
  let vite;
  try {
    vite = await import("vite");
  } catch {
    // A production install without devDependencies: keep whatever bundle there is.
    console.warn(
      "build-web: vite is not installed (devDependencies omitted); the dashboard is served only if web/dist was built before.",
    );
    return false;
  }
  // The bundle users get, whatever NODE_ENV the caller runs under: Vite takes production or not from
  // it (vitest's "test" built React's development code and JSX, 127 KiB gzipped against 72).
  process.env.NODE_ENV = "production";
  await vite.build({ configFile: join(web, "vite.config.ts"), logLevel: "warn", mode: "production" });
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  const built = await buildWeb({ force: process.argv.includes("--force") });
  if (built) console.log(`build-web: dashboard built into web/dist in ${Date.now() - started} ms`);
}
