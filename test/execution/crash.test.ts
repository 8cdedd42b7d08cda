// Crash recovery: the server (`src/main.ts`, as `npm start` runs it) is killed with SIGKILL while its
// executors run generation jobs and batches, then started again on the same database and data
// folder. Every job ends in a terminal state, each exactly once in its status history; every
// succeeded generation job was charged once and has verified evidence and a seal on one chain.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { verifySealChain } from "../../src/families/generation/engine/seal.ts";
import { backends } from "../helpers/backends.ts";
import { ADMIN_KEY, graphqlClient } from "../helpers/server.ts";
import { createGeneration, terminalEntries } from "./helpers.ts";
import { serverProcesses, stopChild } from "./processes.ts";

const JOB_VIEW = `jobId reasonerType state statusHistory { state message createdOn }
  ... on GenerationJob { chargedCredits estimatedCredits evidence { verified } seal { sealHash } }
  ... on BatchJob { steps { name state childJobId } }`;

interface JobView {
  jobId: string;
  reasonerType: string;
  state: string;
  statusHistory: { state: string; message: string | null; createdOn: string }[];
  chargedCredits?: number;
  estimatedCredits?: number;
  evidence?: { verified: boolean } | null;
  seal?: { sealHash: string } | null;
  steps?: { name: string; state: string; childJobId: string | null }[];
}

describe.each(backends.map((b) => [b.name, b] as const))("SIGKILL while jobs run, on %s", (_name, backend) => {
  const servers = serverProcesses("jobs-crash-");

  it("ends every job exactly once after a restart", { timeout: 240_000 }, async () => {
    const env = await servers.environment(backend, {
      JOBS_WORKERS: "2",
      JOBS_LEASE_SECONDS: "2",
      JOBS_SWEEP_INTERVAL_MS: "500",
    });
    const first = await servers.start(env);
    let api = graphqlClient(first.url, ADMIN_KEY);

    const description = "orders with customer name, email, amount, country and order date";
    const generation: string[] = [];
    for (let i = 0; i < 6; i++)
      generation.push(await createGeneration(api, { kind: "MOCK", rows: 120_000, seed: i, description }));
    const batches: string[] = [];
    for (let i = 0; i < 2; i++) {
      const data = await api.request<{ runBatchJob: { job: { jobId: string } } }>(
        `mutation($i: RunBatchJobInput!) { runBatchJob(input: $i) { job { jobId } } }`,
        {
          i: {
            name: `crash-${i}`,
            steps: [
              {
                name: "make",
                run: {
                  reasonerType: "GENERATION",
                  payload: { kind: "MOCK", rows: 100_000, seed: 100 + i, description },
                },
              },
              {
                name: "profile",
                run: {
                  reasonerType: "GENERATION",
                  payload: { kind: "ANALYZE", spec: { input: "$steps.make.artifacts[0]" } },
                },
              },
            ],
          },
        },
      );
      batches.push(data.runBatchJob.job.jobId);
    }

    // Once the first job is done the executors are busy with the rest: kill the server mid-run.
    await api.request(`query($id: ID!) { waitForJob(reasonerType: GENERATION, jobId: $id, timeoutS: 120) { state } }`, {
      id: generation[0],
    });
    const before = await api.request<{ jobs: { edges: { node: { jobId: string; state: string } }[] } }>(
      `{ jobs(first: 100) { edges { node { jobId state } } } }`,
    );
    const killedAt = Date.now();
    first.proc.kill("SIGKILL");
    expect((await first.exited).signal).toBe("SIGKILL");
    const interrupted = before.jobs.edges.filter((e) => e.node.state === "RUNNING").map((e) => e.node.jobId);
    expect(interrupted.length).toBeGreaterThan(0); // the kill did land while jobs ran

    const second = await servers.start(env);
    api = graphqlClient(second.url, ADMIN_KEY);

    const wait = async (reasonerType: string, jobId: string) =>
      (
        await api.request<{ waitForJob: JobView }>(
          `query($t: ReasonerType!, $id: ID!) { waitForJob(reasonerType: $t, jobId: $id, timeoutS: 120) { ${JOB_VIEW} } }`,
          {
            t: reasonerType,
            id: jobId,
          },
        )
      ).waitForJob;
    const ended = [...(await Promise.all(batches.map((id) => wait("BATCH", id))))];
    const childIds = ended.flatMap((b) => b.steps!.map((s) => s.childJobId).filter((id): id is string => id !== null));
    ended.push(...(await Promise.all([...generation, ...childIds].map((id) => wait("GENERATION", id)))));

    for (const job of ended) {
      expect(terminalEntries(job.statusHistory), `${job.reasonerType} ${job.jobId}`).toBe(1);
      expect(job.state, `${job.reasonerType} ${job.jobId}`).toBe("SUCCEEDED");
    }
    // The interrupted jobs were recovered through their expired leases, not lost. (One that was
    // RUNNING when listed may have finished in the moment before the kill: it ended before killedAt.)
    for (const id of interrupted) {
      const job = ended.find((j) => j.jobId === id)!;
      const endedOn = Date.parse(job.statusHistory.at(-1)!.createdOn);
      if (endedOn < killedAt) continue;
      expect(
        job.statusHistory.some((h) => h.message?.includes("lease expired")),
        id,
      ).toBe(true);
    }
    for (const batch of ended.filter((j) => j.reasonerType === "BATCH")) {
      expect(batch.steps!.map((s) => s.state)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    }
    for (const job of ended.filter((j) => j.reasonerType === "GENERATION")) {
      expect(job.chargedCredits).toBe(job.estimatedCredits);
      expect(job.evidence?.verified, job.jobId).toBe(true);
      expect(job.seal).not.toBeNull();
    }

    // One batch child per step, one credit charge per job, one seal chain (read straight from PostgreSQL).
    if (env.DATABASE_URL) {
      const client = new pg.Client({ connectionString: env.DATABASE_URL });
      await client.connect();
      try {
        const perStep = await client.query<{ n: number }>(
          `select count(*)::int as n from "jobs" where "parentJobId" = any($1::uuid[]) group by "parentJobId"`,
          [batches],
        );
        expect(perStep.rows.map((r) => r.n)).toEqual([2, 2]);
        const charges = await client.query<{ n: number }>(
          `select count(*)::int as n from "credit_charges" group by "jobId" having count(*) > 1`,
        );
        expect(charges.rows).toEqual([]);
        const seals = await client.query<{
          jobId: string;
          sealHash: string;
          previousSealHash: string | null;
          createdOn: Date;
          rootHash: string;
        }>(
          `select s."jobId", s."sealHash", s."previousSealHash", s."createdOn", g."evidence"->>'rootHash' as "rootHash"
           from "provenance_seals" s join "generation_details" g on g."jobId" = s."jobId" order by s."createdOn", s."id"`,
        );
        expect(seals.rows).toHaveLength(ended.filter((j) => j.reasonerType === "GENERATION").length);
        expect(verifySealChain(seals.rows.map((s) => ({ ...s, createdOn: s.createdOn.toISOString() }))).ok).toBe(true);
      } finally {
        await client.end();
      }
    }

    const exit = await stopChild(second);
    expect(exit.code).toBe(0);
  });
});
