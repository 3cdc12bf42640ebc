import Big from "big.js";
import { isZero } from "../../domain/money.ts";
import type { FreeTier, InstanceSpecs, PriceItem, Unit } from "../../domain/price.ts";
import type { SpecsOf } from "../../fallback/specs.ts";
import { AKS_ITEMS, FUNCTIONS_ITEMS } from "./catalog.ts";
import type { RetailPrice } from "./retail-prices.ts";

/**
 * Which Retail Prices rows are the prices Pricebook serves. One ARM SKU comes back as many rows (Linux,
 * Windows, "Cloud Services", Spot, Low Priority, Dev/Test, Reservation terms), one meter as several
 * tiers or dated versions: rows are picked by service, product, SKU, meter, type, unit and dates, never
 * by their order.
 */

/** A row in force at `now`: started, and not ended (Azure has sent rows that end before they start). */
export function inForce(row: RetailPrice, now: Date): boolean {
  const t = now.getTime();
  if (Date.parse(row.effectiveStartDate) > t) return false;
  return row.effectiveEndDate === undefined || Date.parse(row.effectiveEndDate) > t;
}

/** What every served row is: a retail pay-as-you-go price in USD, in force. */
export function isPayg(row: RetailPrice, now: Date): boolean {
  return row.type === "Consumption" && row.currencyCode === "USD" && inForce(row, now);
}

/**
 * A Linux VM product: not Windows (also spelled "… Srs Win"), not "Cloud Services" (some sizes carry a
 * "Cloud Services" row at about twice the VM price under the same ARM SKU), not a dedicated host.
 */
export function isLinuxVmProduct(productName: string): boolean {
  return !/\bWin(dows)?\b/i.test(productName) && !/Cloud ?Services/i.test(productName) && !/Dedicated ?Host/i.test(productName);
}

/**
 * The Linux pay-as-you-go price of a VM size: service `Virtual Machines`, type `Consumption` (not
 * `DevTestConsumption` or `Reservation`), per hour, a Linux VM product, a SKU and meter that are not
 * Spot or Low Priority, and a meter that is not an expired or free variant.
 */
export function isLinuxPayg(row: RetailPrice, now: Date): boolean {
  return (
    row.serviceName === "Virtual Machines" &&
    isPayg(row, now) &&
    row.unitOfMeasure === "1 Hour" &&
    isLinuxVmProduct(row.productName) &&
    !/ (Spot|Low Priority)$/i.test(row.skuName) &&
    !/ (Spot|Low Priority|Expired|Free)$/i.test(row.meterName) &&
    !isZero(row.retailPrice)
  );
}

/** Of rows that all qualify, the one in force: the latest start; undefined when two disagree at it. */
export function newest(rows: readonly RetailPrice[]): { row: RetailPrice } | { ambiguous: RetailPrice[] } | undefined {
  if (rows.length === 0) return undefined;
  const latest = rows.reduce((a, b) => (Date.parse(b.effectiveStartDate) > Date.parse(a.effectiveStartDate) ? b : a));
  const tied = rows.filter((r) => Date.parse(r.effectiveStartDate) === Date.parse(latest.effectiveStartDate));
  if (tied.some((r) => !new Big(r.retailPrice).eq(latest.retailPrice))) return { ambiguous: tied };
  return { row: latest };
}

const day = (iso: string) => iso.slice(0, 10);

/** VM size → its Linux pay-as-you-go item, with the size's specs as the spec catalogue states them. */
export function vmItems(
  region: string,
  rows: readonly RetailPrice[],
  options: { now: Date; specs?: SpecsOf | undefined; onAmbiguous?: (size: string, rows: RetailPrice[]) => void },
): Map<string, PriceItem> {
  const bySize = new Map<string, RetailPrice[]>();
  for (const row of rows) {
    if (row.armRegionName !== region || !row.armSkuName || !isLinuxPayg(row, options.now)) continue;
    const list = bySize.get(row.armSkuName) ?? [];
    list.push(row);
    bySize.set(row.armSkuName, list);
  }
  const items = new Map<string, PriceItem>();
  for (const [size, candidates] of bySize) {
    const picked = newest(candidates);
    if (!picked) continue;
    if ("ambiguous" in picked) {
      options.onAmbiguous?.(size, picked.ambiguous);
      continue;
    }
    const { row } = picked;
    const specs: InstanceSpecs = options.specs?.(size) ?? {};
    items.set(size, {
      id: size,
      description: `Linux pay-as-you-go, per hour (product "${row.productName}", meter "${row.meterName}")`,
      unit: "hour",
      price: row.retailPrice,
      ...specs,
      usageType: row.meterName,
      sku: row.skuId,
      source: "live",
      asOf: day(row.effectiveStartDate),
    });
  }
  return items;
}

/** One meter of a non-VM service, picked by product, SKU, meter and unit. */
interface Meter {
  product: string;
  sku: string;
  meter: string;
  unitOfMeasure: string;
}

interface PickedMeter {
  row: RetailPrice;
  /** The start of the paid tier: what a 0-priced first tier grants (in `unitOfMeasure`s), if there is one. */
  freeUnits?: string;
}

