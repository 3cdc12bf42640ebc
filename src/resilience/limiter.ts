import Bottleneck from "bottleneck";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Metrics } from "../observability/metrics.ts";
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
 * without being taken.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local maxWait = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat - tolerance - now
if wait < 0 then wait = 0 end
if wait > maxWait then return -1 end
local nextTat = tat + interval
redis.call('SET', KEYS[1], nextTat, 'PX', nextTat - now + tolerance + 1000)
return wait
`;

/** The share of the account's quota the fleet plans to use, leaving room for timing jitter. */
const HEADROOM = 0.8;

/** The quota's next slot is further away than the call's deadline: the call is not sent. */
export class QuotaWaitError extends Error {
  override name = "QuotaWaitError";
}

/**
 * Paces calls to one upstream API. With Redis, the whole fleet shares one token bucket (the account's
 * quota) through an atomic reservation script; bottleneck caps this instance's concurrency. Without
 * Redis, or while it is unavailable, bottleneck paces alone with this instance's share of the quota.
 *
 * Why not bottleneck's own Redis cluster mode: its last release predates Redis 7 and ioredis 6; after a
 * Redis restart it never recreates its settings key ("ERR SETTINGS_KEY_NOT_FOUND" is not the text it
 * looks for), and jobs queued through it can stay stuck (bottleneck #194), which our fault-injection
 * suite reproduced: the pipeline stopped calling AWS for good after one Redis restart.
 */
export class UpstreamLimiter {
  readonly #local: Bottleneck;
  readonly #concurrency: Bottleneck;
  readonly #redis: Redis | undefined;
  readonly #options: LimiterOptions;
  readonly #intervalMs: number;
  readonly #toleranceMs: number;
  readonly #key: string;
  /** Whether the first connection attempt is over: until then calls wait for it instead of pacing alone. */
  #connected = false;
  readonly #firstAttempt: Promise<void>;

  constructor(options: LimiterOptions) {
    this.#options = options;
    const rate = options.ratePerSecond * options.localShare;
    const bucket = Math.max(1, Math.floor(options.burst * options.localShare));
    const refillEveryMs = Math.max(1, Math.round(1000 / rate));
    this.#local = new Bottleneck({
      maxConcurrent: options.maxConcurrent,
      reservoir: bucket,
      reservoirIncreaseAmount: 1,
      reservoirIncreaseInterval: refillEveryMs,
      reservoirIncreaseMaximum: bucket,
      // Reservoirs are refilled on the heartbeat (250 ms by default): beat exactly once per token.
      heartbeatInterval: refillEveryMs,
    });
    this.#concurrency = new Bottleneck({ maxConcurrent: options.maxConcurrent });
    this.#redis = options.redis;
    this.#connected = options.redis?.status === "ready";
    // Until the first connection attempt has succeeded or failed, calls wait for it (briefly).
    this.#firstAttempt = options.redis
      ? new Promise<void>((resolve) => {
          const done = () => {
            this.#connected = true;
            resolve();
          };
          options.redis?.once("ready", done);
          options.redis?.once("error", done);
          options.redis?.once("reconnecting", done);
          options.redis?.once("end", done);
        })
      : Promise.resolve();
    // The fleet paces at 80% of the account's quota: calls reach AWS some milliseconds off their
    // reserved slots (an event-loop pause bunches them up), and AWS counts arrivals, not reservations.
    this.#intervalMs = 1000 / (options.ratePerSecond * HEADROOM);
    this.#toleranceMs = Math.max(0, Math.floor(options.burst * HEADROOM) - 1) * this.#intervalMs;
    this.#key = `pricebook:pace:${options.api}`;
  }

  /**
   * Runs `job` when the quota allows. A job whose signal aborts while it waits never calls upstream.
   * `deadlineAt` (epoch ms) bounds the wait for a shared slot.
   */
  async schedule<T>(job: () => Promise<T>, signal?: AbortSignal, deadlineAt = Number.POSITIVE_INFINITY): Promise<T> {
    const guarded = () => {
      if (signal?.aborted) return Promise.reject(signal.reason);
      return job();
    };
    // At start-up the connection is still being made: wait for it a moment rather than spend a local
    // share of the quota on top of what the rest of the fleet is spending through Redis.
    if (this.#redis && !this.#connected) await Promise.race([this.#firstAttempt, sleep(2_000, signal)]);
    if (this.#redis?.status === "ready") {
      const redis = this.#redis;
      let refused: QuotaWaitError | undefined;
      let shared = true;
      // The concurrency slot first, then the pacing slot: a call then goes out at its reserved time,
      // not bunched up with later ones behind busy slots.
      const result = await this.#concurrency.schedule(async () => {
        let wait: number;
        try {
          const maxWaitMs = Math.max(0, Math.min(60_000, Math.floor(deadlineAt - Date.now())));
          wait = Number(await redis.eval(RESERVE, 1, this.#key, this.#intervalMs, this.#toleranceMs, maxWaitMs));
        } catch (error) {
          shared = false;
          this.#options.metrics.limiterFallbacks.inc({ api: this.#options.api });
          this.#options.logger.warn({ api: this.#options.api, err: (error as Error).message }, "shared pacing unavailable; pacing this call with the local share");
          return undefined;
        }
        if (wait < 0) {
          refused = new QuotaWaitError(`${this.#options.api}: the account's quota has no slot before the deadline`);
          return undefined;
        }
        if (wait > 0) await sleep(wait, signal);
        return { value: await guarded() };
      });
      if (refused) throw refused;
      if (shared && result) return result.value;
    } else if (this.#redis) {
      this.#options.metrics.limiterFallbacks.inc({ api: this.#options.api });
    }
    return this.#local.schedule(guarded);
  }

  async close(): Promise<void> {
    const log = (what: string) => (error: unknown) =>
      this.#options.logger.warn({ api: this.#options.api, err: (error as Error).message }, `closing ${what}`);
    await this.#local.stop({ dropWaitingJobs: true }).catch(log("local limiter"));
    await this.#concurrency.stop({ dropWaitingJobs: true }).catch(log("concurrency limiter"));
  }
}
