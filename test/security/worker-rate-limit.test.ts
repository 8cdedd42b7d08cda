// WORKER keys spend a budget of their own (JOBS_WORKER_RATE_LIMIT), none by default: a worker's
// pace is the queue's, and the per-key budget sized for people (JOBS_RATE_LIMIT) held a fleet
// sharing one key to a trickle. Other keys keep JOBS_RATE_LIMIT; with JOBS_WORKER_RATE_LIMIT set,
// WORKER keys are held to it, and neither budget spends the other's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createKey } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

const LIMIT = 5;
const VIEWER = "{ viewer { userId } }";

/** The HTTP statuses of `n` requests one after another. */
async function statuses(t: TestServer, key: string, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await t.client(key).raw(VIEWER)).status);
  return out;
}

describe.each(backends)("WORKER keys' rate budget on $name", (backend) => {
  let unlimited: TestServer;
  let limited: TestServer;
  beforeAll(async () => {
    // Neither budget may be below the batch size (config.ts): batches of at most 3.
    const window = { JOBS_RATE_LIMIT: String(LIMIT), JOBS_RATE_LIMIT_WINDOW_S: "600", JOBS_MAX_BATCH: "3" };
    [unlimited, limited] = await Promise.all([
      startTestServer(backend, window),
      startTestServer(backend, { ...window, JOBS_WORKER_RATE_LIMIT: "3" }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([unlimited?.stop(), limited?.stop()]);
  });

  it("is not limited by default, while other keys are held to JOBS_RATE_LIMIT", async () => {
    const worker = await createKey(unlimited.admin, "fleet", "WORKER");
    expect(await statuses(unlimited, worker, LIMIT * 4)).toEqual(Array(LIMIT * 4).fill(200));
    const member = await createKey(unlimited.admin, "person");
    expect(await statuses(unlimited, member, LIMIT + 1)).toEqual([...Array(LIMIT).fill(200), 429]);
  });

  it("holds WORKER keys to JOBS_WORKER_RATE_LIMIT when set, apart from other keys' budget", async () => {
    const worker = await createKey(limited.admin, "fleet", "WORKER");
    const first = await limited.client(worker).raw(VIEWER);
    expect(first.status).toBe(200);
    expect(await statuses(limited, worker, 3)).toEqual([200, 200, 429]);
    const again = await limited.client(worker).raw(VIEWER);
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: "RATE_LIMITED" });
    const member = await createKey(limited.admin, "person");
    expect(await statuses(limited, member, LIMIT + 1)).toEqual([...Array(LIMIT).fill(200), 429]);
  });
});
