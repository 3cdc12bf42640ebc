import { AsyncLocalStorage } from "node:async_hooks";
import CircuitBreaker from "opossum";
import pRetry, { AbortError } from "p-retry";
import type { Logger } from "pino";
import type { BreakerState, Metrics } from "../observability/metrics.ts";
import { AttemptTimeoutError, type Classify, type FailureKind, HttpStatusError, isRetryable } from "./classify.ts";
import type { UpstreamLimiter } from "./limiter.ts";
import { requestContext } from "./request-context.ts";

/** Set while a guarded attempt runs: the SDK clients refuse to send outside it (see `insideGuard`). */
const guardScope = new AsyncLocalStorage<{ api: string }>();

/** Whether the caller runs inside a guard's attempt: every upstream call must (a tripwire checks). */
export function insideGuard(): boolean {
  return guardScope.getStore() !== undefined;
}

/** An upstream call made outside every guard: a bug, refused before it leaves the process. */
export class UnguardedCallError extends Error {
  override name = "UnguardedCallError";
}
import { sleep } from "./sleep.ts";

/** Seconds to suggest in Retry-After when nothing more precise is known, by kind of failure. */
const DEFAULT_RETRY_AFTER_S: Record<UpstreamKind, number> = {
  "request-budget": 1,
  throttling: 2,
  transient: 5,
  client: 0,
  aborted: 1,
  "circuit-open": 30,
  deadline: 5,
  malformed: 30,
};

export type UpstreamKind = FailureKind | "circuit-open" | "deadline" | "malformed" | "request-budget";

/**
 * An upstream failure, classified once where it happened. `code` is the upstream's error name;
 * `retryAfterSeconds` is when retrying can help (the breaker's remaining open time, the upstream's own
 * Retry-After, or a default for the kind): the one mapping to problems (`http/upstream-problem.ts`)
 * reads it.
 */
export class UpstreamError extends Error {
  override name = "UpstreamError";
  readonly api: string;
  readonly region: string;
  readonly kind: UpstreamKind;
  readonly code: string;
  readonly retryAfterSeconds: number;
  /**
   * Whether any attempt reached the upstream. False when the breaker or the quota refused every attempt:
   * a write that was never sent certainly did not happen.
   */
  sent = true;
  /** The upstream as a person knows it ("the AWS Price List API"); set by the guard. */
  title: string | undefined;

  constructor(
    api: string,
    region: string,
    kind: UpstreamKind,
    cause: unknown,
    message?: string,
    retryAfterSeconds?: number,
  ) {
    const c = cause as { name?: string; code?: string; retryAfterSeconds?: number } | undefined;
    const code = c instanceof HttpStatusError ? c.code : (c?.name ?? kind);
    super(message ?? `${api} (${region}) ${kind}: ${(cause as Error | undefined)?.message ?? code}`, {
      cause,
    });
    this.api = api;
    this.region = region;
    this.kind = kind;
    this.code = code;
    const asked = c instanceof HttpStatusError ? c.retryAfterSeconds : undefined;
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds ?? asked ?? DEFAULT_RETRY_AFTER_S[kind]));
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
  /** The upstream as a person knows it, for problems ("the AWS Price List API"). */
  title?: string;
  /** The cloud's classifier for what its SDK or HTTP client throws. */
  classify: Classify;
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
  /** When each region's breaker last opened (epoch ms), for Retry-After. */
  readonly #openedAt = new Map<string, number>();
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
    breaker.on("open", () => this.#openedAt.set(region, Date.now()));
    breaker.on("open", state("open"));
    breaker.on("halfOpen", state("half-open"));
    breaker.on("close", state("closed"));
    metrics.setBreakerState(api, region, "closed");
    this.#breakers.set(region, breaker);
    return breaker;
  }

  /** Seconds until the region's open breaker lets a trial call through. */
  #openFor(region: string): number {
    const openedAt = this.#openedAt.get(region) ?? Date.now();
    return Math.max(1, (openedAt + this.#options.breaker.resetTimeoutMs - Date.now()) / 1000);
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
      const value = await guardScope.run({ api }, () => fn(AbortSignal.any([signal, timeout.signal])));
      metrics.upstreamCalls.inc({ api, region, outcome: "ok" });
      return value;
    } catch (error) {
      const cause = timeout.signal.aborted && !signal.aborted ? timeout.signal.reason : error;
      const kind = this.#options.classify(cause, caller);
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
  async #paced<T>(breaker: CircuitBreaker<[Action, AbortSignal], unknown>, action: Action, region: string, signal: AbortSignal, caller: AbortSignal | undefined, deadlineAt: number, onFire: () => void): Promise<T> {
    const { limiter, api } = this.#options;
    const request = requestContext.getStore();
    if (request) {
      if (request.upstreamCalls <= 0) {
        throw new UpstreamError(api, region, "request-budget", undefined, `${api} (${region}): this request has used all the upstream calls one request may make`);
      }
      request.upstreamCalls--;
    }
    let fired = false;
    try {
      return (await limiter.schedule(
        () => {
          fired = true;
          onFire();
          return breaker.fire(action, signal);
        },
        signal,
        deadlineAt,
        request?.tenant,
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
    let sent = false;
    const onFire = () => {
      sent = true;
    };

    try {
      return (await pRetry(
        async () => {
          if (breaker.opened) {
            metrics.breakerRejections.inc({ api, region });
            throw new AbortError(
              new UpstreamError(api, region, "circuit-open", undefined, `${api} (${region}): circuit open`, this.#openFor(region)),
            );
          }
          try {
            return await this.#paced<T>(breaker, action, region, signal, caller, deadlineAt, onFire);
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
              new UpstreamError(api, region, "circuit-open", error, `${api} (${region}): circuit open`, this.#openFor(region)),
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
            // An upstream that said when to come back (Retry-After on a 429 or 503) is waited for at
            // least that long; when that is past the call's deadline, the call ends now with it.
            const asked = error.cause instanceof HttpStatusError && error.cause.retryAfterSeconds !== undefined ? error.cause.retryAfterSeconds * 1000 : undefined;
            if (asked !== undefined && Date.now() + asked >= deadlineAt) throw error;
            metrics.upstreamRetries.inc({ api });
            await sleep(Math.max(asked ?? 0, this.backoffMs(attemptNumber, error.kind === "throttling")), signal);
          },
        },
      )) as T;
    } catch (error) {
      let failure: UpstreamError;
      if (error instanceof UpstreamError) failure = error;
      else if (caller?.aborted) failure = new UpstreamError(api, region, "aborted", caller.reason);
      else if (deadline.aborted) failure = new UpstreamError(api, region, "deadline", error, `${api} (${region}): no answer within ${deadlineMs} ms`);
      else failure = new UpstreamError(api, region, "transient", error);
      failure.sent = sent;
      failure.title ??= this.#options.title;
      throw failure;
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
