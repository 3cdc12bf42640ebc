import CircuitBreaker from "opossum";
import pRetry, { AbortError } from "p-retry";
import type { Logger } from "pino";
import type { BreakerState, Metrics } from "../observability/metrics.ts";
import { AttemptTimeoutError, classifyAwsError, type FailureKind, isRetryable } from "./classify.ts";
import type { UpstreamLimiter } from "./limiter.ts";
import { sleep } from "./sleep.ts";

/** An upstream failure, classified once where it happened. `code` is the upstream's error name. */
export class UpstreamError extends Error {
  override name = "UpstreamError";
  readonly api: string;
  readonly region: string;
  readonly kind: FailureKind | "circuit-open" | "deadline";
  readonly code: string;

  constructor(api: string, region: string, kind: UpstreamError["kind"], cause: unknown, message?: string) {
    const code = (cause as { name?: string } | undefined)?.name ?? kind;
    super(message ?? `${api} (${region}) ${kind}: ${(cause as Error | undefined)?.message ?? code}`, {
      cause,
    });
    this.api = api;
    this.region = region;
    this.kind = kind;
    this.code = code;
  }
}

export interface BreakerOptions {
  /** Calls in the rolling window before the breaker may open. */
  volumeThreshold: number;
  errorThresholdPercentage: number;
  resetTimeoutMs: number;
  rollingWindowMs: number;
}

export interface GuardOptions {
  api: string;
  limiter: UpstreamLimiter;
  /** Retries after the first attempt (throttling and transient failures only). */
  retries: number;
  baseDelayMs: number;
  throttleBaseDelayMs: number;
  maxDelayMs: number;
  /** One attempt's deadline. */
  attemptTimeoutMs: number;
  /** The whole call's deadline: queueing, attempts and backoff. */
  deadlineMs: number;
  breaker: BreakerOptions;
  metrics: Metrics;
  logger: Logger;
  random?: () => number;
}

type Action = (signal: AbortSignal) => Promise<unknown>;

export interface CallOptions {
  /**
   * Whether transient failures (timeouts, 5xx) are retried. False for writes that are not idempotent
   * (CreateBudget): the first attempt may have succeeded, so the caller reads back instead.
   */
  retryTransient?: boolean;
}

/**
 * The one layer where calls to an upstream API are retried, paced and broken. Each attempt goes
 * limiter → breaker → SDK `send` with its own deadline; p-retry wraps attempts with full-jitter
 * backoff, so every attempt is paced and counted (the SDK clients run with `maxAttempts: 1`).
 */
export class Guard {
  readonly api: string;
  readonly #options: GuardOptions;
  readonly #breakers = new Map<string, CircuitBreaker<[Action, AbortSignal], unknown>>();
  readonly #random: () => number;

  constructor(options: GuardOptions) {
    this.api = options.api;
    this.#options = options;
    this.#random = options.random ?? Math.random;
  }

