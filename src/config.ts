// Every setting, read once from the environment, validated, with defaults.
import { DEFAULT_LEASE_SECONDS, MAX_LEASE_SECONDS } from "@jobs-api/client";
import { z } from "zod";

/** Query limits, the same on HTTP and WebSocket (src/security/limits.ts applies them). */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
  /** Operations in one batched HTTP request. */
  maxBatch: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxDirectives: 20,
  maxTokens: 5_000,
  maxCost: 250_000,
  maxBatch: 10,
};

/** Requests per API key per window (src/security/rate-limit.ts enforces it). */
export interface RateLimit {
  /** Requests a key may make per window; 0 turns limiting off. */
  points: number;
  windowSeconds: number;
}

/** JOBS_LEASE_SECONDS, for the server's executors and for `npm run worker` (src/worker.ts). */
export const leaseSecondsSetting = z.coerce.number().int().min(2).max(MAX_LEASE_SECONDS).default(DEFAULT_LEASE_SECONDS);

/** Defaults shared by a setting and the module that applies it. */
export const DEFAULT_WS_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
export const DEFAULT_WS_KEEPALIVE_MS = 12_000;
/** Open WebSocket connections one API key may have on one process (GATEWAY keys excepted; ws-server.ts says why). */
export const DEFAULT_WS_CONNECTIONS_PER_KEY = 100;
/** Most jobs totalCount counts exactly; past it (as the planner expects or the count finds) it is an estimate (JOBS_EXACT_COUNT_LIMIT). */
export const DEFAULT_EXACT_COUNT_LIMIT = 10_000;
/**
 * Node cuts a request whose body has not all arrived within 5 minutes (408): an upload of 256 MiB
 * then needs 0.85 MiB/s. An hour lets slow links upload the largest artifact.
 */
const DEFAULT_REQUEST_TIMEOUT_S = 60 * 60;

const FLAG_WORDS: Readonly<Record<string, boolean>> = {
  "1": true,
  true: true,
  yes: true,
  on: true,
  "0": false,
  false: false,
  no: false,
  off: false,
};
/** A switch: a word it does not know is refused, so a typo never turns on (or off) what was meant. */
const flag = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      const value = FLAG_WORDS[v.trim().toLowerCase()];
      if (value !== undefined) return value;
      ctx.addIssue({ code: "custom", message: `expected one of 1, true, yes, on, 0, false, no, off; got "${v}"` });
      return z.NEVER;
    });

/** One upstream jobs service of this contract (JOBS_GATEWAYS), serving the families it names. */
const GatewayConfigSchema = z.object({
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, _ . - only"),
  url: z.string().url(),
  apiKey: z.string().min(16),
  reasonerTypes: z.array(z.enum(["LOGIC", "PRESCRIPTIVE", "PREDICTIVE", "AGENT", "GENERATION", "BATCH"])).min(1),
  /** Per-call timeout in ms; waits (waitForJob, createJobReady) get their own timeout on top. */
  timeoutMs: z.number().int().min(100).max(600_000).default(4000),
  /**
   * The tenant of this server whose users the gateway relays (its key names them to the upstream by
   * user id alone); absent: the first tenant. Other tenants' users see none of its families' jobs.
   */
  tenantId: z.string().uuid().optional(),
});
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;
/** A gateway's entry with its tenant settled at start (the first tenant's when the entry names none). */
export type BoundGatewayConfig = GatewayConfig & { tenantId: string };

const GatewaysSchema = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (text === undefined || text.trim() === "") return [];
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "not JSON" });
      return z.NEVER;
    }
  })
  .pipe(z.array(GatewayConfigSchema))
  .superRefine((gateways, ctx) => {
    const names = new Set<string>(["local"]);
    const types = new Set<string>();
    for (const g of gateways) {
      if (names.has(g.name))
        ctx.addIssue({ code: "custom", message: `gateway name ${g.name} is used twice (or is "local")` });
      names.add(g.name);
      for (const t of g.reasonerTypes) {
        if (types.has(t)) ctx.addIssue({ code: "custom", message: `${t} is served by two gateways` });
        types.add(t);
      }
    }
  });

const ConfigSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    HOST: z.string().default("0.0.0.0"),
    DATABASE_URL: z
      .string()
      .url()
      .optional()
      .or(z.literal("").transform(() => undefined)),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(1000).default(10),
    JOBS_DATA_DIR: z.string().default("./.data"),
    JOBS_ADMIN_API_KEY: z.string().min(16, "JOBS_ADMIN_API_KEY must be at least 16 characters").optional(),
    JOBS_WORKERS: z.coerce.number().int().min(0).default(2),
    JOBS_CPU_THREADS: z.coerce.number().int().min(0).max(256).optional(),
    JOBS_WORKER_LOCAL_QUEUE: z.coerce.number().int().min(0).max(1000).default(0),
    JOBS_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    JOBS_PUBLIC_URL: z.string().url().optional(),
    JOBS_MAX_WAIT_S: z.coerce.number().positive().default(900),
    JOBS_REQUEST_TIMEOUT_S: z.coerce.number().positive().default(DEFAULT_REQUEST_TIMEOUT_S),
    JOBS_SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).default(1000),
    JOBS_NOTIFY_INTERVAL_MS: z.coerce.number().int().min(0).max(1000).default(10),
    JOBS_LEASE_SECONDS: leaseSecondsSetting,
    JOBS_MAX_ARTIFACT_BYTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(Number.MAX_SAFE_INTEGER)
      .default(256 * 1024 * 1024),
    NODE_ENV: z.string().default("development"),
    JOBS_INTROSPECTION: flag(true),
    JOBS_FIELD_SUGGESTIONS: flag(true),
    JOBS_MAX_DEPTH: z.coerce.number().int().min(1).default(DEFAULT_QUERY_LIMITS.maxDepth),
    JOBS_MAX_ALIASES: z.coerce.number().int().min(0).default(DEFAULT_QUERY_LIMITS.maxAliases),
    JOBS_MAX_DIRECTIVES: z.coerce.number().int().min(0).default(DEFAULT_QUERY_LIMITS.maxDirectives),
    JOBS_MAX_TOKENS: z.coerce.number().int().min(100).default(DEFAULT_QUERY_LIMITS.maxTokens),
    JOBS_MAX_COST: z.coerce.number().int().min(1).default(DEFAULT_QUERY_LIMITS.maxCost),
    JOBS_MAX_BATCH: z.coerce.number().int().min(1).default(DEFAULT_QUERY_LIMITS.maxBatch),
    JOBS_METRICS_PUBLIC: flag(false),
    JOBS_RATE_LIMIT: z.coerce.number().int().min(0).default(3000),
    JOBS_RATE_LIMIT_WINDOW_S: z.coerce.number().int().min(1).default(60),
    JOBS_WORKER_RATE_LIMIT: z.coerce.number().int().min(0).default(0),
    JOBS_WS_MAX_BUFFERED_BYTES: z.coerce.number().int().min(1).default(DEFAULT_WS_MAX_BUFFERED_BYTES),
    JOBS_WS_KEEPALIVE_MS: z.coerce.number().int().min(100).default(DEFAULT_WS_KEEPALIVE_MS),
    JOBS_MAX_WS_CONNECTIONS_PER_KEY: z.coerce.number().int().min(0).default(DEFAULT_WS_CONNECTIONS_PER_KEY),
    JOBS_SCHEDULER: flag(true),
    JOBS_SCHEDULE_MISFIRE_S: z.coerce.number().min(0).default(60),
    JOBS_SCHEDULE_SECONDS: flag(false),
    JOBS_GATEWAYS: GatewaysSchema,
    JOBS_GATEWAY_API_KEY: z.string().min(16, "JOBS_GATEWAY_API_KEY must be at least 16 characters").optional(),
    JOBS_UPSTREAM_CANCEL_RETRY_S: z.coerce
      .number()
      .positive()
      .default(24 * 60 * 60),
    JOBS_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(8000).default(3000),
    JOBS_EXACT_COUNT_LIMIT: z.coerce.number().int().min(0).default(DEFAULT_EXACT_COUNT_LIMIT),
    JOBS_RETENTION_DAYS: z.coerce.number().min(0).default(30),
    JOBS_RETENTION_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
    JOBS_RETENTION_BATCH: z.coerce.number().int().min(1).max(10_000).default(500),
    JOBS_RETENTION_KEEP_PROVENANCE: flag(true),
    JOBS_BLOB_GRACE_S: z.coerce.number().min(0).default(3600),
    JOBS_BLOB_SCAN_INTERVAL_S: z.coerce.number().min(1).default(3600),
  })
  .superRefine((e, ctx) => {
    // A batch spends one of its key's budget per operation, and one larger than the whole budget is
    // refused as bad input: a budget below the batch size would make every full batch a 400.
    for (const [name, budget] of [
      ["JOBS_RATE_LIMIT", e.JOBS_RATE_LIMIT],
      ["JOBS_WORKER_RATE_LIMIT", e.JOBS_WORKER_RATE_LIMIT],
    ] as const)
      if (budget > 0 && budget < e.JOBS_MAX_BATCH)
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `${budget} is below JOBS_MAX_BATCH (${e.JOBS_MAX_BATCH}): a full batched request would be more than the whole budget and always refused; raise ${name} (0: no limit) or lower JOBS_MAX_BATCH`,
        });
  });

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  /** Connections the server keeps to PostgreSQL (LISTEN has one more of its own); unused with PGlite. */
  databasePoolSize: number;
  dataDir: string;
  adminApiKey: string | undefined;
  /** In-process executor concurrency; 0 turns the built-in executors off. */
  workers: number;
  /** Worker threads for the generation engine's CPU work (default: one per executor slot); 0 runs it on the event loop. */
  cpuThreads: number;
  /**
   * Claimed generation jobs the in-process executor keeps waiting for a slot (its local queue);
   * 0: none. For many short jobs: one claim statement then takes many.
   */
  workerLocalQueue: number;
  logLevel: z.infer<typeof ConfigSchema>["JOBS_LOG_LEVEL"];
  publicUrl: string | undefined;
  /** Upper bound for waitForJob / createJobReady timeouts, in seconds. */
  maxWaitS: number;
  /** Longest a request may take to arrive in full (an upload's body too); past it Node answers 408. */
  requestTimeoutMs: number;
  /**
   * How often the sweeper requeues or fails expired leases and timed-out jobs, and the change notifier
   * sends changes a crashed process recorded but never sent; 0 turns both off.
   */
  sweepIntervalMs: number;
  /**
   * Least time between the starts of two sends of change notifications: under load each send then
   * carries more changes; a change after a quiet spell is sent at once. 0: one send right after another.
   */
  notifyIntervalMs: number;
  /** Lease length the built-in executors claim with; a crashed executor's job is requeued after it. */
  leaseSeconds: number;
  /** Largest artifact or file the blob store accepts (uploads beyond it are refused), in bytes. */
  maxArtifactBytes: number;
  production: boolean;
  /** Introspection for every key; when false, admin keys only. */
  introspection: boolean;
  /** "Did you mean …?" hints in validation errors. */
  fieldSuggestions: boolean;
  limits: QueryLimits;
  /** /metrics without credentials (behind a private network); otherwise a first-tenant admin key. */
  metricsPublic: boolean;
  /** Requests per API key per window in each process; 0 points turns it off. */
  rateLimit: RateLimit;
  /**
   * WORKER keys' operations per window (their own budget, not rateLimit's); 0, the default, none:
   * a worker's pace is the queue's, and a budget sized for people (50 operations a second by default,
   * two a worker's turn) held a fleet sharing a key to at most 25 turns a second.
   */
  workerRateLimit: RateLimit;
  /** Unsent bytes a WebSocket client may have queued before it is dropped as too slow. */
  wsMaxBufferedBytes: number;
  /** WebSocket ping interval; a client that has not answered the previous ping is disconnected. */
  wsKeepAliveMs: number;
  /** Open WebSocket connections per API key in this process (GATEWAY keys excepted); 0: no limit. */
  wsMaxConnectionsPerKey: number;
  /** Whether this process fires due schedules (any number of processes may; each tick fires once). */
  scheduler: boolean;
  /** How late a schedule's tick may fire and still count as on time; catch-up SKIP drops later ones. */
  scheduleMisfireMs: number;
  /** createSchedule also takes six-field cron expressions, the first field the second (sub-minute ticks). */
  scheduleSeconds: boolean;
  /** Families served by upstream jobs services instead of this server's database. */
  gateways: GatewayConfig[];
  /** Secret of a GATEWAY key of the first tenant, made at start: what a front's JOBS_GATEWAYS entry presents. */
  gatewayApiKey: string | undefined;
  /**
   * How long after a batch ended the cancel of its child in an upstream that cannot be reached is
   * tried again; past it the child's step is closed without it (the child may still run there).
   */
  upstreamCancelRetryMs: number;
  /**
   * On SIGTERM/SIGINT, how long requests in flight, pending waits and running in-process jobs get to
   * finish before waits are ended and jobs handed back; the whole shutdown stays under 10 s.
   */
  shutdownGraceMs: number;
  /** totalCount counts matching jobs exactly up to this many when the planner expects no more, and answers its estimate past it. */
  exactCountLimit: number;
  /** Removal of finished jobs (src/retention); off when maxAgeMs or intervalMs is 0. */
  retention: {
    /** Finished jobs and never-attached uploads older than this are removed. */
    maxAgeMs: number;
    /** Time between passes. */
    intervalMs: number;
    /** Rows per statement (each its own short transaction). */
    batchSize: number;
    /** Keep succeeded generation jobs (seals and evidence). */
    keepProvenance: boolean;
    /** Blobs stored or touched this recently are kept even when no row names them yet. */
    blobGraceMs: number;
    /** Time between walks of the blob store for blobs no row names. */
    orphanScanMs: number;
  };
};

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    dataDir: e.JOBS_DATA_DIR,
    adminApiKey: e.JOBS_ADMIN_API_KEY,
    workers: e.JOBS_WORKERS,
    cpuThreads: e.JOBS_CPU_THREADS ?? Math.max(1, e.JOBS_WORKERS),
    workerLocalQueue: e.JOBS_WORKER_LOCAL_QUEUE,
    logLevel: e.JOBS_LOG_LEVEL,
    publicUrl: e.JOBS_PUBLIC_URL,
    maxWaitS: e.JOBS_MAX_WAIT_S,
    requestTimeoutMs: Math.round(e.JOBS_REQUEST_TIMEOUT_S * 1000),
    sweepIntervalMs: e.JOBS_SWEEP_INTERVAL_MS,
    notifyIntervalMs: e.JOBS_NOTIFY_INTERVAL_MS,
    leaseSeconds: e.JOBS_LEASE_SECONDS,
    maxArtifactBytes: e.JOBS_MAX_ARTIFACT_BYTES,
    production,
    introspection: env.JOBS_INTROSPECTION === undefined ? !production : e.JOBS_INTROSPECTION,
    fieldSuggestions: env.JOBS_FIELD_SUGGESTIONS === undefined ? !production : e.JOBS_FIELD_SUGGESTIONS,
    limits: {
      maxDepth: e.JOBS_MAX_DEPTH,
      maxAliases: e.JOBS_MAX_ALIASES,
      maxDirectives: e.JOBS_MAX_DIRECTIVES,
      maxTokens: e.JOBS_MAX_TOKENS,
      maxCost: e.JOBS_MAX_COST,
      maxBatch: e.JOBS_MAX_BATCH,
    },
    metricsPublic: e.JOBS_METRICS_PUBLIC,
    rateLimit: { points: e.JOBS_RATE_LIMIT, windowSeconds: e.JOBS_RATE_LIMIT_WINDOW_S },
    workerRateLimit: { points: e.JOBS_WORKER_RATE_LIMIT, windowSeconds: e.JOBS_RATE_LIMIT_WINDOW_S },
    wsMaxBufferedBytes: e.JOBS_WS_MAX_BUFFERED_BYTES,
    wsKeepAliveMs: e.JOBS_WS_KEEPALIVE_MS,
    wsMaxConnectionsPerKey: e.JOBS_MAX_WS_CONNECTIONS_PER_KEY,
    scheduler: e.JOBS_SCHEDULER,
    scheduleMisfireMs: e.JOBS_SCHEDULE_MISFIRE_S * 1000,
    scheduleSeconds: e.JOBS_SCHEDULE_SECONDS,
    gateways: e.JOBS_GATEWAYS,
    gatewayApiKey: e.JOBS_GATEWAY_API_KEY,
    upstreamCancelRetryMs: Math.round(e.JOBS_UPSTREAM_CANCEL_RETRY_S * 1000),
    shutdownGraceMs: e.JOBS_SHUTDOWN_GRACE_MS,
    exactCountLimit: e.JOBS_EXACT_COUNT_LIMIT,
    retention: {
      maxAgeMs: e.JOBS_RETENTION_DAYS * 24 * 60 * 60 * 1000,
      intervalMs: e.JOBS_RETENTION_INTERVAL_MS,
      batchSize: e.JOBS_RETENTION_BATCH,
      keepProvenance: e.JOBS_RETENTION_KEEP_PROVENANCE,
      blobGraceMs: e.JOBS_BLOB_GRACE_S * 1000,
      orphanScanMs: e.JOBS_BLOB_SCAN_INTERVAL_S * 1000,
    },
  };
}
