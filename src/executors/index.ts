// Starts execution in a server: the start-up repair pass of evidence and seals, the pass closing
// batches that ended with no executor there (ended-batches.ts) and, when
// JOBS_WORKERS > 0, the in-process runners for built-in generation kinds and batches. The worker
// protocol and the evidence service they use are made by the composition root (src/server.ts).
import type { ArtifactService } from "../artifacts/service.ts";
import type { Config } from "../config.ts";
import type { Database } from "../db/database.ts";
import type { JobChangeHub } from "../jobs/changes.ts";
import type { JobService } from "../jobs/service.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { WorkerProtocol } from "../workers/protocol/service.ts";
import { runEvery } from "../background/every.ts";
import { batchExecutor } from "./batch.ts";
import { type GenerationEngine, inlineEngine } from "./cpu/engine.ts";
import { ThreadEngine } from "./cpu/thread-engine.ts";
import { endedBatchCloser } from "./ended-batches.ts";
import type { EvidenceService } from "./evidence.ts";
import { generationExecutor } from "./generation.ts";
import { InProcessPort } from "./ports/in-process.ts";
import { Runner } from "./runner.ts";

export interface Execution {
  runners: Runner[];
  /** Settles when the start-up repair pass has built any missing evidence and seals (its count). */
  repaired: Promise<number>;
  /** Stops claiming and lets running jobs finish briefly (the rest are requeued); call before the database closes. */
  stop(): Promise<void>;
}

/** What execution runs on (the server's services have all of it). */
export interface ExecutionDeps {
  config: Pick<
    Config,
    | "workers"
    | "cpuThreads"
    | "workerLocalQueue"
    | "leaseSeconds"
    | "shutdownGraceMs"
    | "sweepIntervalMs"
    | "upstreamCancelRetryMs"
  >;
  db: Database;
  logger: Logger;
  protocol: WorkerProtocol;
  evidence: EvidenceService;
  artifacts: ArtifactService;
  changes: JobChangeHub;
  jobs: JobService;
  metrics: Pick<Metrics, "abandonedUpstreamCancels">;
}

export function startExecution(services: ExecutionDeps): Execution {
  const { config, db, logger, protocol } = services;
  const repaired = services.evidence.repair().then(
    (count) => {
      if (count) logger.info({ count }, "built missing evidence and seals");
      return count;
    },
    (err: unknown) => {
      logger.error({ err }, "evidence repair pass failed");
      return 0;
    },
  );

  const runners: Runner[] = [];
  let engine: GenerationEngine | null = null;
  if (config.workers > 0) {
    engine = config.cpuThreads > 0 ? new ThreadEngine({ threads: config.cpuThreads }) : inlineEngine;
    logger.info(
      { cpuThreads: config.cpuThreads },
      config.cpuThreads > 0 ? "generation engine in worker threads" : "generation engine on the event loop",
    );
    const port = new InProcessPort({
      db,
      protocol,
      artifacts: services.artifacts,
      changes: services.changes,
      jobs: services.jobs,
      evidence: services.evidence,
    });
    const common = { leaseSeconds: config.leaseSeconds, logger, shutdownGraceMs: config.shutdownGraceMs };
    runners.push(
      new Runner(port, generationExecutor(engine), {
        ...common,
        concurrency: config.workers,
        localQueue: config.workerLocalQueue,
      }).start(),
      // Batches mostly wait for their children, which run in the generation slots (or on external
      // workers); separate slots mean waiting batches can never starve their own steps.
      new Runner(port, batchExecutor({ db, jobs: services.jobs, changes: services.changes }), {
        ...common,
        concurrency: config.workers * 4,
        shutdownGraceMs: 0,
      }).start(),
    );
  }

  // In every process, executors or not: a batch handed back by a process that is gone has no
  // executor to close it if it ends while it waits.
  const closeEndedBatches = endedBatchCloser({
    db,
    jobs: services.jobs,
    logger,
    upstreamCancelRetryMs: config.upstreamCancelRetryMs,
    onCancelAbandoned: (gateway) => services.metrics.abandonedUpstreamCancels.inc({ gateway }),
  });
  const stopClosingEndedBatches = runEvery(
    config.sweepIntervalMs,
    async (signal) => void (await closeEndedBatches(signal)),
    (err) => logger.warn({ err }, "closing ended batches failed; retrying next interval"),
  );

  return {
    runners,
    repaired,
    async stop() {
      await stopClosingEndedBatches();
      await Promise.all(runners.map((r) => r.stop()));
      await engine?.close();
      await repaired;
    },
  };
}
