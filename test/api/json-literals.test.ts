// JSON arguments written as literals with variables (and enum values) inside them: the values the
// variables hold are the ones stored, over HTTP and WebSocket alike, never silently dropped.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { newTenant, type TestTenant } from "../http/tenant.ts";
import { liveClient } from "../live/ws-client.ts";

describe.each(backends)("JSON literals with variables inside on $name", (backend) => {
  let t: TestServer;
  let tn: TestTenant;
  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_WORKERS: "0" });
    tn = await newTenant(t);
  });
  afterAll(async () => t?.stop());

  const CREATE = `mutation($q: String!, $n: Int, $j: JSON, $list: [String!]) {
    createJob(input: { reasonerType: LOGIC, reasonerName: "engine", payload: {
      query: $q, nested: { n: $n, also: [$q, 1, { j: $j }] }, list: $list, kind: MOCK, flag: true } }) {
      job { jobId payload }
    }
  }`;
  const variables = { q: "def output = 1", n: 7, j: { deep: [1, "two"] }, list: ["a", "b"] };
  const expected = {
    query: "def output = 1",
    nested: { n: 7, also: ["def output = 1", 1, { j: { deep: [1, "two"] } }] },
    list: ["a", "b"],
    kind: "MOCK",
    flag: true,
  };

  it("stores what the variables hold, over HTTP", async () => {
    const { createJob } = await tn.member.request<{ createJob: { job: { jobId: string; payload: unknown } } }>(
      CREATE,
      variables,
    );
    expect(createJob.job.payload).toEqual(expected);
    // The same document again, with other values: a compiled plan must not keep the first ones.
    const again = await tn.member.request<{ createJob: { job: { payload: unknown } } }>(CREATE, {
      ...variables,
      q: "def output = 2",
      n: null,
    });
    expect(again.createJob.job.payload).toMatchObject({ query: "def output = 2", nested: { n: null } });
  });

  it("stores what the variables hold, over WebSocket", async () => {
    const live = liveClient(t.url, tn.member.key);
    try {
      const result = await live.request<{ createJob: { job: { payload: unknown } } }>(CREATE, variables);
      expect(result.errors).toBeUndefined();
      expect(result.data!.createJob.job.payload).toEqual(expected);
    } finally {
      await live.dispose();
    }
  });
});
