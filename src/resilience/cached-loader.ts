import type { Logger } from "pino";
import type { Metrics } from "../observability/metrics.ts";
import type { CacheEntry, TieredCache } from "./cache.ts";
import type { FetchLock } from "./lock.ts";
import { raceSignal, sleep } from "./sleep.ts";

export type LoadSource = "live" | "cache" | "stale";

export interface Loaded<T> {
  value: T;
  source: LoadSource;
  storedAt: number;
}

export interface CachedLoaderOptions {
  cache: TieredCache;
  lock: FetchLock | undefined;
  ttlMs: number;
  notFoundTtlMs: number;
  /** How long past its TTL an entry may still be served (while refreshing, or while upstream fails). */
  staleTtlMs: number;
  /** ±fraction applied to TTLs so that entries written together do not expire together. */
  jitter: number;
  /** Lock lifetime, about twice a slow fetch. */
  lockTtlMs: number;
  /** How long a process that lost the lock waits for the winner's value before fetching itself. */
  lockWaitMs: number;
  metrics: Metrics;
  logger: Logger;
  now?: () => number;
  random?: () => number;
}

/** Fetches one key's value; `signal` aborts only when every caller waiting on it has gone. */
export type Fetch<T> = (signal: AbortSignal) => Promise<T>;
/** Fetches several keys in one upstream query sequence; a key missing from the map is "not found". */
export type FetchMany<T> = (keys: string[], signal: AbortSignal) => Promise<Map<string, T>>;

/**
 * One in-flight fetch shared by every caller of a key. Its abort signal fires only when all callers
 * that passed a signal have aborted (a caller without a signal, such as a background refresh, keeps it
 * alive), so one client disconnecting never cancels the answer others are waiting for.
 */
interface InFlight<T> {
  promise: Promise<Loaded<T>>;
  attach(signal: AbortSignal | undefined): void;
}

class Flight<T> implements InFlight<T> {
  readonly #controller = new AbortController();
  #waiting = 0;
  #pinned = false;
  promise!: Promise<Loaded<T>>;

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  attach(signal: AbortSignal | undefined): void {
    if (!signal) {
      this.#pinned = true;
      return;
    }
    this.#waiting++;
    signal.addEventListener(
      "abort",
      () => {
        this.#waiting--;
        if (this.#waiting === 0 && !this.#pinned) this.#controller.abort(signal.reason);
      },
      { once: true },
    );
  }
}

/**
 * Cache-aside with stampede protection: one fetch per key per process (single-flight), one per key
 * across the fleet while Redis is up (a short lock; the others wait briefly for the winner's value),
 * stale-while-revalidate, and stale-if-error (an entry past its TTL is served until its stale limit).
 */
export class CachedLoader {
  readonly #o: CachedLoaderOptions;
  readonly #inflight = new Map<string, InFlight<unknown>>();
  readonly #now: () => number;
  readonly #random: () => number;

  constructor(options: CachedLoaderOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
  }

  #jittered(ms: number): number {
    return Math.round(ms * (1 + (this.#random() * 2 - 1) * this.#o.jitter));
  }

  #entry(value: unknown, notFound: boolean): CacheEntry {
    const now = this.#now();
    const freshUntil = now + this.#jittered(notFound ? this.#o.notFoundTtlMs : this.#o.ttlMs);
    return { value, storedAt: now, freshUntil, staleUntil: freshUntil + (notFound ? 0 : this.#o.staleTtlMs) };
  }

  #fromHit<T>(entry: CacheEntry): Loaded<T> {
    const source = entry.freshUntil > this.#now() ? "cache" : "stale";
    return { value: entry.value as T, source, storedAt: entry.storedAt };
  }

  /** Starts (or joins) the flight for `key`. */
  #fly<T>(key: string, run: (signal: AbortSignal) => Promise<Loaded<T>>, signal: AbortSignal | undefined) {
    let flight = this.#inflight.get(key) as InFlight<T> | undefined;
    if (!flight) {
      const created = new Flight<T>();
      created.promise = run(created.signal).finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, created as InFlight<unknown>);
      flight = created;
    }
    flight.attach(signal);
    return flight.promise;
  }

  /** One background refresh per key: a stale hit while one runs joins nothing and logs nothing. */
  #background<T>(key: string, start: () => Promise<Loaded<T>>): void {
    if (this.#inflight.has(key)) return;
    start().catch((error: unknown) => {
      this.#o.logger.warn({ key, err: (error as Error).message }, "background refresh failed; serving stale");
    });
  }

