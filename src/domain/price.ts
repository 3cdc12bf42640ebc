import type { PurchaseDetails, PurchaseOption } from "./purchase.ts";

/**
 * The cloud-neutral price model. Prices are decimal strings exactly as the provider publishes them;
 * any arithmetic on them goes through `money.ts` (big.js), never through binary floats.
 */

/** Where an answer came from. */
export const SOURCES = ["live", "cache", "stale", "fallback", "mock"] as const;
export type Source = (typeof SOURCES)[number];

export const UNITS = ["hour", "vcpu-hour", "gb-hour", "request", "gb-second", "second"] as const;
export type Unit = (typeof UNITS)[number];

export const ARCHITECTURES = ["x86_64", "arm64"] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** One band of a tiered price; `to: null` is open-ended. Ranges are in `unit`s per month. */
export interface PriceTier {
  from: string;
  to: string | null;
  price: string;
}

export interface Gpu {
  count: number;
  /** Absent when no source names the model (the count is still stated). */
  model?: string;
  manufacturer?: string;
  /** Total GPU memory of the instance, GiB. */
  memoryGiB?: number;
}

/** What an instance type is, as its cloud states it (never parsed from the name). */
export interface InstanceSpecs {
  vcpu?: number;
  memoryGiB?: number;
  architecture?: Architecture;
  gpu?: Gpu;
  burstable?: boolean;
}

/**
 * One published price of an item billed as the sum of several (AKS Premium: the Uptime SLA meter plus
 * the Long Term Support meter): its name at the provider (the meter) and its price per the item's unit.
 */
export interface PricePart {
  name: string;
  price: string;
  sku?: string;
}

/** What a price is, wherever it is kept: a served item and a fallback-table row share these fields. */
export interface PriceFields extends InstanceSpecs {
  id: string;
  description: string;
  unit: Unit;
  /** Decimal string per `unit`; for tiered items, the first tier's price. */
  price: string;
  tiers?: PriceTier[];
  /** When the price is the sum of several published prices: each of them (their sum is `price`). */
  parts?: PricePart[];
  /** The provider's own identity of the price, for reconciling live and fallback answers. */
  usageType?: string;
  sku?: string;
  /** ISO date (YYYY-MM-DD) or timestamp of the data behind the price. */
  asOf: string;
}

export interface PriceItem extends PriceFields {
  /** Where the answer came from. */
  source: Source;
  /** Bought other than on demand: the terms, the published rates and how `price` was computed. */
  purchase?: PurchaseDetails;
}

/** An id that was asked for (or is part of the service's catalogue) but has no price we can stand behind. */
export interface Unavailable {
  id: string;
  reason: string;
}

/**
 * A monthly free grant (Lambda's 1M requests and 400,000 GB-seconds, …): amounts as decimal strings
 * by name, with where they are published.
 */
export interface FreeTier {
  [amount: string]: string;
  source: string;
  asOf: string;
}

export interface PriceSet {
  items: PriceItem[];
  unavailable: Unavailable[];
  freeTier?: FreeTier;
}

/**
 * One price question, for any cloud and service. `ids` undefined asks for everything the service
 * lists (narrowed by `filter`, e.g. a SageMaker component); `filter` holds the service's own
 * narrowing parameters as canonical strings. `purchase` absent is on-demand.
 */
export interface PriceQuestion {
  cloud: string;
  service: string;
  region: string;
  ids?: readonly string[] | undefined;
  filter?: Readonly<Record<string, string>> | undefined;
  /** Instance services: what the instances must be, and the order and number of the answer. */
  specs?: SpecFilter | undefined;
  /** How the price is bought when not on demand (reserved, savings plan, spot). */
  purchase?: PurchaseOption | undefined;
}

/**
 * A search by what an instance is (`pricing/spec-filter.ts` parses and applies it). An item whose spec
 * is unknown never meets a constraint on that spec.
 */
export interface SpecFilter {
  minVcpu?: number;
  maxVcpu?: number;
  minMemoryGiB?: number;
  maxMemoryGiB?: number;
  architecture?: Architecture;
  /** true: has a GPU; false: has none; a string: a GPU of that model (case-insensitive). */
  gpu?: boolean | string;
  families?: string[];
  sort?: { key: "price" | "vcpu" | "memory"; descending: boolean };
  limit?: number;
}

export interface PriceRequestOptions {
  /** Aborted when the caller gives up (client gone, request deadline). */
  signal?: AbortSignal | undefined;
}

/**
 * Answers price questions. Implementations: the fallback tables (mock mode, and live mode's last
 * resort) and each cloud's live pipeline. All throw `ApiError("price_not_available")` when nothing at
 * all can be priced and list what they could not price in `unavailable` otherwise: never a price of
 * "0" for missing data.
 */
export interface PriceProvider {
  /** `mock` for mock-mode composition, `live` for a cloud's live pipeline (which may fall back). */
  readonly origin: "live" | "mock";
  price(question: PriceQuestion, options?: PriceRequestOptions): Promise<PriceSet>;
}
