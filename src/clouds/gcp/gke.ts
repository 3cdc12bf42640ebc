import Big from "big.js";
import { canonical } from "../../domain/money.ts";
import type { PriceItem } from "../../domain/price.ts";
import { type BookSku, type Matcher, type PriceBook, asOf, cite, lookup } from "./price-book.ts";

/** The Billing Catalog's display name of the service (resolved to its id at run time). */
export const GKE_SERVICE = "Kubernetes Engine";

/**
 * GKE's SKUs, by description (ids churn): the cluster management fee ("Regional Kubernetes Clusters",
 * "Zonal …", "Autopilot …": one flat fee per cluster-hour) and Autopilot's general-purpose pod requests
 * ("Autopilot Pod mCPU Requests (us-central1)", "Autopilot Pod Memory Requests (us-central1)"). Spot,
 * Balanced, Scale-Out and Arm pods have their own words in the description and are not these items.
 */
const FEE = /^(Regional|Zonal|Autopilot) Kubernetes Clusters$/;
const POD_CPU = /^Autopilot Pod mCPU Requests \([a-z0-9-]+\)$/;
const POD_MEMORY = /^Autopilot Pod Memory Requests \([a-z0-9-]+\)$/;

export const gkeMatcher: Matcher = (sku) => {
  const d = sku.description;
  const fee = FEE.exec(d);
  if (fee) return { key: `fee:${(fee[1] as string).toLowerCase()}`, usageUnit: "h" };
  if (POD_CPU.test(d)) return { key: "autopilot:cpu", usageUnit: "h" };
  if (POD_MEMORY.test(d)) return { key: "autopilot:memory", usageUnit: "GiBy.h" };
  return undefined;
};

function item(book: PriceBook, id: string, unit: PriceItem["unit"], price: string, description: string, skus: BookSku[]): PriceItem {
  return { id, unit, price, description, sku: skus.map((s) => s.id).join(","), asOf: asOf(book, skus), source: "live" };
}

/** A region's GKE items from the book. */
export function gkeItems(book: PriceBook, region: string): PriceItem[] {
  const items: PriceItem[] = [];
  // Google states one fee for every mode; the regional SKU is read first, then the zonal and Autopilot ones.
  const fee = lookup(book, region, "fee:regional") ?? lookup(book, region, "fee:zonal") ?? lookup(book, region, "fee:autopilot");
  if (fee) {
    items.push(
      item(book, "control-plane.standard", "hour", fee.p, `GKE cluster management fee per cluster-hour, every mode (${cite(fee)}); the monthly credit in freeTier covers one zonal or Autopilot cluster`, [fee]),
    );
  }
  const cpu = lookup(book, region, "autopilot:cpu");
  if (cpu) {
    // Google prices Autopilot CPU per mCPU-hour: × 1000 is the vCPU-hour, exactly.
    const perVcpu = canonical(new Big(cpu.p).times(1000));
    items.push(item(book, "autopilot.vcpu", "vcpu-hour", perVcpu, `Autopilot general-purpose pod vCPU request per vCPU-hour: ${cite(cpu)} is $${cpu.p} per mCPU-hour, × 1000`, [cpu]));
  }
  const memory = lookup(book, region, "autopilot:memory");
  if (memory) {
    items.push(item(book, "autopilot.memory", "gb-hour", memory.p, `Autopilot general-purpose pod memory request per GiB-hour (${cite(memory)})`, [memory]));
  }
  return items;
}
