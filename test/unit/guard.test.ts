import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { classifyAwsError } from "../../src/clouds/aws/errors.ts";
import { Metrics } from "../../src/observability/metrics.ts";
import { Guard, type GuardOptions, UpstreamError } from "../../src/resilience/guard.ts";
import { UpstreamLimiter } from "../../src/resilience/limiter.ts";

const logger = pino({ level: "silent" });

function awsError(name: string, status: number) {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

function guard(overrides: Partial<GuardOptions> = {}, limiter?: UpstreamLimiter) {
  const metrics = new Metrics();
  const g = new Guard({
    api: "pricing",
    classify: classifyAwsError,
    limiter:
      limiter ??
      new UpstreamLimiter({
        api: "pricing",
        ratePerSecond: 1000,
        burst: 1000,
        localShare: 1,
        maxConcurrent: 100,
        redis: undefined,
        metrics,
        logger,
      }),
    retries: 2,
    baseDelayMs: 100,
    throttleBaseDelayMs: 500,
    maxDelayMs: 2000,
    attemptTimeoutMs: 1000,
    deadlineMs: 5000,
    breaker: {
      volumeThreshold: 4,
      errorThresholdPercentage: 50,
      resetTimeoutMs: 30_000,
      rollingWindowMs: 10_000,
    },
    metrics,
    logger,
    random: () => 0.5,
    ...overrides,
  });
  return { g, metrics };
}

/** Settles a promise while driving fake time forward (bottleneck and opossum run on timers). */
async function settle<T>(promise: Promise<T>, maxMs = 60_000) {
  let done = false;
  const settled = promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error: error as UpstreamError }),
  );
  void settled.then(() => {
    done = true;
  });
  for (let t = 0; t < maxMs && !done; t += 10) await vi.advanceTimersByTimeAsync(10);
  return settled;
}

describe("Guard", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("retries transient failures with full-jitter backoff, then succeeds", async () => {
    const { g, metrics } = guard();
    const fn = vi
      .fn()
      .mockRejectedValueOnce(awsError("InternalErrorException", 500))
      .mockRejectedValueOnce(awsError("ServiceUnavailableException", 503))
      .mockResolvedValue("ok");
    expect(await settle(g.call("us-east-1", fn))).toEqual({ ok: true, value: "ok" });
    expect(fn).toHaveBeenCalledTimes(3);
    expect((await metrics.upstreamRetries.get()).values[0]?.value).toBe(2);
  });

  it("bounds retries: retries + 1 attempts, then the classified error", async () => {
    const { g } = guard();
    const fn = vi.fn().mockRejectedValue(awsError("ThrottlingException", 400));
    const r = await settle(g.call("us-east-1", fn));
    expect(r.ok).toBe(false);
    expect(fn).toHaveBeenCalledTimes(3);
    expect(r.ok ? undefined : r.error).toMatchObject({ kind: "throttling", code: "ThrottlingException" });
  });

  it("never retries client errors", async () => {
    const { g } = guard();
    const fn = vi.fn().mockRejectedValue(awsError("AccessDeniedException", 403));
    const r = await settle(g.call("us-east-1", fn));
    expect(fn).toHaveBeenCalledTimes(1);
    expect(r.ok ? undefined : r.error).toMatchObject({ kind: "client", code: "AccessDeniedException" });
  });

  it("backs off with full jitter: uniform in [0, base × 2^(n-1)], 500 ms base for throttling, capped", () => {
    const { g } = guard({ random: () => 0.999 });
    expect(g.backoffMs(1, false)).toBe(99);
    expect(g.backoffMs(3, false)).toBe(399);
    expect(g.backoffMs(1, true)).toBe(499);
    expect(g.backoffMs(10, true)).toBe(1998);
    expect(guard({ random: () => 0 }).g.backoffMs(5, true)).toBe(0);
  });

  it("opens the breaker on transient failures, then refuses at once without calling upstream, then recovers", async () => {
    const { g, metrics } = guard({ retries: 0 });
    const failing = vi.fn().mockRejectedValue(awsError("InternalErrorException", 500));
    for (let i = 0; i < 4; i++) await settle(g.call("us-east-1", failing));
    expect(g.breakerStates()).toEqual({ "us-east-1": "open" });
    expect(failing).toHaveBeenCalledTimes(4);

    const r = await settle(g.call("us-east-1", failing));
    expect(r.ok ? undefined : r.error).toMatchObject({ kind: "circuit-open" });
    expect(failing).toHaveBeenCalledTimes(4);
    expect((await metrics.breakerState.get()).values[0]?.value).toBe(2);

    // Another region has its own breaker.
    const other = vi.fn().mockResolvedValue("ok");
    expect(await settle(g.call("eu-central-1", other))).toEqual({ ok: true, value: "ok" });

    await vi.advanceTimersByTimeAsync(30_000);
    expect(g.breakerStates()["us-east-1"]).toBe("half-open");
    const healthy = vi.fn().mockResolvedValue("back");
    expect(await settle(g.call("us-east-1", healthy))).toEqual({ ok: true, value: "back" });
    expect(g.breakerStates()["us-east-1"]).toBe("closed");
  });

  it("does not let client errors or throttling open the breaker", async () => {
    const { g } = guard({ retries: 0 });
    const denied = vi.fn().mockRejectedValue(awsError("AccessDeniedException", 403));
    const throttled = vi.fn().mockRejectedValue(awsError("ThrottlingException", 429));
    for (let i = 0; i < 10; i++) {
      await settle(g.call("us-east-1", denied));
      await settle(g.call("us-east-1", throttled));
    }
    expect(g.breakerStates()["us-east-1"]).toBe("closed");
  });

  it("ends a hung attempt at its deadline and the call at the overall deadline", async () => {
    const { g } = guard({ attemptTimeoutMs: 1000, deadlineMs: 2500, retries: 5 });
    const seen: AbortSignal[] = [];
    const hang = vi.fn((signal: AbortSignal) => {
      seen.push(signal);
      return new Promise<never>((_, reject) =>
        signal.addEventListener("abort", () =>
          reject(Object.assign(new Error("aborted"), { name: "AbortError" })),
        ),
      );
    });
    const started = Date.now();
    const r = await settle(g.call("us-east-1", hang));
    expect(Date.now() - started).toBeLessThanOrEqual(2600);
    expect(r.ok ? undefined : r.error).toBeInstanceOf(UpstreamError);
    expect(r.ok ? undefined : r.error.kind).toMatch(/deadline|transient/);
    expect(seen.every((s) => s.aborted)).toBe(true);
    expect(hang.mock.calls.length).toBeGreaterThanOrEqual(2);
  });

  it("stops when the caller goes away, without counting it against the upstream", async () => {
    const { g } = guard();
    const caller = new AbortController();
    const hang = vi.fn(
      (signal: AbortSignal) =>
        new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
    );
    const result = settle(g.call("us-east-1", hang, caller.signal));
    await vi.advanceTimersByTimeAsync(50);
    caller.abort(new Error("client disconnected"));
    const r = await result;
    expect(r.ok ? undefined : r.error.kind).toBe("aborted");
    expect(hang).toHaveBeenCalledTimes(1);
  });
});

