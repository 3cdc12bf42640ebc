import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeBillingCatalog } from "../fakes/gcp-billing-fake.ts";
import { SERVICE_IDS } from "../fakes/gcp-skus.ts";
import { gcpLiveConfig, getJson } from "../helpers/gcp-live.ts";
import { gcpMsw } from "../helpers/gcp-msw.ts";
import { type LiveHarness, liveApp } from "../helpers/live.ts";
import { flush, testRedisUrl } from "../helpers/redis.ts";

/** GCP's catalogue through the shared Redis tier: one fetch for the fleet, the book shared by every instance. */
// Database 14: redis-tier.test.ts flushes 15 while this file may be running.
const url = (await testRedisUrl())?.replace(/\/15$/, "/14");
const fake = new FakeBillingCatalog();
const msw = gcpMsw(fake);
const harnesses: LiveHarness[] = [];

beforeAll(() => msw.listen({ onUnhandledFrame: "error" }));
afterAll(() => msw.close());
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
  fake.reset();
});

function live(env: Record<string, string> = {}) {
  // Single flight is tested here, not the lock's wait bound: a generous wait survives a loaded machine.
  const h = liveApp(gcpLiveConfig(fake, { REDIS_URL: url as string, CACHE_LOCK_WAIT_MS: "30000", ...env }));
  harnesses.push(h);
  return h;
}

async function eventually(check: () => boolean, ms = 5000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("condition not met in time");
}

describe.skipIf(!url)("GCP with the shared Redis tier (real Redis)", () => {
  beforeEach(async () => {
    await flush(url as string);
  });

  it("two instances, 500 identical cold requests across both: one upstream query sequence", async () => {
    const a = live();
    const b = live();
    await eventually(() => a.services.redis?.status === "ready" && b.services.redis?.status === "ready");
    fake.latencyMs = 150;
    fake.pageSize = 40;
    const answers = await Promise.all(Array.from({ length: 500 }, (_, i) => getJson(i % 2 ? a : b, "/v1/prices/gcp/compute?region=europe-west1&machineType=n2-standard-4")));
    expect(answers.every((x) => x.status === 200 && x.body.items[0]?.price === "0.2136596")).toBe(true);
    expect(fake.calls.filter((c) => c.path === "/v1/services")).toHaveLength(1);
    const pages = fake.skuCalls(SERVICE_IDS.compute);
    expect(pages).toHaveLength(Math.ceil((fake.skus[SERVICE_IDS.compute]?.length ?? 0) / 40));
    expect(new Set(answers.map((x) => x.body.items[0]?.source))).toEqual(new Set(["live", "cache"]));
  });

  it("a book one instance read answers another instance's other regions from Redis", async () => {
    const a = live();
    await eventually(() => a.services.redis?.status === "ready");
    expect((await getJson(a, "/v1/prices/gcp/gke?region=us-central1")).body.items[0]?.source).toBe("live");
    await new Promise((r) => setTimeout(r, 100)); // Redis writes are fire-and-forget
    const b = live();
    await eventually(() => b.services.redis?.status === "ready");
    const other = await getJson(b, "/v1/prices/gcp/gke?region=europe-west4");
    expect(other.body.items.map((i) => i.source)).toEqual(["cache", "cache", "cache"]);
    expect(fake.skuCalls(SERVICE_IDS.gke)).toHaveLength(1);
  });
});
