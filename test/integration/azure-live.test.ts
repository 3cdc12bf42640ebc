import { describe, expect, it } from "vitest";
import { AKS_ITEMS, FUNCTIONS_ITEMS } from "../../src/clouds/azure/catalog.ts";
import { LIVE_AZURE_REGIONS, LIVE_VM_SIZES, tablePrice } from "../fakes/azure-retail-items.ts";
import { mockApp } from "../helpers/app.ts";
import { azureLiveConfig, withLiveAzure } from "../helpers/azure.ts";
import type { LiveHarness } from "../helpers/live.ts";

/**
 * Azure in live mode, end to end through the routes: the real Retail Prices client against msw speaking
 * the API's wire format (real rows from test/fixtures/azure-retail, synthetic row families in the same
 * shapes for the sizes below).
 */
const { fake, live } = withLiveAzure();
let h: LiveHarness;

type Item = Record<string, unknown> & { id: string; price: string; source: string };
type Body = { items: Item[]; unavailable: Array<{ id: string; reason: string }>; freeTier?: Record<string, string>; code?: string; detail?: string };

async function get(path: string, app = h.app) {
  const res = await app.request(path);
  return { res, body: (await res.json()) as Body };
}

describe.each(LIVE_AZURE_REGIONS)("live Azure prices in %s", (region) => {
  it("AKS: every item live, Premium = Uptime SLA + Long Term Support with its parts, the Free tier's $0", async () => {
    h = live();
    const { res, body } = await get(`/v1/prices/azure/aks?region=${region.toUpperCase()}`);
    expect(res.status).toBe(200);
    expect(body.items.map((i) => i.id)).toEqual(Object.keys(AKS_ITEMS));
    expect(body.items.every((i) => i.source === "live")).toBe(true);
    const byId = Object.fromEntries(body.items.map((i) => [i.id, i]));
    expect(byId["control-plane.standard"]).toMatchObject({ price: "0.1", unit: "hour", usageType: "Standard Uptime SLA" });
    expect(byId["control-plane.premium"]).toMatchObject({ price: "0.7", parts: [{ name: "Standard Uptime SLA", price: "0.1" }, { name: "Standard Long Term Support", price: "0.6" }] });
    expect(byId["control-plane.free"]).toMatchObject({ price: "0" });
    // One query sequence, for the region, in Azure's casing, with the API version that has savingsPlan.
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]).toMatchObject({ filter: `serviceName eq 'Azure Kubernetes Service' and armRegionName eq '${region}' and priceType eq 'Consumption'`, apiVersion: "2023-01-01-preview" });
    const again = await get(`/v1/prices/azure/aks?region=${region}`);
    expect(again.body.items.every((i) => i.source === "cache")).toBe(true);
    expect(fake.calls).toHaveLength(1);
  });

  it("VM: sizes in any case, answered in Azure's casing at the fallback tables' Linux price and with their specs; one query for all", async () => {
    h = live();
    const asked = LIVE_VM_SIZES.map((s) => s.toLowerCase()).join(",");
    const { res, body } = await get(`/v1/prices/azure/vm?region=${region}&vmSize=${asked}`);
    expect(res.status).toBe(200);
    expect(body.items.map((i) => i.id)).toEqual(LIVE_VM_SIZES);
    expect(body.items.map((i) => i.price)).toEqual(LIVE_VM_SIZES.map((s) => tablePrice(region, s)));
    expect(body.items.every((i) => i.source === "live")).toBe(true);
    // Live items carry the same spec fields as the table rows (mock mode).
    const mock = await get(`/v1/prices/azure/vm?region=${region}&vmSize=${asked}`, mockApp());
    const specs = (i: Item) => [i.id, i.price, i.vcpu, i.memoryGiB, i.architecture, i.gpu, i.burstable];
    expect(body.items.map(specs)).toEqual(mock.body.items.map(specs));
    expect(fake.callsFor("Virtual Machines")).toHaveLength(1);
    const filter = fake.callsFor("Virtual Machines")[0]?.filter ?? "";
    expect(filter).toContain("(armSkuName eq 'Standard_D2s_v5' or armSkuName eq 'Standard_D2as_v5' or ");
    expect(filter).toContain("armSkuName eq 'Standard_NC4as_T4_v3'");
  });

  it("Functions: per execution (published per 10), per GB-second, and the monthly grants Azure encodes as 0-priced tiers", async () => {
    h = live();
    const { res, body } = await get(`/v1/prices/azure/functions?region=${region}`);
    expect(res.status).toBe(200);
    expect(body.items.map((i) => i.id)).toEqual(Object.keys(FUNCTIONS_ITEMS));
    const byId = Object.fromEntries(body.items.map((i) => [i.id, i]));
    expect(byId["consumption.executions"]).toMatchObject({ price: "0.0000002", unit: "request", source: "live" });
    expect(byId["consumption.execution-time"]).toMatchObject({ price: "0.000016", unit: "gb-second" });
    expect(byId["flex.on-demand.execution-time"]?.price).toBe("0.000026");
    expect(body.freeTier).toMatchObject({ executions: "1000000", gbSeconds: "400000", flexExecutions: "250000", flexGbSeconds: "100000" });
  });

  it("ML: compute.<vmSize> at the VM's Linux price, saying so", async () => {
    h = live();
    const { res, body } = await get(`/v1/prices/azure/ml?region=${region}&vmSize=Standard_E4s_v5,standard_nc4as_t4_v3`);
    expect(res.status).toBe(200);
    expect(body.items.map((i) => [i.id, i.price, i.source])).toEqual([
      ["compute.Standard_E4s_v5", tablePrice(region, "Standard_E4s_v5"), "live"],
      ["compute.Standard_NC4as_T4_v3", tablePrice(region, "Standard_NC4as_T4_v3"), "live"],
    ]);
    expect(body.items[0]?.description).toMatch(/billed at the VM's Linux pay-as-you-go price/);
    expect(body.items[1]).toMatchObject({ gpu: { count: 1, model: "T4" } });
  });
});

