import { beforeEach, describe, expect, it } from "vitest";
import { AKS_ITEMS } from "../../src/clouds/azure/catalog.ts";
import { azureLiveConfig, withLiveAzure } from "../helpers/azure.ts";
import type { LiveHarness } from "../helpers/live.ts";
import { flush, testRedisUrl } from "../helpers/redis.ts";

/** Two Pricebook instances sharing a real Redis against the Retail Prices fake (msw). */
const url = await testRedisUrl();
const { fake, live } = withLiveAzure();

async function eventually(check: () => boolean, ms = 5000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("condition not met in time");
}

/**
 * Single flight across the fleet is what is tested here, not how long an instance waits for another's
 * fetch (its own test): a generous wait keeps a loaded machine from turning the wait into a second call.
 */
const LOCK_WAIT = "30000";

type Body = { items: Array<{ id: string; source: string; price: string }> };
const getJson = async (h: LiveHarness, path: string) => {
  const res = await h.app.request(path);
  return { status: res.status, body: (await res.json()) as Body };
};

describe.skipIf(!url)("Azure across two instances sharing Redis", () => {
  beforeEach(async () => {
    await flush(url as string);
  });

  it("500 identical cold requests across both make one upstream query sequence", async () => {
    const config = azureLiveConfig({ REDIS_URL: url as string, CACHE_LOCK_WAIT_MS: LOCK_WAIT });
    const [a, b] = [live(config), live(config)];
    await eventually(() => a.services.redis?.status === "ready" && b.services.redis?.status === "ready");
    fake.latencyMs = 200;
    const answers = await Promise.all(Array.from({ length: 500 }, (_, i) => getJson(i % 2 ? a : b, "/v1/prices/azure/aks?region=westeurope")));
    expect(answers.every((x) => x.status === 200 && x.body.items.length === Object.keys(AKS_ITEMS).length)).toBe(true);
    expect(fake.calls).toHaveLength(1);
    expect([...new Set(answers.map((x) => x.body.items[0]?.source))].sort()).toEqual(["cache", "live"]);
  });

  it("VM lookups too: 500 identical cold requests for two sizes across both instances, one query", async () => {
    const config = azureLiveConfig({ REDIS_URL: url as string, CACHE_LOCK_WAIT_MS: LOCK_WAIT });
    const [a, b] = [live(config), live(config)];
    await eventually(() => a.services.redis?.status === "ready" && b.services.redis?.status === "ready");
    fake.latencyMs = 200;
    const answers = await Promise.all(Array.from({ length: 500 }, (_, i) => getJson(i % 2 ? a : b, "/v1/prices/azure/vm?region=eastus&vmSize=Standard_D2s_v5,Standard_D4ps_v5")));
    expect(answers.every((x) => x.status === 200 && x.body.items.map((i) => i.price).join() === "0.096,0.154")).toBe(true);
    expect(fake.calls).toHaveLength(1);
  });
});
