import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { RetailPricesClient } from "../../src/clouds/azure/retail-prices.ts";
import { Metrics } from "../../src/observability/metrics.ts";
import type { Guard } from "../../src/resilience/guard.ts";
import { UnguardedCallError } from "../../src/resilience/guard.ts";
import { azureLiveConfig, withLiveAzure } from "../helpers/azure.ts";
import type { LiveHarness } from "../helpers/live.ts";

/**
 * Azure's live pipeline under upstream faults, end to end through the routes: the Retail Prices client
 * against msw speaking the API's wire format, short deadlines so the suite stays quick. japaneast has no
 * Azure AKS table: there the answer is the upstream's or a 503.
 */
const { fake, live } = withLiveAzure();
let h: LiveHarness;

type Body = { items: Array<{ id: string; price: string; source: string }>; code?: string; detail?: string };

async function get(path: string) {
  const started = performance.now();
  const res = await h.app.request(path);
  return { res, body: (await res.json()) as Body, ms: performance.now() - started };
}

describe("Retail Prices faults", () => {
  it("429 with Retry-After: the retry waits as long as Azure asked, then answers live", async () => {
    h = live(azureLiveConfig({ UPSTREAM_RETRIES: "2", UPSTREAM_DEADLINE_MS: "5000" }));
    fake.throttleNext = 1;
    fake.retryAfter = "1";
    const { res, body } = await get("/v1/prices/azure/aks?region=eastus");
    expect(res.status).toBe(200);
    expect(body.items.every((i) => i.source === "live")).toBe(true);
    expect(fake.calls).toHaveLength(2);
    expect((fake.calls[1]?.at as number) - (fake.calls[0]?.at as number)).toBeGreaterThanOrEqual(990);
    const counters = await h.services.metrics.snapshot();
    expect(counters.upstream_calls_total?.["api=azure-retail-prices,region=global,outcome=throttling"]).toBe(1);
  });

  it("429 asking for longer than the deadline: no retry; the tables answer, or a 503 carrying Azure's Retry-After", async () => {
    h = live(azureLiveConfig({ UPSTREAM_RETRIES: "3", UPSTREAM_DEADLINE_MS: "2000" }));
    fake.mode = "throttle";
    fake.retryAfter = "30";
    const covered = await get("/v1/prices/azure/aks?region=eastus");
    expect(covered.res.status).toBe(200);
    expect(covered.body.items.every((i) => i.source === "fallback")).toBe(true);
    expect(covered.ms).toBeLessThan(1000);
    const uncovered = await h.app.request("/v1/prices/azure/aks?region=japaneast");
    expect(uncovered.status).toBe(503);
    expect(uncovered.headers.get("retry-after")).toBe("30");
    expect(((await uncovered.json()) as Body).detail).toContain("the Azure Retail Prices API");
    expect(fake.calls).toHaveLength(2);
  });

  it("5xx: retried, then the tables; the breaker opens and no call is sent until it half-opens", async () => {
    h = live(azureLiveConfig({ UPSTREAM_RETRIES: "1", BREAKER_VOLUME_THRESHOLD: "4", BREAKER_RESET_MS: "400" }));
    fake.mode = "error500";
    for (let i = 0; i < 2; i++) {
      const { res, body } = await get("/v1/prices/azure/aks?region=eastus");
      expect(res.status).toBe(200);
      expect(body.items[0]?.source).toBe("fallback");
    }
    expect(fake.calls).toHaveLength(4);
    const open = await get("/v1/prices/azure/aks?region=eastus");
    expect(open.body.items[0]?.source).toBe("fallback");
    expect(fake.calls).toHaveLength(4);
    expect(h.services.composed.get("azure")?.guards[0]?.breakerStates()).toEqual({ global: "open" });
    fake.mode = "healthy";
    await new Promise((r) => setTimeout(r, 500));
    const recovered = await get("/v1/prices/azure/aks?region=eastus");
    expect(recovered.body.items[0]?.source).toBe("live");
  });

  it("a hung API: the request ends at the configured deadline and falls back", async () => {
    h = live(azureLiveConfig({ UPSTREAM_ATTEMPT_TIMEOUT_MS: "300", UPSTREAM_DEADLINE_MS: "700", UPSTREAM_RETRIES: "5" }));
    fake.mode = "hang";
    const { res, body, ms } = await get("/v1/prices/azure/vm?region=eastus&vmSize=Standard_D2s_v5");
    expect(res.status).toBe(200);
    expect(body.items[0]).toMatchObject({ id: "Standard_D2s_v5", source: "fallback", price: "0.096" });
    expect(ms).toBeLessThan(700 + 300);
    fake.releaseHung();
  });

  it.each(["malformed", "malformed-envelope"] as const)("a %s page falls back; nothing crashes", async (mode) => {
    h = live(azureLiveConfig({ UPSTREAM_RETRIES: "1" }));
    fake.mode = mode;
    const { res, body } = await get("/v1/prices/azure/functions?region=eastus");
    expect(res.status).toBe(200);
    expect(body.items.every((i) => i.source === "fallback")).toBe(true);
    expect(fake.calls).toHaveLength(2);
  });

  it("a malformed item is skipped and counted; the rest is served live", async () => {
    h = live();
    fake.mode = "bad-item";
    const { res, body } = await get("/v1/prices/azure/aks?region=westeurope");
    expect(res.status).toBe(200);
    expect(body.items.every((i) => i.source === "live")).toBe(true);
    expect((await h.services.metrics.malformedItems.get()).values.find((v) => v.labels.service === "azure-retail-prices")?.value).toBe(1);
  });

  it("a refused filter (400) is not retried; the tables answer, or a 502 naming the API", async () => {
    h = live(azureLiveConfig({ UPSTREAM_RETRIES: "3" }));
    fake.mode = "bad-request";
    const covered = await get("/v1/prices/azure/aks?region=eastus");
    expect(covered.body.items[0]?.source).toBe("fallback");
    expect(fake.calls).toHaveLength(1);
    const uncovered = await get("/v1/prices/azure/aks?region=japaneast");
    expect(uncovered.res.status).toBe(502);
    expect(uncovered.body.detail).toContain("the Azure Retail Prices API");
  });
});