/**
 * A meter's paid price. Azure lists a monthly grant as a 0-priced first tier and the paid price from
 * `tierMinimumUnits` on; a meter with more than one paid tier, or two prices at the same start, is not
 * picked (it would need tiers this service does not answer with).
 */
export function pickMeter(rows: readonly RetailPrice[], m: Meter, service: string, now: Date): PickedMeter | undefined {
  const matching = rows.filter(
    (r) => r.serviceName === service && r.productName === m.product && r.skuName === m.sku && r.meterName === m.meter && r.unitOfMeasure === m.unitOfMeasure && isPayg(r, now),
  );
  const paid = matching.filter((r) => !isZero(r.retailPrice));
  const tiers = new Set(paid.map((r) => new Big(r.tierMinimumUnits).toFixed()));
  if (tiers.size !== 1) return undefined;
  const picked = newest(paid);
  if (!picked || "ambiguous" in picked) return undefined;
  const start = new Big(picked.row.tierMinimumUnits);
  const grant = start.gt(0) && matching.some((r) => isZero(r.retailPrice) && new Big(r.tierMinimumUnits).eq(0)) ? start.toFixed() : undefined;
  return { row: picked.row, ...(grant ? { freeUnits: grant } : {}) };
}

function meterItem(id: string, unit: Unit, row: RetailPrice, price: string, description: string): PriceItem {
  return { id, description, unit, price, usageType: row.meterName, sku: row.skuId, source: "live", asOf: day(row.effectiveStartDate) };
}

type AksId = keyof typeof AKS_ITEMS;

const AKS = "Azure Kubernetes Service";
const AKS_AUTOMATIC = "Azure Kubernetes Service - Automatic";
const AKS_METERS: ReadonlyArray<[AksId, Meter, string]> = [
  ["control-plane.standard", { product: AKS, sku: "Standard", meter: "Standard Uptime SLA", unitOfMeasure: "1 Hour" }, "Standard tier cluster management (Uptime SLA), per cluster-hour"],
  ["control-plane.free-infrastructure", { product: AKS, sku: "FreeTierInfrastructureCost", meter: "FreeTierInfrastructureCost Uptime SLA", unitOfMeasure: "1 Hour" }, "Meter FreeTierInfrastructureCost Uptime SLA, per cluster-hour, as the Retail Prices API lists it; Microsoft's pricing pages describe Free-tier cluster management as free and do not say what this meter bills"],
  ["automatic.control-plane", { product: AKS_AUTOMATIC, sku: "Automatic", meter: "Automatic Hosted Control Plane", unitOfMeasure: "1 Hour" }, "AKS Automatic hosted control plane, per cluster-hour"],
  ...(
    [
      ["general-purpose", "General Purpose"],
      ["compute-optimized", "Compute Optimized"],
      ["memory-optimized", "Memory Optimized"],
      ["storage-optimized", "Storage Optimized"],
      ["gpu-accelerated", "GPU Accelerated"],
      ["confidential-compute", "Confidential Compute"],
      ["high-performance-compute", "High Performance Compute"],
    ] as const
  ).map(
    ([id, name]): [AksId, Meter, string] => [
      `automatic.vcpu.${id}`,
      { product: AKS_AUTOMATIC, sku: "Automatic", meter: `Automatic ${name}`, unitOfMeasure: "1 Hour" },
      `AKS Automatic surcharge per node vCPU-hour (${name} VMs), on top of the VM price`,
    ],
  ),
];
const LTS: Meter = { product: AKS, sku: "Standard", meter: "Standard Long Term Support", unitOfMeasure: "1 Hour" };

/** Where the Free tier's $0 is published (the Retail Prices API has no meter for it). */
export const AKS_FREE_TIER_SOURCE = {
  citation: "Microsoft Learn, AKS pricing tiers (MicrosoftDocs/azure-aks-docs articles/aks/free-standard-pricing-tiers.md @ 035e9d10dcdf9ba42d07fd28c54752b72d2bb3e4, https://learn.microsoft.com/azure/aks/free-standard-pricing-tiers)",
  asOf: "2024-06-07",
};

/**
 * AKS items from the region's `Azure Kubernetes Service` rows. Premium is both meters of skuName
 * `Standard` (Uptime SLA + Long Term Support), answered as their total with the two as parts: asking by
 * skuName alone returns both and inflates a Standard price about sevenfold. The Free tier is the
 * published $0, answered wherever Azure prices AKS in the region.
 */
