import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Metrics } from "../observability/metrics.ts";
import { FairQueue, QueueClosedError, TokenBucket } from "./fair-queue.ts";
import { sleep } from "./sleep.ts";

export interface LimiterOptions {
  /** Upstream API name; also the shared pacing key in Redis. */
  api: string;
  /** The upstream's sustained quota for the whole account, calls per second. */
  ratePerSecond: number;
  /** The upstream's burst bucket for the whole account. */
  burst: number;
  /** This instance's share of the quota when it must pace alone (Redis unavailable): 1/N for N instances. */
  localShare: number;
  maxConcurrent: number;
  /** A Redis connection for fleet-wide pacing, or undefined for a single instance. */
  redis: Redis | undefined;
  metrics: Metrics;
  logger: Logger;
}

/**
 * GCRA ("virtual scheduling") over the whole fleet, in one atomic script: every call reserves the next
 * slot of the account's token bucket (burst `b`, one token every `T` ms) and is told how long to wait
 * for it. State is a single timestamp that expires by itself, so a Redis that restarts empty simply
 * starts a fresh bucket. A reservation that would wait past the caller's deadline is refused (-1)
 * without being taken. A bucket Redis does not know (Redis restarted empty, or the first call ever)
 * starts EMPTY, not full: while Redis was away the instances paced alone and may have spent the
 * account's burst, so the fleet earns its burst back at the steady rate. The state outlives a full
 * refill by a day, so an idle fleet still finds its bucket full.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local maxWait = tonumber(ARGV[3])
local stored = redis.call('GET', KEYS[1])
local tat
if stored then tat = tonumber(stored) else tat = now + tolerance end
if tat < now then tat = now end
local wait = tat - tolerance - now
if wait < 0 then wait = 0 end
if wait > maxWait then return -1 end
local nextTat = tat + interval
redis.call('SET', KEYS[1], nextTat, 'PX', math.ceil(nextTat - now + tolerance + 86400000))
return wait
`;

/**
 * The end of a connection's first attempt (ready, or failed), shared by every limiter on that
 * connection: one set of listeners per connection, not one per upstream API.
 */
const firstAttempts = new WeakMap<Redis, Promise<void>>();
function firstAttempt(redis: Redis): Promise<void> {
  let attempt = firstAttempts.get(redis);
  if (!attempt) {
    attempt = new Promise<void>((resolve) => {
      const events = ["ready", "error", "reconnecting", "end"] as const;
      const done = () => {
        for (const event of events) redis.off(event, done);
        resolve();
      };
      for (const event of events) redis.on(event, done);
    });
    firstAttempts.set(redis, attempt);
  }
  return attempt;
}

/** The share of the account's quota the fleet plans to use, leaving room for timing jitter. */
const HEADROOM = 0.8;

/** The quota's next slot is further away than the call's deadline: the call is not sent. */
export class QuotaWaitError extends Error {
  override name = "QuotaWaitError";
}

/**
 * Paces calls to one upstream API. A call first takes one of this instance's concurrency slots, given
 * to callers (tenants: API keys) in turn, and left by a caller that gives up while it waits; then a
 * pacing slot: with Redis, from the whole fleet's token bucket (the account's quota) through an atomic
 * reservation script; without Redis, or while it is unavailable, from a local bucket holding this
 * instance's share of the quota.
 *
 * Why not bottleneck: its Redis cluster mode never recreated its settings key after a Redis restart
 * (our fault-injection suite reproduced the pipeline stopping for good), and in-process it kept jobs
 * whose callers had gone in its queue until their turn, charging each a reservoir token: one aborted
 * 500-query batch starved every other caller for a minute and a half.
 */
export class UpstreamLimiter {
  readonly #queue: FairQueue;
  readonly #local: TokenBucket;
  readonly #redis: Redis | undefined;
  readonly #options: LimiterOptions;
  readonly #intervalMs: number;
  readonly #toleranceMs: number;
  readonly #key: string;
  /** Whether the first connection attempt is over: until then calls wait for it instead of pacing alone. */
  #connected = false;
  readonly #firstAttempt: Promise<void>;
  /** Aborted on close: calls waiting for a token stop waiting. */
  readonly #closing = new AbortController();

