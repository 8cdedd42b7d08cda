// The dashboard when the server goes away or cannot answer: live views through a restart and a page
// opened while the server is unreachable (the browser reaches the server through a TCP proxy, cut
// off until the test lets it back), a reload while the server refuses the key's requests for now
// (its rate limit), and a live connection the server closes for good (a close graphql-ws does not retry).
import type { Browser, Page, WebSocketRoute } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type Child, serverProcesses, stopChild } from "../execution/processes.ts";
import { backends } from "../helpers/backends.ts";
import { DASHBOARD_BUILD_MS } from "../helpers/dashboard.ts";
import { ADMIN_KEY, graphqlClient, type GraphQLClient } from "../helpers/server.ts";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.ts";
import { keptKey, LIVE_TIMEOUT, launchChromium, prepareDashboard, signIn } from "./browser.ts";

beforeAll(prepareDashboard, DASHBOARD_BUILD_MS);

const RATE_LIMIT = 60;

// The backends run side by side: each spends most of its time waiting (reconnect attempts, a
// rate-limit window). Within a backend the tests run in order: they share its server and proxy.
describe.concurrent.each(backends)("dashboard through a server restart ($name)", (backend) => {
  const processes = serverProcesses("jobs-web-live-");
  let env: Record<string, string>;
  let server: Child & { url: string };
  let proxy: TcpProxy;
  let browser: Browser;

  beforeAll(async () => {
    env = await processes.environment(backend, {
      NODE_ENV: "production",
      JOBS_WORKERS: "1",
      // Small enough for a test to spend a key's budget; the window starts at the key's first request.
      // The refused reload's test waits out a window: 10 s leaves it time to sign in, spend the
      // budget and see the refusal, and no more.
      JOBS_RATE_LIMIT: String(RATE_LIMIT),
      JOBS_RATE_LIMIT_WINDOW_S: "10",
    });
    server = await processes.start(env);
    proxy = await startTcpProxy("127.0.0.1", Number(new URL(server.url).port));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
  });

  const admin = (): GraphQLClient => graphqlClient(server.url, ADMIN_KEY);
  const rowOf = (page: Page, name: string) =>
    page.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });
  // No built-in executor runs PRESCRIPTIVE jobs: they stay queued until cancelled.
  const createWaiting = async (name: string) =>
    (
      await admin().request<{ createJob: { job: { jobId: string } } }>(
        `mutation($name: String!) { createJob(input: { reasonerType: PRESCRIPTIVE, reasonerName: "r", name: $name, payload: {} }) { job { jobId } } }`,
        { name },
      )
    ).createJob.job.jobId;

  it.sequential("says live updates are paused, retries every few seconds, and shows what changed meanwhile", async ({
    expect,
  }) => {
    const waiting = await createWaiting("waiting-through-restart");
    const page = await browser.newPage();
    const attempts: number[] = [];
    page.on("websocket", () => attempts.push(Date.now()));
    const acked = new Promise<void>((resolve) =>
      page.on("websocket", (ws) =>
        ws.on("framereceived", (f) => {
          if (String(f.payload).includes("connection_ack")) resolve();
        }),
      ),
    );
    const pageUrl = `http://127.0.0.1:${proxy.port}`;
    await signIn(page, pageUrl, ADMIN_KEY);
    await page.goto(`${pageUrl}/jobs?family=PRESCRIPTIVE`);
    await rowOf(page, "waiting-through-restart").getByText("QUEUED", { exact: true }).waitFor();
    await acked;

    // The browser loses the server, which restarts (same port, same database).
    proxy.cut();
    const cutAt = Date.now();
    const port = new URL(server.url).port;
    const killer = setTimeout(() => server.proc.kill("SIGKILL"), 15_000);
    await stopChild(server);
    clearTimeout(killer);
    await page.getByRole("status").getByText("Live updates paused").waitFor({ timeout: LIVE_TIMEOUT });
    server = await processes.start({ ...env, PORT: port });

    // While the page is away: one job ends, another is created. No notification reaches the page.
    await admin().request(`mutation($id: ID!) { cancelJob(reasonerType: PRESCRIPTIVE, jobId: $id) { state } }`, {
      id: waiting,
    });
    await createWaiting("made-while-away");

    // It keeps trying every few seconds however long the outage (graphql-ws alone doubles its wait
    // without a bound: its fifth retry comes at least 32 s after the drop, the sixth after 64 s).
    await expect
      .poll(() => attempts.filter((t) => t > cutAt).length, { timeout: 60_000, interval: 500 })
      .toBeGreaterThanOrEqual(6);
    const tries = [cutAt, ...attempts.filter((t) => t > cutAt)];
    const gaps = tries.slice(1).map((t, i) => t - tries[i]!);
    expect(Math.max(...gaps)).toBeLessThan(6_000);

    proxy.restore();
    await rowOf(page, "made-while-away").waitFor({ timeout: LIVE_TIMEOUT });
    await rowOf(page, "waiting-through-restart")
      .getByText("CANCELED", { exact: true })
      .waitFor({ timeout: LIVE_TIMEOUT });
    await page.getByText("Live updates paused").waitFor({ state: "detached" });
    await page.close();
  }, 180_000);

  it.sequential("loads a page opened while the server was unreachable once it is back", async ({ expect }) => {
    await createWaiting("opened-while-away");
    const page = await browser.newPage();
    const pageUrl = `http://127.0.0.1:${proxy.port}`;
    await signIn(page, pageUrl, ADMIN_KEY);
    await page.goto(`${pageUrl}/jobs?family=PRESCRIPTIVE`);
    const link = page.getByRole("link", { name: "opened-while-away", exact: true });
    await link.waitFor();
    proxy.cut();
    await link.click();
    await page.getByRole("alert").getByText("the server could not be reached").waitFor();
    proxy.restore();
    await page.getByRole("heading", { name: "opened-while-away", level: 1 }).waitFor({ timeout: LIVE_TIMEOUT });
    expect(await page.getByRole("alert").count()).toBe(0);
    await page.close();
  });

  it.sequential("says live updates stopped, and why, when the socket is closed for good; Reload subscribes again", async ({
    expect,
  }) => {
    // A key of its own: this test's requests do not spend the admin key's budget (RATE_LIMIT).
    const made = await admin().request<{ createApiKey: { secret: string } }>(
      `mutation { createApiKey(userId: "stella", role: MEMBER) { secret } }`,
    );
    const key = made.createApiKey.secret;
    const stella = graphqlClient(server.url, key);
    const create = (name: string) =>
      stella.request(
        `mutation($name: String!) { createJob(input: { reasonerType: PRESCRIPTIVE, reasonerName: "r", name: $name, payload: {} }) { job { jobId } } }`,
        { name },
      );
    await create("before-the-stop");
    const page = await browser.newPage();
    // Every socket the page opens goes through this route. Whichever of them carries the list's
    // jobsChanged subscription (subscribed and not completed) is the one the test closes: the page
    // may open and replace sockets, and closing another one proves nothing.
    const holding = new Map<WebSocketRoute, Set<string>>();
    const listSockets = () => [...holding].filter(([, ids]) => ids.size > 0).map(([ws]) => ws);
    await page.routeWebSocket(/\/graphql$/, (ws) => {
      const upstream = ws.connectToServer();
      holding.set(ws, new Set());
      ws.onMessage((message) => {
        upstream.send(message);
        const m = JSON.parse(String(message)) as { id?: string; type: string; payload?: { query?: string } };
        if (m.type === "subscribe" && m.payload?.query?.includes("jobsChanged")) holding.get(ws)!.add(m.id!);
        else if (m.type === "complete") holding.get(ws)!.delete(m.id!);
      });
    });
    await signIn(page, server.url, key);
    await rowOf(page, "before-the-stop").waitFor();
    await expect.poll(() => listSockets().length).toBeGreaterThan(0);
    const closed = listSockets();
    // 4500 (internal error) is one of the closes graphql-ws does not retry: nothing reconnects.
    for (const ws of closed) await ws.close({ code: 4500, reason: "internal error" });

    const notice = page.getByRole("status").filter({ hasText: "Live updates stopped" });
    await notice.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await notice.textContent()).toContain("the server closed the connection (4500: internal error)");
    expect(await page.getByText("Live updates paused").count()).toBe(0);
    await create("made-while-stopped");

    // Reload: the list subscribes again, on a new socket, and is loaded again with what was made meanwhile.
    await notice.getByRole("button", { name: "Reload" }).click();
    await notice.waitFor({ state: "detached" });
    await rowOf(page, "made-while-stopped").waitFor({ timeout: LIVE_TIMEOUT });
    await expect.poll(() => listSockets().filter((ws) => !closed.includes(ws)).length).toBe(1);
    await page.close();
  }, 60_000);

  it.sequential("keeps the key through a reload the server cannot answer yet, and resumes by itself", async ({
    expect,
  }) => {
    const made = await admin().request<{ createApiKey: { secret: string } }>(
      `mutation { createApiKey(userId: "hana", role: MEMBER) { secret } }`,
    );
    const key = made.createApiKey.secret;
    const page = await browser.newPage();
    await signIn(page, server.url, key);
    // The key's budget for this window is spent (by another program using the same key, say).
    const other = graphqlClient(server.url, key);
    let refused = false;
    for (let i = 0; i < RATE_LIMIT && !refused; i++) refused = (await other.raw(`{ __typename }`)).status === 429;
    expect(refused).toBe(true);

    await page.reload();
    await page.getByRole("alert").getByText("Too many requests with this key").waitFor();
    expect(await keptKey(page)).toBe(key);
    // Once the window is over, the page signs back in with the key it kept.
    await page.getByRole("heading", { name: "Jobs", level: 1, exact: true }).waitFor({ timeout: LIVE_TIMEOUT });
    expect(await page.getByRole("button", { name: "Sign out" }).count()).toBe(1);
    await page.close();
  }, 60_000);
});
