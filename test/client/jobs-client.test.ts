// JobsClient against the real server over HTTP and WebSocket, on PGlite and PostgreSQL: the
// RelationalAI-style job calls, logs read and tailed live, and the generation flow (estimate,
// create, wait, download with its hash check, rerun, evidence verified on the client side).
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ContentHashMismatchError,
  isJobsApiError,
  JobsApiError,
  JobsClient,
  JobTimeoutError,
  Worker,
  type CreateJobInput,
  type Fetch,
  type Job,
  type LogLine,
} from "@jobs-api/client/node";
import { backends } from "../helpers/backends.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.ts";

const sha256 = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail");
}

describe.each(backends.map((b) => [b.name, b] as const))("JobsClient on %s", (_name, backend) => {
  let t: TestServer;
  let admin: JobsClient;
  let member: JobsClient;
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "jobs-client-"));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_WORKERS: "2" });
    admin = new JobsClient({ url: t.url, apiKey: ADMIN_KEY });
    const key = await admin.createApiKey({ userId: "client-user", email: "client@example.com", role: "MEMBER" });
    expect(key.secret).toMatch(/^jobs_/);
    expect(key.apiKey.role).toBe("MEMBER");
    member = new JobsClient({ url: `${t.url}/graphql`, apiKey: key.secret });
  });
  afterAll(async () => {
    await admin?.close();
    await member?.close();
    await t?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** A LOGIC job on its own engine, so only the worker registered for that engine can claim it. */
  const logicJob = (engine: string, name: string): CreateJobInput => ({
    reasonerType: "LOGIC",
    reasonerName: engine,
    payload: { query: "def output = 1 + 1", databaseName: "db1", readOnly: true },
    name,
  });

  async function claimed(engine: string) {
    const worker = new Worker({
      url: t.url,
      apiKey: ADMIN_KEY,
      name: `w-${engine}`,
      reasonerTypes: ["LOGIC"],
      reasonerNames: [engine],
    });
    const lease = await worker.claim();
    if (!lease) throw new Error(`no job to claim on ${engine}`);
    return { worker, lease };
  }

  it("create returns an operation handle; get, getOperation, list with filters and pages, cancel", async () => {
    const predictive = await member.create({
      reasonerType: "PREDICTIVE",
      reasonerName: "default",
      payload: { model: "churn", rows: 10 },
      name: "churn-a",
    });
    expect(predictive.reasonerType).toBe("PREDICTIVE");
    expect(predictive.done).toBe(false);
    expect(predictive.state).toBe("QUEUED");
    expect(predictive.job.name).toBe("churn-a");

    // By a bare jobId (the client finds the family) and by reference: the same job.
    const byId = await member.get(predictive.jobId);
    const byRef = await member.get({ reasonerType: "PREDICTIVE", jobId: predictive.jobId });
    expect(byId.id).toBe(predictive.job.id);
    expect(predictive.id).toBe(predictive.job.operation.id);
    expect(byRef.jobId).toBe(predictive.jobId);
    expect((await member.getOperation(predictive.jobId)).state).toBe("QUEUED");

    const made = [predictive.jobId];
    for (let i = 0; i < 4; i++) made.push((await member.create(logicJob("engine-list", `logic-${i}`))).jobId);

    // Filters as in the API.
    expect((await member.list({ name: "churn-a" })).jobs.map((j) => j.jobId)).toEqual([predictive.jobId]);
    expect((await member.list({ reasonerType: "LOGIC", createdBy: "client-user" })).jobs).toHaveLength(4);

    // Pages of two, newest first, then everything through listAll: no gap, no repeat.
    const first = await member.list({ createdBy: "client-user", first: 2 });
    expect(first.totalCount).toBe(5);
    expect(first.hasNextPage).toBe(true);
    const second = await member.list({ createdBy: "client-user", first: 2, after: first.endCursor });
    expect([...first.jobs, ...second.jobs].map((j) => j.jobId)).toEqual([...made].reverse().slice(0, 4));
    const all: string[] = [];
    for await (const job of member.listAll({ createdBy: "client-user", first: 2 })) all.push(job.jobId);
    expect(all).toEqual([...made].reverse());

    // In another order: by name, pages of two and listAll alike; a page's cursor continues that order only.
    const byName = { field: "NAME", direction: "DESC" } as const;
    const named = ["logic-3", "logic-2", "logic-1", "logic-0", "churn-a"];
    const page = await member.list({ createdBy: "client-user", first: 2, orderBy: byName });
    expect(page.jobs.map((j) => j.name)).toEqual(named.slice(0, 2));
    const sorted: (string | null)[] = [];
    for await (const job of member.listAll({ createdBy: "client-user", first: 2, orderBy: byName }))
      sorted.push(job.name);
    expect(sorted).toEqual(named);
    const mixed = await rejection(member.list({ createdBy: "client-user", after: page.endCursor }));
    expect(isJobsApiError(mixed, "BAD_USER_INPUT")).toBe(true);

    // Cancel: a queued job at once; the handle sees it after refresh.
    const canceled = await member.cancel(predictive.jobId);
    expect(canceled.state).toBe("CANCELED");
    await predictive.refresh();
    expect(predictive.done).toBe(true);
    expect(predictive.state).toBe("CANCELED");
    expect((await member.list({ createdBy: "client-user", onlyActive: true })).jobs.map((j) => j.jobId)).not.toContain(
      predictive.jobId,
    );

    // Not there, or not this caller's: NOT_FOUND, the same way.
    const missing = await rejection(member.get("00000000-0000-4000-8000-000000000000"));
    expect(isJobsApiError(missing, "NOT_FOUND")).toBe(true);
    const adminsJob = await admin.create(logicJob("engine-list", "admins-own"));
    expect(isJobsApiError(await rejection(member.get(adminsJob.job)), "NOT_FOUND")).toBe(true);
  });

  it("validate checks an input as create would and creates nothing; a refusal is create's", async () => {
    const before = (await member.list({ first: 1 })).totalCount;
    await expect(member.validate(logicJob("validate-engine", "checked"))).resolves.toBeUndefined();
    const bad = await rejection(member.validate({ ...logicJob("validate-engine", "bad"), timeoutMins: 0 }));
    expect(isJobsApiError(bad, "BAD_USER_INPUT")).toBe(true);
    expect((bad as JobsApiError).errors[0]?.extensions?.field).toBe("input.timeoutMins");
    const created = await rejection(member.create({ ...logicJob("validate-engine", "bad"), timeoutMins: 0 }));
    expect((created as JobsApiError).message).toBe((bad as JobsApiError).message);
    expect((await member.list({ first: 1 })).totalCount).toBe(before);
  });

  it("getEvents pages with continuation tokens: no gap, no repeat, and resumes once more arrive", async () => {
    const op = await admin.create(logicJob("engine-events", "evented"));
    const { worker, lease } = await claimed("engine-events");
    expect(lease.job.jobId).toBe(op.jobId);
    await worker.appendEvents(
      lease.token,
      [1, 2, 3, 4, 5].map((n) => ({ n })),
    );

    const seen: unknown[] = [];
    let token: string | null = null;
    let calls = 0;
    for (;;) {
      const page = await admin.getEvents(op.job, { first: 2, after: token });
      calls++;
      seen.push(...page.events.map((e) => e.data));
      token = page.continuationToken;
      if (!page.hasMore) break;
    }
    expect(calls).toBe(3);
    expect(seen).toEqual([1, 2, 3, 4, 5].map((n) => ({ n })));

    // Nothing new yet: the same token comes back; new events are read from it.
    const empty = await admin.getEvents(op.job, { after: token });
    expect(empty.events).toEqual([]);
    expect(empty.continuationToken).toBe(token);
    await worker.appendEvents(lease.token, [{ n: 6 }, { n: 7 }]);
    const more = await admin.getEvents(op.job, { after: token });
    expect(more.events.map((e) => e.data)).toEqual([{ n: 6 }, { n: 7 }]);
    expect(more.events.every((e) => e.stream === "progress")).toBe(true);
    await worker.complete(lease.token);
  });

  it("wait and createReady throw JobTimeoutError naming the job; a terminal job is returned at once", async () => {
    const op = await member.create(logicJob("engine-nobody", "never-claimed"));
    const err = await rejection(member.wait(op.jobId, { timeoutS: 0.3 }));
    expect(err).toBeInstanceOf(JobTimeoutError);
    expect(err).toBeInstanceOf(JobsApiError);
    expect((err as JobTimeoutError).code).toBe("JOB_TIMEOUT");
    expect((err as JobTimeoutError).job).toEqual({ reasonerType: "LOGIC", jobId: op.jobId });
    const viaHandle = await rejection(op.wait(0.2));
    expect(viaHandle).toBeInstanceOf(JobTimeoutError);

    const ready = await rejection(member.createReady(logicJob("engine-nobody", "ready-never"), { timeoutS: 0.3 }));
    expect(ready).toBeInstanceOf(JobTimeoutError);
    const created = (ready as JobTimeoutError).job;
    expect((await member.get(created)).name).toBe("ready-never");

    await member.cancel(op.job);
    const done = await op.wait(5);
    expect(done.state).toBe("CANCELED");
    expect(op.done).toBe(true);
  });

  it("jobUpdated, jobsChanged, jobLogs and jobEvents are async iterators over the subscriptions: replay, live, break and abort", async () => {
    const op = await admin.create(logicJob("engine-subs", "subs"));
    const { worker, lease } = await claimed("engine-subs");
    const base = Date.now();

    // jobUpdated: the job as it is now (claimed), then after each change; break ends the subscription.
    const updates = admin.jobUpdated(op.jobId)[Symbol.asyncIterator]();
    expect((await updates.next()).value?.state).toBe("RUNNING");
    await worker.appendLogs(lease.token, [{ message: "replayed", timestampMs: base, level: "info" }]);
    await worker.appendEvents(lease.token, [{ done: 1 }, { done: 2 }]);

    // jobLogs and jobEvents replay what is there, then deliver live lines and events.
    const logs = admin.jobLogs(op.job, { sinceMs: base })[Symbol.asyncIterator]();
    expect((await logs.next()).value?.message).toBe("replayed");
    const events = admin.jobEvents(op.job)[Symbol.asyncIterator]();
    const replayed = [(await events.next()).value, (await events.next()).value];
    expect(replayed.map((e) => e?.data)).toEqual([{ done: 1 }, { done: 2 }]);
    const nextLine = logs.next();
    const nextEvent = events.next();
    await worker.appendLogs(lease.token, [{ message: "live", timestampMs: base + 1, level: "info" }]);
    await worker.appendEvents(lease.token, [{ done: 3 }]);
    expect((await nextLine).value?.message).toBe("live");
    expect((await nextEvent).value?.data).toEqual({ done: 3 });

    // jobsChanged sends only what changes after it starts: create jobs until one arrives (no sleep).
    const stop = new AbortController();
    const changes = member
      .jobsChanged({ reasonerType: "LOGIC", name: "subs-watched" }, { signal: stop.signal })
      [Symbol.asyncIterator]();
    const firstChange = changes.next();
    const created: string[] = [];
    let arrived: Awaited<typeof firstChange> | undefined;
    while (!arrived) {
      created.push((await member.create(logicJob("engine-subs-watched", "subs-watched"))).jobId);
      arrived = await Promise.race([firstChange, member.get(created.at(-1)!).then(() => undefined)]);
    }
    expect(created).toContain(arrived.value?.jobId);
    expect(arrived.value?.name).toBe("subs-watched");
    const pending = changes.next();
    stop.abort();
    // A change already delivered for another of the jobs created above may still be handed out;
    // after those, the aborted iterator ends (a hang here fails the test by its timeout).
    for (let after = await pending; !after.done; after = await changes.next())
      expect(created).toContain(after.value.jobId);

    await worker.complete(lease.token, { ok: true });
    for (let next = await updates.next(); !next.done; next = await updates.next())
      if (next.value.state === "SUCCEEDED") break;
    await updates.return(undefined);
    // jobLogs and jobEvents end by themselves once the job has finished and everything was sent.
    expect(await logs.next()).toEqual({ done: true, value: undefined });
    expect(await events.next()).toEqual({ done: true, value: undefined });
    expect((await admin.get(op.jobId)).state).toBe("SUCCEEDED");
  });

  it("tailLogs follows lines live until the job ends, each once; sampling, getLogs, printLogs and getExecTime", async () => {
    const op = await admin.create(logicJob("engine-logs", "logged"));
    const { worker, lease } = await claimed("engine-logs");
    const base = Date.now();
    const line = (i: number) => ({
      message: `line ${i}`,
      timestampMs: base + i * 100,
      level: i === 4 ? "warn" : "info",
      step: "run",
    });

    const tail = admin.tailLogs(op.job)[Symbol.asyncIterator]();
    await worker.appendLogs(lease.token, [0, 1, 2].map(line));
    const early: LogLine[] = [];
    for (let i = 0; i < 3; i++) {
      const next = await tail.next();
      if (next.done) throw new Error("tail ended early");
      early.push(next.value);
    }
    // Written after the tail had caught up: these arrive live, then the job ends and so does the tail.
    await worker.appendLogs(lease.token, [3, 4, 5].map(line));
    await worker.complete(lease.token, { ok: true });
    const late: LogLine[] = [];
    for (let next = await tail.next(); !next.done; next = await tail.next()) late.push(next.value);
    const tailed = [...early, ...late];
    expect(tailed.map((l) => l.message)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `line ${i}`));
    expect(new Set(tailed.map((l) => l.cursor)).size).toBe(6);
    expect(tailed[4]!.level).toBe("warn");

    // A finished job: the tail gives the whole log and ends. Sampled at 250 ms of log time: lines 0
    // and 3, and always the last line (how the job ended), standing for the one skipped before it.
    const sampled = [];
    for await (const l of admin.tailLogs(op.job, { sample: { intervalMs: 250 } })) sampled.push(l);
    expect(sampled.map((l) => [l.message, l.skipped])).toEqual([
      ["line 0", 0],
      ["line 3", 2],
      ["line 5", 1],
    ]);

    expect((await admin.getLogs(op.jobId, { sinceMs: base + 200 })).map((l) => l.message)).toEqual([
      "line 2",
      "line 3",
      "line 4",
      "line 5",
    ]);
    const printed: string[] = [];
    const count = await admin.printLogs(op.job, { out: { write: (s: string) => printed.push(s) } });
    expect(count).toBe(6);
    expect(printed.join("")).toContain(`${new Date(base + 400).toISOString()} WARN  [run] line 4\n`);
    const followed: string[] = [];
    await admin.printLogs(op.job, {
      follow: true,
      json: true,
      sinceMs: base + 500,
      out: { write: (s: string) => followed.push(s) },
    });
    expect(followed.map((s) => JSON.parse(s).message)).toEqual(["line 5"]);
    // Followed or read after the fact, a line prints the same: `skipped` only when sampling.
    const read: string[] = [];
    await admin.printLogs(op.job, { json: true, sinceMs: base + 500, out: { write: (s: string) => read.push(s) } });
    expect(followed).toEqual(read);
    expect(JSON.parse(followed[0]!)).not.toHaveProperty("skipped");

    // Fused's getExecTime and the API's execTimeMs agree: first start to end, as the server saw them.
    const viaApi = await t.admin.request<{ job: { execTimeMs: number; startedOn: string; finishedOn: string } }>(
      `query($id: ID!) { job(reasonerType: LOGIC, jobId: $id) { execTimeMs startedOn finishedOn } }`,
      { id: op.jobId },
    );
    expect(viaApi.job.execTimeMs).toBe(Date.parse(viaApi.job.finishedOn) - Date.parse(viaApi.job.startedOn));
    expect(await admin.getExecTime(op.jobId)).toBe(viaApi.job.execTimeMs);

    // untilDone: false follows for as long as the caller wants; aborting ends the iterator.
    const stop = new AbortController();
    const forever = admin.tailLogs(op.job, { untilDone: false, signal: stop.signal })[Symbol.asyncIterator]();
    for (let i = 0; i < 6; i++) expect((await forever.next()).value?.message).toBe(`line ${i}`);
    const pending = forever.next();
    stop.abort();
    expect((await pending).done).toBe(true);
  });

  it("tailLogs refuses a bad key on the WebSocket with UNAUTHENTICATED", async () => {
    const stranger = new JobsClient({ url: t.url, apiKey: "jobs_not-a-real-key-000000000000" });
    try {
      const err = await rejection(
        (async () => {
          for await (const _ of stranger.tailLogs({
            reasonerType: "LOGIC",
            jobId: "00000000-0000-4000-8000-000000000000",
          }))
            break;
        })(),
      );
      expect(isJobsApiError(err, "UNAUTHENTICATED")).toBe(true);
    } finally {
      await stranger.close();
    }
  });

  it("generation: estimate, create, wait, download with a hash check, rerun byte for byte, evidence verified here", async () => {
    const estimate = await member.estimate("MOCK", 2_500_000);
    expect(estimate).toMatchObject({ kind: "MOCK", rows: 2_500_000, estimatedCredits: 3 });

    const op = await member.createGeneration({
      kind: "MOCK",
      rows: 2_000,
      seed: 7,
      description: "customers with name, email and age",
    });
    expect(op.reasonerType).toBe("GENERATION");
    const job = await op.wait(120);
    expect(job.state).toBe("SUCCEEDED");
    if (job.__typename !== "GenerationJob") throw new Error(`expected a GenerationJob, got ${job.__typename}`);
    expect(job.seed).toBe(7);
    expect(job.estimatedCredits).toBe(1);
    const [artifact] = job.artifacts;
    expect(artifact?.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);

    // Streamed to disk; the bytes hash to what the API promised.
    const dir = tempDir();
    const progress: number[] = [];
    const file = await member.download(artifact!, join(dir, "out", "mock.csv"), {
      onProgress: (p) => progress.push(p.receivedBytes),
    });
    const bytes = readFileSync(file.path);
    expect(file.contentHash).toBe(artifact!.contentHash);
    expect(sha256(bytes)).toBe(artifact!.contentHash);
    expect(file.sizeBytes).toBe(artifact!.sizeBytes);
    expect(bytes.toString("utf8").trimEnd().split("\n")).toHaveLength(2_001);
    expect(progress.at(-1)).toBe(artifact!.sizeBytes);

    // A different expected hash: refused, and nothing is left behind.
    const wrongPath = join(dir, "wrong.csv");
    const wrong = `sha256:${"0".repeat(64)}`;
    const mismatch = await rejection(member.download(artifact!, wrongPath, { expectedHash: wrong }));
    expect(mismatch).toBeInstanceOf(ContentHashMismatchError);
    expect((mismatch as ContentHashMismatchError).expected).toBe(wrong);
    expect((mismatch as ContentHashMismatchError).actual).toBe(artifact!.contentHash);
    expect(existsSync(wrongPath)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(["out"]);

    // Rerun: a new job, the same bytes.
    const rerun = await member.rerun(job);
    expect(rerun.jobId).not.toBe(job.jobId);
    const again = await rerun.wait(120);
    expect(again.state).toBe("SUCCEEDED");
    if (again.__typename !== "GenerationJob") throw new Error("expected a GenerationJob");
    expect(again.rerunOf?.jobId).toBe(job.jobId);
    const rerunFile = await member.download(again.artifacts[0]!, join(dir, "rerun.csv"));
    expect(readFileSync(rerunFile.path).equals(bytes)).toBe(true);

    // Evidence, recomputed on this side.
    const check = await member.verifyEvidence(job.jobId);
    expect(check.mismatches).toEqual([]);
    expect(check.verified).toBe(true);
    expect(check.serverVerified).toBe(true);
    expect(check.rootHash).toBe(job.evidence?.rootHash);
    // Pinned to the server's own key it passes; to any other key it fails.
    expect((await member.verifyEvidence(job, { publicKey: job.evidence!.publicKey })).verified).toBe(true);
    const otherKey = await member.verifyEvidence(job, { publicKey: `sha256:${"a".repeat(64)}` });
    expect(otherKey.verified).toBe(false);
    expect(otherKey.mismatches.join("\n")).toContain("not by the expected key");
  });

  it("verifyEvidence catches bytes changed on the way: the run log edited in transit fails the check", async () => {
    const op = await admin.createGeneration({ kind: "MOCK", rows: 50, seed: 3 });
    const job: Job = await op.wait(120);
    expect(job.state).toBe("SUCCEEDED");
    // A fetch that alters run_log.ndjson on the way, as a tampering proxy or a corrupted store would.
    const tampering: Fetch = async (input, init) => {
      const res = await fetch(input, init);
      const url = String(input instanceof Request ? input.url : input);
      if (
        job.__typename !== "GenerationJob" ||
        !job.evidence?.files.some((f) => f.name === "run_log.ndjson" && url.endsWith(new URL(f.downloadUrl).pathname))
      )
        return res;
      const text = `${await res.text()}{"forged":true}\n`;
      return new Response(text, { status: res.status, headers: res.headers });
    };
    const client = new JobsClient({ url: t.url, apiKey: ADMIN_KEY, fetch: tampering });
    const check = await client.verifyEvidence(job);
    expect(check.verified).toBe(false);
    expect(check.serverVerified).toBe(true);
    expect(check.mismatches.some((m) => m.startsWith("run_log.ndjson:"))).toBe(true);
  });
});