  async load<T>(
    key: string,
    fetch: Fetch<T>,
    options: { signal?: AbortSignal | undefined; isNotFound?: (value: T) => boolean } = {},
  ): Promise<Loaded<T>> {
    const hit = await this.#o.cache.get(key);
    const run = (signal: AbortSignal) => this.#fetchOne(key, fetch, signal, options.isNotFound);
    if (hit) {
      const loaded = this.#fromHit<T>(hit.entry);
      if (loaded.source === "stale") this.#background(key, () => this.#fly(key, run, undefined));
      return loaded;
    }
    return raceSignal(this.#fly(key, run, options.signal), options.signal);
  }

  /**
   * Loads several keys, fetching all the missing ones in one `fetchMany` call (a batch's fewest
   * upstream calls). Keys already in flight are joined; a key `fetchMany` does not return is cached
   * as not found and answered `undefined`.
   */
  async loadMany<T>(
    keys: readonly string[],
    fetchMany: FetchMany<T>,
    options: { signal?: AbortSignal | undefined } = {},
  ): Promise<Map<string, Loaded<T | undefined>>> {
    const out = new Map<string, Loaded<T | undefined>>();
    const pending: Array<Promise<void>> = [];
    const missing: string[] = [];
    const stale: string[] = [];
    const misses: string[] = [];
    for (const key of new Set(keys)) {
      const hit = await this.#o.cache.get(key);
      if (hit) {
        const loaded = this.#fromHit<T | undefined>(hit.entry);
        out.set(key, loaded);
        if (loaded.source === "stale" && !this.#inflight.has(key)) stale.push(key);
        continue;
      }
      misses.push(key);
    }
    // No await from here to #flyMany: joining the flights in progress and starting the others is one
    // step, so concurrent callers of the same keys cannot each find none in flight and each fetch.
    for (const key of misses) {
      const flight = this.#inflight.get(key) as InFlight<T | undefined> | undefined;
      if (flight) {
        flight.attach(options.signal);
        pending.push(flight.promise.then((loaded) => void out.set(key, loaded)));
      } else {
        missing.push(key);
      }
    }
    if (stale.length > 0) {
      const refreshes = [...this.#flyMany(stale, fetchMany, undefined).values()];
      Promise.all(refreshes).catch((error: unknown) => {
        this.#o.logger.warn(
          { keys: stale.length, err: (error as Error).message },
          "background refresh failed; serving stale",
        );
      });
    }
    if (missing.length > 0) {
      const group = this.#flyMany(missing, fetchMany, options.signal);
      pending.push(
        ...missing.map((key) =>
          (group.get(key) as Promise<Loaded<T | undefined>>).then((loaded) => void out.set(key, loaded)),
        ),
      );
    }
    await raceSignal(Promise.all(pending), options.signal);
    return out;
  }

  /**
   * One flight for a group of keys: each key gets its own promise, all settled by one fetch. A caller
   * joining any one key keeps the whole group's fetch alive.
   */
  #flyMany<T>(keys: string[], fetchMany: FetchMany<T>, signal: AbortSignal | undefined) {
    const group = new Flight<unknown>();
    group.attach(signal);
    const shared = this.#fetchGroup(keys, fetchMany, group.signal);
    const perKey = new Map<string, Promise<Loaded<T | undefined>>>();
    for (const key of keys) {
      const promise = shared
        .then((m) => m.get(key) as Loaded<T | undefined>)
        .finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, { promise, attach: (s) => group.attach(s) } as InFlight<unknown>);
      perKey.set(key, promise);
    }
    return perKey;
  }

  async #fetchGroup<T>(
    keys: string[],
    fetchMany: FetchMany<T>,
    signal: AbortSignal,
  ): Promise<Map<string, Loaded<T | undefined>>> {
    const out = new Map<string, Loaded<T | undefined>>();
    const lock = this.#o.lock?.ready() ? this.#o.lock : undefined;
    const tokens = new Map<string, string>();
    let toFetch = keys;
    if (lock) {
      const held: string[] = [];
      const waits: string[] = [];
      await Promise.all(
        keys.map(async (key) => {
          const token = await lock.acquire(key, this.#o.lockTtlMs);
          if (token) {
            tokens.set(key, token);
            held.push(key);
          } else {
            waits.push(key);
          }
        }),
      );
      const theirs = await Promise.all(
        waits.map(async (key) => [key, await this.#waitForWinner(key)] as const),
      );
      for (const [key, entry] of theirs)
        if (entry) out.set(key, { value: entry.value as T, source: "cache", storedAt: entry.storedAt });
      toFetch = keys.filter((k) => !out.has(k));
    }
    try {
      if (toFetch.length > 0) {
        const values = await fetchMany(toFetch, signal);
        for (const key of toFetch) {
          const value = values.get(key);
          const entry = this.#entry(value ?? null, value === undefined);
          await this.#o.cache.set(key, entry);
          out.set(key, { value, source: "live", storedAt: entry.storedAt });
        }
      }
      return out;
    } finally {
      if (lock) await Promise.all([...tokens].map(([key, token]) => lock.release(key, token)));
    }
  }

  async #fetchOne<T>(
    key: string,
    fetch: Fetch<T>,
    signal: AbortSignal,
    isNotFound?: (value: T) => boolean,
  ): Promise<Loaded<T>> {
    const lock = this.#o.lock?.ready() ? this.#o.lock : undefined;
    let token: string | undefined;
    if (lock) {
      token = await lock.acquire(key, this.#o.lockTtlMs);
      if (!token) {
        const theirs = await this.#waitForWinner(key);
        if (theirs) return { value: theirs.value as T, source: "cache", storedAt: theirs.storedAt };
      }
    }
    try {
      const value = await fetch(signal);
      const entry = this.#entry(value, isNotFound?.(value) ?? false);
      await this.#o.cache.set(key, entry);
      return { value, source: "live", storedAt: entry.storedAt };
    } finally {
      if (lock && token) await lock.release(key, token);
    }
  }

  /** Polls the shared tier with growing steps until the lock holder's value appears or time runs out. */
  async #waitForWinner(key: string): Promise<CacheEntry | undefined> {
    const until = this.#now() + this.#o.lockWaitMs;
    let step = 20;
    while (this.#now() < until) {
      await sleep(Math.min(step, Math.max(1, until - this.#now())));
      const entry = await this.#o.cache.getShared(key);
      if (entry && entry.freshUntil > this.#now()) {
        await this.#o.cache.lru.set(key, entry, JSON.stringify(entry));
        return entry;
      }
      step = Math.min(step * 2, 100);
    }
    return undefined;
  }
}
