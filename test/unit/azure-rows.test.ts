import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseRetailPage, parseRetryAfter, type RetailPrice } from "../../src/clouds/azure/retail-prices.ts";
import { aksItems, functionsItems, vmItems } from "../../src/clouds/azure/rows.ts";
import { canonicalVmSize, vmFamily } from "../../src/clouds/azure/vm-sizes.ts";
import type { RetailItem } from "../fakes/azure-retail-fake.ts";
import { AKS_EASTUS, b16alsV2AustraliaCentral, D2S_V3_EASTUS, FUNCTIONS_EASTUS, vmFamily as rowFamily, WESTUS_EXCERPT } from "../fakes/azure-retail-items.ts";

/**
 * The row-picking rules against real Retail Prices rows (test/fixtures/azure-retail): one ARM SKU is
 * many rows, and only the Linux pay-as-you-go one is the VM price; a meter is several tiers and dated
 * versions. Items go through the client's own page parser, as they do live.
 */
const NOW = new Date("2026-12-01T00:00:00Z");

/** Rows as the client reads them: through the wire (JSON text) and the page parser. */
function read(items: RetailItem[]): RetailPrice[] {
  return parseRetailPage(JSON.stringify({ Items: items, NextPageLink: null })).items as RetailPrice[];
}

const fixture = (name: string) => JSON.parse(readFileSync(`test/fixtures/azure-retail/${name}`, "utf8"));

describe("VM rows: the Linux pay-as-you-go price of an ARM SKU", () => {
  it("Standard_D2s_v3 eastus: 9 rows (Windows, Dev/Test, Spot, Low Priority) → the Linux 0.096, not the first row", () => {
    const items = vmItems("eastus", read(D2S_V3_EASTUS), { now: NOW });
    expect([...items.keys()]).toEqual(["Standard_D2s_v3"]);
    expect(items.get("Standard_D2s_v3")).toMatchObject({ price: "0.096", sku: "DZH318Z0BQ50/00VV", usageType: "D2s v3", unit: "hour", asOf: "2017-12-15", source: "live" });
    // The first row Azure sends is a Windows Low Priority one.
    expect(D2S_V3_EASTUS[0]?.retailPrice).toBe(0.075);
  });

  it("Standard_B16als_v2 australiacentral: 13 rows → 0.673, never the 'Cloud Services' row at the Windows price (0.747)", () => {
    const rows = read(b16alsV2AustraliaCentral());
    expect(rows).toHaveLength(13);
    expect(rows.filter((r) => r.productName === "Basv2 Series Cloud Services" && r.type === "Consumption" && !r.skuName.endsWith("Low Priority")).map((r) => r.retailPrice)).toEqual(["0.747"]);
    expect(vmItems("australiacentral", rows, { now: NOW }).get("Standard_B16als_v2")?.price).toBe("0.673");
  });

  it("westus dump: Linux products not named 'Virtual Machines …', reservations at their term totals, Cloud Services, Windows-only and Spot-only sizes", () => {
    const items = vmItems("westus", read(WESTUS_EXCERPT), { now: NOW });
    expect(Object.fromEntries([...items].map(([id, i]) => [id, i.price]))).toEqual({
      Standard_DC48s_v3: "5.376",
      Standard_D48_v4: "2.688",
      Standard_E64ds_v7: "8.675",
      Standard_E2ads_v6: "0.17",
    });
    // B16als_v2 has only its Cloud Services row here (0.705), D13_v2 only Windows rows, M16ls_v4 only Spot,
    // D5_v2 only a "Cloud Services" service row: none has a Linux pay-as-you-go price.
    for (const size of ["Standard_B16als_v2", "Standard_D13_v2", "Standard_M16ls_v4", "Standard_D5_v2"]) expect(items.has(size)).toBe(false);
  });

  it("Microsoft's documented examples and the reservation/Linux-Windows examples", () => {
    const docs = fixture("retail-docs-examples-2021-12.json");
    expect(vmItems("westeurope", read([docs.example_without_reservation, docs.example_non_usd]), { now: NOW }).size).toBe(0);
    expect(vmItems("southcentralus", read([docs.example_reservation]), { now: NOW }).size).toBe(0);
    const ex = fixture("retail-items-reservation-disk-linux-vs-windows.json");
    expect(vmItems("eastus", read(ex.reservation_standard_m8ms_eastus), { now: NOW }).size).toBe(0);
    // The B2ms pair has no effectiveStartDate in the source (left out as ambiguous): given one, Linux wins.
    const pair = (ex.b2ms_southeastasia_linux_and_windows as RetailItem[]).map((i) => ({ ...i, effectiveStartDate: "2021-01-01T00:00:00Z" }));
    expect(vmItems("southeastasia", read(pair), { now: NOW }).get("Standard_B2ms")?.price).toBe("0.106");
    const page = fixture("retail-page-vm-westeurope-first-page.json");
    expect(vmItems("westeurope", read(page.response.Items), { now: NOW }).size).toBe(0);
  });

  it("a size's family of rows: expired meters, closed older prices, another region's rows are not the price", () => {
    const rows = read([...rowFamily("eastus", "Standard_D2s_v5", "0.096"), ...rowFamily("westus2", "Standard_D2s_v5", "0.5")]);
    const items = vmItems("eastus", rows, { now: NOW, specs: (id) => (id === "Standard_D2s_v5" ? { vcpu: 2, memoryGiB: 8, architecture: "x86_64" } : undefined) });
    expect(items.get("Standard_D2s_v5")).toMatchObject({ price: "0.096", vcpu: 2, memoryGiB: 8, architecture: "x86_64" });
  });

  it("two Linux prices for one size at the same date are not served, and said so", () => {
    const [a] = rowFamily("eastus", "Standard_D2s_v5", "0.096").filter((r) => r.productName === "Virtual Machines sv5 Series" && r.type === "Consumption" && r.skuName === "D2s v5" && r.meterName === "D2s v5" && !r.effectiveEndDate);
    const twin = { ...(a as RetailItem), retailPrice: 0.1, skuId: "DZH318Z0TEST/TWIN" };
    const seen: string[] = [];
    const items = vmItems("eastus", read([a as RetailItem, twin]), { now: NOW, onAmbiguous: (size) => seen.push(size) });
    expect(items.size).toBe(0);
    expect(seen).toEqual(["Standard_D2s_v5"]);
  });
});

