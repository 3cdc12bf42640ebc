import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Metrics } from "../../src/observability/metrics.ts";
import { LruStore, RedisStore, TieredCache } from "../../src/resilience/cache.ts";
import { UpstreamLimiter } from "../../src/resilience/limiter.ts";
import { createRedis } from "../../src/resilience/redis.ts";
import { pricingMsw } from "../helpers/aws-msw.ts";
import { fakeWithCatalogue, type LiveHarness, liveApp, liveConfig } from "../helpers/live.ts";
import { flush, freePort, OwnRedis, redisServerAvailable, testRedisUrl } from "../helpers/redis.ts";

const logger = pino({ level: "silent" });
const url = await testRedisUrl();
const ownRedis = url !== undefined && redisServerAvailable();

const fake = fakeWithCatalogue();
const msw = pricingMsw(fake);
const harnesses: LiveHarness[] = [];

beforeAll(() => msw.listen({ onUnhandledFrame: "error" }));
afterAll(() => msw.close());
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
  fake.reset();
});

function live(env: Record<string, string>) {
  const h = liveApp(liveConfig(env));
  harnesses.push(h);
  return h;
}

async function eventually(check: () => boolean | Promise<boolean>, ms = 5000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("condition not met in time");
}

type Body = { items: Array<{ id: string; source: string; price: string }> };
const getJson = async (h: LiveHarness, path: string) => {
  const res = await h.app.request(path);
  return { status: res.status, body: (await res.json()) as Body };
};

