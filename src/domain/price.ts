/**
 * The cloud-neutral price model. Prices are decimal strings exactly as the provider publishes them;
 * any arithmetic on them goes through `money.ts`, never through binary floats.
 */

/** Where an answer came from. */
export const SOURCES = ["live", "cache", "stale", "fallback", "mock"] as const;
export type Source = (typeof SOURCES)[number];

export const UNITS = ["hour", "vcpu-hour", "gb-hour", "request", "gb-second", "second"] as const;
export type Unit = (typeof UNITS)[number];

/** One band of a tiered price; `to: null` is open-ended. Ranges are in `unit`s per month. */
export interface PriceTier {
  from: string;
  to: string | null;
  price: string;
}

export interface PriceItem {
  id: string;
  description: string;
  unit: Unit;
  /** Decimal string per `unit`; for tiered items, the first tier's price. */
  price: string;
  tiers?: PriceTier[];
  vcpu?: number;
  memoryGiB?: number;
  /** The provider's own identity of the price, for reconciling live and fallback answers. */
  usageType?: string;
  sku?: string;
  source: Source;
  /** ISO date (YYYY-MM-DD) or timestamp of the data behind the price. */
  asOf: string;
}

/** An id that was asked for (or is part of the service's catalogue) but has no price we can stand behind. */
export interface Unavailable {
  id: string;
  reason: string;
}

export interface PriceSet {
  items: PriceItem[];
  unavailable: Unavailable[];
}

export interface LambdaFreeTier {
  requests: string;
  gbSeconds: string;
  source: string;
  asOf: string;
}
