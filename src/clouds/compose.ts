import { CachedLoader } from "../resilience/cached-loader.ts";
import type { Classify } from "../resilience/classify.ts";
import type { Guard } from "../resilience/guard.ts";
import type { UpstreamLimiter } from "../resilience/limiter.ts";
import { FetchLock } from "../resilience/lock.ts";
import { createUpstreamGuard } from "../resilience/upstream-guard.ts";
import type { PriceProvider } from "../domain/price.ts";
import type { CloudContext, ComposedCloud } from "./types.ts";

/**
 * What every cloud's live composition builds the same way: one guard (limiter shared through Redis,
 * retries, deadlines, breakers) per upstream API, and cache-aside loaders over the shared cache. It
 * remembers what it built so that the cloud can close it and readiness can show the breakers.
 */
export class UpstreamKit {
  readonly guards: Guard[] = [];
  readonly #limiters: UpstreamLimiter[] = [];
  readonly #ctx: CloudContext;
  readonly #classify: Classify;

  constructor(ctx: CloudContext, classify: Classify) {
    this.#ctx = ctx;
    this.#classify = classify;
  }

  /** One guard per upstream API, with its quota for the whole account and its name for people. */
  guard(api: string, title: string, ratePerSecond: number, burst: number): Guard {
    const { config, redis, metrics, logger } = this.#ctx;
    const { guard, limiter } = createUpstreamGuard(config, api, { ratePerSecond, burst }, { redis, metrics, logger, classify: this.#classify, title });
    this.guards.push(guard);
    this.#limiters.push(limiter);
    return guard;
  }

  /**
   * A cache-aside loader with single flight per key (and across the fleet while Redis is up). `staleTtlMs`
   * bounds how long past its TTL an answer may be served (default PRICE_STALE_TTL_MS).
   */
  loader(ttlMs: number, options: { staleTtlMs?: number } = {}): CachedLoader {
    const { config, cache, redis, metrics, logger } = this.#ctx;
    return new CachedLoader({
      cache,
      lock: redis ? new FetchLock(redis) : undefined,
      ttlMs,
      notFoundTtlMs: config.PRICE_NOT_FOUND_TTL_MS,
      staleTtlMs: options.staleTtlMs ?? config.PRICE_STALE_TTL_MS,
      jitter: 0.1,
      lockTtlMs: config.CACHE_LOCK_TTL_MS,
      lockWaitMs: config.CACHE_LOCK_WAIT_MS,
      metrics,
      logger,
    });
  }

  /**
   * A live cloud that prices and nothing else (no cost or budget API): its guards, closed with it, and
   * its live purchase-option sources, if it has any.
   */
  pricesOnly(prices: PriceProvider, optionSources?: ComposedCloud["optionSources"]): ComposedCloud {
    return { origin: "live", prices, components: { prices }, guards: this.guards, ...(optionSources ? { optionSources } : {}), close: () => this.close() };
  }

  async close(): Promise<void> {
    for (const guard of this.guards) guard.shutdown();
    for (const limiter of this.#limiters) await limiter.close();
  }
}
