import { describe, expect, it } from "vitest";
import { AKS_ITEMS, FUNCTIONS_ITEMS } from "../../src/clouds/azure/catalog.ts";
import { AZURE_REGIONS } from "../../src/clouds/azure/regions.ts";
import { mockApp, realTables } from "../helpers/app.ts";

/**
 * Azure in mock mode: the routes answer from the shipped fallback tables, every price cited and dated.
 */
const app = mockApp();
const tables = realTables();

type Item = Record<string, unknown> & { id: string; price: string; source: string; asOf: string };
type Body = { items: Item[]; unavailable: Array<{ id: string; reason: string }>; freeTier?: Record<string, string>; detail?: string; errors?: Array<{ parameter: string; message: string }> };

async function get(path: string) {
  const res = await app.request(path);
  return { res, body: (await res.json()) as Body };
}

/** Every item of an answer is a row of the tables with its source: nothing served that is not cited. */
function cited(region: string, service: string, body: Body) {
  for (const item of body.items) {
    const row = tables.get("azure", service, region, item.id);
    expect(row, `${service} ${region} ${item.id}`).toBeDefined();
    expect(row?.source.length).toBeGreaterThan(8);
    expect(item).toMatchObject({ price: row?.price, asOf: row?.asOf, source: "fallback" });
  }
}

describe("Azure in mock mode", () => {
  it("AKS answers with sourced prices in 4 regions; eastus has every tier and Premium's parts", async () => {
    for (const region of ["eastus", "westeurope", "northeurope", "westus2"]) {
      const { res, body } = await get(`/v1/prices/azure/aks?region=${region}`);
      expect(res.status).toBe(200);
      expect(body.items.find((i) => i.id === "control-plane.free")).toMatchObject({ price: "0", unit: "hour" });
      cited(region, "aks", body);
      expect([...body.items.map((i) => i.id), ...body.unavailable.map((u) => u.id)].sort()).toEqual(Object.keys(AKS_ITEMS).sort());
    }
    const { body } = await get("/v1/prices/azure/aks?region=eastus");
    expect(body.items.map((i) => i.id)).toEqual(Object.keys(AKS_ITEMS));
    expect(body.items.find((i) => i.id === "control-plane.premium")).toMatchObject({ price: "0.7", parts: [{ name: "Standard Uptime SLA", price: "0.1" }, { name: "Standard Long Term Support", price: "0.6" }] });
  });

  it("VMs answer with sourced prices and specs in every region with a table (at least 4), in Azure's casing from any case", async () => {
    const regions = tables.regions("azure", "vm");
    expect(regions.length).toBeGreaterThanOrEqual(57);
    for (const region of ["eastus", "westeurope", "northeurope", "westus2"]) {
      const { res, body } = await get(`/v1/prices/azure/vm?region=${region}&vmSize=STANDARD_D2S_V5,standard_nc4as_t4_v3,d2as_v5`);
      expect(res.status).toBe(200);
      expect(body.items.map((i) => i.id)).toEqual(["Standard_D2s_v5", "Standard_NC4as_T4_v3", "Standard_D2as_v5"]);
      expect(body.items[1]).toMatchObject({ vcpu: 4, memoryGiB: 28, architecture: "x86_64", gpu: { count: 1, model: "T4" } });
      cited(region, "vm", body);
    }
  });

  it("the Cloud Services trap: Standard_D2as_v5 in eastus is the VM price 0.086, not 0.178", async () => {
    const { body } = await get("/v1/prices/azure/vm?region=eastus&vmSize=Standard_D2as_v5");
    expect(body.items[0]).toMatchObject({ price: "0.086", asOf: "2025-06-03" });
  });

  it("the spec search works on Azure VMs as on EC2", async () => {
    const { res, body } = await get("/v1/prices/azure/vm?region=westeurope&minVcpu=8&maxVcpu=8&architecture=arm64&sort=price&limit=2");
    expect(res.status).toBe(200);
    expect(body.items).toHaveLength(2);
    expect(body.items.every((i) => i.vcpu === 8 && i.architecture === "arm64")).toBe(true);
    expect(Number(body.items[0]?.price)).toBeLessThanOrEqual(Number(body.items[1]?.price));
    const gpus = await get("/v1/prices/azure/vm?region=eastus&gpu=t4&family=ncast4v3");
    expect(gpus.body.items.length).toBeGreaterThan(0);
    expect(gpus.body.items.every((i) => (i.gpu as { model: string }).model === "T4" && i.id.includes("_T4_v3"))).toBe(true);
  });

  it("Functions: per execution, per GB-second, with the monthly grants (eastus, the one region the sources cover)", async () => {
    const { res, body } = await get("/v1/prices/azure/functions?region=eastus");
    expect(res.status).toBe(200);
    expect(body.items.map((i) => i.id)).toEqual(Object.keys(FUNCTIONS_ITEMS));
    expect(body.items[0]).toMatchObject({ id: "consumption.executions", price: "0.0000002", unit: "request" });
    expect(body.freeTier).toMatchObject({ executions: "1000000", gbSeconds: "400000", flexExecutions: "250000", flexGbSeconds: "100000" });
    cited("eastus", "functions", body);
    const none = await get("/v1/prices/azure/functions?region=westeurope");
    expect(none.res.status).toBe(404);
    expect(none.body.detail).toContain("regions with prices: eastus");
  });

  it("ML compute at the VM's Linux price, saying so", async () => {
    const { body } = await get("/v1/prices/azure/ml?region=northeurope&vmSize=standard_e4s_v5");
    expect(body.items.map((i) => [i.id, i.price])).toEqual([["compute.Standard_E4s_v5", "0.282"]]);
    expect(body.items[0]?.description).toContain("billed at the VM's Linux pay-as-you-go price");
  });
});

