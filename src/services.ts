import { readFileSync } from "node:fs";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { AppServices } from "./app.ts";
import { IdempotencyStore } from "./budgets/idempotency.ts";
import type { ModeDecision } from "./clouds/aws/mode.ts";
import { CLOUDS } from "./clouds/registry.ts";
import { PurchaseOptionPrices } from "./pricing/purchase-provider.ts";
import type { CloudContext, CloudPlugin, ComposedCloud } from "./clouds/types.ts";
import type { Config } from "./config.ts";
import { utcToday } from "./domain/dates.ts";
import type { FallbackTables } from "./fallback/tables.ts";
import { type ApiKey, KeyConfigError, KeyRing, parseKeyEntries } from "./http/auth.ts";
import { InboundRateLimits } from "./http/rate-limit.ts";
import { Metrics } from "./observability/metrics.ts";
import { LruStore, RedisStore, TieredCache } from "./resilience/cache.ts";
import { createRedis } from "./resilience/redis.ts";

export interface ServiceDeps {
  config: Config;
  logger: Logger;
  /** Where the one line per request goes (defaults to `logger`). */
  requestLogger?: Logger;
  mode: ModeDecision;
  tables: FallbackTables;
  version: string;
  /** Tests pass fake static credentials; production uses the SDK's default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** The clock (tests pin it). */
  now?: () => Date;
  /** The clouds to compose (default: the registry). */
  clouds?: readonly CloudPlugin[];
}

/** What the process owns and must close on shutdown, besides the HTTP server. */
export interface Services extends AppServices {
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
  if (config.PRICEBOOK_API_KEYS) keys.push(...parseKeyEntries(config.PRICEBOOK_API_KEYS, "PRICEBOOK_API_KEYS"));
  if (config.PRICEBOOK_API_KEYS_FILE) {
    let text: string;
    try {
      text = readFileSync(config.PRICEBOOK_API_KEYS_FILE, "utf8");
    } catch (error) {
      throw new KeyConfigError(`PRICEBOOK_API_KEYS_FILE ${config.PRICEBOOK_API_KEYS_FILE}: ${(error as Error).message}`);
    }
    keys.push(...parseKeyEntries(text, `PRICEBOOK_API_KEYS_FILE ${config.PRICEBOOK_API_KEYS_FILE}`));
  }
  return keys;
}

/**
 * Secure by default: with auth on, configured keys are required; live mode without keys refuses to
 * start unless the operator turned auth off on purpose; mock mode without keys runs open and says so.
 */
function authFor(config: Config, mode: ModeDecision): { keyRing: KeyRing | undefined; summary: string } {
  if (config.PRICEBOOK_AUTH === "off") return { keyRing: undefined, summary: "auth OFF (PRICEBOOK_AUTH=off)" };
  const keys = loadKeys(config);
  if (keys.length > 0) return { keyRing: new KeyRing(keys), summary: `auth on (${keys.length} API keys)` };
  if (mode.mode === "live") {
    throw new StartupError(
      "refusing to start in live mode without API keys: set PRICEBOOK_API_KEYS or PRICEBOOK_API_KEYS_FILE (npm run key:create makes one), or PRICEBOOK_AUTH=off to run open on purpose",
    );
  }
  return { keyRing: undefined, summary: "auth OFF: mock mode with no API keys configured, every request is allowed" };
}

/**
 * The composition root: every long-lived service is built here, once. Each cloud is composed whole in
 * the mode decided at start-up: `createLive` or `createMock`, never one patched into the other.
 */
export function createServices(deps: ServiceDeps): Services {
  const { config, logger, mode, tables } = deps;
  const auth = authFor(config, mode);
  const metrics = new Metrics();
  const redis = config.REDIS_URL ? createRedis(config.REDIS_URL, logger, "cache") : undefined;
  const cache = new TieredCache(new LruStore(config.CACHE_MAX_BYTES), redis ? new RedisStore(redis, metrics) : undefined, metrics);
  const now = deps.now ?? (() => new Date());
  const clouds = deps.clouds ?? CLOUDS;
  const ctx: CloudContext = { config, logger, metrics, cache, redis, tables, now, credentials: deps.credentials };
  const compose = (c: CloudPlugin): ComposedCloud => {
    const cloud = mode.mode === "live" ? c.createLive(ctx) : c.createMock(ctx);
    // Purchase options on every price question: the cloud's live option sources, else its tables.
    return { ...cloud, prices: new PurchaseOptionPrices(c.id, c.services, cloud.prices, tables, cloud.optionSources, c.optionHints, logger) };
  };
  const composed = new Map<string, ComposedCloud>(clouds.map((c) => [c.id, compose(c)]));
  const guards = [...composed.values()].flatMap((c) => c.guards);

  const lifecycle = { shuttingDown: false };
  return {
    mode: mode.mode,
    modeReason: mode.reason,
    version: deps.version,
    logger,
    ...(deps.requestLogger ? { requestLogger: deps.requestLogger } : {}),
    clouds,
    composed,
    tables,
    metrics,
    cache,
    redis,
    lifecycle,
    keyRing: auth.keyRing,
    authSummary: auth.summary,
    rateLimits: new InboundRateLimits(
      {
        "prices:read": config.RATE_LIMIT_PRICES_PER_MINUTE,
        "costs:read": config.RATE_LIMIT_COSTS_PER_MINUTE,
        "budgets:read": config.RATE_LIMIT_BUDGETS_READ_PER_MINUTE,
        "budgets:write": config.RATE_LIMIT_BUDGETS_WRITE_PER_MINUTE,
        "auth-failures": config.RATE_LIMIT_AUTH_FAILURES_PER_MINUTE,
      },
      redis,
    ),
    idempotency: new IdempotencyStore(redis, { leaseMs: 2 * config.REQUEST_TIMEOUT_MS }),
    today: () => utcToday(now()),
    now,
    config,
    readiness() {
      const breakers: Record<string, Record<string, string>> = {};
      for (const guard of guards) breakers[guard.api] = guard.breakerStates();
      return {
        ready: !lifecycle.shuttingDown,
        status: lifecycle.shuttingDown ? "shutting-down" : "ready",
        mode: mode.mode,
        redis: redis ? redis.status : "disabled",
        breakers,
        fallbackTables: { files: tables.files.length, loaded: tables.loaded() },
      };
    },
    async close() {
      for (const c of composed.values()) await c.close();
      if (redis) await redis.quit().catch((e: Error) => logger.warn({ err: e.message }, "closing cache redis"));
    },
  };
}