describe.skipIf(!url)("Redis tier (real Redis)", () => {
  beforeEach(async () => {
    await flush(url as string);
  });

  it("writes both tiers; a Redis hit refills the LRU", async () => {
    const metrics = new Metrics();
    const redis = createRedis(url as string, logger, "test");
    await eventually(() => redis.status === "ready");
    const writer = new TieredCache(new LruStore(1 << 20), new RedisStore(redis, metrics), metrics);
    const entry = {
      value: { a: 1 },
      storedAt: Date.now(),
      freshUntil: Date.now() + 60_000,
      staleUntil: Date.now() + 120_000,
    };
    await writer.set("k1", entry);
    await eventually(async () => (await redis.get("pricebook:v1:k1")) !== null);
    const ttl = await redis.pttl("pricebook:v1:k1");
    expect(ttl).toBeGreaterThan(100_000);

    const readerLru = new LruStore(1 << 20);
    const reader = new TieredCache(readerLru, new RedisStore(redis, metrics), metrics);
    const hit = await reader.get("k1");
    expect(hit?.tier).toBe("redis");
    expect(await readerLru.get("k1")).toEqual(entry);
    expect((await reader.get("k1"))?.tier).toBe("lru");
    redis.disconnect();
  });

  it("fleet pacing: two limiters sharing Redis stay within one bucket together", async () => {
    const metrics = new Metrics();
    const redis = createRedis(url as string, logger, "test-pacing");
    await eventually(() => redis.status === "ready");
    const make = () => new UpstreamLimiter({ api: "pace-test", ratePerSecond: 20, burst: 5, localShare: 0.5, maxConcurrent: 10, redis, metrics, logger });
    const [a, b] = [make(), make()];
    const started = Date.now();
    const times: number[] = [];
    await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).schedule(async () => void times.push(Date.now() - started))));
    times.sort((x, y) => x - y);
    // A burst of 5, then one every 50 ms, whichever instance asks: 30 calls need at least 25 × 50 ms.
    expect(times.filter((t) => t < 40).length).toBeLessThanOrEqual(5);
    expect(times.at(-1)).toBeGreaterThanOrEqual(1200);
    // Any 1-second window holds at most the burst plus a second's refill (5 + 20).
    for (const t of times) expect(times.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(25);
    await a.close();
    await b.close();
    redis.disconnect();
  });

  it("a call whose next slot is past its deadline is refused without taking the slot", async () => {
    const metrics = new Metrics();
    const redis = createRedis(url as string, logger, "test-pacing-deadline");
    await eventually(() => redis.status === "ready");
    const limiter = new UpstreamLimiter({ api: "pace-deadline", ratePerSecond: 1, burst: 1, localShare: 1, maxConcurrent: 1, redis, metrics, logger });
    expect(await limiter.schedule(async () => "first", undefined, 100)).toBe("first");
    await expect(limiter.schedule(async () => "second", undefined, 100)).rejects.toThrow(/no slot before the deadline/);
    await limiter.close();
    redis.disconnect();
  });

  it("a bucket Redis does not know starts empty: no fresh burst after Redis lost its data", async () => {
    const metrics = new Metrics();
    const redis = createRedis(url as string, logger, "test-limiter-empty");
    await eventually(() => redis.status === "ready");
    await redis.del("pricebook:pace:empty-start");
    // 20/s with a burst of 20: a full bucket would let 12 calls out at once (16 at 80%); an empty one
    // spaces them at 1000 / (20 × 0.8) = 62.5 ms, so 12 calls take at least 11 × 62.5 ms.
    const limiter = new UpstreamLimiter({ api: "empty-start", ratePerSecond: 20, burst: 20, localShare: 1, maxConcurrent: 12, redis, metrics, logger });
    const started = Date.now();
    await Promise.all(Array.from({ length: 12 }, (_, i) => limiter.schedule(async () => i)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(650);
    await limiter.close();
    redis.disconnect();
  });

  it("the shared limiter survives a Redis that lost its data", async () => {
    const metrics = new Metrics();
    const redis = createRedis(url as string, logger, "test-limiter");
    await eventually(() => redis.status === "ready");
    const limiter = new UpstreamLimiter({ api: "flush-test", ratePerSecond: 50, burst: 50, localShare: 1, maxConcurrent: 4, redis, metrics, logger });
    await new Promise((r) => setTimeout(r, 200));
    expect(await limiter.schedule(async () => "first")).toBe("first");
    await redis.flushdb();
    // The next job is refused by the shared limiter, paced locally, and the shared one is rebuilt.
    expect(await limiter.schedule(async () => "second")).toBe("second");
    await new Promise((r) => setTimeout(r, 300));
    const before = (await metrics.limiterFallbacks.get()).values[0]?.value ?? 0;
    for (let i = 0; i < 5; i++) expect(await limiter.schedule(async () => i)).toBe(i);
    expect((await metrics.limiterFallbacks.get()).values[0]?.value ?? 0).toBe(before);
    await limiter.close();
    redis.disconnect();
  });

  it("two instances sharing Redis: 200 identical cold requests across both make one upstream query sequence", async () => {
    const env = { REDIS_URL: url as string };
    const a = live(env);
    const b = live(env);
    await eventually(() => a.services.redis?.status === "ready" && b.services.redis?.status === "ready");
    fake.latencyMs = 200;
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => getJson(i % 2 ? a : b, "/v1/prices/aws/eks?region=eu-west-1")),
    );
    expect(answers.every((x) => x.status === 200 && x.body.items.length === 7)).toBe(true);
    expect(fake.callsFor("AmazonEKS")).toHaveLength(1);
    const sources = new Set(answers.map((x) => x.body.items[0]?.source));
    expect([...sources].sort()).toEqual(["cache", "live"]);
  });

  it("a Redis that is down at start is skipped: answers come, and come quickly", async () => {
    const port = await freePort();
    const h = live({ REDIS_URL: `redis://127.0.0.1:${port}` });
    const started = Date.now();
    const first = await getJson(h, "/v1/prices/aws/eks?region=us-east-1");
    const second = await getJson(h, "/v1/prices/aws/eks?region=us-east-1");
    expect(first.body.items[0]?.source).toBe("live");
    expect(second.body.items[0]?.source).toBe("cache");
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe.skipIf(!ownRedis)("Redis killed and restarted mid-run (own redis-server)", () => {
  let server: OwnRedis;

  beforeAll(async () => {
    server = new OwnRedis(await freePort());
    await server.start();
  });
  afterAll(async () => {
    await server?.kill();
  });

  it("keeps answering from the LRU while Redis is gone, and uses Redis again when it is back", async () => {
    const h = live({ REDIS_URL: server.url });
    await eventually(() => h.services.redis?.status === "ready");
    const warm = await getJson(h, "/v1/prices/aws/lambda?region=us-east-1");
    expect(warm.status).toBe(200);

    await server.kill();
    await eventually(() => h.services.redis?.status !== "ready");
    const during = await Promise.all(
      Array.from({ length: 20 }, () => getJson(h, "/v1/prices/aws/lambda?region=us-east-1")),
    );
    expect(during.every((x) => x.status === 200 && x.body.items[0]?.source === "cache")).toBe(true);
    // A new key while Redis is down: fetched live, cached in-process.
    const cold = await getJson(h, "/v1/prices/aws/ec2?region=us-east-1&instanceType=m5.large");
    expect(cold.body.items[0]?.source).toBe("live");

    await server.start();
    await eventually(() => h.services.redis?.status === "ready", 10_000);
    await getJson(h, "/v1/prices/aws/ec2?region=us-east-1&instanceType=c5.xlarge");
    const check = new Redis(server.url);
    await eventually(async () => (await check.get("pricebook:v1:ec2:offer:us-east-1:c5.xlarge")) !== null);
    check.disconnect();
  });
});
