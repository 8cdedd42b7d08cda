// An external worker for PRESCRIPTIVE jobs: solves the linear program in each job's payload (see
// README.md beside this file), reporting progress events and logs, uploading the solution as an
// artifact and completing with { feasible, objective, variables }. Problems without an answer fail
// the job, not retried, with INVALID_PROBLEM, INFEASIBLE or UNBOUNDED. The solve runs on a worker
// thread, so heartbeats, cancels and Ctrl-C are heard however long it takes.
//
//   JOBS_URL=http://localhost:4000 JOBS_API_KEY=<a WORKER key> npx tsx examples/prescriptive-worker/main.ts
import { Worker as Thread } from "node:worker_threads";
import { JobFailure, Worker, type JobContext, type JobOutcome, type WorkerLogger } from "@jobs-api/client/node";
import {
  type LinearProgram,
  LpError,
  type LpSolution,
  parseProblem,
  readAnswer,
  type SolverAnswer,
  toModel,
} from "./lp.ts";

const logger: WorkerLogger = {
  info: (message, fields) => console.log(`[prescriptive-worker] ${message}`, fields ? JSON.stringify(fields) : ""),
  warn: (message, fields) => console.warn(`[prescriptive-worker] ${message}`, fields ? JSON.stringify(fields) : ""),
  error: (message, fields) => console.error(`[prescriptive-worker] ${message}`, fields ? JSON.stringify(fields) : ""),
};

/**
 * Solves on a thread of its own (solver-thread.mjs), so this one stays free for heartbeats, cancels
 * and Ctrl-C. When `signal` aborts (a cancel, a lost lease, a stop) the thread is ended at once and
 * this rejects with the signal's reason.
 */
async function solveOnThread(problem: LinearProgram, signal: AbortSignal): Promise<LpSolution> {
  const model = toModel(problem);
  signal.throwIfAborted();
  const thread = new Thread(new URL("./solver-thread.mjs", import.meta.url), { workerData: model });
  let aborted: () => void = () => undefined;
  try {
    const answer = await new Promise<SolverAnswer>((resolve, reject) => {
      aborted = () => reject(signal.reason);
      signal.addEventListener("abort", aborted, { once: true });
      thread.once("message", resolve);
      thread.once("error", reject);
      thread.once("exit", (code) => reject(new Error(`the solver thread exited (code ${code}) without an answer`)));
    });
    return readAnswer(problem, model, answer);
  } finally {
    signal.removeEventListener("abort", aborted);
    void thread.terminate();
  }
}

async function solveJob(ctx: JobContext): Promise<JobOutcome> {
  const { jobId } = ctx.job;
  try {
    const problem = parseProblem(ctx.job.payload);
    const objective = problem.maximize !== undefined ? "maximize" : "minimize";
    await ctx.event({ phase: "parsed", constraints: problem.constraints.length });
    await ctx.log(`parsed a linear program (${objective}, ${problem.constraints.length} constraints)`, {
      step: "parse",
    });

    await ctx.event({ phase: "solving" });
    const started = performance.now();
    const solution = await solveOnThread(problem, ctx.signal);
    const ms = Math.round(performance.now() - started);
    await ctx.log(`optimum ${solution.objective} in ${ms} ms`, { step: "solve" });
    await ctx.event({ phase: "solved", objective: solution.objective, ms });
    await ctx.upload({
      name: "solution.json",
      type: "solution",
      mimeType: "application/json",
      body: new TextEncoder().encode(JSON.stringify({ jobId, ...solution }, null, 2)),
    });
    return { result: solution };
  } catch (err) {
    if (err instanceof LpError) {
      await ctx.log(err.message, { level: "error", step: "solve" });
      throw new JobFailure(err.code, err.message, { retryable: false });
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const apiKey = process.env.JOBS_API_KEY;
  if (!apiKey) {
    console.error("set JOBS_API_KEY to a WORKER key (and JOBS_URL, default http://localhost:4000)");
    process.exit(2);
  }
  const worker = new Worker({
    url: process.env.JOBS_URL ?? "http://localhost:4000",
    apiKey,
    name: process.env.WORKER_NAME ?? "prescriptive-worker",
    reasonerTypes: ["PRESCRIPTIVE"],
    reasonerNames: (process.env.JOBS_REASONER_NAMES ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    logger,
  });
  const registration = await worker.register();
  logger.info("registered", { workerId: registration.id, reasonerNames: registration.reasonerNames });

  // Ctrl-C / SIGTERM: stop claiming; a solve still running is ended and its job handed back (retryable,
  // for another worker); a job already solved is still completed. Then exit.
  const stop = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => stop.abort());
  await worker.run(solveJob, {
    concurrency: Number(process.env.CONCURRENCY ?? 1),
    signal: stop.signal,
    onJobFinished: ({ job, final }) =>
      logger.info("job finished", { jobId: job.jobId, state: final?.state ?? "lease lost", error: final?.error?.code }),
  });
  logger.info("stopped");
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