describe("UpstreamLimiter (local)", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("follows AWS's bucket: a burst of 10, then 5 a second", async () => {
    const metrics = new Metrics();
    const limiter = new UpstreamLimiter({
      api: "pricing",
      ratePerSecond: 5,
      burst: 10,
      localShare: 1,
      maxConcurrent: 100,
      redis: undefined,
      metrics,
      logger,
    });
    let started = 0;
    const jobs = Array.from({ length: 30 }, () => limiter.schedule(async () => void started++));
    await vi.advanceTimersByTimeAsync(100);
    expect(started).toBe(10);
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toBe(15);
    await vi.advanceTimersByTimeAsync(2000);
    expect(started).toBe(25);
    await vi.advanceTimersByTimeAsync(1100);
    await Promise.all(jobs);
    expect(started).toBe(30);
    await limiter.close();
  });

  it("paces alone with its configured share of the quota", async () => {
    const metrics = new Metrics();
    const limiter = new UpstreamLimiter({
      api: "pricing",
      ratePerSecond: 5,
      burst: 10,
      localShare: 0.5,
      maxConcurrent: 100,
      redis: undefined,
      metrics,
      logger,
    });
    let started = 0;
    const dropped = Array.from({ length: 20 }, () =>
      limiter.schedule(async () => void started++).catch((e: Error) => e.message),
    );
    await vi.advanceTimersByTimeAsync(100);
    expect(started).toBe(5);
    await vi.advanceTimersByTimeAsync(2000);
    expect(started).toBe(10);
    await limiter.close();
    // Jobs still queued at close are refused, not left hanging.
    expect((await Promise.all(dropped)).filter((r) => r !== undefined)).toHaveLength(10);
  });
});

describe("UpstreamLimiter on a shared connection", () => {
  it("every limiter on one connection shares one set of listeners for its first attempt", async () => {
    const { EventEmitter } = await import("node:events");
    const connection = Object.assign(new EventEmitter(), { status: "connecting" });
    const limiters = Array.from({ length: 20 }, (_, i) =>
      new UpstreamLimiter({ api: `api-${i}`, ratePerSecond: 5, burst: 10, localShare: 1, maxConcurrent: 1, redis: connection as never, metrics: new Metrics(), logger }),
    );
    // One listener per event, however many upstream APIs pace through this connection.
    for (const event of ["ready", "error", "reconnecting", "end"]) expect(connection.listenerCount(event)).toBe(1);
    connection.emit("error", new Error("refused"));
    for (const event of ["ready", "error", "reconnecting", "end"]) expect(connection.listenerCount(event)).toBe(0);
    for (const limiter of limiters) await limiter.close();
  });
});
