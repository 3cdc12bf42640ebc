import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/**
 * A short fetch lock across instances (`SET NX PX`, released by compare-and-delete). One Redis is
 * enough: a lost lock only costs a duplicate fetch, which is harmless.
 */
export class FetchLock {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  ready(): boolean {
    return this.#redis.status === "ready";
  }

  /** The lock's token when acquired; undefined when another instance holds it or Redis fails. */
  async acquire(key: string, ttlMs: number): Promise<string | undefined> {
    const token = randomUUID();
    try {
      const ok = await this.#redis.set(`pricebook:lock:${key}`, token, "PX", ttlMs, "NX");
      return ok === "OK" ? token : undefined;
    } catch {
      return undefined;
    }
  }

  async release(key: string, token: string): Promise<void> {
    try {
      await this.#redis.eval(RELEASE, 1, `pricebook:lock:${key}`, token);
    } catch {
      // The lock expires by itself within its TTL.
    }
  }
}
