// Per-key rate limits: each API key gets a budget of operations per window (a request is one, a
// batched HTTP request one per operation in it). On PostgreSQL the budget is kept in the database
// (rate-limiter-flexible's PostgreSQL store, table "rate_limits" made by a migration), so every API
// process on one database spends from the same one; embedded PGlite serves one process and keeps it
// in memory. Should the database fail, each process falls back to its own in-memory budget (the
// library's insurance limiter) rather than refusing or failing requests.
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

/** Below this much of its window left, a refused request's points are not given back: the window resets first. */
const GIVE_BACK_MIN_MS = 1000;

export class KeyRateLimiter {
  private readonly limiter: RateLimiterAbstract | null;
  private readonly points: number;

  /** `shared`: the PostgreSQL database every process uses; absent (PGlite), a budget in memory. */
  constructor(limit: RateLimit, shared?: Database) {
    this.points = limit.points;
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

  /**
   * Spends `operations` of the key's budget (a batched HTTP request's operations, else one) in one
   * store round trip; RATE_LIMITED with retryAfterSeconds when not that many are left. All or
   * nothing: a refused request runs nothing and, when the key had budget left, gets its points back
   * (a second round trip, only then), so a batch too big for what is left leaves it for smaller
   * requests. More operations than the whole budget can never pass: BAD_USER_INPUT, spending none.
   */
  async consume(keyId: string, operations = 1): Promise<void> {
    if (!this.limiter) return;
    if (operations > this.points)
      throw jobsError(
        "BAD_USER_INPUT",
        `${operations} operations in one request are more than this API key's rate limit of ${this.points} per window: send fewer at once`,
        { operations, rateLimit: this.points },
      );
    try {
      await this.limiter.consume(keyId, operations);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      // The store counts what was asked. Given back only when this request is what went past the
      // limit (a key already past it has nothing left to keep), and not near the window's end: the
      // budget resets anyway, and a give-back landing in the next window would start it with extra.
      const before = rejection.consumedPoints - operations;
      if (rejection.consumedPoints > this.points && before < this.points && rejection.msBeforeNext > GIVE_BACK_MIN_MS)
        await this.limiter.reward(keyId, operations).catch(() => undefined);
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      const what = operations === 1 ? "too many requests" : `not enough budget left for ${operations} operations`;
      throw jobsError("RATE_LIMITED", `${what} for this API key; retry in ${retryAfterSeconds} s`, {
        retryAfterSeconds,
      });
    }
  }
}
