import Big from "big.js";
import { canonical } from "../../domain/money.ts";
import type { InstanceSpecs, PriceItem } from "../../domain/price.ts";
import { BUNDLED_LOCAL_SSD_GB, CORE_RAM_PREFIXES, FAMILY_BILLING, GPU_PREFIXES, INSTANCE_PREFIXES, billingFamily, gpuSkuPrefix } from "./machine-families.ts";
import { type BookSku, type Matcher, type PriceBook, asOf, cite, lookup } from "./price-book.ts";

export const COMPUTE_SERVICE = "Compute Engine";

/**
 * Compute Engine SKUs by description: "<prefix> Core|Ram running in <location>" for the families in
 * `FAMILY_BILLING`, "<GPU> running in <location>" and the per-instance shared-core SKUs. Anchored at
 * the start, so "Spot Preemptible …", "Commitment v1: …", "… Custom …" and sole-tenancy SKUs never
 * match; a location with brackets or a colon (a variant of the SKU) never matches either.
 */
const CORE_RAM = /^(.+) (Core|Ram|RAM) running in [^():]+$/;
const RUNNING = /^(.+) running in [^():]+$/;

export const computeMatcher: Matcher = (sku) => {
  const d = sku.description;
  const coreRam = CORE_RAM.exec(d);
  if (coreRam && CORE_RAM_PREFIXES.has(coreRam[1] as string)) {
    const core = (coreRam[2] as string) === "Core";
    return { key: `${core ? "core" : "ram"}:${coreRam[1] as string}`, usageUnit: core ? "h" : "GiBy.h" };
  }
  const running = RUNNING.exec(d);
  if (running && GPU_PREFIXES.has(running[1] as string)) return { key: `gpu:${running[1] as string}`, usageUnit: "h" };
  if (running && INSTANCE_PREFIXES.has(running[1] as string)) return { key: `instance:${running[1] as string}`, usageUnit: "h" };
  return undefined;
};

/** A machine type priced from the book, or why it cannot be. */
export type Composed = { item: PriceItem } | { reason: string };

const amount = (n: number | string) => canonical(new Big(n));

/**
 * One machine type's on-demand price in a region: vCPU × core + GiB × RAM (+ the M2 premium pair)
 * (+ GPUs × the GPU SKU), or the per-instance SKU, exactly; the item lists each SKU it used.
 */
export function composeMachine(book: PriceBook, region: string, type: string, specs: InstanceSpecs | undefined): Composed {
  if (!specs?.vcpu || !specs.memoryGiB) return { reason: "Pricebook does not know this machine type's vCPUs and memory (fallback-pricing/specs/gcp/compute.json), so its core and RAM SKUs cannot be added up" };
  if (Object.hasOwn(BUNDLED_LOCAL_SSD_GB, type)) {
    return { reason: `it comes with ${BUNDLED_LOCAL_SSD_GB[type]} GB of local SSD, which vCPU × core + GiB × RAM leaves out; see the fallback tables for its published price` };
  }
  const family = FAMILY_BILLING[billingFamily(type)];
  if (!family) return { reason: "its family has no core/RAM SKUs Pricebook knows (custom and sole-tenant types are billed by their own SKUs)" };
  const base = { id: type, unit: "hour" as const, ...specs, source: "live" as const };
  const what = `${type} on-demand list price per hour (Linux, no OS licence, no sustained-use or committed-use discount)`;
  if (family.instance) {
    const sku = lookup(book, region, `instance:${family.instance}`);
    if (!sku) return { reason: `the catalogue has no "${family.instance}" SKU for ${region}` };
    return { item: { ...base, price: sku.p, description: `${what} = the per-instance ${cite(sku)}`, sku: sku.id, asOf: asOf(book, [sku]) } };
  }
  const prefix = family.prefix as string;
  const parts: Array<{ quantity: number; what: string; sku: BookSku }> = [];
  const need = (key: string, quantity: number, label: string): boolean => {
    const sku = lookup(book, region, key);
    if (!sku) return false;
    parts.push({ quantity, what: label, sku });
    return true;
  };
  if (!need(`core:${prefix}`, specs.vcpu, "vCPU") || !need(`ram:${prefix}`, specs.memoryGiB, "GiB")) {
    return { reason: `the catalogue has no "${prefix} Core/Ram" SKU for ${region} (the family is not offered there)` };
  }
  if (family.premium && (!need(`core:${family.premium}`, specs.vcpu, "vCPU") || !need(`ram:${family.premium}`, specs.memoryGiB, "GiB"))) {
    return { reason: `the catalogue has no "${family.premium}" SKU for ${region}` };
  }
  const gpuPrefix = gpuSkuPrefix(type);
  if (gpuPrefix) {
    const count = specs.gpu?.count ?? 0;
    if (count < 1) return { reason: "it carries a fraction of one GPU, and the catalogue's per-GPU SKU does not say how a share is billed" };
    if (!need(`gpu:${gpuPrefix}`, count, "GPU")) return { reason: `the catalogue has no "${gpuPrefix}" SKU for ${region}` };
  }
  let total = new Big(0);
  for (const p of parts) total = total.plus(new Big(p.sku.p).times(amount(p.quantity)));
  const formula = parts.map((p) => `${p.quantity} ${p.what} × $${p.sku.p} (${cite(p.sku)})`).join(" + ");
  return {
    item: { ...base, price: canonical(total), description: `${what} = ${formula}`, sku: parts.map((p) => p.sku.id).join(","), asOf: asOf(book, parts.map((p) => p.sku)) },
  };
}

/** Every composable type of the region, and the reasons for those that are not. */
export function computeItems(book: PriceBook, region: string, types: ReadonlyMap<string, InstanceSpecs>, ids?: readonly string[]): { items: PriceItem[]; reasons: Map<string, string> } {
  const items: PriceItem[] = [];
  const reasons = new Map<string, string>();
  for (const type of ids ?? types.keys()) {
    const composed = composeMachine(book, region, type, types.get(type));
    if ("item" in composed) items.push(composed.item);
    else reasons.set(type, composed.reason);
  }
  return { items, reasons };
}