describe("AKS rows", () => {
  it("eastus: Standard, Premium = both meters with its parts, the Free tier's published $0, Automatic; the closed Free-tier row ignored", () => {
    const items = aksItems(read(AKS_EASTUS), NOW);
    expect(items.get("control-plane.standard")).toMatchObject({ price: "0.1", usageType: "Standard Uptime SLA", sku: "DZH318Z0CQSH/0006" });
    expect(items.get("control-plane.premium")).toMatchObject({
      price: "0.7",
      parts: [
        { name: "Standard Uptime SLA", price: "0.1", sku: "DZH318Z0CQSH/0006" },
        { name: "Standard Long Term Support", price: "0.6", sku: "DZH318Z0CQSH/0006" },
      ],
    });
    expect(items.get("control-plane.free")).toMatchObject({ price: "0", unit: "hour" });
    expect(items.get("control-plane.free")?.description).toContain("learn.microsoft.com");
    // Two rows share the FreeTierInfrastructureCost meter: 0.01 ended before it started; 0.05 is open.
    expect(items.get("control-plane.free-infrastructure")?.price).toBe("0.05");
    expect(items.get("automatic.control-plane")?.price).toBe("0.16");
    expect(items.get("automatic.vcpu.gpu-accelerated")).toMatchObject({ price: "0.035952", unit: "vcpu-hour" });
    expect(items.size).toBe(12);
  });

  it("before 2026-10-01 the FreeTierInfrastructureCost rows are not yet in force; with no AKS rows nothing is answered", () => {
    expect(aksItems(read(AKS_EASTUS), new Date("2026-09-15T00:00:00Z")).has("control-plane.free-infrastructure")).toBe(false);
    expect(aksItems([], NOW).size).toBe(0);
  });

  it("Standard alone is not Premium: without the Long Term Support meter there is no Premium item", () => {
    const items = aksItems(read(AKS_EASTUS.filter((i) => i.meterName !== "Standard Long Term Support")), NOW);
    expect(items.has("control-plane.premium")).toBe(false);
    expect(items.get("control-plane.standard")?.price).toBe("0.1");
  });
});

