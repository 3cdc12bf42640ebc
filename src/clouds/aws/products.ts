import { isZero } from "../../domain/money.ts";
import type { InstanceSpecs, PriceItem, PriceTier, Unit } from "../../domain/price.ts";
import type { PriceDimension, PriceFilter, PriceListProduct } from "./price-list.ts";

/** One GetProducts query sequence. */
export interface PriceQuery {
  serviceCode: string;
  filters: PriceFilter[];
}

/** The date a live price is "as of": the offer's publication, else the term's effective date. */
export function productAsOf(product: PriceListProduct): string {
  return product.publicationDate ?? product.effectiveDate ?? new Date().toISOString();
}

/**
 * The product's on-demand price as an item: one dimension is a flat price, several are tiers
 * (`beginRange`/`endRange`, "Inf" → `to: null`). Returns undefined for a product AWS prices at 0
 * (the Capacity Block twin SKU, free variants): a missing price is never served as 0.
 */
export function productItem(
  product: PriceListProduct,
  id: string,
  unit: Unit,
  extra: InstanceSpecs = {},
): PriceItem | undefined {
  const dims = product.dimensions;
  const first = dims[0];
  if (!first) return undefined;
  if (dims.every((d) => isZero(d.usd))) return undefined;
  const tiers: PriceTier[] | undefined =
    dims.length > 1
      ? dims.map((d: PriceDimension) => ({
          from: d.beginRange,
          to: d.endRange === "Inf" ? null : d.endRange,
          price: d.usd,
        }))
      : undefined;
  if (!tiers && isZero(first.usd)) return undefined;
  return {
    id,
    description: first.description,
    unit,
    price: first.usd,
    ...(tiers ? { tiers } : {}),
    ...extra,
    ...(product.attributes.usagetype ? { usageType: product.attributes.usagetype } : {}),
    sku: product.sku,
    source: "live",
    asOf: productAsOf(product),
  };
}

/** "8 GiB" → 8, "1,952 GiB" → 1952, "0.5 GiB" → 0.5; undefined for "NA". */
export function parseGiB(memory: string | undefined): number | undefined {
  if (!memory) return undefined;
  const match = /^([\d,]+(?:\.\d+)?)\s*GiB$/i.exec(memory.trim());
  return match ? Number((match[1] as string).replaceAll(",", "")) : undefined;
}

export function parseCount(value: string | undefined): number | undefined {
  if (!value || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}