  #breaker(region: string): CircuitBreaker<[Action, AbortSignal], unknown> {
    let breaker = this.#breakers.get(region);
    if (breaker) return breaker;
    const { metrics, logger, breaker: opts, api } = this.#options;
    breaker = new CircuitBreaker((action: Action, signal: AbortSignal) => action(signal), {
      // Deadlines are enforced by abort signals passed into `send`; opossum's timeout cannot cancel.
      timeout: false,
      volumeThreshold: opts.volumeThreshold,
      errorThresholdPercentage: opts.errorThresholdPercentage,
      resetTimeout: opts.resetTimeoutMs,
      rollingCountTimeout: opts.rollingWindowMs,
      rollingCountBuckets: 10,
      // Client errors, throttling and our caller going away say nothing about the upstream's health.
      errorFilter: (error: unknown) => error instanceof UpstreamError && error.kind !== "transient",
    });
    const state = (s: BreakerState) => () => {
      metrics.setBreakerState(api, region, s);
      logger.warn({ api, region, state: s }, `circuit breaker ${s}`);
    };
    breaker.on("open", state("open"));
    breaker.on("halfOpen", state("half-open"));
    breaker.on("close", state("closed"));
    metrics.setBreakerState(api, region, "closed");
    this.#breakers.set(region, breaker);
    return breaker;
  }

  /** Breaker state per region, for health and metrics. */
  breakerStates(): Record<string, BreakerState> {
    const out: Record<string, BreakerState> = {};
    for (const [region, b] of this.#breakers)
      out[region] = b.opened ? "open" : b.halfOpen ? "half-open" : "closed";
    return out;
  }

  /** One attempt's SDK call, bounded by its own deadline and classified on failure (inside the breaker). */
  async #send<T>(region: string, fn: (signal: AbortSignal) => Promise<T>, signal: AbortSignal, caller?: AbortSignal): Promise<T> {
    const { metrics, attemptTimeoutMs, api } = this.#options;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new AttemptTimeoutError(`no answer within ${attemptTimeoutMs} ms`)), attemptTimeoutMs);
    const started = performance.now();
    try {
      const value = await fn(AbortSignal.any([signal, timeout.signal]));
      metrics.upstreamCalls.inc({ api, region, outcome: "ok" });
      return value;
    } catch (error) {
      const cause = timeout.signal.aborted && !signal.aborted ? timeout.signal.reason : error;
      const kind = classifyAwsError(cause, caller);
      metrics.upstreamCalls.inc({ api, region, outcome: kind });
      throw new UpstreamError(api, region, kind, cause);
    } finally {
      clearTimeout(timer);
      metrics.upstreamLatency.observe({ api }, (performance.now() - started) / 1000);
    }
  }

  /**
   * Waits for the quota, then fires through the breaker. The limiter is outside the breaker: a call
   * that never got a slot before its deadline was never sent, so it is neither a success nor a failure
   * of the upstream.
   */
  async #paced<T>(breaker: CircuitBreaker<[Action, AbortSignal], unknown>, action: Action, region: string, signal: AbortSignal, caller: AbortSignal | undefined, deadlineAt: number): Promise<T> {
    const { limiter, api } = this.#options;
    let fired = false;
    try {
      return (await limiter.schedule(
        () => {
          fired = true;
          return breaker.fire(action, signal);
        },
        signal,
        deadlineAt,
      )) as T;
    } catch (error) {
      if (fired || error instanceof UpstreamError) throw error;
      throw new UpstreamError(api, region, caller?.aborted ? "aborted" : "deadline", error, `${api} (${region}): not sent before the deadline`);
    }
  }

  /**
   * Calls `fn` through the guard for `region`'s breaker. Rejects with `UpstreamError`: the upstream's
   * own (client) error at once, `circuit-open` without waiting when the breaker is open, and
   * `deadline` when the call's deadline passes.
   */
  async call<T>(
    region: string,
    fn: (signal: AbortSignal) => Promise<T>,
    caller?: AbortSignal,
    options: CallOptions = {},
  ): Promise<T> {
    const { api, deadlineMs, metrics } = this.#options;
    const retries = this.#options.retries;
    const retryTransient = options.retryTransient ?? true;
    const breaker = this.#breaker(region);
    // Timers, not AbortSignal.timeout: the same clock as backoff and breakers (and fakeable in tests).
    const deadlineController = new AbortController();
    const deadlineTimer = setTimeout(
      () => deadlineController.abort(new Error(`deadline of ${deadlineMs} ms`)),
      deadlineMs,
    );
    const deadline = deadlineController.signal;
    const signal = caller ? AbortSignal.any([caller, deadline]) : deadline;
    const deadlineAt = Date.now() + deadlineMs;
    const action: Action = (s) => this.#send(region, fn, s, caller);

    try {
      return (await pRetry(
        async () => {
          if (breaker.opened) {
            metrics.breakerRejections.inc({ api, region });
            throw new AbortError(
              new UpstreamError(api, region, "circuit-open", undefined, `${api} (${region}): circuit open`),
            );
          }
          try {
            return await this.#paced<T>(breaker, action, region, signal, caller, deadlineAt);
          } catch (error) {
            if (error instanceof UpstreamError) {
              if (!isRetryable(error.kind as FailureKind)) throw new AbortError(error);
              // A write that may have happened is not sent again; throttled ones were refused, so they may be.
              if (error.kind === "transient" && !retryTransient) throw new AbortError(error);
              throw error;
            }
            // opossum's own refusals: open, or half-open with its one trial already in flight.
            metrics.breakerRejections.inc({ api, region });
            throw new AbortError(
              new UpstreamError(api, region, "circuit-open", error, `${api} (${region}): circuit open`),
            );
          }
        },
        {
          retries,
          minTimeout: 0,
          maxTimeout: 0,
          factor: 1,
          randomize: false,
          maxRetryTime: deadlineMs,
          signal,
          onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
            if (
              retriesLeft <= 0 ||
              !(error instanceof UpstreamError) ||
              !isRetryable(error.kind as FailureKind)
            )
              return;
            metrics.upstreamRetries.inc({ api });
            await sleep(this.backoffMs(attemptNumber, error.kind === "throttling"), signal);
          },
        },
      )) as T;
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      if (caller?.aborted) throw new UpstreamError(api, region, "aborted", caller.reason);
      if (deadline.aborted) {
        throw new UpstreamError(
          api,
          region,
          "deadline",
          error,
          `${api} (${region}): no answer within ${deadlineMs} ms`,
        );
      }
      throw new UpstreamError(api, region, "transient", error);
    } finally {
      clearTimeout(deadlineTimer);
    }
  }

  /** Full jitter: uniform in [0, min(max, base × 2^(attempt-1))]. */
  backoffMs(attemptNumber: number, throttled: boolean): number {
    const { baseDelayMs, throttleBaseDelayMs, maxDelayMs } = this.#options;
    const base = throttled ? throttleBaseDelayMs : baseDelayMs;
    return Math.floor(this.#random() * Math.min(maxDelayMs, base * 2 ** (attemptNumber - 1)));
  }

  shutdown(): void {
    for (const breaker of this.#breakers.values()) breaker.shutdown();
  }
}