  constructor(options: LimiterOptions) {
    this.#options = options;
    // A fleet instance pacing alone (its Redis away) keeps to its share of the same 80% the fleet
    // plans to use; an instance without Redis is the whole fleet and has the account's bucket.
    const headroom = options.redis ? HEADROOM : 1;
    const rate = options.ratePerSecond * headroom * options.localShare;
    const bucket = Math.max(1, Math.floor(options.burst * headroom * options.localShare));
    this.#local = new TokenBucket(bucket, Math.max(1, Math.round(1000 / rate)));
    this.#queue = new FairQueue(options.maxConcurrent);
    this.#redis = options.redis;
    this.#connected = options.redis?.status === "ready";
    // Until the first connection attempt has succeeded or failed, calls wait for it (briefly).
    this.#firstAttempt = options.redis
      ? firstAttempt(options.redis).then(() => {
          this.#connected = true;
        })
      : Promise.resolve();
    // The fleet paces at 80% of the account's quota: calls reach AWS some milliseconds off their
    // reserved slots (an event-loop pause bunches them up), and AWS counts arrivals, not reservations.
    this.#intervalMs = 1000 / (options.ratePerSecond * HEADROOM);
    this.#toleranceMs = Math.max(0, Math.floor(options.burst * HEADROOM) - 1) * this.#intervalMs;
    this.#key = `pricebook:pace:${options.api}`;
  }

  /** Calls waiting for a slot, and running (for tests and metrics). */
  get load(): { waiting: number; running: number } {
    return { waiting: this.#queue.waiting, running: this.#queue.running };
  }

  /**
   * Runs `job` when the quota allows, in `tenant`'s turn. A job whose signal aborts while it waits
   * never calls upstream and holds nothing. `deadlineAt` (epoch ms) bounds the wait for a shared slot.
   */
  async schedule<T>(job: () => Promise<T>, signal?: AbortSignal, deadlineAt = Number.POSITIVE_INFINITY, tenant = "system"): Promise<T> {
    // At start-up the connection is still being made: wait for it a moment rather than spend a local
    // share of the quota on top of what the rest of the fleet is spending through Redis.
    if (this.#redis && !this.#connected) await Promise.race([this.#firstAttempt, sleep(2_000, signal)]);
    // The concurrency slot first, then the pacing slot: a call then goes out at its reserved time,
    // not bunched up with later ones behind busy slots.
    const waiting = signal ? AbortSignal.any([signal, this.#closing.signal]) : this.#closing.signal;
    return this.#queue.run(
      tenant,
      async () => {
        if (!(await this.#sharedSlot(waiting, deadlineAt))) await this.#local.take(waiting);
        waiting.throwIfAborted();
        return job();
      },
      signal,
    );
  }

  /** Waits for the fleet's next slot; false when Redis cannot pace this call (then the local share does). */
  async #sharedSlot(signal: AbortSignal | undefined, deadlineAt: number): Promise<boolean> {
    const redis = this.#redis;
    if (!redis) return false;
    if (redis.status !== "ready") {
      this.#options.metrics.limiterFallbacks.inc({ api: this.#options.api });
      return false;
    }
    let wait: number;
    try {
      const maxWaitMs = Math.max(0, Math.min(60_000, Math.floor(deadlineAt - Date.now())));
      wait = Number(await redis.eval(RESERVE, 1, this.#key, this.#intervalMs, this.#toleranceMs, maxWaitMs));
    } catch (error) {
      this.#options.metrics.limiterFallbacks.inc({ api: this.#options.api });
      this.#options.logger.warn({ api: this.#options.api, err: (error as Error).message }, "shared pacing unavailable; pacing this call with the local share");
      return false;
    }
    if (wait < 0) throw new QuotaWaitError(`${this.#options.api}: the account's quota has no slot before the deadline`);
    if (wait > 0) await sleep(wait, signal);
    return true;
  }

  async close(): Promise<void> {
    this.#closing.abort(new QueueClosedError("the upstream limiter is closed"));
    this.#queue.close();
  }
}