export function aksItems(rows: readonly RetailPrice[], now: Date): Map<AksId, PriceItem> {
  const items = new Map<AksId, PriceItem>();
  for (const [id, meter, description] of AKS_METERS) {
    const picked = pickMeter(rows, meter, AKS, now);
    if (picked) items.set(id, meterItem(id, AKS_ITEMS[id], picked.row, picked.row.retailPrice, description));
  }
  const sla = items.get("control-plane.standard");
  const lts = pickMeter(rows, LTS, AKS, now)?.row;
  if (sla && lts) {
    items.set("control-plane.premium", {
      id: "control-plane.premium",
      description: "Premium tier cluster management, per cluster-hour: the Standard Uptime SLA meter plus the Standard Long Term Support meter, both billed",
      unit: "hour",
      price: new Big(sla.price).plus(lts.retailPrice).toFixed(),
      parts: [
        { name: sla.usageType as string, price: sla.price, ...(sla.sku ? { sku: sla.sku } : {}) },
        { name: lts.meterName, price: lts.retailPrice, sku: lts.skuId },
      ],
      source: "live",
      asOf: [sla.asOf, day(lts.effectiveStartDate)].sort().at(-1) as string,
    });
  }
  if (items.size > 0) {
    items.set("control-plane.free", {
      id: "control-plane.free",
      description: `Free tier cluster management, per cluster-hour: published as free ("Free cluster management", ${AKS_FREE_TIER_SOURCE.citation}); the Retail Prices API has no meter for it`,
      unit: "hour",
      price: "0",
      source: "live",
      asOf: AKS_FREE_TIER_SOURCE.asOf,
    });
  }
  return items;
}

type FunctionsId = keyof typeof FUNCTIONS_ITEMS;

const FUNCTIONS = "Functions";
const FLEX = "Flex Consumption";
/** [id, meter, per-10 (executions are published per 10), free-tier amount name, description]. */
const FUNCTIONS_METERS: ReadonlyArray<[FunctionsId, Meter, boolean, string | undefined, string]> = [
  ["consumption.executions", { product: FUNCTIONS, sku: "Standard", meter: "Standard Total Executions", unitOfMeasure: "10" }, true, "executions", "Consumption plan, per execution (published per 10 executions)"],
  ["consumption.execution-time", { product: FUNCTIONS, sku: "Standard", meter: "Standard Execution Time", unitOfMeasure: "1 GB Second" }, false, "gbSeconds", "Consumption plan execution time, per GB-second"],
  ["flex.on-demand.executions", { product: FLEX, sku: "On Demand", meter: "On Demand Total Executions", unitOfMeasure: "10" }, true, "flexExecutions", "Flex Consumption on demand, per execution (published per 10 executions)"],
  ["flex.on-demand.execution-time", { product: FLEX, sku: "On Demand", meter: "On Demand Execution Time", unitOfMeasure: "1 GB Second" }, false, "flexGbSeconds", "Flex Consumption on demand execution time, per GB-second of instance memory"],
  ["flex.always-ready.baseline", { product: FLEX, sku: "Always Ready", meter: "Always Ready Baseline", unitOfMeasure: "1 GB Second" }, false, undefined, "Flex Consumption always-ready baseline, per GB-second of provisioned instance memory"],
  ["flex.always-ready.execution-time", { product: FLEX, sku: "Always Ready", meter: "Always Ready Execution Time", unitOfMeasure: "1 GB Second" }, false, undefined, "Flex Consumption always-ready execution time, per GB-second"],
  ["flex.always-ready.executions", { product: FLEX, sku: "Always Ready", meter: "Always Ready Total Executions", unitOfMeasure: "10" }, true, undefined, "Flex Consumption always-ready, per execution (published per 10 executions)"],
  ["premium.vcpu", { product: "Premium Functions", sku: "Premium", meter: "Premium vCPU Duration", unitOfMeasure: "1 Hour" }, false, undefined, "Elastic Premium plan, per vCPU-hour of the plan's instances"],
  ["premium.memory", { product: "Premium Functions", sku: "Premium", meter: "Premium Memory Duration", unitOfMeasure: "1 GiB Hour" }, false, undefined, "Elastic Premium plan, per GiB-hour of the plan's instances"],
];

/**
 * Functions items from the region's `Functions` rows, and the monthly grants Azure encodes as the
 * meters' 0-priced first tiers. Executions are published per 10 (`unitOfMeasure` "10"): the price per
 * execution and the grant in executions are exact decimal conversions of the published numbers.
 */
export function functionsItems(region: string, rows: readonly RetailPrice[], now: Date): { items: Map<FunctionsId, PriceItem>; freeTier: FreeTier | undefined } {
  const items = new Map<FunctionsId, PriceItem>();
  const grants: Record<string, string> = {};
  let grantAsOf = "";
  for (const [id, meter, per10, grantName, description] of FUNCTIONS_METERS) {
    const picked = pickMeter(rows, meter, FUNCTIONS, now);
    if (!picked) continue;
    const price = per10 ? new Big(picked.row.retailPrice).div(10).toFixed() : picked.row.retailPrice;
    items.set(id, meterItem(id, FUNCTIONS_ITEMS[id], picked.row, price, description));
    if (grantName && picked.freeUnits) {
      grants[grantName] = per10 ? new Big(picked.freeUnits).times(10).toFixed() : picked.freeUnits;
      const asOf = day(picked.row.effectiveStartDate);
      if (asOf > grantAsOf) grantAsOf = asOf;
    }
  }
  const freeTier: FreeTier | undefined =
    Object.keys(grants).length > 0
      ? { ...grants, source: `Azure Retail Prices API, armRegionName ${region}: the 0-priced first tier of each meter`, asOf: grantAsOf }
      : undefined;
  return { items, freeTier };
}
