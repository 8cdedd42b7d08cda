import type { Context as OtelContext } from "@opentelemetry/api";
import type { GraphQLError } from "graphql";
import type { ArtifactService } from "../artifacts/service.ts";
import type { AuthService } from "../auth/service.ts";
import type { DashboardSessions } from "../auth/sessions.ts";
import type { Config } from "../config.ts";
import type { Database } from "../db/database.ts";
import type { EvidenceService } from "../executors/evidence.ts";
import type { ChangeNotifier } from "../jobs/change-notifier.ts";
import type { JobChangeHub } from "../jobs/changes.ts";
import type { JobLoaders } from "../jobs/loaders.ts";
import type { Viewer } from "../jobs/model.ts";
import type { GatewayRegistry } from "../jobs/registry.ts";
import type { JobService } from "../jobs/service.ts";
import type { LiveFeed } from "../live/feed.ts";
import type { Logger } from "../logger.ts";
import type { AccessRecord } from "../observability/access-log.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { ScheduleService } from "../schedules/service.ts";
import type { AuditLog, ResultTarget } from "../security/audit.ts";
import type { KeyRateLimiter } from "../security/rate-limit.ts";
import type { BlobStore } from "../storage/blob-store.ts";
import type { WorkerProtocol } from "../workers/protocol/service.ts";

/** Long-lived collaborators, made once by the composition root. */
export interface Services {
  config: Config;
  db: Database;
  registry: GatewayRegistry;
  jobs: JobService;
  auth: AuthService;
  /** The dashboard's sign-in cookies, for plain-link downloads. */
  sessions: DashboardSessions;
  changes: JobChangeHub;
  /** Sends the change notifications this process records (the outbox). */
  notifier: ChangeNotifier;
  blobs: BlobStore;
  artifacts: ArtifactService;
  logger: Logger;
  rateLimiter: KeyRateLimiter;
  /** WORKER keys' budget (JOBS_WORKER_RATE_LIMIT), apart from every other key's. */
  workerRateLimiter: KeyRateLimiter;
  audit: AuditLog;
  metrics: Metrics;
  schedules: ScheduleService;
  /** The worker protocol with its hooks (evidence, metrics): GraphQL workers and in-process executors share it. */
  protocol: WorkerProtocol;
  /** Generation jobs' evidence bundles: recomputed to verify them, built when still missing. */
  evidence: EvidenceService;
  /** The per-process fan-out every subscription reads from. */
  live: LiveFeed;
}

/** Per request (or per subscription operation). */
export interface Context {
  services: Services;
  viewer: Viewer;
  loaders: JobLoaders;
  requestId: string;
  /** Where clients reach this server, for download URLs. */
  baseUrl: string;
  signal?: AbortSignal;
  /**
   * Errors of a partial answer (a merged list without an unavailable upstream): reported beside the
   * data, which still holds what the other gateways had.
   */
  partialErrors?: GraphQLError[];
  /** The request's trace (when tracing is on): execution runs inside it, so upstream calls continue it. */
  trace?: OtelContext;
  /** The HTTP request's access-log record (absent on WebSocket operations). */
  access?: AccessRecord;
  /** What the operation's mutation fields' results name for the audit log, by response key (audit-target-plugin.ts). */
  auditTargets?: Map<string, ResultTarget>;
}
