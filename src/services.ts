import { PricingClient } from "@aws-sdk/client-pricing";
import type { AwsCredentialIdentity } from "@smithy/types";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { AppServices } from "./app.ts";
import { AwsClient } from "./aws/aws-client.ts";
import type { ModeDecision } from "./aws/mode.ts";
import { PriceListClient } from "./aws/price-list.ts";
import type { Config } from "./config.ts";
import type { FallbackTables } from "./fallback/tables.ts";
import { Metrics } from "./observability/metrics.ts";
import { FallbackPriceProvider } from "./pricing/fallback-provider.ts";
import { LruStore, RedisStore, TieredCache } from "./resilience/cache.ts";
import { CachedLoader } from "./resilience/cached-loader.ts";
import { Guard } from "./resilience/guard.ts";
import { UpstreamLimiter } from "./resilience/limiter.ts";
import { FetchLock } from "./resilience/lock.ts";
import { createRedis } from "./resilience/redis.ts";

export interface ServiceDeps {
  config: Config;
  logger: Logger;
  mode: ModeDecision;
  tables: FallbackTables;
  version: string;
  /** Tests pass fake static credentials; production uses the SDK's default chain. */
  credentials?: AwsCredentialIdentity;
}

/** What the process owns and must close on shutdown, besides the HTTP server. */
export interface Services extends AppServices {
  metrics: Metrics;
  guards: Guard[];
  cache: TieredCache;
  redis: Redis | undefined;
  close(): Promise<void>;
}

/** The composition root: every long-lived service is built here, once. */
export function createServices(deps: ServiceDeps): Services {
  const { config, logger, mode, tables } = deps;
  const metrics = new Metrics();
  const fallback = new FallbackPriceProvider(tables);
  const redis = config.redisUrl ? createRedis(config.redisUrl, logger, "cache") : undefined;
  const cache = new TieredCache(
    new LruStore(config.cache.maxBytes),
    redis ? new RedisStore(redis, metrics) : undefined,
    metrics,
  );
  const closers: Array<() => Promise<unknown>> = [];
  const guards: Guard[] = [];

  let prices = fallback as AppServices["prices"];
  if (mode.mode === "live") {
    // bottleneck's cluster mode subscribes on its connection: it gets one of its own.
    const limiterRedis = config.redisUrl ? createRedis(config.redisUrl, logger, "limiter") : undefined;
    const limiter = new UpstreamLimiter({
      api: "pricing",
      ratePerSecond: config.pricing.ratePerSecond,
      burst: config.pricing.burst,
      localShare: config.pricing.localShare,
      maxConcurrent: config.pricing.maxConcurrent,
      redis: limiterRedis,
      metrics,
      logger,
    });
    const guard = new Guard({
      api: "pricing",
      limiter,
      retries: config.upstream.retries,
      baseDelayMs: 100,
      throttleBaseDelayMs: 500,
      maxDelayMs: 2_000,
      attemptTimeoutMs: config.upstream.attemptTimeoutMs,
      deadlineMs: config.upstream.deadlineMs,
      breaker: config.breaker,
      metrics,
      logger,
    });
    guards.push(guard);
    // Retries live in the guard alone: the SDK makes exactly one attempt per call. The endpoint comes
    // from the SDK's own resolution, so AWS_ENDPOINT_URL_PRICING / AWS_ENDPOINT_URL are honoured.
    const client = new PricingClient({
      region: config.pricingApiRegion,
      maxAttempts: 1,
      ...(deps.credentials ? { credentials: deps.credentials } : {}),
      requestHandler: {
        connectionTimeout: Math.min(1_000, config.upstream.attemptTimeoutMs),
        requestTimeout: config.upstream.attemptTimeoutMs,
        throwOnRequestTimeout: true,
      },
    });
    const priceList = new PriceListClient({
      client,
      guard,
      endpointRegion: config.pricingApiRegion,
      logger,
      metrics,
    });
    const loader = new CachedLoader({
      cache,
      lock: redis ? new FetchLock(redis) : undefined,
      ttlMs: config.priceCacheTtlMs,
      notFoundTtlMs: config.priceNotFoundTtlMs,
      staleTtlMs: config.cache.staleTtlMs,
      jitter: 0.1,
      lockTtlMs: config.cache.lockTtlMs,
      lockWaitMs: config.cache.lockWaitMs,
      metrics,
      logger,
    });
    prices = new AwsClient({
      priceList,
      loader,
      fallback,
      metrics,
      logger,
      retryAfterSeconds: Math.ceil(config.breaker.resetTimeoutMs / 1000),
    });
    closers.push(async () => {
      guard.shutdown();
      await limiter.close();
      client.destroy();
      if (limiterRedis)
        await limiterRedis
          .quit()
          .catch((e: Error) => logger.warn({ err: e.message }, "closing limiter redis"));
    });
  }
  if (redis)
    closers.push(() =>
      redis.quit().catch((e: Error) => logger.warn({ err: e.message }, "closing cache redis")),
    );

  return {
    mode: mode.mode,
    version: deps.version,
    logger,
    prices,
    metrics,
    guards,
    cache,
    redis,
    async close() {
      for (const close of closers) await close();
    },
  };
}
