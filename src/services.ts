import { readFileSync } from "node:fs";
import { DescribeServicesCommand, PricingClient } from "@aws-sdk/client-pricing";
import { STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@smithy/types";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { AppServices } from "./app.ts";
import { AwsClient } from "./aws/aws-client.ts";
import { type AccountProbe, LiveAccountProbe, MockAccountProbe } from "./aws/account.ts";
import type { ModeDecision } from "./aws/mode.ts";
import { PriceListClient } from "./aws/price-list.ts";
import type { Config } from "./config.ts";
import type { FallbackTables } from "./fallback/tables.ts";
import { type ApiKey, KeyConfigError, KeyRing, parseKeyEntries } from "./http/auth.ts";
import { InboundRateLimits } from "./http/rate-limit.ts";
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
  /** Set on SIGTERM: readiness answers 503 from then on. */
  lifecycle: { shuttingDown: boolean };
  /** How requests are authenticated, for the start-up line. */
  authSummary: string;
  close(): Promise<void>;
}

/** The configuration would start an unsafe or unusable service: the message says what to set. */
export class StartupError extends Error {
  override name = "StartupError";
}

function loadKeys(config: Config): ApiKey[] {
  const keys: ApiKey[] = [];
  if (config.auth.keysJson) keys.push(...parseKeyEntries(config.auth.keysJson, "PRICEBOOK_API_KEYS"));
  if (config.auth.keysFile) {
    let text: string;
    try {
      text = readFileSync(config.auth.keysFile, "utf8");
    } catch (error) {
      throw new KeyConfigError(`PRICEBOOK_API_KEYS_FILE ${config.auth.keysFile}: ${(error as Error).message}`);
    }
    keys.push(...parseKeyEntries(text, `PRICEBOOK_API_KEYS_FILE ${config.auth.keysFile}`));
  }
  return keys;
}

/**
 * Secure by default: with auth on, configured keys are required; live mode without keys refuses to
 * start unless the operator turned auth off on purpose; mock mode without keys runs open and says so.
 */
function authFor(config: Config, mode: ModeDecision): { keyRing: KeyRing | undefined; summary: string } {
  if (!config.auth.enabled) return { keyRing: undefined, summary: "auth OFF (PRICEBOOK_AUTH=off)" };
  const keys = loadKeys(config);
  if (keys.length > 0) return { keyRing: new KeyRing(keys), summary: `auth on (${keys.length} API keys)` };
  if (mode.mode === "live") {
    throw new StartupError(
      "refusing to start in live mode without API keys: set PRICEBOOK_API_KEYS or PRICEBOOK_API_KEYS_FILE (npm run key:create makes one), or PRICEBOOK_AUTH=off to run open on purpose",
    );
  }
  return { keyRing: undefined, summary: "auth OFF: mock mode with no API keys configured, every request is allowed" };
}

/** The composition root: every long-lived service is built here, once. */
export function createServices(deps: ServiceDeps): Services {
  const { config, logger, mode, tables } = deps;
  const auth = authFor(config, mode);
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
  let account: AccountProbe = new MockAccountProbe();
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
    const sts = new STSClient({
      region: config.pricingApiRegion,
      maxAttempts: 1,
      ...(deps.credentials ? { credentials: deps.credentials } : {}),
    });
    account = new LiveAccountProbe(sts, [
      {
        api: "pricing",
        call: (abortSignal) => client.send(new DescribeServicesCommand({ ServiceCode: "AmazonEC2", MaxResults: 1 }), { abortSignal }),
      },
    ]);
    closers.push(async () => sts.destroy());
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

  const lifecycle = { shuttingDown: false };
  const rows = [...tables.allRows()].length;
  return {
    mode: mode.mode,
    version: deps.version,
    logger,
    prices,
    metrics,
    guards,
    cache,
    redis,
    lifecycle,
    keyRing: auth.keyRing,
    authSummary: auth.summary,
    rateLimits: new InboundRateLimits(
      {
        "prices:read": config.rateLimits.prices,
        "costs:read": config.rateLimits.costs,
        "budgets:read": config.rateLimits.budgetsRead,
        "budgets:write": config.rateLimits.budgetsWrite,
      },
      redis,
    ),
    account,
    http: config.http,
    metricsKeySha256: config.auth.metricsKeySha256,
    readiness() {
      const breakers: Record<string, Record<string, string>> = {};
      for (const guard of guards) breakers[guard.api] = guard.breakerStates();
      return {
        ready: !lifecycle.shuttingDown,
        status: lifecycle.shuttingDown ? "shutting-down" : "ready",
        mode: mode.mode,
        redis: redis ? redis.status : "disabled",
        breakers,
        fallbackTables: { files: tables.files.length, rows },
      };
    },
    async close() {
      for (const close of closers) await close();
    },
  };
}
