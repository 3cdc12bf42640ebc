import Big from "big.js";
import type { PriceItem } from "../../domain/price.ts";
import { EKS_ITEMS } from "./catalog.ts";
import type { PriceListProduct } from "./price-list.ts";
import { type PriceQuery, productItem } from "./products.ts";
import { isForRegion, usageTypeSuffix } from "./usage-types.ts";

type EksId = keyof typeof EKS_ITEMS;

/**
 * Usage types (region prefix stripped) of the EKS items. Fargate for EKS is priced with the same
 * usage types in the AmazonEKS and AmazonECS offers; AmazonEKS is asked first.
 */
const FARGATE_USAGE: Record<string, EksId> = {
  "Fargate-vCPU-Hours:perCPU": "fargate.vcpu.x86_64",
  "Fargate-GB-Hours": "fargate.memory.x86_64",
  "Fargate-ARM-vCPU-Hours:perCPU": "fargate.vcpu.arm64",
  "Fargate-ARM-GB-Hours": "fargate.memory.arm64",
  "Fargate-EphemeralStorage-GB-Hours": "fargate.ephemeral-storage",
};
const CLUSTER_HOURS = "AmazonEKS-Hours:perCluster";
const EXTENDED_SUPPORT = "AmazonEKS-Hours:extendedSupport";

export function eksQueries(region: string): PriceQuery[] {
  return [{ serviceCode: "AmazonEKS", filters: [{ field: "regionCode", value: region }] }];
}

/** The Fargate query, asked only when the AmazonEKS offer did not carry Fargate prices. */
export function eksFargateQueries(region: string): PriceQuery[] {
  return [
    {
      serviceCode: "AmazonECS",
      filters: [
        { field: "regionCode", value: region },
        { field: "usagetype", value: "Fargate", type: "CONTAINS" },
      ],
    },
  ];
}

/**
 * EKS items from AmazonEKS (and AmazonECS) products. `control-plane.extended` is the total per
 * cluster-hour: the Price List carries extended support as a surcharge on top of the standard
 * cluster-hour, so the two are added (decimal arithmetic).
 */
export function eksItems(region: string, products: readonly PriceListProduct[]): Map<EksId, PriceItem> {
  const items = new Map<EksId, PriceItem>();
  let standard: PriceItem | undefined;
  let surcharge: PriceItem | undefined;
  for (const product of products) {
    const a = product.attributes;
    if (!isForRegion(a, region) || !a.usagetype) continue;
    const usage = usageTypeSuffix(a.usagetype, region);
    if (usage === CLUSTER_HOURS && (a.tiertype === undefined || a.tiertype === "HAStandard")) {
      standard ??= productItem(product, "control-plane.standard", "hour");
    } else if (usage === EXTENDED_SUPPORT) {
      surcharge ??= productItem(product, "control-plane.extended", "hour");
    } else {
      const id = FARGATE_USAGE[usage];
      if (id && !items.has(id)) {
        const unit = EKS_ITEMS[id];
        const item = productItem(product, id, unit);
        if (item) items.set(id, item);
      }
    }
  }
  if (standard) items.set("control-plane.standard", standard);
  if (standard && surcharge && !standard.tiers && !surcharge.tiers) {
    items.set("control-plane.extended", {
      ...surcharge,
      description: `Amazon EKS cluster in extended support: ${standard.price} standard + ${surcharge.price} extended support surcharge per cluster-hour`,
      price: new Big(standard.price).plus(surcharge.price).toFixed(),
      usageType: `${standard.usageType ?? CLUSTER_HOURS} + ${surcharge.usageType ?? EXTENDED_SUPPORT}`,
      sku: `${standard.sku} + ${surcharge.sku}`,
    });
  }
  return items;
}

export function hasAllFargate(items: Map<EksId, PriceItem>): boolean {
  return Object.values(FARGATE_USAGE).every((id) => items.has(id));
}
