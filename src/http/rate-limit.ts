import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

/**
 * Per-key request limits, one budget per scope per minute. Shared by the fleet through Redis when
 * present; while Redis is not ready each instance counts in memory (rate-limiter-flexible's insurance
 * limiter), so a Redis outage neither blocks nor unlimits requests.
 */
export class InboundRateLimits {
  readonly #limiters: Map<string, { limit: number; limiter: RateLimiterMemory | RateLimiterRedis }>;

  /** `perMinute`: a budget per scope (and "auth-failures": failed authentications per client address). */
  constructor(perMinute: Record<string, number>, redis: Redis | undefined) {
    this.#limiters = new Map(
      Object.entries(perMinute).map(([scope, points]) => {
        const memory = new RateLimiterMemory({ points, duration: 60, keyPrefix: `rl:${scope}` });
        const limiter = redis
          ? new RateLimiterRedis({
              storeClient: redis,
              points,
              duration: 60,
              keyPrefix: `pricebook:rl:${scope}`,
              rejectIfRedisNotReady: true,
              insuranceLimiter: memory,
            })
          : memory;
        return [scope, { limit: points, limiter }];
      }),
    );
  }

  /** Charges `points` (a batch of N queries costs N) against `who`'s budget for `scope`. */
  async consume(scope: string, who: string, points = 1): Promise<RateDecision> {
    const entry = this.#limiters.get(scope);
    if (!entry) throw new Error(`no rate limit for scope ${scope}`);
    try {
      const res = await entry.limiter.consume(who, points);
      return { allowed: true, limit: entry.limit, remaining: res.remainingPoints, resetSeconds: Math.ceil(res.msBeforeNext / 1000) };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        return { allowed: false, limit: entry.limit, remaining: 0, resetSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
      }
      throw rejection;
    }
  }
}
