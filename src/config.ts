// Every setting, read once from the environment, validated, with defaults.
import { z } from "zod";

const flag = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === "" ? fallback : !["0", "false", "no", "off"].includes(v.toLowerCase())));

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z.string().url().optional().or(z.literal("").transform(() => undefined)),
  JOBS_DATA_DIR: z.string().default("./.data"),
  JOBS_ADMIN_API_KEY: z.string().min(16, "JOBS_ADMIN_API_KEY must be at least 16 characters").optional(),
  JOBS_WORKERS: z.coerce.number().int().min(0).default(2),
  JOBS_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  JOBS_PUBLIC_URL: z.string().url().optional(),
  JOBS_MAX_WAIT_S: z.coerce.number().positive().default(900),
  JOBS_SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).default(1000),
  NODE_ENV: z.string().default("development"),
  JOBS_INTROSPECTION: flag(true),
});

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  adminApiKey: string | undefined;
  /** In-process executor concurrency; 0 turns the built-in executors off. */
  workers: number;
  logLevel: z.infer<typeof ConfigSchema>["JOBS_LOG_LEVEL"];
  publicUrl: string | undefined;
  /** Upper bound for waitForJob / createJobReady timeouts, in seconds. */
  maxWaitS: number;
  /** How often the sweeper requeues or fails expired leases and timed-out jobs; 0 turns it off. */
  sweepIntervalMs: number;
  production: boolean;
  introspection: boolean;
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
    dataDir: e.JOBS_DATA_DIR,
    adminApiKey: e.JOBS_ADMIN_API_KEY,
    workers: e.JOBS_WORKERS,
    logLevel: e.JOBS_LOG_LEVEL,
    publicUrl: e.JOBS_PUBLIC_URL,
    maxWaitS: e.JOBS_MAX_WAIT_S,
    sweepIntervalMs: e.JOBS_SWEEP_INTERVAL_MS,
    production,
    introspection: env.JOBS_INTROSPECTION === undefined ? !production : e.JOBS_INTROSPECTION,
  };
}
