// Wires execution into a server: the worker protocol with the evidence hook (for every completion,
// in-process or over HTTP), evidence verification for the API, the start-up repair pass, and, when
// JOBS_WORKERS > 0, the in-process runners for built-in generation kinds and batches.
import type { Services } from "../schema/context.ts";
import { setWorkerProtocol, WorkerProtocol } from "../workers/protocol/service.ts";
import { batchExecutor } from "./batch.ts";
import { EvidenceService } from "./evidence.ts";
import { type GenerationEngine, inlineEngine } from "./cpu/engine.ts";
import { ThreadEngine } from "./cpu/thread-engine.ts";
import { generationExecutor } from "./generation.ts";
import { InProcessPort } from "./ports/in-process.ts";
import { Runner } from "./runner.ts";

export interface Execution {
  protocol: WorkerProtocol;
  evidence: EvidenceService;
  runners: Runner[];
  /** Settles when the start-up repair pass has built any missing evidence and seals (its count). */
  repaired: Promise<number>;
  /** Stops claiming and lets running jobs finish briefly (the rest are requeued); call before the database closes. */
  stop(): Promise<void>;
}

export function startExecution(services: Services): Execution {
  const { config, db, logger } = services;
  const evidence = new EvidenceService(db, services.blobs, config.dataDir, logger);
  const protocol = new WorkerProtocol(db, {
    afterSuccess: (job) => evidence.afterSuccess(job),
    logger,
    onClaim: (via, startedAt, claimed) => services.metrics.observeClaim(via, startedAt, claimed),
    onFinish: (report) => services.metrics.observeFinish(report),
  });
  setWorkerProtocol(services, protocol);
  services.evidence = (job, stored) => evidence.verify(job, stored);
  services.ensureEvidence = (jobId) => evidence.ensure(jobId);

  const repaired = evidence.repair().then(
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
    });
    const common = { leaseSeconds: config.leaseSeconds, logger, shutdownGraceMs: config.shutdownGraceMs };
    runners.push(
      new Runner(port, generationExecutor(engine), { ...common, concurrency: config.workers }).start(),
      // Batches mostly wait for their children, which run in the generation slots (or on external
      // workers); separate slots mean waiting batches can never starve their own steps.
      new Runner(port, batchExecutor({ db, jobs: services.jobs, changes: services.changes }), {
        ...common,
        concurrency: config.workers * 4,
        shutdownGraceMs: 0,
      }).start(),
    );
  }

  return {
    protocol,
    evidence,
    runners,
    repaired,
    async stop() {
      await Promise.all(runners.map((r) => r.stop()));
      await engine?.close();
      await repaired;
    },
  };
}
