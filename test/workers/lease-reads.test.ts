// A worker reading under the lease of the job it runs (x-lease-token on POST /graphql) reads as that
// job's creator, as GET /artifacts/:id does under the header: another member's job is null, as a job
// that does not exist is, though the WORKER key alone sees its whole tenant. The header narrows only
// what is seen; a lease not held is LEASE_LOST (409), and a key outside the worker protocol is refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createJob, createKey } from "../helpers/fixtures.ts";
import { NO_BACKGROUND_PASSES, startTestServer, type TestServer } from "../helpers/server.ts";

const JOB = `query($id: ID!) { job(reasonerType: PREDICTIVE, jobId: $id) { jobId createdBy } }`;
const ABSENT = "0190f5a4-0000-7000-8000-00000000dead";

describe.each(backends)("reads under a lease (x-lease-token on /graphql) on $name", (backend) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend, NO_BACKGROUND_PASSES);
  });
  afterAll(async () => t?.stop());

  /** POSTs one operation with `key`, and the lease header when given. */
  async function post(key: string, query: string, variables: Record<string, unknown>, leaseToken?: string) {
    const res = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${key}`,
        ...(leaseToken ? { "x-lease-token": leaseToken } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as {
      data?: Record<string, any> | null;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    };
    return { status: res.status, ...body };
  }

  it("reads as the leased job's creator: another member's job is as absent as one that does not exist", async () => {
    const creator = t.client(await createKey(t.admin, "lease-creator"));
    const other = t.client(await createKey(t.admin, "lease-other"));
    const worker = await createKey(t.admin, "lease-worker", "WORKER");
    const own = await createJob(creator, "PREDICTIVE", 1);
    const registered = await post(
      worker,
      `mutation { registerWorker(input: { name: "w", reasonerTypes: [PREDICTIVE] }) { id } }`,
      {},
    );
    const claimed = await post(
      worker,
      `mutation($w: ID!) { claimJob(workerId: $w) { ... on Lease { token job { jobId } } } }`,
      { w: registered.data!.registerWorker.id },
    );
    expect(claimed.data!.claimJob.job.jobId).toBe(own.jobId);
    const lease = claimed.data!.claimJob.token as string;
    const others = await createJob(other, "PREDICTIVE", 2);

    // The key alone sees its tenant; under the lease, what the creator sees.
    expect((await post(worker, JOB, { id: others.jobId })).data).toEqual({
      job: { jobId: others.jobId, createdBy: "lease-other" },
    });
    const hidden = await post(worker, JOB, { id: others.jobId }, lease);
    const absent = await post(worker, JOB, { id: ABSENT }, lease);
    expect(hidden).toEqual({ status: 200, data: { job: null } });
    expect(absent).toEqual(hidden);
    expect((await post(worker, JOB, { id: own.jobId }, lease)).data).toEqual({
      job: { jobId: own.jobId, createdBy: "lease-creator" },
    });
    // Only the sight narrows: the key still does what it may under the lease.
    const beat = await post(worker, `mutation($t: String!) { heartbeat(leaseToken: $t) { cancelRequested } }`, {
      t: lease,
    });
    expect(beat.data).toEqual({ heartbeat: { cancelRequested: false } });

    // A lease not held, and a key outside the worker protocol, are refused up front.
    const lost = await post(worker, JOB, { id: own.jobId }, `${own.jobId}.${"x".repeat(43)}`);
    expect(lost.status).toBe(409);
    expect(lost.errors?.[0]?.extensions?.code).toBe("LEASE_LOST");
    const member = await post(creator.key!, JOB, { id: own.jobId }, lease);
    expect(member.status).toBe(403);
    expect(member.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
