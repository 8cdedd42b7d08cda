// Prometheus metrics at /metrics: job counts by family and state, queue depth, claim latency,
// request durations, finishes, run times, failures and retries; only for admins of the first tenant
// unless made public.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createJob } from "../helpers/fixtures.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.ts";
import { MAX_QUEUE_SERIES } from "../../src/observability/metrics.ts";

function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (want.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

describe.each(backends.map((b) => [b.name, b] as const))("metrics on %s", (_name, backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend);
  });
  afterAll(async () => t?.stop());

  it("reports jobs by family and state, queue depth, claims and requests", async () => {
    await createJob(t.admin, "LOGIC", 1);
    await createJob(t.admin, "LOGIC", 2);
    const agent = await createJob(t.admin, "AGENT", 3);
    const w = (
      await t.admin.request<any>(`mutation { registerWorker(input: { name: "m", reasonerTypes: [AGENT] }) { id } }`)
    ).registerWorker.id;
    const claim = (
      await t.admin.request<any>(`mutation($w: ID!) { claimJob(workerId: $w) { ... on Lease { job { jobId } } } }`, {
        w,
      })
    ).claimJob;
    expect(claim.job.jobId).toBe(agent.jobId);
    await t.admin.request(`mutation($w: ID!) { claimJob(workerId: $w) { __typename } }`, { w });

    const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/plain/);
    const text = await res.text();
    const logicState = (
      await t.admin.request<any>(`{ jobs(filter: { reasonerType: LOGIC }) { edges { node { state } } } }`)
    ).jobs.edges[0].node.state;
    expect(sample(text, "jobs_stored", { reasoner_type: "LOGIC", state: logicState })).toBe(2);
    expect(
      sample(text, "jobs_stored", { reasoner_type: "AGENT", state: "CLAIMED" }) ??
        sample(text, "jobs_stored", { reasoner_type: "AGENT" }),
    ).toBe(1);
    expect(sample(text, "jobs_queue_depth", { reasoner_type: "LOGIC" })).toBe(2);
    expect(sample(text, "jobs_claim_duration_seconds_count", { outcome: "claimed", via: "graphql" })).toBe(1);
    expect(sample(text, "jobs_claim_duration_seconds_count", { outcome: "empty", via: "graphql" })).toBe(1);
    expect(sample(text, "jobs_queue_wait_seconds_count", { reasoner_type: "AGENT" })).toBe(1);
    expect(
      sample(text, "jobs_graphql_request_duration_seconds_count", { operation_type: "mutation", outcome: "ok" }),
    ).toBeGreaterThanOrEqual(6);
    expect(text).toContain("jobs_process_resident_memory_bytes");
  });

  it("counts finishes with run times, failures and retries, and reports empty known queues as 0", async () => {
    const scrape = async () =>
      (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
    const before = await scrape();
    const count = (text: string, name: string, labels: Record<string, string>) => sample(text, name, labels) ?? 0;

    await createJob(t.admin, "AGENT", 20);
    await createJob(t.admin, "AGENT", 21);
    await createJob(t.admin, "AGENT", 22);
    const w = (
      await t.admin.request<any>(`mutation { registerWorker(input: { name: "f", reasonerTypes: [AGENT] }) { id } }`)
    ).registerWorker.id;
    const claim = async () =>
      (await t.admin.request<any>(`mutation($w: ID!) { claimJob(workerId: $w) { ... on Lease { token } } }`, { w }))
        .claimJob.token as string;
    const first = await claim();
    await t.admin.request(`mutation($l: String!) { completeJob(leaseToken: $l, result: { ok: true }) { state } }`, {
      l: first,
    });
    const second = await claim();
    const retried = await t.admin.request<any>(
      `mutation($l: String!) { failJob(leaseToken: $l, error: { code: "FLAKY", message: "try again" }, retryable: true) { state } }`,
      { l: second },
    );
    expect(retried.failJob.state).toBe("PENDING");
    const third = await claim();
    await t.admin.request(
      `mutation($l: String!) { failJob(leaseToken: $l, error: { code: "BROKEN", message: "no" }) { state } }`,
      { l: third },
    );

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) =>
      count(after, name, labels) - count(before, name, labels);
    expect(delta("jobs_finished_total", { reasoner_type: "AGENT", outcome: "succeeded" })).toBe(1);
    expect(delta("jobs_finished_total", { reasoner_type: "AGENT", outcome: "failed" })).toBe(1);
    expect(delta("jobs_run_duration_seconds_count", { reasoner_type: "AGENT", outcome: "succeeded" })).toBe(1);
    expect(delta("jobs_run_duration_seconds_count", { reasoner_type: "AGENT", outcome: "failed" })).toBe(1);
    expect(delta("jobs_failures_total", { reasoner_type: "AGENT" })).toBe(2);
    expect(delta("jobs_retries_total", { reasoner_type: "AGENT" })).toBe(1);
    // Queues that exist in every deployment are there while empty, and so is one seen earlier.
    expect(sample(after, "jobs_queue_depth", { reasoner_type: "GENERATION", queue: "interactive" })).toBe(0);
    expect(sample(after, "jobs_queue_depth", { reasoner_type: "BATCH", queue: "batch" })).toBe(0);
    expect(sample(after, "jobs_swept_total", { action: "timed_out" })).toBe(0);
  });

  it("bounds the queue series however many queue names callers choose: the fullest by name, the rest as other", async () => {
    const scrape = async () =>
      (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
    const series = (text: string) =>
      text.split("\n").filter((l) => l.startsWith('jobs_queue_depth{reasoner_type="PRESCRIPTIVE"'));
    const waiting = (text: string) => series(text).reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
    const before = waiting(await scrape());
    const names = Array.from({ length: MAX_QUEUE_SERIES + 50 }, (_, i) => `card-${i}`);
    const made = await t.admin.request<{ createJobs: { job: { jobId: string } | null }[] }>(
      `mutation($inputs: [CreateJobInput!]!) { createJobs(inputs: $inputs) { job { jobId } } }`,
      { inputs: names.map((reasonerName) => ({ reasonerType: "PRESCRIPTIVE", reasonerName, payload: {} })) },
    );
    expect(made.createJobs.every((r) => r.job !== null)).toBe(true);
    const text = await scrape();
    const named = series(text).filter((l) => l.includes('queue="card-'));
    expect(named.length).toBeGreaterThan(0);
    expect(named.length).toBeLessThanOrEqual(MAX_QUEUE_SERIES);
    expect(sample(text, "jobs_queue_depth", { reasoner_type: "PRESCRIPTIVE", queue: "other" })).toBeGreaterThan(0);
    // Every waiting job is still counted, by name or as other.
    expect(waiting(text) - before).toBe(names.length);
  });

  it("follows Prometheus naming: counters end in _total, gauges do not (ours; prom-client's Node metrics keep their names)", async () => {
    const text = await (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
    const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)]
      .map((m) => ({ name: m[1]!, type: m[2]! }))
      .filter(({ name }) => !/^jobs_(process|nodejs)_/.test(name));
    expect(types.length).toBeGreaterThan(10);
    for (const { name, type } of types) {
      if (type === "counter") expect(name, name).toMatch(/_total$/);
      else expect(name, name).not.toMatch(/_total$/);
      if (type === "histogram") expect(name, name).toMatch(/_seconds$|_bytes$/);
    }
  });

  it("lists exactly the metrics it exports in the README, and charts each in the Grafana dashboard", async () => {
    const text = await (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
    const exported = new Set([...text.matchAll(/^# TYPE (\S+) \S+$/gm)].map((m) => m[1]!));
    const ours = [...exported].filter((name) => !/^jobs_(process|nodejs)_/.test(name)).sort();

    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("### Metrics"), readme.indexOf("### Traces"));
    const listed = [...section.matchAll(/^\| `(jobs_[a-z_]+)` +\|/gm)].map((m) => m[1]!).sort();
    expect(listed).toEqual(ours);

    const dashboard = JSON.parse(
      readFileSync(new URL("../../deploy/grafana/jobs-api.json", import.meta.url), "utf8"),
    ) as { panels: { targets: { expr: string }[] }[] };
    const charted = new Set(
      dashboard.panels.flatMap((p) =>
        p.targets.flatMap((target) => [...target.expr.matchAll(/\bjobs_[a-z0-9_]+/g)].map((m) => m[0])),
      ),
    );
    for (const name of charted)
      expect(exported.has(name.replace(/_(bucket|count|sum)$/, "")) || exported.has(name), name).toBe(true);
    for (const name of ours)
      expect(
        [...charted].some((c) => c === name || c.replace(/_(bucket|count|sum)$/, "") === name),
        name,
      ).toBe(true);
  });

  it("needs an admin key of the first tenant", async () => {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
    const member = (await t.admin.request<any>(`mutation { createApiKey(userId: "mm", role: MEMBER) { secret } }`))
      .createApiKey.secret;
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${member}` } })).status).toBe(403);
  });
});
