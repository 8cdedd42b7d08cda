// Per-key rate limits: each API key gets a budget of requests per window. On PostgreSQL the budget
// is kept in the database (rate-limiter-flexible's PostgreSQL store, table "rate_limits" made by a
// migration), so every API process on one database spends from the same one; embedded PGlite serves
// one process and keeps it in memory. Should the database fail, each process falls back to its own
// in-memory budget (the library's insurance limiter) rather than refusing or failing requests.
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";
import type { RateLimit } from "../config.ts";
import type { Database } from "../db/database.ts";
import { jobsError } from "../errors.ts";

/** The table the PostgreSQL store uses, created by migration 20261206190100_rate_limits. */
const RATE_LIMIT_TABLE = "rate_limits";

/**
 * The store's view of our database handle: it runs `{ text, values }` and reads `rows` (pg's query
 * shape). Going through Database keeps one pool and one statement cache.
 */
function storeClient(db: Database) {
  return {
    query: async (q: { text: string; values?: unknown[] }) => ({ rows: await db.query(q.text, q.values) }),
  };
}

export class KeyRateLimiter {
  private readonly limiter: RateLimiterAbstract | null;

  /** `shared`: the PostgreSQL database every process uses; absent (PGlite), a budget in memory. */
  constructor(limit: RateLimit, shared?: Database) {
    if (limit.points <= 0) {
      this.limiter = null;
      return;
    }
    const opts = { points: limit.points, duration: limit.windowSeconds };
    this.limiter = shared
      ? new RateLimiterPostgres({
          ...opts,
          storeClient: storeClient(shared),
          storeType: "pool",
          tableName: RATE_LIMIT_TABLE,
          tableCreated: true,
          insuranceLimiter: new RateLimiterMemory(opts),
        })
      : new RateLimiterMemory(opts);
  }

  /** Spends one request of the key's budget; RATE_LIMITED with retryAfterSeconds when it is spent. */
  async consume(keyId: string): Promise<void> {
    if (!this.limiter) return;
    try {
      await this.limiter.consume(keyId, 1);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw jobsError("RATE_LIMITED", `too many requests for this API key; retry in ${retryAfterSeconds} s`, {
        retryAfterSeconds,
      });
    }
  }
}
