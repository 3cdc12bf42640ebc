import type { PriceItem } from "../../domain/price.ts";
import type { Matcher, PriceBook } from "./price-book.ts";
import { asOf, cite, lookup } from "./price-book.ts";

export const CLOUD_RUN_SERVICE = "Cloud Run";

/**
 * Cloud Run's SKUs by description: request-based billing "Services CPU (Request-based billing)" and
 * its Tier 2 twin "Services CPU Tier 2 (Request-based billing)" (each lists the regions of its tier),
 * the same for Memory, instance-based billing "Services CPU (Instance-based billing) in <region>", and
 * "Requests". Min-instance (idle) SKUs and Cloud Run functions are other items and do not match.
 */
const REQUEST_BASED = /^Services (CPU|Memory)(?: Tier (\d))? +\(Request-based billing\)$/;
const INSTANCE_BASED = /^Services (CPU|Memory)(?: Tier (\d))? +\(Instance-based billing\)(?: in [a-z0-9-]+)?$/;
const REQUESTS = /^(?:Services )?Requests(?: Tier (\d))?$/;

export const cloudRunMatcher: Matcher = (sku) => {
  const d = sku.description;
  const request = REQUEST_BASED.exec(d);
  if (request) return request[1] === "CPU" ? { key: "cpu", usageUnit: "s" } : { key: "memory", usageUnit: "GiBy.s" };
  const instance = INSTANCE_BASED.exec(d);
  if (instance) return instance[1] === "CPU" ? { key: "instance.cpu", usageUnit: "s" } : { key: "instance.memory", usageUnit: "GiBy.s" };
  if (REQUESTS.test(d)) return { key: "requests", usageUnit: ["count", "requests"] };
  return undefined;
};

const WHAT: Record<string, string> = {
  cpu: "per vCPU-second, request-based billing",
  memory: "per GiB-second, request-based billing",
  requests: "per request",
  "instance.cpu": "per vCPU-second, instance-based billing",
  "instance.memory": "per GiB-second, instance-based billing",
};
const UNITS: Record<string, PriceItem["unit"]> = { cpu: "second", memory: "gb-second", requests: "request", "instance.cpu": "second", "instance.memory": "gb-second" };

/** A region's Cloud Run items from the book; the tier is the one the SKU's description names. */
export function cloudRunItems(book: PriceBook, region: string): PriceItem[] {
  const items: PriceItem[] = [];
  for (const id of Object.keys(WHAT)) {
    const sku = lookup(book, region, id);
    if (!sku) continue;
    const tier = /Tier (\d)/.exec(sku.d)?.[1] ?? "1";
    const free = sku.f ? `; the first ${sku.f} a month are free (the SKU's $0 tier, the free tier)` : "";
    items.push({
      id,
      unit: UNITS[id] as PriceItem["unit"],
      price: sku.p,
      ...(sku.t ? { tiers: sku.t.map(([from, price], i, all) => ({ from, to: all[i + 1]?.[0] ?? null, price })) } : {}),
      description: `Cloud Run ${WHAT[id]}${id === "requests" ? "" : `, Tier ${tier}`} (${cite(sku)})${free}`,
      sku: sku.id,
      asOf: asOf(book, [sku]),
      source: "live",
    });
  }
  return items;
}
