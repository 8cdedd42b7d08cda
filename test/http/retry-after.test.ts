// A key over its rate limit is refused with 429 on every HTTP route that authenticates: GraphQL
// (however it arrives), uploads, downloads, dashboard sessions, metrics. Each refusal carries the
// wait both ways: `extensions.retryAfterSeconds` for GraphQL clients and `Retry-After` (the same
// whole seconds) for anything that reads only HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createKey } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { keyedRequests } from "./keyed-routes.ts";

const LIMIT = 2;

describe.each(backends.map((b) => [b.name, b] as const))("Retry-After on 429 answers on %s", (_name, backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend, {
      JOBS_RATE_LIMIT: String(LIMIT),
      JOBS_RATE_LIMIT_WINDOW_S: "600",
      // A budget below the batch size is refused at start (config.ts).
      JOBS_MAX_BATCH: String(LIMIT),
    });
  });
  afterAll(async () => t?.stop());

  it("answers Retry-After with extensions.retryAfterSeconds on every rate-limited route", async () => {
    const key = await createKey(t.admin, "hasty");
    for (let i = 0; i < LIMIT; i++) expect((await t.client(key).raw("{ viewer { userId } }")).status).toBe(200);

    for (const [name, path, init] of keyedRequests(key)) {
      const res = await fetch(`${t.url}${path}`, init);
      const body = (await res.json()) as
        | { errors: { extensions: { code: string; retryAfterSeconds: number } }[] }
        | { errors: { extensions: { code: string; retryAfterSeconds: number } }[] }[];
      const error = (Array.isArray(body) ? body[0]! : body).errors[0]!;
      expect(res.status, name).toBe(429);
      expect(error.extensions.code, name).toBe("RATE_LIMITED");
      expect(error.extensions.retryAfterSeconds, name).toBeGreaterThan(0);
      expect(res.headers.get("retry-after"), name).toBe(String(error.extensions.retryAfterSeconds));
    }
  });
});
