// One log line per event: a generation job's evidence and seal are recorded once, and said so once,
// however many paths try to build them (the completion hook, reads that find them missing).
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { createGeneration, readGeneration, waitForGeneration } from "./helpers.ts";

describe.each(backends.map((b) => [b.name, b] as const))("evidence log on %s", (_name, backend) => {
  let t: TestServer;
  const lines: { msg?: string; jobId?: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n"))
        if (line.trim()) lines.push(JSON.parse(line) as { msg?: string; jobId?: string });
      done();
    },
  });

  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_WORKERS: "2" }, pino({ level: "info" }, sink));
  });
  afterAll(() => t?.stop());

  it("says 'evidence and seal recorded' once per job, however often the job is read meanwhile", async () => {
    const ids = await Promise.all(
      [1, 2, 3].map((seed) => createGeneration(t.admin, { kind: "MOCK", rows: 200, seed })),
    );
    // Readers race the completion hook: each read of a finished job without evidence builds it.
    const reads = ids.map(async (id) => {
      for (;;) {
        const job = await readGeneration(t.admin, id);
        if (job.evidence) return job;
      }
    });
    const done = await Promise.all(ids.map((id) => waitForGeneration(t.admin, id)));
    expect(done.map((j) => j.state)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
    for (const job of await Promise.all(reads)) expect(job.evidence?.verified).toBe(true);
    await Promise.all(ids.map((id) => readGeneration(t.admin, id)));
    for (const id of ids)
      expect(lines.filter((l) => l.msg === "evidence and seal recorded" && l.jobId === id)).toHaveLength(1);
  });
});
