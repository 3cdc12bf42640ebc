import type { PriceItem } from "../../domain/price.ts";
import { LAMBDA_ITEMS } from "./catalog.ts";
import type { PriceListProduct } from "./price-list.ts";
import { type PriceQuery, productItem } from "./products.ts";
import { isForRegion, usageTypeSuffix } from "./usage-types.ts";

type LambdaId = keyof typeof LAMBDA_ITEMS;

/** Lambda usage types with the region prefix stripped (us-east-1 has none: "Request", "EU-Request"). */
const LAMBDA_USAGE: Record<string, LambdaId> = {
  Request: "requests",
  "Lambda-GB-Second": "duration.x86_64",
  "Lambda-GB-Second-ARM": "duration.arm64",
  "Lambda-Provisioned-Concurrency": "provisioned-concurrency.x86_64",
  "Lambda-Provisioned-Concurrency-ARM": "provisioned-concurrency.arm64",
  "Lambda-Provisioned-GB-Second": "provisioned-duration.x86_64",
  "Lambda-Provisioned-GB-Second-ARM": "provisioned-duration.arm64",
  "Lambda-Storage-GB-Second": "ephemeral-storage",
  "Lambda-Edge-GB-Second": "edge.duration",
  "Lambda-Edge-Request": "edge.requests",
};

/** The `group` attribute AWS uses for the same items, where the usage type alone is ambiguous. */
const LAMBDA_GROUP: Record<string, LambdaId> = {
  "AWS-Lambda-Requests": "requests",
  "AWS-Lambda-Duration": "duration.x86_64",
  "AWS-Lambda-Duration-ARM": "duration.arm64",
  "AWS-Lambda-Provisioned-Concurrency": "provisioned-concurrency.x86_64",
  "AWS-Lambda-Provisioned-Concurrency-ARM": "provisioned-concurrency.arm64",
  "AWS-Lambda-Duration-Provisioned": "provisioned-duration.x86_64",
  "AWS-Lambda-Duration-Provisioned-ARM": "provisioned-duration.arm64",
  "AWS-Lambda-Storage-Duration": "ephemeral-storage",
  "AWS-Lambda-Edge-Duration": "edge.duration",
  "AWS-Lambda-Edge-Requests": "edge.requests",
};

export function lambdaQueries(region: string): PriceQuery[] {
  return [{ serviceCode: "AWSLambda", filters: [{ field: "regionCode", value: region }] }];
}

/**
 * Lambda@Edge requests are priced in the AmazonCloudFront offer, whose items may carry no
 * `regionCode`; one query by group returns them for every region, matched by usage-type prefix.
 */
export function lambdaEdgeRequestQueries(): PriceQuery[] {
  return [
    { serviceCode: "AmazonCloudFront", filters: [{ field: "group", value: "AWS-Lambda-Edge-Requests" }] },
  ];
}

function lambdaId(product: PriceListProduct, region: string): LambdaId | undefined {
  const a = product.attributes;
  const byUsage = a.usagetype ? LAMBDA_USAGE[usageTypeSuffix(a.usagetype, region)] : undefined;
  return byUsage ?? (a.group ? LAMBDA_GROUP[a.group] : undefined);
}

export function lambdaItems(region: string, products: readonly PriceListProduct[]): Map<LambdaId, PriceItem> {
  const items = new Map<LambdaId, PriceItem>();
  for (const product of products) {
    if (!isForRegion(product.attributes, region)) continue;
    const id = lambdaId(product, region);
    if (!id || items.has(id)) continue;
    const item = productItem(product, id, LAMBDA_ITEMS[id]);
    if (item) items.set(id, item);
  }
  return items;
}
