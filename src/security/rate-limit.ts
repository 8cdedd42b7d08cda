// Per-key rate limits: each API key gets a budget of requests per window in this process
// (rate-limiter-flexible's memory store). Behind a load balancer with N processes a key's real budget
// is up to N times this; a shared store would fix that and is not needed yet.
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { jobsError } from "../errors.ts";

export interface RateLimit {
  /** Requests a key may make per window; 0 turns limiting off. */
  points: number;
  windowSeconds: number;
}

export class KeyRateLimiter {
  private readonly limiter: RateLimiterMemory | null;

  constructor(limit: RateLimit) {
    this.limiter = limit.points > 0 ? new RateLimiterMemory({ points: limit.points, duration: limit.windowSeconds }) : null;
  }

  /** Spends one request of the key's budget; RATE_LIMITED with retryAfterSeconds when it is spent. */
  async consume(keyId: string): Promise<void> {
    if (!this.limiter) return;
    try {
      await this.limiter.consume(keyId, 1);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw jobsError("RATE_LIMITED", `too many requests for this API key; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
    }
  }
}
