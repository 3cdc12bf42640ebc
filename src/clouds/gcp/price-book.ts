import type { Logger } from "pino";
import { isZero } from "../../domain/money.ts";
import type { CatalogSku } from "./billing-client.ts";

/**
 * A service's catalogue in its compact, cached form: only the SKUs a matcher recognises, each reduced
 * to its id, description, price and date, indexed region → key ("core:n2", "autopilot:cpu"). One book
 * per service is fetched once, cached whole (a few hundred kilobytes, not the tens of megabytes of raw
 * SKU JSON: it fits CACHE_MAX_BYTES and Redis alike) and every region is answered from it.
 */

/** One SKU, compacted (short field names: the book is cached and sent to Redis as JSON). */
export interface BookSku {
  /** skuId */
  id: string;
  /** Google's description, e.g. "N2 Instance Core running in Americas" */
  d: string;
  /** USD per usage unit, exact: the first tier priced above $0 */
  p: string;
  /** Usage a month that is free (a $0 first tier), when the SKU publishes one */
  f?: string;
  /** Every tier as [start, price] when more than one is priced above $0 (volume tiers) */
  t?: Array<[string, string]>;
  /** Effective date, YYYY-MM-DD */
  e: string;
}

export interface PriceBook {
  serviceId: string;
  /** When the book was read (YYYY-MM-DD): the as-of date of a SKU that states no effective time. */
  readOn: string;
  /** region code (or "global") → key → SKU */
  regions: Record<string, Record<string, BookSku>>;
}

/** What a matcher says of a SKU it recognises: its key, and the usage unit its price must be in. */
export interface Match {
  key: string;
  /** The Billing Catalog `usageUnit` (or units) the price must be in: "h", "GiBy.h", "s", "count". */
  usageUnit: string | readonly string[];
  /** The `category.usageType` the key prices: `OnDemand` unless said (`Preemptible`, `Commit1Yr`, `Commit3Yr`). */
  usageType?: string;
}

/** Recognises the SKUs one service's items are made of (by description and category, never by id). */
export type Matcher = (sku: CatalogSku) => Match | undefined;

/** A recognised SKU, compacted, with the regions it applies to. */
export interface BookEntry {
  key: string;
  regions: string[];
  sku: BookSku;
}

/**
 * Reduces one SKU for the book: USD prices of the usage type the key is for (on demand unless the
 * matcher says Preemptible or a commitment), in the unit the key expects, and never a SKU whose every
 * tier is $0 (nothing to price). Returns undefined for everything else.
 */
export function bookEntry(sku: CatalogSku, match: Matcher, logger?: Logger): BookEntry | undefined {
  if (sku.currency !== "USD") return undefined;
  const m = match(sku);
  if (!m || sku.usageType !== (m.usageType ?? "OnDemand")) return undefined;
  if (typeof m.usageUnit === "string" ? sku.usageUnit !== m.usageUnit : !m.usageUnit.includes(sku.usageUnit)) {
    logger?.warn({ skuId: sku.skuId, description: sku.description, usageUnit: sku.usageUnit, expected: m.usageUnit }, "a Cloud Billing SKU is priced in an unexpected unit; not used");
    return undefined;
  }
  const priced = sku.tiers.filter((t) => !isZero(t.price));
  const first = priced[0];
  if (!first) return undefined;
  const free = sku.tiers[0] && isZero(sku.tiers[0].price) ? first.start : undefined;
  const out: BookSku = { id: sku.skuId, d: sku.description, p: first.price, e: (sku.effectiveTime ?? "").slice(0, 10) };
  if (free !== undefined) out.f = free;
  if (priced.length > 1) out.t = priced.map((t) => [t.start, t.price]);
  return { key: m.key, regions: sku.regions, sku: out };
}

/**
 * The book from every recognised SKU. Where two SKUs claim the same key in a region, the one that
 * names fewer regions wins (a region's own SKU over a multi-region one); two equally specific SKUs
 * with different prices are ambiguous and neither is used (logged): a wrong match must not price.
 */
export function buildBook(serviceId: string, readOn: string, entries: readonly BookEntry[], logger?: Logger): PriceBook {
  const chosen = new Map<string, { sku: BookSku; span: number; ambiguous: boolean }>();
  for (const entry of entries) {
    for (const region of entry.regions) {
      const slot = `${region}\u0000${entry.key}`;
      const held = chosen.get(slot);
      const span = entry.regions.length;
      if (!held || span < held.span) chosen.set(slot, { sku: entry.sku, span, ambiguous: false });
      else if (span === held.span && held.sku.id !== entry.sku.id && held.sku.p !== entry.sku.p) held.ambiguous = true;
    }
  }
  const regions: PriceBook["regions"] = {};
  for (const [slot, { sku, ambiguous }] of chosen) {
    const [region, key] = slot.split("\u0000") as [string, string];
    if (ambiguous) {
      logger?.warn({ serviceId, region, key }, "two Cloud Billing SKUs match one price with different amounts; neither is used");
      continue;
    }
    (regions[region] ??= {})[key] = sku;
  }
  return { serviceId, readOn, regions };
}

/** The SKU for a key in a region: the region's own, else a global one (a SKU Google applies everywhere). */
export function lookup(book: PriceBook, region: string, key: string): BookSku | undefined {
  return book.regions[region]?.[key] ?? book.regions.global?.[key];
}

/** The newest effective date among the SKUs an item is made of (its `asOf`). */
export function asOf(book: PriceBook, skus: readonly BookSku[]): string {
  return skus.map((s) => s.e || book.readOn).reduce((a, b) => (b > a ? b : a), "");
}

/** "SKU 2922-40C5-B19F "A2 Instance Core running in Americas"", for descriptions. */
export function cite(sku: BookSku): string {
  return `SKU ${sku.id} "${sku.d}"`;
}
