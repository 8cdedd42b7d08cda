// Composition root: config -> database -> gateways -> schema -> HTTP (+ WebSocket).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { ArtifactService } from "./artifacts/service.ts";
import { AuthService } from "./auth/service.ts";
import { DashboardSessions } from "./auth/sessions.ts";
import type { Config } from "./config.ts";
import { openDatabase } from "./db/database.ts";
import { migrate } from "./db/migrate.ts";
import { newJobFromRequest } from "./families/index.ts";
import { KNOWN_QUEUES } from "./families/queues.ts";
import { EvidenceService } from "./executors/evidence.ts";
import { startExecution } from "./executors/index.ts";
import { createApp } from "./http/app.ts";
import { drainHttpServer } from "./http/drain.ts";
import { ChangeNotifier } from "./jobs/change-notifier.ts";
import { JobChangeHub } from "./jobs/changes.ts";
import { LiveFeed } from "./live/feed.ts";
import { type LiveServer, startLiveServer } from "./http/ws-server.ts";
import { LocalJobGateway } from "./jobs/local/gateway.ts";
import { RemoteJobGateway } from "./jobs/remote/gateway.ts";
import { GatewayRegistry } from "./jobs/registry.ts";
import { JobService } from "./jobs/service.ts";
import { createLogger, type Logger } from "./logger.ts";
import type { Services } from "./schema/context.ts";
import { buildSchema } from "./schema/index.ts";
import { Metrics } from "./observability/metrics.ts";
import { AuditLog } from "./security/audit.ts";
import { KeyRateLimiter } from "./security/rate-limit.ts";
import { Retention, startRetention } from "./retention/retention.ts";
import { Scheduler } from "./schedules/scheduler.ts";
import { ScheduleService } from "./schedules/service.ts";
import { BlobStore } from "./storage/blob-store.ts";
import { WorkerProtocol } from "./workers/protocol/service.ts";
import { startSweeper } from "./workers/protocol/sweeper.ts";

/** After the shutdown grace, how long the answers of ended waits get to be written before connections are cut. */
const SHUTDOWN_ANSWER_MS = 1000;

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  httpServer: Server;
  /** The graphql-ws endpoint beside HTTP. */
  liveServer: LiveServer;
  /** The admin secret made at first start, when none was configured; shown once. */
  createdAdminSecret: string | null;
  close(): Promise<void>;
}

/** Node's own limit on the headers alone; a shorter request timeout shortens it too (Node requires it). */
const HEADERS_TIMEOUT_MS = 60_000;
/** How often Node looks for requests past their time, by default (a shorter timeout is checked as often). */
const TIMEOUT_CHECK_MS = 30_000;

