import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/** What a replay answers: the first request's status and body. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

interface IdempotencyRecord {
  fingerprint: string;
  state: "pending" | "done";
  response?: StoredResponse;
  expiresAt: number;
}

export type Begin =
  | { kind: "new" }
  | { kind: "replay"; response: StoredResponse }
  | { kind: "mismatch" }
  | { kind: "pending" };

/** A stable fingerprint of a request body: same content, same fingerprint, whatever the key order. */
export function fingerprint(value: unknown): string {
  const canonical = JSON.stringify(value, (_k, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v));
  return createHash("sha256").update(canonical).digest("hex");
}

/**
 * `Idempotency-Key` records for 24 hours: in Redis when it is ready (shared by the fleet, claimed with
 * SET NX so two instances cannot both run the same write), in memory otherwise. Keys are scoped by the
 * caller's API key id, so two clients never collide.
 */
export class IdempotencyStore {
  readonly #redis: Redis | undefined;
  readonly #memory = new Map<string, IdempotencyRecord>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(redis: Redis | undefined, ttlMs = 24 * 60 * 60 * 1000, now: () => number = Date.now) {
    this.#redis = redis;
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  #key(scope: string, key: string): string {
    return `pricebook:idem:${createHash("sha256").update(`${scope}\u0000${key}`).digest("hex")}`;
  }

  #useRedis(): boolean {
    return this.#redis?.status === "ready";
  }

  #decide(record: IdempotencyRecord, print: string): Begin {
    if (record.fingerprint !== print) return { kind: "mismatch" };
    if (record.state === "done" && record.response) return { kind: "replay", response: record.response };
    return { kind: "pending" };
  }

  async begin(scope: string, key: string, print: string): Promise<Begin> {
    const id = this.#key(scope, key);
    const pending: IdempotencyRecord = { fingerprint: print, state: "pending", expiresAt: this.#now() + this.#ttlMs };
    if (this.#useRedis() && this.#redis) {
      const claimed = await this.#redis.set(id, JSON.stringify(pending), "PX", this.#ttlMs, "NX");
      if (claimed === "OK") return { kind: "new" };
      const raw = await this.#redis.get(id);
      if (raw) return this.#decide(JSON.parse(raw) as IdempotencyRecord, print);
      return this.begin(scope, key, print);
    }
    const existing = this.#memory.get(id);
    if (existing && existing.expiresAt > this.#now()) return this.#decide(existing, print);
    this.#memory.set(id, pending);
    return { kind: "new" };
  }

  async finish(scope: string, key: string, print: string, response: StoredResponse): Promise<void> {
    const id = this.#key(scope, key);
    const record: IdempotencyRecord = { fingerprint: print, state: "done", response, expiresAt: this.#now() + this.#ttlMs };
    this.#memory.set(id, record);
    if (this.#useRedis() && this.#redis) await this.#redis.set(id, JSON.stringify(record), "PX", this.#ttlMs);
  }

  /** Forgets a pending key whose write did not happen, so the client can retry with it. */
  async abandon(scope: string, key: string): Promise<void> {
    const id = this.#key(scope, key);
    this.#memory.delete(id);
    if (this.#useRedis() && this.#redis) await this.#redis.del(id);
  }
}
