// A batched HTTP request spends one of its key's rate budget per operation, as the same operations
// sent one by one (or over WebSocket, one per operation) would: batching buys no more. A batch that
// does not fit in what is left runs none of its operations (429, Retry-After) and spends nothing. A
// budget below the batch size (JOBS_MAX_BATCH), where a full batch could never pass, is refused at
// start; a batch larger than JOBS_MAX_BATCH is refused as bad input, spending nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createJobInput, createKey } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { liveClient } from "../live/ws-client.ts";

/** Every key's budget, the admin's too: each test makes one key (and the admin reads once). */
const LIMIT = 8;
const VIEWER = { query: "{ viewer { userId } }" };

interface Answer {
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** POSTs `operations` as one batch; `accept` other than plain JSON sends it through Apollo instead of the shortcut. */
async function batch(url: string, key: string, operations: object[], accept?: string) {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${key}`,
      ...(accept ? { accept } : {}),
    },
    body: JSON.stringify(operations),
  });
  const body = (await res.json()) as Answer | Answer[];
  return { status: res.status, retryAfter: res.headers.get("retry-after"), answers: [body].flat() };
}

const ops = (n: number) => Array.from({ length: n }, () => VIEWER);

describe.each(backends)("batched requests against the rate limit on $name", (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend, {
      JOBS_RATE_LIMIT: String(LIMIT),
      JOBS_RATE_LIMIT_WINDOW_S: "600",
      JOBS_MAX_BATCH: String(LIMIT),
    });
  });
  afterAll(async () => t?.stop());

  it("spends one per operation: a full batch leaves nothing for the next request", async () => {
    const key = await createKey(t.admin, "batcher");
    const full = await batch(t.url, key, ops(LIMIT));
    expect(full.status).toBe(200);
    expect(full.answers).toHaveLength(LIMIT);
    for (const a of full.answers) expect(a).toEqual({ data: { viewer: { userId: "batcher" } } });
    const next = await t.client(key).raw(VIEWER.query);
    expect(next.status).toBe(429);
    expect(next.errors?.[0]?.extensions).toMatchObject({ code: "RATE_LIMITED" });
  });

  it("counts batches answered by Apollo (not the shortcut) the same", async () => {
    const key = await createKey(t.admin, "apollo-batcher");
    expect((await batch(t.url, key, ops(LIMIT), "application/graphql-response+json")).status).toBe(200);
    expect((await batch(t.url, key, ops(1), "application/graphql-response+json")).status).toBe(429);
  });

  it("refuses a batch larger than what is left, running none of it and keeping what is left", async () => {
    const key = await createKey(t.admin, "thrifty");
    const client = t.client(key);
    for (let i = 0; i < 3; i++) expect((await client.raw(VIEWER.query)).status).toBe(200);
    // 5 left: 6 mutations do not fit, and none of them runs.
    const create = {
      query: "mutation($input: CreateJobInput!) { createJob(input: $input) { job { id } } }",
    };
    const tooMany = await batch(
      t.url,
      key,
      Array.from({ length: 6 }, (_, i) => ({ ...create, variables: { input: createJobInput("LOGIC", i) } })),
    );
    expect(tooMany.status).toBe(429);
    const error = tooMany.answers[0]!.errors![0]!;
    expect(error.extensions).toMatchObject({ code: "RATE_LIMITED" });
    expect(error.message).toMatch(/6 operations/);
    const retryAfter = error.extensions!.retryAfterSeconds as number;
    expect(retryAfter).toBeGreaterThan(0);
    expect(tooMany.retryAfter).toBe(String(retryAfter));
    const jobs = await t.admin.request<{ jobs: { totalCount: number } }>(
      `{ jobs(filter: { createdBy: "thrifty", allUsers: true }) { totalCount } }`,
    );
    expect(jobs.jobs.totalCount).toBe(0);
    // The refused batch spent nothing: the 5 left pass as a batch, then nothing is left.
    expect((await batch(t.url, key, ops(5))).status).toBe(200);
    expect((await client.raw(VIEWER.query)).status).toBe(429);
  });

  it("refuses a batch larger than JOBS_MAX_BATCH (here the whole budget) as bad input, spending nothing", async () => {
    const key = await createKey(t.admin, "greedy");
    const never = await batch(t.url, key, ops(LIMIT + 1));
    expect(never.status).toBe(400);
    expect(never.answers[0]!.errors![0]!).toMatchObject({
      message: `at most ${LIMIT} operations per batched request`,
      extensions: { code: "BAD_USER_INPUT" },
    });
    expect((await batch(t.url, key, ops(LIMIT))).status).toBe(200);
  });

  it("does not start with a budget below the batch size, naming both settings", async () => {
    for (const [name, extra] of [
      ["JOBS_RATE_LIMIT", {}],
      ["JOBS_WORKER_RATE_LIMIT", { JOBS_RATE_LIMIT: "0" }],
    ] as const) {
      const env = { ...extra, [name]: String(LIMIT - 1), JOBS_MAX_BATCH: String(LIMIT) };
      await expect(startTestServer(backend, env)).rejects.toThrow(
        new RegExp(`${name}: ${LIMIT - 1} is below JOBS_MAX_BATCH \\(${LIMIT}\\)`),
      );
    }
  });

  it("shares one budget between HTTP batches and WebSocket operations, one per operation", async () => {
    const key = await createKey(t.admin, "both-ways");
    expect((await batch(t.url, key, ops(5))).status).toBe(200);
    const live = liveClient(t.url, key);
    try {
      for (let i = 0; i < LIMIT - 5; i++) expect(await live.request(VIEWER.query)).toMatchObject({ data: {} });
      const refused = await live.request(VIEWER.query).catch((e: unknown) => e);
      expect(JSON.stringify(refused)).toMatch(/RATE_LIMITED/);
    } finally {
      await live.dispose();
    }
  });
});
