// The build `npm start` makes, then the compiled server as `npm start` runs it in production: plain node on
// dist/main.js with NODE_ENV=production (no tsx, no TypeScript), queried over HTTP, stopped with SIGTERM.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { ADMIN_KEY, graphqlClient } from "../helpers/server.ts";
import { buildIfStale, ROOT, spawnNode, startServerProcess, stopChild } from "../execution/processes.ts";

const DIST = join(ROOT, "dist");

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

beforeAll(async () => {
  const { code, output } = await buildIfStale();
  expect(code, output).toBe(0);
}, 240_000);

describe("the build", () => {
  it("is JavaScript that imports no TypeScript and no tsx", () => {
    const js = filesUnder(DIST).filter((f) => f.endsWith(".js") && !f.includes("graphiql-assets"));
    expect(js.length).toBeGreaterThan(50);
    for (const file of js) {
      const text = readFileSync(file, "utf8");
      expect(text, file).not.toMatch(/from\s+["'][^"']+\.ts["']|import\(["'][^"']+\.ts["']\)/);
      expect(text, file).not.toMatch(/["']tsx(\/[^"']*)?["']/);
    }
    expect(filesUnder(DIST).some((f) => f.endsWith(".ts"))).toBe(false);
  });
});

describe("the compiled server refusing to start", () => {
  it("says why in one line, with no stack, and exits 1: a bad setting, a taken port", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "jobs-refuse-"));
    const env = { NODE_ENV: "production", JOBS_DATA_DIR: dataDir, HOST: "127.0.0.1", JOBS_LOG_LEVEL: "warn" };
    try {
      // A typo in a switch is refused, not read as "on" (a security setting must never fail open).
      const typo = spawnNode(["dist/main.js"], { ...env, PORT: "0", JOBS_METRICS_PUBLIC: "disabled" });
      expect((await typo.exited).code).toBe(1);
      expect(typo.output()).toBe(
        'jobs-api: Invalid configuration: JOBS_METRICS_PUBLIC: expected one of 1, true, yes, on, 0, false, no, off; got "disabled"\n',
      );

      const first = await startServerProcess({ ...env, PORT: "0" }, 60_000, { compiled: true });
      try {
        const port = new URL(first.url).port;
        const second = spawnNode(["dist/main.js"], { ...env, PORT: port, JOBS_DATA_DIR: join(dataDir, "second") });
        expect((await second.exited).code).toBe(1);
        const said = second
          .output()
          .split("\n")
          .filter((l) => l.length > 0 && !l.startsWith("{"));
        expect(said).toEqual([
          `jobs-api: could not start: listen EADDRINUSE: address already in use 127.0.0.1:${port}`,
        ]);
      } finally {
        await stopChild(first);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe.each(backends)("the compiled server on %s", (backend) => {
  let server: Awaited<ReturnType<typeof startServerProcess>>;
  let drop: () => Promise<void>;
  let dataDir: string;

  beforeAll(async () => {
    const database = await backend.create();
    drop = database.drop;
    dataDir = mkdtempSync(join(tmpdir(), "jobs-dist-"));
    server = await startServerProcess(
      {
        NODE_ENV: "production",
        JOBS_ADMIN_API_KEY: ADMIN_KEY,
        JOBS_DATA_DIR: dataDir,
        JOBS_WORKERS: "1",
        ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
      },
      120_000,
      { compiled: true },
    );
  }, 180_000);

  afterAll(async () => {
    if (server) await stopChild(server);
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("is ready, migrated from dist/, and runs a generation job end to end", async () => {
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready" });

    const admin = graphqlClient(server.url, ADMIN_KEY);
    const created = await admin.request<{ createGenerationJob: { job: { jobId: string } } }>(
      `mutation { createGenerationJob(input: { kind: MOCK, rows: 100, seed: 7 }) { job { jobId } } }`,
    );
    const id = created.createGenerationJob.job.jobId;
    const done = await admin.request<{ waitForJob: { state: string; artifacts: { sizeBytes: number }[] } }>(
      `query($id: ID!) { waitForJob(reasonerType: GENERATION, jobId: $id, timeoutS: 120) { state ... on GenerationJob { artifacts { sizeBytes } } } }`,
      { id },
    );
    expect(done.waitForJob.state).toBe("SUCCEEDED");
    expect(done.waitForJob.artifacts[0]!.sizeBytes).toBeGreaterThan(0);
  });

  it("serves GraphiQL's browser files from the build, not from node_modules", async () => {
    const page = await fetch(`${server.url}/graphql`, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    const html = await page.text();
    const src = /src="([^"]*react\.production\.min\.js[^"]*)"/.exec(html)?.[1]?.replaceAll("&#38;", "&");
    expect(src).toBeTruthy();
    const asset = await fetch(new URL(src!, server.url));
    expect(asset.status).toBe(200);
    expect(await asset.text()).toBe(
      readFileSync(join(DIST, "http", "graphiql-assets", "react.production.min.js"), "utf8"),
    );
  });

  it("writes only JSON lines on stdout, with one access line per request, and stops on SIGTERM", async () => {
    const res = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${ADMIN_KEY}`,
        "x-request-id": "compiled-test-1",
        traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      },
      body: JSON.stringify({ query: "query ProbeViewer { jobs(first: 1) { totalCount } }" }),
    });
    expect(res.status).toBe(200);
    const exited = await stopChild(server);
    expect(exited.code).toBe(0);

    const lines = server
      .stdout()
      .split("\n")
      .filter((l) => l.length > 0);
    expect(lines.length).toBeGreaterThan(1);
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.find((r) => r.msg === "ready")).toMatchObject({ url: `${server.url}/graphql` });
    const access = records.find((r) => r.msg === "request" && r.requestId === "compiled-test-1");
    expect(access).toMatchObject({
      method: "POST",
      path: "/graphql",
      operationName: "ProbeViewer",
      status: 200,
      traceId: "0af7651916cd43dd8448eb211c80319c",
      keyId: expect.any(String),
      durationMs: expect.any(Number),
    });
  });
});