export async function startServer(
  config: Config,
  logger: Logger = createLogger(config.logLevel),
): Promise<RunningServer> {
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    poolSize: config.databasePoolSize,
    dataDir: config.dataDir,
  });
  const cleanup: (() => Promise<void>)[] = [() => db.close()];
  try {
    const applied = await migrate(db);
    if (applied.length) logger.info({ applied }, "migrations applied");

    const auth = new AuthService(db);
    const boot = await auth.bootstrap(config.adminApiKey, config.gatewayApiKey);
    cleanup.unshift(await auth.watchRevocations());
    const changes = new JobChangeHub(db);
    await changes.start();
    cleanup.unshift(() => changes.stop());
    // Sends the changes this process commits; stops after everything that makes changes has stopped.
    const notifier = new ChangeNotifier(db, logger, {
      sweepMs: config.sweepIntervalMs,
      minIntervalMs: config.notifyIntervalMs,
    }).start();
    cleanup.unshift(() => notifier.stop());
    const metrics = new Metrics(db, { knownQueues: KNOWN_QUEUES });
    cleanup.unshift(startSweeper(db, config.sweepIntervalMs, logger, (swept) => metrics.observeSweep(swept)));

    const blobs = new BlobStore({
      dir: join(config.dataDir === "memory://" ? join(process.cwd(), ".data") : config.dataDir, "blobs"),
      maxBytes: config.maxArtifactBytes,
    });
    await blobs.removeStaleTempFiles();
    if (config.retention.maxAgeMs > 0 && config.retention.intervalMs > 0) {
      // An in-memory database shares ./.data/blobs with whatever else uses that folder: its rows do not
      // name the others' blobs, so it never walks the store for orphans.
      const orphanScanMs = config.dataDir === "memory://" ? Number.POSITIVE_INFINITY : config.retention.orphanScanMs;
      cleanup.unshift(
        startRetention(
          new Retention(db, blobs, config.retention),
          { intervalMs: config.retention.intervalMs, orphanScanMs },
          logger,
        ),
      );
    }
    // Every family is local unless JOBS_GATEWAYS hands it to an upstream jobs service.
    const registry = new GatewayRegistry().register(
      new LocalJobGateway(db, undefined, undefined, { exactCountLimit: config.exactCountLimit }),
    );
    for (const upstream of config.gateways) {
      // A gateway relays one tenant's users (the upstream knows them by user id alone): the first
      // tenant's unless its entry names another.
      const tenantId = upstream.tenantId ?? boot.tenantId;
      if (!(await db.prisma.tenant.findUnique({ where: { id: tenantId }, select: { id: true } })))
        throw new Error(
          `JOBS_GATEWAYS: gateway ${upstream.name} names tenant ${tenantId}, which this server does not have`,
        );
      const remote = new RemoteJobGateway({ ...upstream, tenantId }, metrics.upstreamObserver(), logger);
      registry.register(remote);
      cleanup.unshift(() => remote.close());
    }
    const evidence = new EvidenceService(db, blobs, config.dataDir, logger);
    // One protocol for GraphQL workers and in-process executors: every completion builds a generation
    // job's evidence and seal, and every claim and finish is measured.
    const protocol = new WorkerProtocol(db, {
      afterSuccess: (job) => evidence.afterSuccess(job),
      logger,
      onClaim: (via, startedAt, claimed) => metrics.observeClaim(via, startedAt, claimed),
      onFinish: (report) => metrics.observeFinish(report),
    });
    // Subscriptions read from it; it ends their streams after the WebSocket server has closed.
    const live = new LiveFeed({ registry, changes, db, logger });
    live.start();
    cleanup.unshift(async () => live.stop());
    const jobs = new JobService(registry, changes, config.maxWaitS, (request) => newJobFromRequest(request, config));
    const services: Services = {
      config,
      db,
      registry,
      auth,
      sessions: new DashboardSessions(db),
      changes,
      notifier,
      jobs,
      blobs,
      artifacts: new ArtifactService(db, blobs),
      logger,
      // One budget per key across every process on a PostgreSQL database; in memory on PGlite.
      rateLimiter: new KeyRateLimiter(config.rateLimit, db.kind === "postgres" ? db : undefined),
      workerRateLimiter: new KeyRateLimiter(config.workerRateLimit, db.kind === "postgres" ? db : undefined),
      audit: new AuditLog(db, logger),
      metrics,
      schedules: new ScheduleService(db, (request, viewer) => jobs.validate(request, viewer), config.scheduleSeconds),
      protocol,
      evidence,
      live,
    };
    // Runs after everything that handles requests has stopped, before the database closes.
    cleanup.unshift(() => services.audit.idle());
    // Shutdown drains these side by side: HTTP (Apollo), WebSocket and the in-process executors each
    // stop accepting at once and give what is in flight the grace period; then pending waits end
    // (JOB_TIMEOUT, SHUTTING_DOWN), sockets close with 1001 and running jobs are handed back.
    const drains: (() => Promise<void>)[] = [];
    cleanup.unshift(async () => {
      const endWaits = setTimeout(() => changes.endWaits(), config.shutdownGraceMs);
      try {
        await Promise.all(
          drains.map((drain) => drain().catch((err: unknown) => logger.warn({ err }, "shutdown step failed"))),
        );
      } finally {
        clearTimeout(endWaits);
      }
    });
    // The evidence repair pass and the in-process executors.
    const execution = startExecution(services);
    drains.push(() => execution.stop());
    // Fires due schedules; stopped before the notifier and the audit log it uses.
    if (config.scheduler) {
      const scheduler = await new Scheduler(db, services.jobs, services.audit, logger, {
        misfireMs: config.scheduleMisfireMs,
      }).start();
      cleanup.unshift(() => scheduler.stop());
    }

    // A request must arrive in full within JOBS_REQUEST_TIMEOUT_S (an hour by default, for large
    // uploads on slow links); its headers still within Node's 60 s.
    const httpServer = createServer({
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, config.requestTimeoutMs),
      connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_MS, config.requestTimeoutMs),
    });
    const { app, apollo } = await createApp(services, buildSchema(), httpServer);
    httpServer.on("request", app);
    // No new connections at once; requests in flight answered (waits end at the grace), then Apollo stops.
    drains.push(() =>
      drainHttpServer(httpServer, config.shutdownGraceMs + SHUTDOWN_ANSWER_MS).then(() => apollo.stop()),
    );
    // graphql-ws on the same port and path.
    const liveServer = startLiveServer(services, buildSchema(), httpServer, {
      maxBufferedBytes: config.wsMaxBufferedBytes,
      shutdownGraceMs: config.shutdownGraceMs + SHUTDOWN_ANSWER_MS,
    });
    drains.push(() => liveServer.close());

    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(config.port, config.host, () => resolve());
    });
    const port = (httpServer.address() as AddressInfo).port;
    const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
    let closed = false;
    return {
      url: `http://${host}:${port}`,
      port,
      services,
      httpServer,
      liveServer,
      createdAdminSecret: boot.createdSecret,
      async close() {
        if (closed) return;
        closed = true;
        for (const step of cleanup) await step().catch((err: unknown) => logger.warn({ err }, "shutdown step failed"));
      },
    };
  } catch (error) {
    for (const step of cleanup) await step().catch(() => undefined);
    throw error;
  }
}