describe("JobsClient and Worker when the server cannot be reached", () => {
  /** A URL nothing listens on: a port just released. */
  async function deadUrl(): Promise<string> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return `http://127.0.0.1:${port}`;
  }

  it("a subscription fails with NETWORK_ERROR naming the cause, not [object Object]", async () => {
    const client = new JobsClient({ url: await deadUrl(), apiKey: ADMIN_KEY });
    const err = await rejection(
      (async () => {
        for await (const _ of client.jobsChanged({})) break;
      })(),
    );
    await client.close();
    expect(err).toBeInstanceOf(JobsApiError);
    expect(err).toMatchObject({ code: "NETWORK_ERROR", message: expect.stringMatching(/ECONNREFUSED/) });
  });

  it("Worker.run() waits for a server it cannot reach, saying why (NETWORK_ERROR, not a WebSocket event), until stopped", async () => {
    const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
    let warned: () => void = () => undefined;
    const firstWarning = new Promise<void>((resolve) => (warned = resolve));
    const logger = {
      info: () => undefined,
      error: () => undefined,
      warn: (message: string, fields?: Record<string, unknown>) => {
        warnings.push({ message, fields });
        warned();
      },
    };
    const worker = new Worker({
      url: await deadUrl(),
      apiKey: ADMIN_KEY,
      name: "w-down",
      reasonerTypes: ["LOGIC"],
      logger,
    });
    const stop = new AbortController();
    const running = worker.run(async () => undefined, { signal: stop.signal });
    await firstWarning;
    expect(warnings[0]!.message).toBe("cannot reach the server; registering again");
    expect(String(warnings[0]!.fields?.error)).toMatch(/NETWORK_ERROR.*ECONNREFUSED|ECONNREFUSED/);
    stop.abort();
    await running; // resolves: stopped before it could register
    expect(worker.id).toBeNull();
  });
});
