import Big from "big.js";
import { canonical } from "../../domain/money.ts";
import type { InstanceSpecs, PriceItem } from "../../domain/price.ts";
import { type VertexComponent, VERTEX_COMPONENTS, parseVertexId } from "./catalog.ts";
import { FAMILY_BILLING, billingFamily, gpuSkuPrefix } from "./machine-families.ts";
import { type BookSku, type Matcher, type PriceBook, asOf, cite, lookup } from "./price-book.ts";

export const VERTEX_SERVICE = "Vertex AI";

/**
 * Vertex AI's machine SKUs by description, per family (the same prefixes as Compute Engine's):
 * custom training "Vertex AI: Training/Pipelines on <prefix> Core|Ram running in <location>" plus the
 * management fee "Vertex AI: Training/Pipelines Management fee on <FAMILY> Instance Core|RAM in
 * <location>", and prediction "Vertex AI: Online/Batch Prediction <prefix> Core|Ram running in
 * <location>". A node-hour of a machine type is vCPU × core + GiB × RAM of those SKUs.
 */
const TRAINING = /^Vertex AI: Training\/Pipelines on (.+) (Core|Ram|RAM) running in [^():]+$/;
const FEE = /^Vertex AI: Training\/Pipelines Management fee on (\S+) Instance (Core|Ram|RAM) in [^():]+$/;
const PREDICTION = /^Vertex AI: Online\/Batch Prediction (.+) (Core|Ram|RAM) running in [^():]+$/;

const unitOf = (kind: string) => (kind === "Core" ? "h" : "GiBy.h");
const kindOf = (kind: string) => (kind === "Core" ? "core" : "ram");

export const vertexMatcher: Matcher = (sku) => {
  const d = sku.description;
  const training = TRAINING.exec(d);
  if (training) return { key: `training:${kindOf(training[2] as string)}:${training[1] as string}`, usageUnit: unitOf(training[2] as string) };
  const fee = FEE.exec(d);
  if (fee) return { key: `fee:${kindOf(fee[2] as string)}:${(fee[1] as string).toLowerCase()}`, usageUnit: unitOf(fee[2] as string) };
  const prediction = PREDICTION.exec(d);
  if (prediction) return { key: `prediction:${kindOf(prediction[2] as string)}:${prediction[1] as string}`, usageUnit: unitOf(prediction[2] as string) };
  return undefined;
};

/** One node-hour of a machine type for a component, or why not. */
export function composeVertex(book: PriceBook, region: string, component: VertexComponent, type: string, specs: InstanceSpecs | undefined): { item: PriceItem } | { reason: string } {
  if (!specs?.vcpu || !specs.memoryGiB) return { reason: "Pricebook does not know this machine type's vCPUs and memory" };
  if (gpuSkuPrefix(type)) return { reason: "accelerator-optimized types also bill their GPUs as Vertex AI accelerators, which this item does not add" };
  const family = billingFamily(type);
  const prefix = FAMILY_BILLING[family]?.prefix;
  if (!prefix) return { reason: "its family has no core/RAM SKUs Pricebook knows" };
  const core = lookup(book, region, `${component}:core:${prefix}`);
  const ram = lookup(book, region, `${component}:ram:${prefix}`);
  if (!core || !ram) return { reason: `the Vertex AI catalogue has no ${component} core and RAM SKUs for "${prefix}" in ${region}` };
  const parts: Array<{ quantity: number; what: string; sku: BookSku }> = [
    { quantity: specs.vcpu, what: "vCPU", sku: core },
    { quantity: specs.memoryGiB, what: "GiB", sku: ram },
  ];
  if (component === "training") {
    const feeCore = lookup(book, region, `fee:core:${family}`);
    const feeRam = lookup(book, region, `fee:ram:${family}`);
    if (feeCore && feeRam) parts.push({ quantity: specs.vcpu, what: "vCPU", sku: feeCore }, { quantity: specs.memoryGiB, what: "GiB", sku: feeRam });
  }
  let total = new Big(0);
  for (const p of parts) total = total.plus(new Big(p.sku.p).times(p.quantity));
  const formula = parts.map((p) => `${p.quantity} ${p.what} × $${p.sku.p} (${cite(p.sku)})`).join(" + ");
  const id = `${component}.${type}`;
  return {
    item: {
      id,
      unit: "hour",
      price: canonical(total),
      description: `Vertex AI ${component === "training" ? "custom training" : "online/batch prediction"} on ${type}, per node-hour = ${formula}`,
      sku: parts.map((p) => p.sku.id).join(","),
      ...specs,
      asOf: asOf(book, parts.map((p) => p.sku)),
      source: "live",
    },
  };
}

/** The region's Vertex AI items the filter asks for (component, machine type), and reasons for the rest. */
export function vertexItems(
  book: PriceBook,
  region: string,
  types: ReadonlyMap<string, InstanceSpecs>,
  filter: { component?: string | undefined; machineType?: string | undefined },
  ids?: readonly string[],
): { items: PriceItem[]; reasons: Map<string, string> } {
  const items: PriceItem[] = [];
  const reasons = new Map<string, string>();
  const wanted: Array<[VertexComponent, string]> = ids
    ? ids.flatMap((id) => {
        const p = parseVertexId(id);
        return p ? [[p.component, p.machineType] as [VertexComponent, string]] : [];
      })
    : VERTEX_COMPONENTS.filter((c) => !filter.component || c === filter.component).flatMap((c) =>
        (filter.machineType ? [filter.machineType] : [...types.keys()]).map((t) => [c, t] as [VertexComponent, string]),
      );
  for (const [component, type] of wanted) {
    const composed = composeVertex(book, region, component, type, types.get(type));
    if ("item" in composed) items.push(composed.item);
    else reasons.set(`${component}.${type}`, composed.reason);
  }
  return { items, reasons };
}