describe("Azure input errors: a 400 naming the parameter and the closest valid values", () => {
  it("regions any case, with suggestions", async () => {
    expect((await get("/v1/prices/azure/vm?region=WestEurope&vmSize=Standard_D2s_v5")).res.status).toBe(200);
    const { res, body } = await get("/v1/prices/azure/aks?region=west-europe");
    expect(res.status).toBe(400);
    expect(body.errors?.[0]).toMatchObject({ parameter: "region" });
    expect(body.errors?.[0]?.message).toContain("did you mean westeurope");
    expect(AZURE_REGIONS).toContain("belgiumcentral");
  });

  it("sizes: ill-formed names with did-you-mean; well-formed unknown ones unavailable; too many", async () => {
    const bad = await get("/v1/prices/azure/vm?region=eastus&vmSize=Standard%20D4s%20v5");
    expect(bad.res.status).toBe(400);
    expect(bad.body.errors?.[0]).toMatchObject({ parameter: "vmSize" });
    expect(bad.body.errors?.[0]?.message).toContain("did you mean Standard_D4s_v5");
    const unknown = await get("/v1/prices/azure/vm?region=eastus&vmSize=Standard_D2s_v5,Standard_Q9_v9");
    expect(unknown.res.status).toBe(200);
    expect(unknown.body.unavailable).toEqual([{ id: "Standard_Q9_v9", reason: "no published price for it in the fallback tables" }]);
    const many = Array.from({ length: 101 }, (_, i) => `Standard_D${i + 1}s_v5`).join(",");
    const tooMany = await get(`/v1/prices/azure/vm?region=eastus&vmSize=${many}`);
    expect(tooMany.res.status).toBe(400);
    expect(tooMany.body.detail).toContain("too many values of vmSize");
  });

  it("the catalogue lists Azure with its regions, services, ids and coverage", async () => {
    const res = await app.request("/v1/catalog");
    const body = (await res.json()) as { clouds: Array<{ id: string; regions: string[]; services: Array<{ id: string; parameters: string[]; fallback: { prices: number; regions: Record<string, number> } }> }> };
    const azure = body.clouds.find((c) => c.id === "azure");
    expect(azure?.regions).toContain("eastus");
    expect(azure?.services.map((s) => s.id)).toEqual(["aks", "vm", "functions", "ml"]);
    const vm = azure?.services.find((s) => s.id === "vm");
    expect(vm?.parameters).toContain("vmSize");
    expect(vm?.parameters).toContain("minVcpu");
    expect(vm?.fallback.prices).toBe(59258);
    expect(Object.keys(azure?.services.find((s) => s.id === "aks")?.fallback.regions ?? {}).sort()).toEqual(tables.regions("azure", "aks"));
    expect(tables.regions("azure", "aks")).toEqual(expect.arrayContaining(["eastus", "northeurope", "westeurope", "westus2"]));
  });
});
