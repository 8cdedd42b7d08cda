// Prometheus metrics at /metrics: job counts by family and state, queue depth, claim latency,
// request durations; only for admins of the first tenant unless made public.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createJob } from "../helpers/fixtures.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.ts";

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
    const w = (await t.admin.request<any>(`mutation { registerWorker(input: { name: "m", reasonerTypes: [AGENT] }) { id } }`)).registerWorker.id;
    const claim = (await t.admin.request<any>(`mutation($w: ID!) { claimJob(workerId: $w) { ... on Lease { job { jobId } } } }`, { w })).claimJob;
    expect(claim.job.jobId).toBe(agent.jobId);
    await t.admin.request(`mutation($w: ID!) { claimJob(workerId: $w) { __typename } }`, { w });

    const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/plain/);
    const text = await res.text();
    const logicState = (await t.admin.request<any>(`{ jobs(filter: { reasonerType: LOGIC }) { edges { node { state } } } }`)).jobs.edges[0].node.state;
    expect(sample(text, "jobs_total", { reasoner_type: "LOGIC", state: logicState })).toBe(2);
    expect(sample(text, "jobs_total", { reasoner_type: "AGENT", state: "CLAIMED" }) ?? sample(text, "jobs_total", { reasoner_type: "AGENT" })).toBe(1);
    expect(sample(text, "jobs_queue_depth", { reasoner_type: "LOGIC" })).toBe(2);
    expect(sample(text, "jobs_claim_duration_seconds_count", { outcome: "claimed", via: "graphql" })).toBe(1);
    expect(sample(text, "jobs_claim_duration_seconds_count", { outcome: "empty", via: "graphql" })).toBe(1);
    expect(sample(text, "jobs_queue_wait_seconds_count", { reasoner_type: "AGENT" })).toBe(1);
    expect(sample(text, "jobs_graphql_request_duration_seconds_count", { operation_type: "mutation", outcome: "ok" })).toBeGreaterThanOrEqual(6);
    expect(text).toContain("jobs_process_resident_memory_bytes");
  });

  it("needs an admin key of the first tenant", async () => {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
    const member = (await t.admin.request<any>(`mutation { createApiKey(userId: "mm", role: MEMBER) { secret } }`)).createApiKey.secret;
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${member}` } })).status).toBe(403);
  });
});
