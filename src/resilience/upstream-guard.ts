import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Config } from "../config.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { Classify } from "./classify.ts";
import { Guard } from "./guard.ts";
import { UpstreamLimiter } from "./limiter.ts";

/** One upstream API's guard and limiter, from the settings: the one recipe services and tests share. */
export function createUpstreamGuard(
  config: Config,
  api: string,
  quota: { ratePerSecond: number; burst: number },
  deps: { redis: Redis | undefined; metrics: Metrics; logger: Logger; classify: Classify; title?: string },
): { guard: Guard; limiter: UpstreamLimiter } {
  const limiter = new UpstreamLimiter({
    api,
    ratePerSecond: quota.ratePerSecond,
    burst: quota.burst,
    localShare: config.LIMITER_LOCAL_SHARE,
    maxConcurrent: config.UPSTREAM_MAX_CONCURRENT,
    redis: deps.redis,
    metrics: deps.metrics,
    logger: deps.logger,
  });
  const guard = new Guard({
    api,
    ...(deps.title ? { title: deps.title } : {}),
    classify: deps.classify,
    limiter,
    retries: config.UPSTREAM_RETRIES,
    baseDelayMs: 100,
    throttleBaseDelayMs: 500,
    maxDelayMs: 2_000,
    attemptTimeoutMs: config.UPSTREAM_ATTEMPT_TIMEOUT_MS,
    deadlineMs: config.UPSTREAM_DEADLINE_MS,
    breaker: {
      volumeThreshold: config.BREAKER_VOLUME_THRESHOLD,
      errorThresholdPercentage: config.BREAKER_ERROR_PERCENT,
      resetTimeoutMs: config.BREAKER_RESET_MS,
      rollingWindowMs: config.BREAKER_WINDOW_MS,
    },
    metrics: deps.metrics,
    logger: deps.logger,
  });
  return { guard, limiter };
}
