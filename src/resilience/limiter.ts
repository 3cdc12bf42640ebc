import Bottleneck from "bottleneck";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Metrics } from "../observability/metrics.ts";

export interface LimiterOptions {
  /** Upstream API name; also the shared limiter's id in Redis. */
  api: string;
  /** The upstream's sustained quota for the whole account, calls per second. */
  ratePerSecond: number;
  /** The upstream's burst bucket for the whole account. */
  burst: number;
  /** This instance's share of the quota when it must pace alone (Redis unavailable): 1/N for N instances. */
  localShare: number;
  maxConcurrent: number;
  /** A Redis connection for the fleet-wide limiter, or undefined for a single instance. */
  redis: Redis | undefined;
  metrics: Metrics;
  logger: Logger;
}

/**
 * Paces calls to one upstream API. With Redis, one bottleneck limiter shared by the whole fleet (its
 * state lives in Redis, so all instances together stay under the account quota); bottleneck's cluster
 * mode only refreshes reservoirs every 5 s, so the shared limiter spaces calls evenly (`minTime`)
 * instead. Without Redis, or while Redis is unavailable, a local token bucket with this instance's
 * share of the quota.
 */
export class UpstreamLimiter {
  readonly #local: Bottleneck;
  #shared: Bottleneck | undefined;
  readonly #redis: Redis | undefined;
  readonly #options: LimiterOptions;

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
    this.#redis = options.redis;
    // The shared limiter is built once Redis first answers: bottleneck subscribes and loads its scripts
    // at construction, which fails noisily against a Redis that is not there yet.
    const redis = options.redis;
    if (redis) {
      if (redis.status === "ready") this.#shared = this.#createShared(redis);
      else
        redis.once("ready", () => {
          this.#shared ??= this.#createShared(redis);
        });
    }
  }

  #createShared(redis: Redis): Bottleneck {
    const options = this.#options;
    const shared = new Bottleneck({
      // bottleneck keeps the first limiter's settings in Redis; a new id per setting keeps a
      // changed quota from being overridden by a stale stored one.
      id: `pricebook-${options.api}-${options.ratePerSecond}rps-${options.maxConcurrent}c`,
      datastore: "ioredis",
      connection: new Bottleneck.IORedisConnection({ client: redis }),
      minTime: Math.ceil(1000 / options.ratePerSecond),
      maxConcurrent: options.maxConcurrent,
      timeout: 60_000,
    });
    shared.on("error", (error: Error) => {
      options.logger.warn({ api: options.api, err: error.message }, "shared limiter error");
    });
    return shared;
  }

  /** Runs `job` when the quota allows. A job whose signal aborted while queued never calls upstream. */
  async schedule<T>(job: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const guarded = () => {
      if (signal?.aborted) return Promise.reject(signal.reason);
      return job();
    };
    if (this.#shared && this.#redis?.status === "ready") {
      let started = false;
      let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
      try {
        return await this.#shared.schedule({ expiration: 30_000 }, async () => {
          started = true;
          try {
            const value = await guarded();
            outcome = { ok: true, value };
            return value;
          } catch (error) {
            outcome = { ok: false, error };
            throw error;
          }
        });
      } catch (error) {
        // The job ran: its own result stands, even if Redis failed while bottleneck was freeing it.
        if (started && outcome) {
          if (outcome.ok) return outcome.value;
          throw outcome.error;
        }
        this.#options.metrics.limiterFallbacks.inc({ api: this.#options.api });
        this.#options.logger.warn(
          { api: this.#options.api, err: (error as Error).message },
          "shared limiter unavailable; pacing this call with the local share",
        );
      }
    } else if (this.#redis) {
      this.#options.metrics.limiterFallbacks.inc({ api: this.#options.api });
    }
    return this.#local.schedule(guarded);
  }

  async close(): Promise<void> {
    const log = (what: string) => (error: unknown) =>
      this.#options.logger.warn({ api: this.#options.api, err: (error as Error).message }, `closing ${what}`);
    await this.#local.stop({ dropWaitingJobs: true }).catch(log("local limiter"));
    // bottleneck's disconnect closes the Redis connection it was given, and may return nothing.
    if (this.#shared) await Promise.resolve(this.#shared.disconnect(false)).catch(log("shared limiter"));
  }
}
