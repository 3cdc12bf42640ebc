/**
 * Retail Prices items for the Azure fakes: the real rows of test/fixtures/azure-retail/ as they are,
 * and synthetic rows in the same shapes for the regions and sizes the live tests need. A synthetic VM
 * size comes as the family of rows Azure sends for one ARM SKU (Linux, Windows, Windows Dev/Test, a
 * "Cloud Services" product, Spot, Low Priority, an expired meter, a closed older price, 1- and 3-year
 * reservations at their term totals) with the Linux price taken from the fallback tables, so that live
 * and mock answers can be compared. Other prices are test data, not facts.
 */
import { readFileSync } from "node:fs";
import Big from "big.js";
import type { RetailItem } from "./azure-retail-fake.ts";

const FIXTURES = "test/fixtures/azure-retail";
export const fixture = <T>(name: string): T => JSON.parse(readFileSync(`${FIXTURES}/${name}`, "utf8")) as T;

export const LIVE_AZURE_REGIONS = ["eastus", "westeurope", "northeurope", "westus2"];
/** Sizes priced in every live region's table; synthetic rows are made for them. */
export const LIVE_VM_SIZES = ["Standard_D2s_v5", "Standard_D2as_v5", "Standard_E4s_v5", "Standard_D4ps_v5", "Standard_NC4as_T4_v3", "Standard_B2pls_v2"];

const LOCATIONS: Record<string, string> = { eastus: "US East", westeurope: "EU West", northeurope: "EU North", westus2: "US West 2", westus: "US West", australiacentral: "AU Central" };

/** The Linux price the fallback table holds for a size in a region. */
export function tablePrice(region: string, size: string): string {
  const table = JSON.parse(readFileSync(`fallback-pricing/azure/vm/${region}.json`, "utf8")) as { rows: Array<{ id: string; price: string }> };
  const row = table.rows.find((r) => r.id === size);
  if (!row) throw new Error(`no ${size} in the ${region} table`);
  return row.price;
}

/** "Standard_D2s_v5" → "D2s v5": how Azure's skuName and meterName write a size. */
const meterOf = (size: string) => size.replace(/^(Standard|Basic)_/, "").replaceAll("_", " ");

let counter = 0;
const id = () => (counter++).toString(16).padStart(8, "0");

function row(region: string, size: string, o: { product: string; sku: string; meter?: string; price: string; type?: string; term?: string; start?: string; end?: string }): RetailItem {
  const n = id();
  return {
    currencyCode: "USD",
    tierMinimumUnits: 0.0,
    ...(o.term ? { reservationTerm: o.term } : {}),
    retailPrice: Number(o.price),
    unitPrice: Number(o.price),
    armRegionName: region,
    location: LOCATIONS[region] ?? region,
    effectiveStartDate: o.start ?? "2024-10-01T00:00:00Z",
    ...(o.end ? { effectiveEndDate: o.end } : {}),
    meterId: `${n}-0000-4000-8000-${n}${n.slice(0, 4)}`,
    meterName: o.meter ?? o.sku,
    productId: "DZH318Z0TEST",
    skuId: `DZH318Z0TEST/${n.slice(-4)}`,
    availabilityId: null,
    productName: o.product,
    skuName: o.sku,
    serviceName: "Virtual Machines",
    serviceId: "DZH313Z7MMC8",
    serviceFamily: "Compute",
    unitOfMeasure: "1 Hour",
    type: o.type ?? "Consumption",
    isPrimaryMeterRegion: true,
    armSkuName: size,
  };
}

/** Every row Azure lists for one VM size in one region, the Linux pay-as-you-go one at `linux`. */
export function vmFamily(region: string, size: string, linux: string): RetailItem[] {
  const m = meterOf(size);
  const series = `Virtual Machines ${size.replace(/^Standard_[A-Z]+\d+/, "").replaceAll("_", "")} Series`;
  const times = (f: string) => new Big(linux).times(f).round(6).toFixed();
  return [
    row(region, size, { product: `${series} Windows`, sku: m, price: times("1.9") }),
    row(region, size, { product: `${series} Windows`, sku: m, price: linux, type: "DevTestConsumption" }),
    row(region, size, { product: `${series.replace("Virtual Machines ", "")} Cloud Services`, sku: m, price: times("2.07") }),
    row(region, size, { product: series, sku: `${m} Spot`, price: times("0.21") }),
    row(region, size, { product: series, sku: `${m} Low Priority`, price: times("0.2") }),
    row(region, size, { product: series, sku: m, meter: `${m} Expired`, price: times("0.5") }),
    row(region, size, { product: series, sku: m, price: times("0.9"), start: "2020-01-01T00:00:00Z", end: "2024-09-30T23:59:59Z" }),
    row(region, size, { product: series, sku: m, price: linux }),
    row(region, size, { product: series, sku: m, price: times("5256"), type: "Reservation", term: "1 Year" }),
    row(region, size, { product: series, sku: m, price: times("10512"), type: "Reservation", term: "3 Years" }),
  ];
}

/** The real eastus AKS / Functions rows; other regions get the same rows under their name (test data). */
function asRegion(items: RetailItem[], region: string): RetailItem[] {
  return region === "eastus" ? items : items.map((i) => ({ ...i, armRegionName: region, location: LOCATIONS[region] ?? region }));
}

export const AKS_EASTUS = fixture<{ Items: RetailItem[] }>("aks-eastus-finfocus.json").Items;
export const FUNCTIONS_EASTUS = fixture<{ Items: RetailItem[] }>("functions-eastus-finfocus.json").Items;
export const D2S_V3_EASTUS = fixture<{ response: { Items: RetailItem[] } }>("vm-d2s-v3-eastus-finfocus.json").response.Items;
export const WESTUS_EXCERPT = fixture<{ items: RetailItem[] }>("vm-westus-dump-excerpt.json").items;

/** Standard_B16als_v2 in australiacentral: the 3 complete rows and the rest of the 13-row projection, completed in their shape. */
export function b16alsV2AustraliaCentral(): RetailItem[] {
  const file = fixture<{ items: RetailItem[]; all_13_rows_projection: Array<Array<string | number | boolean | null>> }>("retail-items-savingsplan-b16als-v2-australiacentral.json");
  const template = file.items[1] as RetailItem;
  const [, ...projected] = file.all_13_rows_projection;
  return projected.map(([productName, skuName, type, reservationTerm, retailPrice], i) => {
    const complete = file.items.find((it) => it.productName === productName && it.skuName === skuName && it.type === type && (it.reservationTerm ?? null) === reservationTerm);
    if (complete) return complete;
    const { savingsPlan: _unused, ...base } = template;
    return { ...base, productName, skuName, meterName: skuName, type, ...(reservationTerm ? { reservationTerm } : {}), retailPrice, unitPrice: retailPrice, skuId: `DZH318Z0K9JH/P${i}` };
  });
}

/** Everything the fake serves: real rows, and synthetic VM families for the live regions. */
export function azureCatalogue(regions: readonly string[] = LIVE_AZURE_REGIONS, sizes: readonly string[] = LIVE_VM_SIZES): RetailItem[] {
  const items: RetailItem[] = [...D2S_V3_EASTUS, ...WESTUS_EXCERPT, ...b16alsV2AustraliaCentral()];
  for (const region of regions) {
    items.push(...asRegion(AKS_EASTUS, region), ...asRegion(FUNCTIONS_EASTUS, region));
    for (const size of sizes) items.push(...vmFamily(region, size, tablePrice(region, size)));
  }
  return items;
}
