import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { LRUCache } from "lru-cache";

/** What a replay answers: the first request's status and body. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

/**
 * `pending`: a request holds the key and is writing (for at most its lease). `unknown`: the write was
 * sent but its outcome could not be learned (a timeout, then a failed read-back): the next request with
 * the key resolves it by reading back. `done`: the response to replay.
 */
interface IdempotencyRecord {
  fingerprint: string;
  state: "pending" | "unknown" | "done";
  response?: StoredResponse;
  /** Until when a pending request may hold the key; after that it is treated as `unknown`. */
  leaseUntil?: number;
  expiresAt: number;
}

export type Begin =
  | { kind: "new" }
  | { kind: "replay"; response: StoredResponse }
  | { kind: "mismatch" }
  | { kind: "pending" }
  | { kind: "unknown" };

/** A stable fingerprint of a request body: same content, same fingerprint, whatever the key order. */
export function fingerprint(value: unknown): string {
  const canonical = JSON.stringify(value, (_k, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v));
  return createHash("sha256").update(canonical).digest("hex");
}

export interface IdempotencyOptions {
  ttlMs?: number;
  /** How long a pending request may hold a key (about twice the request deadline). */
  leaseMs?: number;
  /** Records kept in memory (when Redis is not ready), oldest dropped first. */
  maxInMemory?: number;
  now?: () => number;
}

/**
 * `Idempotency-Key` records for 24 hours: in Redis when it is ready (shared by the fleet, claimed with
 * SET NX so two instances cannot both run the same write), in a bounded in-memory map otherwise. Keys
 * are scoped by the caller's API key id, so two clients never collide.
 */
export class IdempotencyStore {
  readonly #redis: Redis | undefined;
  readonly #memory: LRUCache<string, IdempotencyRecord>;
  readonly #ttlMs: number;
  readonly #leaseMs: number;
  readonly #now: () => number;

  constructor(redis: Redis | undefined, options: IdempotencyOptions = {}) {
    this.#redis = redis;
    this.#ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.#leaseMs = options.leaseMs ?? 60_000;
    this.#now = options.now ?? Date.now;
    this.#memory = new LRUCache({ max: options.maxInMemory ?? 10_000, ttl: this.#ttlMs, ttlResolution: 0, perf: { now: this.#now } });
  }

  get inMemory(): number {
    this.#memory.purgeStale();
    return this.#memory.size;
  }

  #key(scope: string, key: string): string {
    return `pricebook:idem:${createHash("sha256").update(`${scope}\u0000${key}`).digest("hex")}`;
  }

  #redisReady(): Redis | undefined {
    return this.#redis?.status === "ready" ? this.#redis : undefined;
  }

  #decide(record: IdempotencyRecord, print: string): Begin {
    if (record.fingerprint !== print) return { kind: "mismatch" };
    if (record.state === "done" && record.response) return { kind: "replay", response: record.response };
    if (record.state === "unknown") return { kind: "unknown" };
    if ((record.leaseUntil ?? 0) <= this.#now()) return { kind: "unknown" };
    return { kind: "pending" };
  }

  async #write(id: string, record: IdempotencyRecord): Promise<void> {
    this.#memory.set(id, record);
    const redis = this.#redisReady();
    if (redis) await redis.set(id, JSON.stringify(record), "PX", this.#ttlMs);
  }

  /** Claims the key for a new request, or says why not (replay, mismatch, in progress, unknown outcome). */
  async begin(scope: string, key: string, print: string): Promise<Begin> {
    const id = this.#key(scope, key);
    const now = this.#now();
    const pending: IdempotencyRecord = { fingerprint: print, state: "pending", leaseUntil: now + this.#leaseMs, expiresAt: now + this.#ttlMs };
    const redis = this.#redisReady();
    if (redis) {
      const claimed = await redis.set(id, JSON.stringify(pending), "PX", this.#ttlMs, "NX");
      if (claimed === "OK") return { kind: "new" };
      const raw = await redis.get(id);
      if (raw) return this.#decide(JSON.parse(raw) as IdempotencyRecord, print);
      return this.begin(scope, key, print);
    }
    const existing = this.#memory.get(id);
    if (existing) return this.#decide(existing, print);
    this.#memory.set(id, pending);
    return { kind: "new" };
  }

  /** Takes over a key whose earlier outcome was unknown and turned out not to have happened. */
  async retake(scope: string, key: string, print: string): Promise<void> {
    const now = this.#now();
    await this.#write(this.#key(scope, key), { fingerprint: print, state: "pending", leaseUntil: now + this.#leaseMs, expiresAt: now + this.#ttlMs });
  }

  async finish(scope: string, key: string, print: string, response: StoredResponse): Promise<void> {
    await this.#write(this.#key(scope, key), { fingerprint: print, state: "done", response, expiresAt: this.#now() + this.#ttlMs });
  }

  /** The write was sent but its outcome is unknown: the key stays taken until a retry reads back. */
  async markUnknown(scope: string, key: string, print: string): Promise<void> {
    await this.#write(this.#key(scope, key), { fingerprint: print, state: "unknown", expiresAt: this.#now() + this.#ttlMs });
  }

  /** Forgets a pending key whose write did not happen, so the client can retry with it. */
  async abandon(scope: string, key: string): Promise<void> {
    const id = this.#key(scope, key);
    this.#memory.delete(id);
    const redis = this.#redisReady();
    if (redis) await redis.del(id);
  }
}
