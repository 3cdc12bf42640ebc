import type { InstanceSpecs, PriceItem } from "../../domain/price.ts";
import type { SpecsOf } from "../../fallback/specs.ts";
import type { PriceListProduct } from "./price-list.ts";
import { type PriceQuery, parseCount, parseGiB, productItem } from "./products.ts";
import { type ReservedRate, reservedRates } from "./reserved-rates.ts";
import { isForRegion } from "./usage-types.ts";

/** How many instance types one ANY_OF filter carries. */
export const EC2_TYPES_PER_QUERY = 50;

/**
 * EC2 on-demand Linux, shared tenancy, no pre-installed software, used capacity, plain `RunInstances`:
 * the last excludes the $0 Capacity Block twin (`RunInstances:CB`) and licensed variants.
 */
const BASE_FILTERS = [
  { field: "operatingSystem", value: "Linux" },
  { field: "tenancy", value: "Shared" },
  { field: "preInstalledSw", value: "NA" },
  { field: "capacitystatus", value: "Used" },
  { field: "operation", value: "RunInstances" },
] as const;

export function ec2Queries(region: string, instanceTypes?: readonly string[]): PriceQuery[] {
  const base = [{ field: "regionCode", value: region }, ...BASE_FILTERS];
  if (!instanceTypes) return [{ serviceCode: "AmazonEC2", filters: base }];
  const queries: PriceQuery[] = [];
  for (let i = 0; i < instanceTypes.length; i += EC2_TYPES_PER_QUERY) {
    const chunk = instanceTypes.slice(i, i + EC2_TYPES_PER_QUERY);
    queries.push({
      serviceCode: "AmazonEC2",
      filters: [
        ...base,
        chunk.length === 1
          ? { field: "instanceType", value: chunk[0] as string }
          : { field: "instanceType", value: chunk.join(","), type: "ANY_OF" },
      ],
    });
  }
  return queries;
}

/** Checks every attribute the query filtered on: answers are not trusted to honour filters. */
function isPlainLinuxOnDemand(product: PriceListProduct, region: string): boolean {
  const a = product.attributes;
  return (
    product.serviceCode === "AmazonEC2" &&
    isForRegion(a, region) &&
    BASE_FILTERS.every((f) => a[f.field] === f.value) &&
    (a.licenseModel === undefined || a.licenseModel === "No License required") &&
    (a.marketoption === undefined || a.marketoption === "OnDemand") &&
    typeof a.instanceType === "string"
  );
}

/**
 * What the type is: as DescribeInstanceTypes states it (the spec catalogue), else the vCPU and memory
 * the Price List product states (a type newer than the catalogue).
 */
function specsOf(attributes: Record<string, string>, stated: InstanceSpecs | undefined): InstanceSpecs {
  if (stated) return stated;
  const vcpu = parseCount(attributes.vcpu);
  const memoryGiB = parseGiB(attributes.memory);
  return { ...(vcpu === undefined ? {} : { vcpu }), ...(memoryGiB === undefined ? {} : { memoryGiB }) };
}

/**
 * What one GetProducts item says of an instance type: its on-demand item and the Reserved terms the
 * same SKU carries. Cached together per (region, type), so one query sequence answers both.
 */
export interface Ec2Offer {
  item: PriceItem;
  reserved: ReservedRate[];
}

/** Instance type → offer. When AWS returns more than one candidate, the first non-zero price wins. */
export function ec2Offers(region: string, products: readonly PriceListProduct[], stated: SpecsOf = () => undefined): Map<string, Ec2Offer> {
  const offers = new Map<string, Ec2Offer>();
  for (const product of products) {
    if (!isPlainLinuxOnDemand(product, region)) continue;
    const a = product.attributes;
    const type = a.instanceType as string;
    if (offers.has(type)) continue;
    const item = productItem(product, type, "hour", specsOf(a, stated(type)));
    if (item) offers.set(type, { item, reserved: reservedRates(product) });
  }
  return offers;
}

/** Instance type → on-demand item. */
export function ec2Items(region: string, products: readonly PriceListProduct[], stated: SpecsOf = () => undefined): Map<string, PriceItem> {
  return new Map([...ec2Offers(region, products, stated)].map(([type, offer]) => [type, offer.item]));
}
