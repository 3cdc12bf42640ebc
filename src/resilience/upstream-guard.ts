import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Config } from "../config.ts";
import type { Metrics } from "../observability/metrics.ts";
import { Guard } from "./guard.ts";
import { UpstreamLimiter } from "./limiter.ts";

/** One upstream API's guard and limiter, from the settings: the one recipe services and tests share. */
export function createUpstreamGuard(
  config: Config,
  api: string,
  quota: { ratePerSecond: number; burst: number },
  deps: { redis: Redis | undefined; metrics: Metrics; logger: Logger },
): { guard: Guard; limiter: UpstreamLimiter } {
  const limiter = new UpstreamLimiter({
    api,
    ratePerSecond: quota.ratePerSecond,
    burst: quota.burst,
    localShare: config.pricing.localShare,
    maxConcurrent: config.pricing.maxConcurrent,
    redis: deps.redis,
    metrics: deps.metrics,
    logger: deps.logger,
  });
  const guard = new Guard({
    api,
    limiter,
    retries: config.upstream.retries,
    baseDelayMs: 100,
    throttleBaseDelayMs: 500,
    maxDelayMs: 2_000,
    attemptTimeoutMs: config.upstream.attemptTimeoutMs,
    deadlineMs: config.upstream.deadlineMs,
    breaker: config.breaker,
    metrics: deps.metrics,
    logger: deps.logger,
  });
  return { guard, limiter };
}