describe("live Azure VM listings and searches", () => {
  it("without vmSize: every size of the region, paged (3 a page), with specs; the spec search answers from it", async () => {
    h = live();
    fake.pageSize = 3;
    const { res, body } = await get("/v1/prices/azure/vm?region=westeurope&architecture=arm64&sort=price");
    expect(res.status).toBe(200);
    expect(body.items.map((i) => [i.id, i.price, i.architecture])).toEqual([
      ["Standard_B2pls_v2", "0.0384", "arm64"],
      ["Standard_D4ps_v5", "0.184", "arm64"],
    ]);
    // 6 sizes × 7 Consumption rows (the filter leaves Dev/Test and reservations out) = 42 rows, 3 a page:
    // 14 pages, each one guarded call.
    expect(fake.callsFor("Virtual Machines")).toHaveLength(14);
    const all = await get("/v1/prices/azure/vm?region=westeurope");
    expect(all.body.items.map((i) => i.id).sort()).toEqual([...LIVE_VM_SIZES].sort());
    expect(all.body.items.every((i) => i.source === "cache")).toBe(true);
  });

  it("a size Azure does not price in the region is unavailable, never 0; an ill-formed one is a 400 with the closest names", async () => {
    h = live();
    const { res, body } = await get("/v1/prices/azure/vm?region=westus&vmSize=Standard_DC48s_v3,Standard_B16als_v2");
    expect(res.status).toBe(200);
    // westus has only B16als_v2's "Cloud Services" row (0.705): not a VM price.
    expect(body.items.map((i) => [i.id, i.price])).toEqual([["Standard_DC48s_v3", "5.376"]]);
    expect(body.unavailable).toEqual([{ id: "Standard_B16als_v2", reason: "Azure publishes no price for it in this region" }]);
    const bad = await get("/v1/prices/azure/vm?region=westus&vmSize=Standard%20D2s%20v5");
    expect(bad.res.status).toBe(400);
    expect(bad.body.detail).toContain("not an Azure VM size");
    expect(JSON.stringify(bad.body)).toContain("did you mean Standard_D2s_v5");
  });

  it("batch: Azure questions of several services and regions, merged per service and region", async () => {
    h = live();
    const res = await h.app.request("/v1/prices/batch", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        queries: [
          { cloud: "azure", service: "vm", region: "eastus", vmSize: "Standard_D2s_v5" },
          { cloud: "azure", service: "vm", region: "EASTUS", vmSize: ["standard_e4s_v5"] },
          { cloud: "azure", service: "aks", region: "northeurope" },
          { cloud: "azure", service: "ml", region: "westus2", vmSize: "Standard_D2as_v5" },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const out = (await res.json()) as { results: Array<{ status: number; body: Body }> };
    expect(out.results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(out.results[0]?.body.items.map((i) => [i.id, i.price, i.source])).toEqual([["Standard_D2s_v5", "0.096", "live"]]);
    expect(out.results[1]?.body.items.map((i) => i.id)).toEqual(["Standard_E4s_v5"]);
    expect(out.results[3]?.body.items.map((i) => [i.id, i.price])).toEqual([["compute.Standard_D2as_v5", "0.086"]]);
    // The two eastus VM questions are one query sequence.
    expect(fake.callsFor("Virtual Machines").filter((c) => c.filter.includes("'eastus'"))).toHaveLength(1);
  });
});

describe("Azure stampede (one process)", () => {
  it("500 concurrent identical cold requests make one upstream query sequence", async () => {
    h = live();
    fake.latencyMs = 100;
    const answers = await Promise.all(Array.from({ length: 500 }, () => get("/v1/prices/azure/aks?region=westus2")));
    expect(answers.every((a) => a.res.status === 200 && a.body.items.length === Object.keys(AKS_ITEMS).length)).toBe(true);
    expect(fake.calls).toHaveLength(1);
  });

  it("500 concurrent identical cold VM lookups make one upstream query", async () => {
    h = live();
    fake.latencyMs = 100;
    const answers = await Promise.all(Array.from({ length: 500 }, () => get("/v1/prices/azure/vm?region=northeurope&vmSize=Standard_D2s_v5,Standard_E4s_v5")));
    expect(answers.every((a) => a.res.status === 200 && a.body.items.length === 2)).toBe(true);
    expect(fake.calls).toHaveLength(1);
  });
});

describe("live Azure answers are not mock answers", () => {
  it("the live composition holds the live pipeline for Azure", () => {
    h = live(azureLiveConfig());
    const azure = h.services.composed.get("azure");
    expect(azure?.origin).toBe("live");
    expect(azure?.prices.origin).toBe("live");
    expect(azure?.guards.map((g) => g.api)).toEqual(["azure-retail-prices"]);
  });
});
