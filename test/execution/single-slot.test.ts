// One executor slot: jobs arriving (and notifying) while the slot is busy wait their turn and then
// run; the process stays responsive meanwhile (no busy loop on notifications).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { createGeneration, waitForGeneration } from "./helpers.ts";

describe("a single executor slot", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backends[0]!, { JOBS_WORKERS: "1" });
  });
  afterAll(async () => t?.stop());

  it("queues work that arrives while busy, stays responsive, then runs it", async () => {
    const first = await createGeneration(t.admin, { kind: "MOCK", rows: 200_000, seed: 1 });
    const waiting: string[] = [];
    for (let i = 0; i < 5; i++) waiting.push(await createGeneration(t.admin, { kind: "MOCK", rows: 100, seed: i }));
    // Answered while the slot is (very likely) still busy: the event loop is not starved.
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect((await waitForGeneration(t.admin, first, 60)).state).toBe("SUCCEEDED");
    for (const id of waiting) expect((await waitForGeneration(t.admin, id, 60)).state).toBe("SUCCEEDED");
  });
});