describe("Functions rows", () => {
  it("eastus: per execution from the per-10 meters (exactly), GB-seconds as published, the grants from the 0-priced first tiers", () => {
    const { items, freeTier } = functionsItems("eastus", read(FUNCTIONS_EASTUS), NOW);
    const prices = Object.fromEntries([...items].map(([id, i]) => [id, [i.price, i.unit]]));
    expect(prices).toEqual({
      "consumption.executions": ["0.0000002", "request"],
      "consumption.execution-time": ["0.000016", "gb-second"],
      "flex.on-demand.executions": ["0.0000004", "request"],
      "flex.on-demand.execution-time": ["0.000026", "gb-second"],
      "flex.always-ready.baseline": ["0.000004", "gb-second"],
      "flex.always-ready.execution-time": ["0.000016", "gb-second"],
      "flex.always-ready.executions": ["0.0000004", "request"],
      "premium.vcpu": ["0.173", "vcpu-hour"],
      "premium.memory": ["0.0123", "gb-hour"],
    });
    expect(freeTier).toMatchObject({ executions: "1000000", gbSeconds: "400000", flexExecutions: "250000", flexGbSeconds: "100000", asOf: "2024-12-01" });
  });

  it("a meter whose unit changes (not per 10 any more) is not priced as if it were", () => {
    const changed = FUNCTIONS_EASTUS.map((i) => (i.meterName === "Standard Total Executions" ? { ...i, unitOfMeasure: "1M" } : i));
    expect(functionsItems("eastus", read(changed), NOW).items.has("consumption.executions")).toBe(false);
  });
});

describe("the Retail Prices page parser", () => {
  it("reads prices from the JSON text, exactly (exponents included), never through a float", () => {
    const page = parseRetailPage('{"Items":[{"retailPrice":2e-06,"unitPrice":1.6e-05,"tierMinimumUnits":100000.0,"x":0.1}],"NextPageLink":"https://prices.azure.com:443/api/retail/prices?$skip=100","Count":1}');
    expect(page.items[0]).toEqual({ retailPrice: "0.000002", unitPrice: "0.000016", tierMinimumUnits: "100000", x: 0.1 });
    expect(page.next).toBe("https://prices.azure.com:443/api/retail/prices?$skip=100");
    expect(parseRetailPage('{"Items":[],"NextPageLink":null}').next).toBeUndefined();
    expect(() => parseRetailPage('{"Items":[{"retailPr')).toThrow(/not JSON/);
    expect(() => parseRetailPage('{"Items":{"a":1}}')).toThrow(/without Items/);
  });

  it("Retry-After in seconds or as an HTTP date", () => {
    expect(parseRetryAfter("30")).toBe(30);
    expect(parseRetryAfter("Thu, 03 Dec 2026 12:00:30 GMT", Date.parse("2026-12-03T12:00:00Z"))).toBe(30);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
});

describe("VM size names", () => {
  it("any case → Azure's casing; an unknown size keeps what was typed after its prefix", () => {
    expect(canonicalVmSize("standard_nc4as_t4_v3")).toBe("Standard_NC4as_T4_v3");
    expect(canonicalVmSize("BASIC_A0")).toBe("Basic_A0");
    expect(canonicalVmSize("standard_Zz9_v99")).toBe("Standard_Zz9_v99");
    // Without its prefix: the one name it can be; both Standard_A0 and Basic_A0 exist, so A0 stays as typed.
    expect(canonicalVmSize("d2s_v5")).toBe("Standard_D2s_v5");
    expect(canonicalVmSize("A0")).toBe("A0");
    expect(vmFamily("Standard_E64-32ds_v4")).toBe("edsv4");
    expect(vmFamily("Standard_NC4as_T4_v3")).toBe("ncast4v3");
  });
});