describe("paging", () => {
  it("a NextPageLink that names the page just served: stopped after the repeat, the tables answer", async () => {
    h = live();
    fake.mode = "loop";
    fake.pageSize = 2;
    const { res, body } = await get("/v1/prices/azure/aks?region=eastus");
    expect(res.status).toBe(200);
    expect(body.items.every((i) => i.source === "fallback")).toBe(true);
    expect(fake.calls).toHaveLength(2);
  });

  it("empty pages that keep linking to more: stopped after three, not followed forever nor taken as the whole list", async () => {
    h = live();
    fake.mode = "empty-loop";
    const { res, body } = await get("/v1/prices/azure/aks?region=eastus");
    expect(res.status).toBe(200);
    expect(body.items.every((i) => i.source === "fallback")).toBe(true);
    expect(fake.calls).toHaveLength(3);
    expect(fake.calls.map((c) => c.skip)).toEqual([0, 100, 200]);
  });

  it("a listing that ends on an empty last page is complete; a filter that matches nothing is an empty answer, not an error", async () => {
    h = live();
    fake.pageSize = 4;
    fake.trailingEmptyPage = true;
    const { res, body } = await get("/v1/prices/azure/aks?region=northeurope");
    expect(res.status).toBe(200);
    expect(body.items).toHaveLength(12);
    expect(body.items.every((i) => i.source === "live")).toBe(true);
    expect(fake.calls.map((c) => c.skip)).toEqual([0, 4, 8, 12]);
    // Azure answers 200 with no items for a region where it prices no AKS: nothing to serve, said so.
    const none = await get("/v1/prices/azure/aks?region=japaneast");
    expect(none.res.status).toBe(404);
    expect(none.body.detail).toBe("Azure publishes no Azure Kubernetes Service prices for japaneast");
  });

  it("NextPageLinks (absolute, on prices.azure.com:443) are followed on the configured host with their query", async () => {
    h = live();
    fake.pageSize = 5;
    await get("/v1/prices/azure/functions?region=westus2");
    expect(fake.calls.map((c) => [c.skip, c.apiVersion, c.filter])).toEqual([0, 5, 10].map((skip) => [skip, "2023-01-01-preview", "serviceName eq 'Functions' and armRegionName eq 'westus2' and priceType eq 'Consumption'"]));
  });
});

describe("every Retail Prices call goes through a guard", () => {
  it("a page fetched outside a guard is refused before it leaves the process", async () => {
    const unguarded = { api: "azure-retail-prices", call: (_region: string, fn: (s: AbortSignal) => Promise<unknown>) => fn(new AbortController().signal) } as unknown as Guard;
    const client = new RetailPricesClient({ baseUrl: "https://prices.azure.com", guard: unguarded, logger: pino({ level: "silent" }), metrics: new Metrics() });
    await expect(client.query("serviceName eq 'Functions'")).rejects.toBeInstanceOf(UnguardedCallError);
    expect(fake.calls).toHaveLength(0);
  });
});
