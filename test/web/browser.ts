// What the dashboard's browser suites share: Debian's chromium driven by playwright-core, the
// dashboard built once, screenshots in test-artifacts/dashboard/ (gitignored), and signing in.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { buildDashboard } from "../helpers/dashboard.ts";

const ROOT = join(import.meta.dirname, "..", "..");
export const CHROMIUM = process.env.JOBS_TEST_CHROMIUM ?? "/usr/bin/chromium";
export const SHOTS = join(ROOT, "test-artifacts", "dashboard");
/** How long a live change may take to show. */
export const LIVE_TIMEOUT = 45_000;

/** Checks for chromium and builds web/dist when it is stale (run it in a beforeAll of DASHBOARD_BUILD_MS). */
export function prepareDashboard(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does), or set JOBS_TEST_CHROMIUM`,
    );
  buildDashboard();
  mkdirSync(SHOTS, { recursive: true });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
}

/** Signs in on the sign-in page at `url` and waits for the jobs list. */
export async function signIn(page: Page, url: string, key: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Jobs", level: 1, exact: true }).waitFor();
}

/** The API key the tab keeps for its session (sessionStorage; the tab's id is kept there too), or null. */
export function keptKey(page: Page): Promise<string | null> {
  return page.evaluate<string | null>(`window.sessionStorage.getItem("jobs-dashboard.api-key")`);
}
