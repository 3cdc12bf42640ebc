import Big from "big.js";
import { canonical } from "../../domain/money.ts";
import type { InstanceSpecs, PriceItem } from "../../domain/price.ts";
import { BUNDLED_LOCAL_SSD_GB, CORE_RAM_PREFIXES, FAMILY_BILLING, GPU_PREFIXES, INSTANCE_PREFIXES, SHARED_CORE, billingFamily, gpuSkuPrefix } from "./machine-families.ts";
import { type BookSku, type Match, type Matcher, type PriceBook, asOf, cite, lookup } from "./price-book.ts";

export const COMPUTE_SERVICE = "Compute Engine";

/**
 * Compute Engine SKUs by description: "<prefix> Core|Ram running in <location>" for the families in
 * `FAMILY_BILLING`, "<GPU> running in <location>" and the per-instance shared-core SKUs. Anchored at
 * the start, so "Spot Preemptible …", "Commitment v1: …", "… Custom …" and sole-tenancy SKUs never
 * match these; a location with brackets or a colon (a variant of the SKU) never matches either.
 */
const CORE_RAM = /^(.+) (Core|Ram|RAM) running in [^():]+$/;
const RUNNING = /^(.+) running in [^():]+$/;
/** Spot: the on-demand words after "Spot Preemptible ", and GPUs "<GPU> attached to Spot Preemptible VMs running in …". */
const SPOT = /^Spot Preemptible (.+)$/;
const SPOT_GPU = /^(.+) attached to Spot Preemptible VMs running in [^():]+$/;
/**
 * Resource-based commitments: "Commitment v1: <words> Cpu|Ram in <location> for 1 Year|3 Year(s)" (N1
 * has no words: "Commitment v1: Cpu in …"), and the older C2 shape "Commitment: Compute optimized
 * Core|Ram running in <location> for 1 Year".
 */
const COMMIT = /^Commitment v1: (?:(.+) )?(Cpu|Ram) in [^():]+ for ([13]) Years?$/;
const COMMIT_OLD = /^Commitment: (.+) (Core|Ram) running in [^():]+ for ([13]) Years?$/;
const COMMIT_WORDS: ReadonlySet<string> = new Set(Object.values(FAMILY_BILLING).flatMap((f) => (f.commit === undefined ? [] : [f.commit])));

/** How a machine is bought: the book keys each kind's SKUs apart. */
export type Market = "on-demand" | "spot" | "1yr" | "3yr";

/** The book key of a resource in a market (`core:N2 Instance`, `spot:ram:N2 Instance`, `1yr:cpu:N2`). */
export function marketKey(market: Market, kind: "core" | "ram" | "gpu" | "instance", words: string): string {
  if (market === "1yr" || market === "3yr") return `${market}:${kind === "core" ? "cpu" : kind}:${words}`;
  return `${market === "spot" ? "spot:" : ""}${kind}:${words}`;
}

function onDemandMatch(d: string, market: "on-demand" | "spot"): Match | undefined {
  const usageType = market === "spot" ? "Preemptible" : "OnDemand";
  const coreRam = CORE_RAM.exec(d);
  if (coreRam && CORE_RAM_PREFIXES.has(coreRam[1] as string)) {
    const core = (coreRam[2] as string) === "Core";
    return { key: marketKey(market, core ? "core" : "ram", coreRam[1] as string), usageUnit: core ? "h" : "GiBy.h", usageType };
  }
  const running = RUNNING.exec(d);
  if (running && GPU_PREFIXES.has(running[1] as string)) return { key: marketKey(market, "gpu", running[1] as string), usageUnit: "h", usageType };
  if (running && INSTANCE_PREFIXES.has(running[1] as string)) return { key: marketKey(market, "instance", running[1] as string), usageUnit: "h", usageType };
  return undefined;
}

export const computeMatcher: Matcher = (sku) => {
  const d = sku.description;
  const spot = SPOT.exec(d);
  if (spot) return onDemandMatch(spot[1] as string, "spot");
  const spotGpu = SPOT_GPU.exec(d);
  if (spotGpu && GPU_PREFIXES.has(spotGpu[1] as string)) return { key: marketKey("spot", "gpu", spotGpu[1] as string), usageUnit: "h", usageType: "Preemptible" };
  const commit = COMMIT.exec(d) ?? COMMIT_OLD.exec(d);
  if (commit) {
    const words = commit[1] ?? "";
    if (!COMMIT_WORDS.has(words)) return undefined;
    const ram = (commit[2] as string) === "Ram";
    return { key: marketKey(`${commit[3] as "1" | "3"}yr`, ram ? "ram" : "core", words), usageUnit: ram ? "GiBy.h" : "h", usageType: `Commit${commit[3] as string}Yr` };
  }
  return onDemandMatch(d, "on-demand");
};

/** A machine type priced from the book, or why it cannot be. */
export type Composed = { item: PriceItem } | { reason: string };

/** One resource of a machine: how many, of what, at which SKU's rate. */
export interface Part {
  quantity: number;
  what: string;
  sku: BookSku;
}

const amount = (n: number | string) => canonical(new Big(n));

/** What the market is called in reasons. */
const MARKET_WORDS: Record<Market, string> = { "on-demand": "", spot: "Spot ", "1yr": "1-year commitment ", "3yr": "3-year commitment " };

