// validateJob and validateJobs: createJob's and createJobs' checks (reading, limits, the agents and
// pools an input names, a batch's steps), as the caller, creating nothing. A refusal is the one the
// create would answer, code, message and field alike; a WORKER key is refused as createJob refuses it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createJobInput, createKey, REASONER_TYPES } from "../helpers/fixtures.ts";
import { type GraphQLClient, startTestServer, type TestServer } from "../helpers/server.ts";

const VALIDATE = `query($input: CreateJobInput!) { validateJob(input: $input) }`;
const CREATE = `mutation($input: CreateJobInput!) { createJob(input: $input) { job { jobId } } }`;
const VALIDATE_MANY = `query($inputs: [CreateJobInput!]!) { validateJobs(inputs: $inputs) { code message field } }`;
const CREATE_MANY = `mutation($inputs: [CreateJobInput!]!) { createJobs(inputs: $inputs) { job { jobId } error { code message field } } }`;

const agentStep = (payload: Record<string, unknown>) => ({
  name: "a",
  run: { reasonerType: "AGENT", payload: { functionName: "f", ...payload } },
});

/** Inputs createJob refuses, each for another of its checks. */
const BAD_INPUTS: Record<string, unknown>[] = [
  { reasonerType: "GENERATION", payload: [] },
  { reasonerType: "GENERATION", payload: { kind: "MOCK" } },
  { reasonerType: "LOGIC", reasonerName: "engine-a", payload: { readOnly: "yes" } },
  { reasonerType: "AGENT", payload: { functionName: "f", assignedAgentId: "00000000-0000-4000-8000-000000000000" } },
  { reasonerType: "AGENT", payload: { functionName: "f", assignedAgentPoolId: "no-pool" } },
  { reasonerType: "BATCH", payload: { name: "b", steps: [agentStep({ assignedAgentPoolId: "no-pool" })] } },
  {
    reasonerType: "BATCH",
    payload: { name: "b", steps: [{ name: "g", run: { reasonerType: "GENERATION", payload: { kind: "MOCK" } } }] },
  },
];

describe.each(backends)("validateJob on $name", (backend) => {
  let t: TestServer;
  let alice: GraphQLClient;

  beforeAll(async () => {
    t = await startTestServer(backend);
    alice = t.client(await createKey(t.admin, "alice", "MEMBER"));
  });
  afterAll(() => t?.stop());

  const jobCount = async () =>
    (
      await t.admin.request<{ jobs: { totalCount: number } }>(
        `query { jobs(first: 0, filter: { allUsers: true }) { totalCount } }`,
      )
    ).jobs.totalCount;

  it("answers true for what createJob would create, creating nothing", async () => {
    for (const type of REASONER_TYPES) {
      const answer = await alice.raw(VALIDATE, { input: createJobInput(type) });
      expect(answer.errors, type).toBeUndefined();
      expect(answer.data).toEqual({ validateJob: true });
    }
    // The same idempotency key twice is no refusal: nothing was made by the first.
    const keyed = createJobInput("PREDICTIVE", 0, { idempotencyKey: "once" });
    expect(await alice.request(VALIDATE, { input: keyed })).toEqual({ validateJob: true });
    expect(await alice.request(VALIDATE, { input: keyed })).toEqual({ validateJob: true });
    expect(await jobCount()).toBe(0);
  });

  it("refuses what createJob refuses with createJob's error, message and extensions alike, creating nothing", async () => {
    for (const input of BAD_INPUTS) {
      const validated = await alice.raw(VALIDATE, { input });
      const created = await alice.raw(CREATE, { input });
      expect(created.errors?.[0]?.extensions?.code, JSON.stringify(input)).toBeDefined();
      expect(validated.data, JSON.stringify(input)).toBeNull();
      // The same refusal; each answer's request id is its own.
      const refusal = ({ message, extensions }: { message: string; extensions?: Record<string, unknown> }) => {
        const { requestId: _r, ...rest } = extensions ?? {};
        return { message, extensions: rest };
      };
      expect(refusal(validated.errors![0]!), JSON.stringify(input)).toEqual(refusal(created.errors![0]!));
    }
    expect(await jobCount()).toBe(0);
  });

  it("validateJobs answers per input what createJobs would: null where it creates, else the item's error", async () => {
    const inputs = [createJobInput("PREDICTIVE"), ...BAD_INPUTS, createJobInput("AGENT")];
    const validated = (await alice.request<{ validateJobs: unknown[] }>(VALIDATE_MANY, { inputs })).validateJobs;
    expect(await jobCount()).toBe(0);
    const created = (await alice.request<{ createJobs: { job: unknown; error: unknown }[] }>(CREATE_MANY, { inputs }))
      .createJobs;
    expect(validated).toEqual(created.map((r) => r.error));
    expect(validated[0]).toBeNull();
    expect(validated.at(-1)).toBeNull();
    expect(validated.slice(1, -1).every((e) => e !== null)).toBe(true);
  });

  it("refuses a WORKER key as createJob refuses it", async () => {
    const worker = t.client(await createKey(t.admin, "robot", "WORKER"));
    const input = createJobInput("PREDICTIVE");
    const created = await worker.raw(CREATE, { input });
    for (const answer of [
      await worker.raw(VALIDATE, { input }),
      await worker.raw(VALIDATE_MANY, { inputs: [input] }),
    ]) {
      expect(answer.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(answer.errors?.[0]?.message).toBe(created.errors?.[0]?.message);
    }
  });
});
