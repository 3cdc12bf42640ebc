import type { PriceQuestion, PriceRequestOptions } from "../../domain/price.ts";
import { PURCHASE_DEFAULTS, type PurchaseOption, type PurchaseTerms } from "../../domain/purchase.ts";
import type { OptionQuote, OptionQuotes, OptionSource } from "../../pricing/purchase-provider.ts";
import { resolveTerms } from "../../pricing/purchase-terms.ts";
import type { CachedLoader, FetchMany } from "../../resilience/cached-loader.ts";
import type { Ec2Offer } from "./ec2.ts";

export interface AwsReservedOptions {
  /** The loader of the on-demand prices: the same keys, flights and cached offers. */
  loader: CachedLoader;
  /** The one GetProducts query sequence of a region's instance types (live-prices.ts `ec2OfferFetch`). */
  fetch: (region: string) => FetchMany<Ec2Offer>;
  key: (region: string, type: string) => string;
}

/**
 * AWS EC2 reserved instances, live: the Price List's `Reserved` terms of the same items (Linux, shared
 * tenancy, no pre-installed software, used capacity, RunInstances) that price EC2 on demand, read from
 * the offers the on-demand source caches per (region, instance type): one upstream query sequence
 * answers both. Each quote is the term's `Hrs` rate and `Quantity` upfront fee exactly as published.
 *
 * Undefined (the tables answer) for a listing without instance types: a region's every type would be
 * the whole EC2 offer. A failing Price List throws the guard's UpstreamError: the provider then answers
 * from the tables (source "fallback").
 */
export class AwsReservedPrices implements OptionSource {
  readonly #o: AwsReservedOptions;

  constructor(options: AwsReservedOptions) {
    this.#o = options;
  }

  async quotes(q: PriceQuestion & { purchase: PurchaseOption }, options: PriceRequestOptions): Promise<OptionQuotes | undefined> {
    if (q.service !== "ec2" || q.purchase.option !== "reserved" || !q.ids || q.ids.length === 0) return undefined;
    const ids = [...new Set(q.ids)];
    const keyOf = (type: string) => this.#o.key(q.region, type);
    const loaded = await this.#o.loader.loadMany<Ec2Offer>(ids.map(keyOf), this.#o.fetch(q.region), { signal: options.signal });
    const offers = ids.flatMap((id) => {
      const hit = loaded.get(keyOf(id));
      return hit?.value ? [{ id, offer: hit.value, source: hit.source }] : [];
    });
    const terms = offers.flatMap((o) => o.offer.reserved.map((r) => r.terms as PurchaseTerms));
    // Nothing sold for any id: each is unavailable (the provider lists them), with the terms asked.
    if (terms.length === 0) return { terms, quotes: new Map(), resolved: withDefaults(q.purchase) };
    const resolved = resolveTerms(q.purchase, terms, `Amazon EC2 ${ids.join(", ")} in ${q.region}`);
    const quotes = new Map<string, OptionQuote>();
    for (const { id, offer, source } of offers) {
      const rate = offer.reserved.find((r) => r.terms.term === resolved.term && r.terms.payment === resolved.payment && r.terms.offeringClass === resolved.offeringClass);
      if (!rate) continue;
      quotes.set(id, {
        id,
        terms: rate.terms,
        recurring: rate.recurring,
        upfront: rate.upfront,
        source,
        asOf: offer.item.asOf,
        sku: offer.item.sku,
        note: `AWS Price List Reserved term ${rate.offerTermCode}${rate.effectiveDate ? ` (effective ${rate.effectiveDate.slice(0, 10)})` : ""}: Hrs and Quantity (upfront fee) dimensions as published`,
      });
    }
    return { terms, quotes, resolved };
  }
}

/** The terms asked, with the defaults filled in (what an answer with no reserved price names). */
function withDefaults(asked: PurchaseOption): PurchaseTerms {
  return {
    option: "reserved",
    term: asked.term ?? PURCHASE_DEFAULTS.term,
    payment: asked.payment ?? PURCHASE_DEFAULTS.payment,
    offeringClass: asked.offeringClass ?? PURCHASE_DEFAULTS.offeringClass,
  };
}
