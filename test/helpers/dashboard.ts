// The dashboard's bundle for the suites that serve or inspect it: web/dist built as `npm start`
// builds it (scripts/build-web.mjs, which skips a build that is not stale).
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");
/** A beforeAll's time for buildDashboard: a full build on a loaded machine. */
export const DASHBOARD_BUILD_MS = 120_000;

export function buildDashboard(): void {
  const built = spawnSync(process.execPath, ["scripts/build-web.mjs"], { cwd: ROOT, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`building the dashboard failed:\n${built.stdout}${built.stderr}`);
}