/**
 * The SKUs one machine type is billed by in a region and market: vCPU × core + GiB × RAM (+ the M2
 * premium pair) (+ GPUs × the GPU SKU), or the per-instance SKU; or why it cannot be composed.
 * A commitment is resource-based: vCPU × "Commitment v1: <words> Cpu" + GiB × "… Ram", never for
 * shared-core types, GPUs or the M2 premium (Pricebook knows no commitment SKU for those).
 */
export function machineParts(book: PriceBook, region: string, type: string, specs: InstanceSpecs | undefined, market: Market = "on-demand"): { parts: Part[] } | { reason: string } {
  if (!specs?.vcpu || !specs.memoryGiB) return { reason: "Pricebook does not know this machine type's vCPUs and memory (fallback-pricing/specs/gcp/compute.json), so its core and RAM SKUs cannot be added up" };
  if (Object.hasOwn(BUNDLED_LOCAL_SSD_GB, type)) {
    return { reason: `it comes with ${BUNDLED_LOCAL_SSD_GB[type]} GB of local SSD, which vCPU × core + GiB × RAM leaves out; see the fallback tables for its published price` };
  }
  const family = FAMILY_BILLING[billingFamily(type)];
  if (!family) return { reason: "its family has no core/RAM SKUs Pricebook knows (custom and sole-tenant types are billed by their own SKUs)" };
  const words = MARKET_WORDS[market];
  const parts: Part[] = [];
  const need = (key: string, quantity: number, label: string): boolean => {
    const sku = lookup(book, region, key);
    if (!sku) return false;
    parts.push({ quantity, what: label, sku });
    return true;
  };
  const gpuPrefix = gpuSkuPrefix(type);
  if (market === "1yr" || market === "3yr") {
    if (SHARED_CORE.has(type)) return { reason: "it is a shared-core type, which no resource-based commitment covers (Google: commitments apply to non-shared-core machine types)" };
    if (family.commit === undefined) return { reason: `Google publishes no resource-based commitment SKU Pricebook knows for the ${billingFamily(type)} family${family.premium ? " (its Upgrade Premium has none)" : ""}` };
    if (gpuPrefix) return { reason: "its GPUs are committed by their own SKUs, only with an attached reservation; Pricebook does not compose GPU commitments" };
    const w = family.commit;
    if (!need(marketKey(market, "core", w), specs.vcpu, "vCPU") || !need(marketKey(market, "ram", w), specs.memoryGiB, "GiB")) {
      return { reason: `the catalogue has no "Commitment v1: ${w ? `${w} ` : ""}Cpu/Ram … for ${market === "1yr" ? "1 Year" : "3 Years"}" SKU for ${region}` };
    }
    return { parts };
  }
  if (family.instance) {
    if (!need(marketKey(market, "instance", family.instance), 1, "instance")) return { reason: `the catalogue has no "${words}${family.instance}" SKU for ${region}` };
    return { parts };
  }
  const prefix = family.prefix as string;
  if (!need(marketKey(market, "core", prefix), specs.vcpu, "vCPU") || !need(marketKey(market, "ram", prefix), specs.memoryGiB, "GiB")) {
    return { reason: `the catalogue has no "${words}${prefix} Core/Ram" SKU for ${region} (the family is not offered there)` };
  }
  if (family.premium && (!need(marketKey(market, "core", family.premium), specs.vcpu, "vCPU") || !need(marketKey(market, "ram", family.premium), specs.memoryGiB, "GiB"))) {
    return { reason: `the catalogue has no "${words}${family.premium}" SKU for ${region}` };
  }
  if (gpuPrefix) {
    const count = specs.gpu?.count ?? 0;
    if (count < 1) return { reason: "it carries a fraction of one GPU, and the catalogue's per-GPU SKU does not say how a share is billed" };
    if (!need(marketKey(market, "gpu", gpuPrefix), count, "GPU")) return { reason: `the catalogue has no "${gpuPrefix}${market === "spot" ? " attached to Spot Preemptible VMs" : ""}" SKU for ${region}` };
  }
  return { parts };
}

/** Σ quantity × rate, exactly, and the sum written out with each SKU named. */
export function sumParts(parts: readonly Part[]): { total: string; formula: string } {
  let total = new Big(0);
  for (const p of parts) total = total.plus(new Big(p.sku.p).times(amount(p.quantity)));
  return { total: canonical(total), formula: parts.map((p) => `${p.quantity} ${p.what} × $${p.sku.p} (${cite(p.sku)})`).join(" + ") };
}

/**
 * One machine type's on-demand price in a region: vCPU × core + GiB × RAM (+ the M2 premium pair)
 * (+ GPUs × the GPU SKU), or the per-instance SKU, exactly; the item lists each SKU it used.
 */
export function composeMachine(book: PriceBook, region: string, type: string, specs: InstanceSpecs | undefined): Composed {
  const found = machineParts(book, region, type, specs);
  if ("reason" in found) return found;
  const { parts } = found;
  const base = { id: type, unit: "hour" as const, ...specs, source: "live" as const };
  const what = `${type} on-demand list price per hour (Linux, no OS licence, no sustained-use or committed-use discount)`;
  const only = parts[0] as Part;
  if (parts.length === 1 && only.what === "instance") {
    return { item: { ...base, price: only.sku.p, description: `${what} = the per-instance ${cite(only.sku)}`, sku: only.sku.id, asOf: asOf(book, [only.sku]) } };
  }
  const { total, formula } = sumParts(parts);
  return {
    item: { ...base, price: total, description: `${what} = ${formula}`, sku: parts.map((p) => p.sku.id).join(","), asOf: asOf(book, parts.map((p) => p.sku)) },
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
