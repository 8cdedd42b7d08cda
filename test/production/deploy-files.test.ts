// The Dockerfile and docker-compose.yml keep the promises the README makes about them (Docker is not
// available where these tests run; the Dockerfile is linted separately, see the README).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "../execution/processes.ts";

const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
const composeText = readFileSync(join(ROOT, "docker-compose.yml"), "utf8");

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  restart?: string;
  environment?: Record<string, string>;
}
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service> };

describe("Dockerfile", () => {
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1)!;

  it("is multi-stage on a current LTS Node", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage).toMatch(/^node:(22|24)[\w.-]*/);
  });

  it("installs production dependencies only in the final stage and copies only what the server needs", () => {
    expect(runtime).toMatch(/npm ci --omit=dev/);
    const copies = [...runtime.matchAll(/^COPY (?:--from=\w+ )?(\S+)/gm)].map((m) => m[1]);
    // The compiled server, the client package it imports (linked as a workspace), the dashboard's built
    // bundle, and the SQL migrations it applies.
    expect(copies.sort()).toEqual(
      [
        "/app/dist",
        "/app/packages/client/dist",
        "/app/web/dist",
        "package.json",
        "packages/client/package.json",
        "prisma/migrations",
      ].sort(),
    );
  });

  it("runs node (not npm) as a non-root user under an init, with a /readyz health check", () => {
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m);
    expect(runtime).toMatch(/^CMD \["node", .*"dist\/main\.js"\]$/m);
    expect(runtime).toMatch(/^HEALTHCHECK [\s\S]*\/readyz/m);
    expect(dockerfile).not.toMatch(/CMD \["npm"/);
  });
});

describe("docker-compose.yml", () => {
  it("builds one image and every app service reuses it", () => {
    const app = Object.entries(compose.services).filter(([name]) => name !== "postgres");
    expect(app.filter(([, s]) => s.build !== undefined)).toHaveLength(1);
    const images = new Set(app.map(([, s]) => s.image));
    expect(images.size).toBe(1);
    expect([...images][0]).toBeTruthy();
  });

  it("restarts every service and has no literal fallback secrets", () => {
    for (const [name, service] of Object.entries(compose.services))
      expect(service.restart, name).toMatch(/^(always|unless-stopped|on-failure)/);
    expect(composeText).not.toMatch(/\$\{[A-Z_]+:-/);
    for (const variable of ["POSTGRES_PASSWORD", "JOBS_ADMIN_API_KEY", "JOBS_WORKER_API_KEY"])
      expect(composeText).toContain(`\${${variable}:?`);
  });

  it("gives the worker a WORKER key, not the admin key, and runs it compiled", () => {
    const worker = compose.services.worker!;
    expect(worker.environment?.JOBS_API_KEY).toMatch(/JOBS_WORKER_API_KEY/);
    expect(worker.environment?.JOBS_API_KEY).not.toMatch(/ADMIN/);
    expect(worker.command).toEqual(expect.arrayContaining(["node", "dist/worker.js"]));
  });
});
