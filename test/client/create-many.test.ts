// JobsClient.createMany against the real server on PGlite and PostgreSQL: any number of inputs,
// sent 1,000 per request, one answer per input in order, each refused input its own error.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobsApiError, JobsClient, Operation, type CreateJobInput } from "@jobs-api/client/node";
import { backends } from "../helpers/backends.ts";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.ts";

describe.each(backends.map((b) => [b.name, b] as const))("JobsClient.createMany on %s", (_name, backend) => {
  let t: TestServer;
  let jobs: JobsClient;
  beforeAll(async () => {
    t = await startTestServer(backend, { JOBS_RATE_LIMIT: "0" });
    const admin = new JobsClient({ url: t.url, apiKey: ADMIN_KEY });
    const key = await admin.createApiKey({ userId: "many", role: "MEMBER" });
    await admin.close();
    jobs = new JobsClient({ url: t.url, apiKey: key.secret });
  });
  afterAll(async () => {
    await jobs?.close();
    await t?.stop();
  });

  it("creates 1,500 jobs in two requests, answering each input in order with its operation or its error", async () => {
    const first = await jobs.create({
      reasonerType: "PREDICTIVE",
      reasonerName: "default",
      payload: { model: "m" },
      idempotencyKey: "reused",
    });
    const inputs: CreateJobInput[] = Array.from({ length: 1500 }, (_, n) => ({
      reasonerType: "PREDICTIVE",
      reasonerName: "default",
      payload: { model: "m", n },
      name: `p-${n}`,
    }));
    inputs[3] = { ...inputs[3]!, timeoutMins: 0 };
    inputs[1200] = {
      reasonerType: "PREDICTIVE",
      reasonerName: "default",
      payload: { model: "other" },
      idempotencyKey: "reused",
    };
    inputs[1201] = {
      reasonerType: "PREDICTIVE",
      reasonerName: "default",
      payload: { model: "m" },
      idempotencyKey: "reused",
    };
    const answers = await jobs.createMany(inputs);
    expect(answers).toHaveLength(1500);
    const bad = answers[3];
    expect(bad).toBeInstanceOf(JobsApiError);
    expect((bad as JobsApiError).code).toBe("BAD_USER_INPUT");
    // The field the server named, as a single create's error carries it.
    const single = await jobs.create(inputs[3]!).catch((err: unknown) => err as JobsApiError);
    expect(single).toBeInstanceOf(JobsApiError);
    const field = (single as JobsApiError).errors[0]?.extensions?.field;
    expect(field).toMatch(/timeoutMins/);
    expect((bad as JobsApiError).errors[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", field });
    expect((answers[1200] as JobsApiError).errors[0]?.extensions).toEqual({ code: "CONFLICT" });
    expect((answers[1200] as JobsApiError).code).toBe("CONFLICT");
    expect((answers[1201] as Operation).id).toBe(first.id);
    const made = answers.filter((a, n) => a instanceof Operation && n !== 1201) as Operation[];
    expect(made).toHaveLength(1497);
    expect(made.every((op) => op.state === "QUEUED" && !op.done)).toBe(true);
    expect((answers[1499] as Operation).job.name).toBe("p-1499");
    const page = await jobs.list({ first: 1 });
    expect(page.totalCount).toBe(1498);
    expect(page.totalCountIsEstimate).toBe(false);
  });
});
