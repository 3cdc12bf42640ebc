import type { Redis } from "ioredis";
import { LRUCache } from "lru-cache";
import type { CacheTier, Metrics } from "../observability/metrics.ts";

/**
 * A cached value and its clock: fresh until `freshUntil`, then stale (served while a refresh runs or
 * while the upstream is failing) until `staleUntil`, when every tier drops it.
 */
export interface CacheEntry {
  value: unknown;
  storedAt: number;
  freshUntil: number;
  staleUntil: number;
}

/** One cache tier. Reads never throw: a failing tier is a miss, counted in metrics. */
export interface CacheStore {
  readonly tier: CacheTier;
  /** False while the tier cannot answer (Redis disconnected): the tiered cache skips it. */
  ready(): boolean;
  get(key: string): Promise<CacheEntry | undefined>;
  set(key: string, entry: CacheEntry, serialized: string): Promise<void>;
}

/** In-process tier, bounded by bytes (the serialised size of each entry). */
export class LruStore implements CacheStore {
  readonly tier = "lru" as const;
  readonly #lru: LRUCache<string, CacheEntry>;
  readonly #now: () => number;

  constructor(maxBytes: number, now: () => number = Date.now) {
    this.#now = now;
    this.#lru = new LRUCache<string, CacheEntry>({
      maxSize: maxBytes,
      sizeCalculation: (_v, key) => key.length + 64,
      ttlAutopurge: false,
    });
  }

  ready(): boolean {
    return true;
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    const entry = this.#lru.get(key);
    if (entry && entry.staleUntil <= this.#now()) {
      this.#lru.delete(key);
      return undefined;
    }
    return entry;
  }

  async set(key: string, entry: CacheEntry, serialized: string): Promise<void> {
    this.#lru.set(key, entry, { size: key.length + serialized.length });
  }

  get size(): number {
    return this.#lru.size;
  }

  get calculatedBytes(): number {
    return this.#lru.calculatedSize;
  }
}

const KEY_PREFIX = "pricebook:v1:";

/** Shared tier. Skipped while not ready; writes are fire-and-forget with the hard TTL. */
export class RedisStore implements CacheStore {
  readonly tier = "redis" as const;
  readonly #redis: Redis;
  readonly #metrics: Metrics;
  readonly #now: () => number;

  constructor(redis: Redis, metrics: Metrics, now: () => number = Date.now) {
    this.#redis = redis;
    this.#metrics = metrics;
    this.#now = now;
  }

  ready(): boolean {
    return this.#redis.status === "ready";
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    try {
      const raw = await this.#redis.get(KEY_PREFIX + key);
      if (raw === null) return undefined;
      const entry = JSON.parse(raw) as CacheEntry;
      return entry.staleUntil > this.#now() ? entry : undefined;
    } catch {
      this.#metrics.cacheErrors.inc({ tier: "redis", op: "get" });
      return undefined;
    }
  }

  async set(key: string, entry: CacheEntry, serialized: string): Promise<void> {
    const ttl = Math.max(1, Math.ceil(entry.staleUntil - this.#now()));
    try {
      await this.#redis.set(KEY_PREFIX + key, serialized, "PX", ttl);
    } catch {
      this.#metrics.cacheErrors.inc({ tier: "redis", op: "set" });
    }
  }
}

export type CacheHit = { entry: CacheEntry; tier: CacheTier };

/**
 * Redis then LRU. A fresh in-process copy answers at once (entries are immutable snapshots, so it is
 * the same answer Redis holds, without a round trip); otherwise Redis is asked while it is ready, and a
 * Redis hit refills the LRU; when Redis is down or misses, the LRU's stale copy is the last resort.
 * Writes go to both tiers.
 */
export class TieredCache {
  readonly lru: LruStore;
  readonly redis: CacheStore | undefined;
  readonly #metrics: Metrics;
  readonly #now: () => number;

  constructor(lru: LruStore, redis: CacheStore | undefined, metrics: Metrics, now: () => number = Date.now) {
    this.lru = lru;
    this.redis = redis;
    this.#metrics = metrics;
    this.#now = now;
  }

  #hit(hit: CacheHit): CacheHit {
    const freshness = hit.entry.freshUntil > this.#now() ? "fresh" : "stale";
    this.#metrics.cacheHits.inc({ tier: hit.tier, freshness });
    return hit;
  }

  async get(key: string): Promise<CacheHit | undefined> {
    const local = await this.lru.get(key);
    if (local && local.freshUntil > this.#now()) return this.#hit({ entry: local, tier: "lru" });
    if (this.redis?.ready()) {
      const shared = await this.redis.get(key);
      if (shared && (!local || shared.storedAt >= local.storedAt)) {
        await this.lru.set(key, shared, JSON.stringify(shared));
        return this.#hit({ entry: shared, tier: "redis" });
      }
    }
    if (local) return this.#hit({ entry: local, tier: "lru" });
    this.#metrics.cacheMisses.inc();
    return undefined;
  }

  /** Looks in Redis only (used while waiting on another instance's fetch). */
  async getShared(key: string): Promise<CacheEntry | undefined> {
    if (!this.redis?.ready()) return undefined;
    return this.redis.get(key);
  }

  async set(key: string, entry: CacheEntry): Promise<void> {
    const serialized = JSON.stringify(entry);
    await this.lru.set(key, entry, serialized);
    if (this.redis?.ready()) {
      void this.redis.set(key, entry, serialized);
    }
  }
}
